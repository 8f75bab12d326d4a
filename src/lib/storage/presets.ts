import type { RgbaImage } from '$lib/ml/types';
import type { StyleKeyframe, StyleSnapshot } from '$lib/studio/types';
import { livebrushDb, type PngImage, type PresetRecord } from './db';
import { mapQuotaErrors, PresetNotFoundError } from './errors';
import { beforeAfterThumbnail, decodePngToRgba, encodeRgbaPng } from './images';
import { readNetworkConfig } from './validators';
import { m } from '$lib/paraglide/messages';

/** The longest style name accepted, in characters. */
export const MAX_NAME_LENGTH = 80;

/** What the gallery shows of a saved style. */
export interface PresetSummary {
  id: string;
  name: string;
  created: number;
  updated: number;
  /** A small PNG of the first painting. */
  thumbnail: Blob;
  /** Training steps behind the saved weights (0: the style has no trained network yet). */
  steps: number;
}

/** A deleted style, held by the caller so that "Undo" can put it back exactly. */
export interface DeletedPreset {
  readonly record: PresetRecord;
}

/** The name, trimmed; throws a message for the person if it is empty or too long. */
export function cleanPresetName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  if (!trimmed) throw new Error(m.name_required());
  if (trimmed.length > MAX_NAME_LENGTH) throw new Error(m.name_too_long({ max: MAX_NAME_LENGTH }));
  return trimmed;
}

/** Saves the studio's style under `name` as a new preset (one transaction: all of it or nothing). */
export async function savePreset(snapshot: StyleSnapshot, name: string): Promise<PresetSummary> {
  const record = buildPresetRecord(snapshot, name);
  await addPresetRecord(record);
  return summarize(record);
}

/**
 * The preset record of a style, PNGs encoded, not stored (savePreset stores it; export zips it).
 * Throws a message for the person if the name is unusable or the style has no keyframe.
 */
export function buildPresetRecord(snapshot: StyleSnapshot, name: string): PresetRecord {
  const cleanName = cleanPresetName(name);
  if (snapshot.keyframes.length === 0) throw new Error(m.save_needs_keyframe());
  const now = nextTimestamp();
  // Everything slow (PNG encoding) happens before any transaction opens: IndexedDB commits a
  // transaction as soon as it waits on anything else.
  return {
    id: crypto.randomUUID(),
    name: cleanName,
    created: now,
    updated: now,
    thumbnail: pngBlob(encodeRgbaPng(beforeAfterThumbnail(snapshot.keyframes[0].input, snapshot.keyframes[0].painting))),
    keyframes: snapshot.keyframes.map((keyframe) => ({
      input: toPngImage(keyframe.input),
      full: keyframe.full ? toPngImage(keyframe.full) : null,
      painting: toPngImage(keyframe.painting),
      mask: keyframe.mask ? toPngImage(keyframe.mask) : null,
      strokes: keyframe.strokes
    })),
    network: snapshot.weights ? readNetworkConfig(snapshot.weights) : null,
    weights: snapshot.weights ? snapshot.weights.slice() : null,
    stats: { ...snapshot.stats }
  };
}

/** Every saved style, most recently updated first. */
export async function listPresets(): Promise<PresetSummary[]> {
  const db = await livebrushDb();
  const records = await db.getAllFromIndex('presets', 'by-updated');
  return records.reverse().map(summarize);
}

/** The saved style `id`, decoded into the snapshot the studio applies. */
export async function loadPreset(id: string): Promise<StyleSnapshot> {
  const record = await readPresetRecord(id);
  const keyframes: StyleKeyframe[] = [];
  for (const keyframe of record.keyframes) {
    keyframes.push({
      input: await fromPngImage(keyframe.input),
      full: keyframe.full ? await fromPngImage(keyframe.full) : null,
      painting: await fromPngImage(keyframe.painting),
      mask: keyframe.mask ? await fromPngImage(keyframe.mask) : null,
      strokes: structuredClone(keyframe.strokes)
    });
  }
  return { keyframes, weights: record.weights ? record.weights.slice() : null, stats: { ...record.stats } };
}

