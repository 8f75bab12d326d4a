import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeLivebrushDb, livebrushDb, SESSION_FULL_FRAMES_KEY, type SessionFullFramesRecord } from '$lib/storage/db';
import { readSessionRecord, restoreSession, startAutosave, type Autosave } from '$lib/storage/session';
import type { StyleSnapshot } from '$lib/studio/types';
import { FakeStudioHost, freshIndexedDb, patternImage, strokeDocument, styleSnapshot } from '../fixtures/storage/fixtures';

/** A page whose visibility and unload the test controls. */
function fakePage() {
  const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  const window = new EventTarget();
  return { document, window };
}

/** A studio host that shares its keyframes at capture size between snapshots, as the studio does (they never change once captured). */
class CaptureSizeHost extends FakeStudioHost {
  override async captureStyle(): Promise<StyleSnapshot> {
    const copy = await super.captureStyle();
    copy.keyframes.forEach((keyframe, index) => (keyframe.full = this.style.keyframes[index].full));
    return copy;
  }
}

/** A style of two keyframes, each with its frame at capture size (96×64). */
function withCaptureSize(): StyleSnapshot {
  const style = styleSnapshot(new Uint8Array([4]), 2);
  style.keyframes.forEach((keyframe, index) => (keyframe.full = patternImage(96, 64, 31 + index)));
  return style;
}

let autosave: Autosave | null = null;
beforeEach(freshIndexedDb);
afterEach(async () => {
  await autosave?.stop();
  autosave = null;
  await closeLivebrushDb();
});

