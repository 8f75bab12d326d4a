import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeLivebrushDb, livebrushDb } from '$lib/storage/db';
import {
  deletePreset,
  duplicatePreset,
  listPresets,
  loadPreset,
  readPresetRecord,
  renamePreset,
  restorePreset,
  savePreset
} from '$lib/storage/presets';
import { decodePngToRgba } from '$lib/storage/images';
import type { StyleSnapshot } from '$lib/studio/types';
import { freshIndexedDb, patternImage, styleSnapshot, TINY_NETWORK, tinyWeights } from '../fixtures/storage/fixtures';

beforeEach(freshIndexedDb);
afterEach(closeLivebrushDb);

/** `snapshot` with each keyframe's frame at capture size: `scale` times its keyframe, its own pattern. */
function withFullFrames(snapshot: StyleSnapshot, scale = 5): StyleSnapshot {
  const keyframes = snapshot.keyframes.map((keyframe, index) => ({
    ...keyframe,
    full: patternImage(keyframe.input.width * scale, keyframe.input.height * scale, 41 + index)
  }));
  return { ...snapshot, keyframes };
}

describe('presets', () => {
  it('saves a style and loads back exactly the same keyframes, full-size frames, strokes, weights and stats', async () => {
    const snapshot = withFullFrames(styleSnapshot(tinyWeights(), 2));
    const saved = await savePreset(snapshot, '  Neon   night ');
    expect(saved.name).toBe('Neon night');
    expect(saved.steps).toBe(120);
    const loaded = await loadPreset(saved.id);
    expect(loaded).toEqual(snapshot);
    expect(loaded.keyframes[1].mask).toBeNull();
    const record = await readPresetRecord(saved.id);
    expect(record.network).toEqual(TINY_NETWORK);
    expect(record.keyframes[0].painting.png.type).toBe('image/png');
    expect(record.keyframes[1].full).toMatchObject({ width: 120, height: 80, png: expect.any(Blob) });
  });

  it('loads a style saved before full-size frames were kept, with no full-size frames', async () => {
    const snapshot = styleSnapshot(tinyWeights(), 2);
    const saved = await savePreset(withFullFrames(snapshot), 'Old style');
    const db = await livebrushDb();
    const record = await db.get('presets', saved.id);
    const keyframes = record!.keyframes.map(({ full, ...older }) => older);
    await db.put('presets', { ...record!, keyframes });

    const loaded = await loadPreset(saved.id);
    expect(loaded.keyframes.map((keyframe) => keyframe.full)).toEqual([null, null]);
    expect(loaded).toEqual({ ...snapshot, keyframes: snapshot.keyframes.map((keyframe) => ({ ...keyframe, full: null })) });
  });

  it('keeps a thumbnail of the first painting, small enough for the gallery', async () => {
    const snapshot = styleSnapshot(null, 1, 320, 200);
    const saved = await savePreset(snapshot, 'Wide');
    const thumbnail = decodePngToRgba(new Uint8Array(await saved.thumbnail.arrayBuffer()));
    expect([thumbnail.width, thumbnail.height]).toEqual([160, 100]);
    const [summary] = await listPresets();
    expect(summary.thumbnail.size).toBe(saved.thumbnail.size);
  });

  it('lists styles newest first, and a renamed style moves to the top', async () => {
    const a = await savePreset(styleSnapshot(null, 1), 'A');
    const b = await savePreset(styleSnapshot(null, 1), 'B');
    const c = await savePreset(styleSnapshot(null, 1), 'C');
    expect((await listPresets()).map((p) => p.name)).toEqual(['C', 'B', 'A']);
    await renamePreset(a.id, 'A renamed');
    expect((await listPresets()).map((p) => p.name)).toEqual(['A renamed', 'C', 'B']);
    expect((await listPresets()).map((p) => p.id)).toEqual([a.id, c.id, b.id]);
  });

  it('duplicates a style into an independent copy', async () => {
    const original = await savePreset(styleSnapshot(tinyWeights(), 1), 'Ink');
    const copy = await duplicatePreset(original.id);
    expect(copy.id).not.toBe(original.id);
    expect(copy.name).toBe('Ink copy');
    expect(await loadPreset(copy.id)).toEqual(await loadPreset(original.id));
    await deletePreset(original.id);
    expect((await loadPreset(copy.id)).weights).toEqual(tinyWeights());
  });

  it('deletes a style and Undo puts it back unchanged', async () => {
    const keep = await savePreset(styleSnapshot(null, 1), 'Keep');
    const gone = await savePreset(styleSnapshot(tinyWeights(), 2), 'Gone');
    const before = await loadPreset(gone.id);
    const deleted = await deletePreset(gone.id);
    expect((await listPresets()).map((p) => p.id)).toEqual([keep.id]);
    await expect(loadPreset(gone.id)).rejects.toThrow(/no longer exists/);
    await restorePreset(deleted);
    expect((await listPresets()).map((p) => p.id)).toEqual([gone.id, keep.id]);
    expect(await loadPreset(gone.id)).toEqual(before);
  });

  it('refuses empty names and styles without a keyframe, storing nothing', async () => {
    await expect(savePreset(styleSnapshot(null, 1), '   ')).rejects.toThrow('Give the style a name.');
    await expect(savePreset(styleSnapshot(null, 0), 'Empty')).rejects.toThrow(/Capture a keyframe/);
    await expect(renamePreset('missing', 'X')).rejects.toThrow(/no longer exists/);
    expect(await listPresets()).toEqual([]);
  });

  it('maps a full disk to "Storage is full" and leaves the gallery exactly as it was', async () => {
    const existing = await savePreset(styleSnapshot(tinyWeights(), 1), 'Existing');
    const before = await (await livebrushDb()).getAll('presets');

    const add = vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    try {
      await expect(savePreset(styleSnapshot(tinyWeights(), 2), 'Too big')).rejects.toThrow(/^Storage is full/);
      await expect(duplicatePreset(existing.id)).rejects.toThrow(/^Storage is full/);
      await expect(renamePreset(existing.id, 'Renamed')).rejects.toThrow(/^Storage is full/);
    } finally {
      add.mockRestore();
      put.mockRestore();
    }
    expect(await (await livebrushDb()).getAll('presets')).toEqual(before);
  });

  it('aborts the whole write when the browser fails the transaction at commit', async () => {
    await savePreset(styleSnapshot(null, 1), 'Existing');
    const realAdd = IDBObjectStore.prototype.add;
    const add = vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (this: IDBObjectStore, ...args) {
      const request = realAdd.apply(this, args);
      // The record is written, then the transaction dies before committing (as a quota abort does).
      request.addEventListener('success', () => this.transaction.abort());
      return request;
    });
    try {
      await expect(savePreset(styleSnapshot(null, 1), 'Half')).rejects.toThrow();
    } finally {
      add.mockRestore();
    }
    expect((await listPresets()).map((p) => p.name)).toEqual(['Existing']);
  });
});