/** Renames the style `id`; it moves to the top of the gallery. */
export async function renamePreset(id: string, name: string): Promise<void> {
  const cleanName = cleanPresetName(name);
  await updateRecord(id, (record) => ({ ...record, name: cleanName, updated: nextTimestamp() }));
}

/** Copies the style `id` under a new name ("… copy" by default) and returns the copy. */
export async function duplicatePreset(id: string, name?: string): Promise<PresetSummary> {
  const original = await readPresetRecord(id);
  const now = nextTimestamp();
  const copy: PresetRecord = {
    ...original,
    id: crypto.randomUUID(),
    name: cleanPresetName(name ?? copyName(original.name)),
    created: now,
    updated: now
  };
  await addPresetRecord(copy);
  return summarize(copy);
}

/** Deletes the style `id` and returns it for {@link restorePreset} (the "Undo" of the toast). */
export async function deletePreset(id: string): Promise<DeletedPreset> {
  const record = await readPresetRecord(id);
  const db = await livebrushDb();
  await db.delete('presets', id);
  return { record };
}

/** Puts a deleted style back exactly as it was (same id, name, dates and contents). */
export async function restorePreset(deleted: DeletedPreset): Promise<PresetSummary> {
  await addPresetRecord(deleted.record);
  return summarize(deleted.record);
}

/** The stored record of the style `id` (PNG blobs and weights as saved), for export. */
export async function readPresetRecord(id: string): Promise<PresetRecord> {
  const db = await livebrushDb();
  const record = await db.get('presets', id);
  if (!record) throw new PresetNotFoundError(id);
  return record;
}

/**
 * Writes a complete preset record in one transaction; if the browser refuses (quota), the
 * transaction is aborted, nothing is kept, and a StorageFullError says so.
 */
export async function addPresetRecord(record: PresetRecord): Promise<void> {
  await mapQuotaErrors(async () => {
    const db = await livebrushDb();
    const tx = db.transaction('presets', 'readwrite');
    try {
      await Promise.all([tx.store.add(record), tx.done]);
    } catch (error) {
      abortQuietly(tx);
      await tx.done.catch(() => undefined);
      throw error;
    }
  });
}

/** A millisecond timestamp strictly after every one this tab handed out before (stable ordering). */
export function nextTimestamp(): number {
  lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
  return lastTimestamp;
}

let lastTimestamp = 0;

async function updateRecord(id: string, change: (record: PresetRecord) => PresetRecord): Promise<void> {
  await mapQuotaErrors(async () => {
    const db = await livebrushDb();
    const tx = db.transaction('presets', 'readwrite');
    try {
      const record = await tx.store.get(id);
      if (!record) throw new PresetNotFoundError(id);
      await Promise.all([tx.store.put(change(record)), tx.done]);
    } catch (error) {
      abortQuietly(tx);
      await tx.done.catch(() => undefined);
      throw error;
    }
  });
}

function abortQuietly(tx: { abort(): void }): void {
  try {
    tx.abort();
  } catch {
    // Already finished or aborted by the browser: nothing more to undo.
  }
}

/** What the gallery shows of a stored record. */
export function summarize(record: PresetRecord): PresetSummary {
  const { id, name, created, updated, thumbnail, stats } = record;
  return { id, name, created, updated, thumbnail, steps: record.weights ? stats.steps : 0 };
}

function copyName(name: string): string {
  const base = m.copy_name({ name });
  return base.length <= MAX_NAME_LENGTH ? base : m.copy_name({ name: name.slice(0, MAX_NAME_LENGTH - (base.length - name.length)) });
}

/** Wraps PNG bytes in a Blob (IndexedDB keeps blobs out of line, so listing stays cheap). */
export function pngBlob(bytes: Uint8Array): Blob {
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' });
}

function toPngImage(image: RgbaImage): PngImage {
  return { width: image.width, height: image.height, png: pngBlob(encodeRgbaPng(image)) };
}

async function fromPngImage(image: PngImage): Promise<RgbaImage> {
  return decodePngToRgba(new Uint8Array(await image.png.arrayBuffer()));
}