describe('crash-safe session', () => {
  it('saves a new stroke without any explicit save, and a fresh studio gets exactly that painting back', async () => {
    const host = new FakeStudioHost(styleSnapshot(new Uint8Array([9, 8, 7]), 1));
    autosave = startAutosave(host, { strokesDelayMs: 20, weightsIntervalMs: 60_000, lifecycle: fakePage() });
    host.style.keyframes[0].strokes = strokeDocument(24, 16, 5);
    host.style.keyframes[0].painting.data[10] = 1;
    host.emit('strokes');
    await vi.waitFor(async () => expect((await readSessionRecord())?.keyframes[0].strokes).toEqual(strokeDocument(24, 16, 5)));

    // The tab "crashes": nothing flushes; a new studio starts empty and restores.
    const reopened = new FakeStudioHost(styleSnapshot(null, 0));
    const restored = await restoreSession(reopened);
    expect(restored).not.toBeNull();
    expect(reopened.applied).toHaveLength(1);
    expect(reopened.style).toEqual(host.style);
    expect([...reopened.style.weights!]).toEqual([9, 8, 7]);
  });

  it('coalesces a burst of stroke changes into few saves', async () => {
    const host = new FakeStudioHost(styleSnapshot(null, 1));
    autosave = startAutosave(host, { strokesDelayMs: 50, weightsIntervalMs: 60_000, lifecycle: fakePage() });
    for (let i = 0; i < 30; i++) host.emit('strokes');
    await autosave.flush();
    expect(host.captures).toBe(1);
    expect(await readSessionRecord()).not.toBeNull();
  });

  it('checkpoints training at most once per interval, and the latest weights when the page is hidden', async () => {
    const page = fakePage();
    const host = new FakeStudioHost(styleSnapshot(new Uint8Array([1]), 1));
    autosave = startAutosave(host, { strokesDelayMs: 20, weightsIntervalMs: 60_000, lifecycle: page });
    host.emit('weights');
    await vi.waitFor(() => expect(host.captures).toBe(1));
    await autosave.flush();
    for (let step = 2; step <= 40; step++) {
      host.style.weights = new Uint8Array([step]);
      host.style.stats.steps = step;
      host.emit('weights');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(host.captures).toBe(1);
    expect([...(await readSessionRecord())!.weights!]).toEqual([1]);

    page.document.visibilityState = 'hidden';
    page.document.dispatchEvent(new Event('visibilitychange'));
    await autosave.flush();
    const record = await readSessionRecord();
    expect([...record!.weights!]).toEqual([40]);
    expect(record!.stats.steps).toBe(40);
    expect(host.captures).toBe(2);
  });

  it('saves pending changes when the page is closed (pagehide)', async () => {
    const page = fakePage();
    const host = new FakeStudioHost(styleSnapshot(null, 1));
    autosave = startAutosave(host, { strokesDelayMs: 60_000, weightsIntervalMs: 60_000, lifecycle: page });
    host.style.keyframes[0].strokes = strokeDocument(24, 16, 3);
    host.emit('keyframes');
    expect(await readSessionRecord()).toBeNull();
    page.window.dispatchEvent(new Event('pagehide'));
    await autosave.flush();
    expect((await readSessionRecord())?.keyframes[0].strokes).toEqual(strokeDocument(24, 16, 3));
  });

  it('stops listening when stopped', async () => {
    const host = new FakeStudioHost(styleSnapshot(null, 1));
    const stopped = startAutosave(host, { strokesDelayMs: 10, lifecycle: fakePage() });
    expect(host.listenerCount).toBe(1);
    await stopped.stop();
    expect(host.listenerCount).toBe(0);
  });

  it('restores nothing on a first visit', async () => {
    const host = new FakeStudioHost(styleSnapshot(null, 0));
    expect(await restoreSession(host)).toBeNull();
    expect(host.applied).toHaveLength(0);
  });

  it('still restores the painting when the studio refuses the saved weights', async () => {
    const saved = styleSnapshot(new Uint8Array([5, 5]), 1);
    const writer = new FakeStudioHost(saved);
    autosave = startAutosave(writer, { strokesDelayMs: 10, lifecycle: fakePage() });
    writer.emit('strokes');
    await autosave.flush();

    const reader = new FakeStudioHost(styleSnapshot(null, 0));
    reader.rejectWeights = true;
    const restored = await restoreSession(reader);
    expect(restored?.weightsSavedAt).toBeNull();
    expect(restored?.weightsError).toBe('unknown network');
    expect(reader.style.weights).toBeNull();
    expect(reader.style.keyframes).toEqual(saved.keyframes);
  });

  it('reports a full disk to the UI and keeps the previous session', async () => {
    const host = new FakeStudioHost(styleSnapshot(new Uint8Array([1]), 1));
    const errors: unknown[] = [];
    autosave = startAutosave(host, { strokesDelayMs: 10, onError: (error) => errors.push(error), lifecycle: fakePage() });
    host.emit('strokes');
    await autosave.flush();

    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('quota', 'QuotaExceededError');
    });
    host.style.weights = new Uint8Array([2]);
    host.emit('strokes');
    await autosave.flush();
    put.mockRestore();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/Storage is full/);
    expect([...(await readSessionRecord())!.weights!]).toEqual([1]);
  });

  it('keeps each keyframe at capture size, writing those megabytes only when a keyframe comes or goes', async () => {
    const host = new CaptureSizeHost(withCaptureSize());
    const put = vi.spyOn(IDBObjectStore.prototype, 'put');
    const frameWrites = () => put.mock.calls.filter(([, key]) => key === SESSION_FULL_FRAMES_KEY).length;
    autosave = startAutosave(host, { strokesDelayMs: 10, lifecycle: fakePage() });
    host.emit('strokes');
    await autosave.flush();
    for (let stroke = 0; stroke < 3; stroke++) {
      host.style.keyframes[0].strokes = strokeDocument(24, 16, 3 + stroke);
      host.emit('strokes');
      await autosave.flush();
    }
    expect(frameWrites()).toBe(1);

    // A new capture replaces the second keyframe: written again.
    host.style.keyframes[1].full = patternImage(96, 64, 40);
    host.emit('keyframes');
    await autosave.flush();
    expect(frameWrites()).toBe(2);
    put.mockRestore();

    const reopened = new FakeStudioHost(styleSnapshot(null, 0));
    await restoreSession(reopened);
    expect(reopened.style.keyframes.map((keyframe) => keyframe.full)).toEqual([patternImage(96, 64, 31), patternImage(96, 64, 40)]);
    expect(reopened.style.keyframes[0].strokes).toEqual(strokeDocument(24, 16, 5));
  });

  it('restores the painting without frames at capture size that belong to other keyframes (another tab wrote them)', async () => {
    const host = new CaptureSizeHost(withCaptureSize());
    autosave = startAutosave(host, { strokesDelayMs: 10, lifecycle: fakePage() });
    host.emit('strokes');
    await autosave.flush();
    const db = await livebrushDb();
    const foreign: SessionFullFramesRecord = { ids: ['another-tab'], frames: [patternImage(96, 64, 50)] };
    await db.put('session', foreign, SESSION_FULL_FRAMES_KEY);

    const reopened = new FakeStudioHost(styleSnapshot(null, 0));
    await restoreSession(reopened);
    expect(reopened.style.keyframes).toHaveLength(2);
    expect(reopened.style.keyframes.map((keyframe) => keyframe.full)).toEqual([undefined, undefined]);
    expect(reopened.style.keyframes[1].painting).toEqual(host.style.keyframes[1].painting);
  });
});
