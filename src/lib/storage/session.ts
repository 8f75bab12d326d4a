import type { RgbaImage } from '$lib/ml/types';
import type { StudioChange, StudioHost, StyleSnapshot } from '$lib/studio/types';
import { livebrushDb, SESSION_FULL_FRAMES_KEY, SESSION_KEY, type SessionFullFramesRecord, type SessionRecord } from './db';
import { mapQuotaErrors } from './errors';

/** Longest wait between a stroke or keyframe change and its autosave, in milliseconds. */
export const STROKES_SAVE_DELAY_MS = 300;

/** Shortest interval between two checkpoints caused by training alone, in milliseconds. */
export const WEIGHTS_CHECKPOINT_INTERVAL_MS = 5000;

/**
 * Ids of the keyframes at capture size (StyleKeyframe.full) this tab has seen: they never change once
 * captured, so the megabytes of each are written when a keyframe comes or goes, not with every stroke.
 */
const fullFrameIds = new WeakMap<RgbaImage, string>();
/** The ids of the full-size frames this tab last wrote, in keyframe order. */
let writtenFullFrameIds: (string | null)[] | null = null;

/** The id of a full-size frame (given on first sight). */
function fullFrameId(frame: RgbaImage): string {
  let id = fullFrameIds.get(frame);
  if (!id) {
    id = crypto.randomUUID();
    fullFrameIds.set(frame, id);
  }
  return id;
}

/** Where the page tells us it is going away (the DOM's document and window unless a test passes its own). */
export interface PageLifecycle {
  /** Fires 'visibilitychange'; flushed when its `visibilityState` is 'hidden'. */
  document?: EventTarget & { readonly visibilityState: string };
  /** Fires 'pagehide'. */
  window?: EventTarget;
}

/** How autosave paces itself and reports failures. */
export interface AutosaveOptions {
  strokesDelayMs?: number;
  weightsIntervalMs?: number;
  /** Called with every failed save (e.g. a StorageFullError); the next change tries again. */
  onError?: (error: unknown) => void;
  lifecycle?: PageLifecycle;
}

/** A running autosave; stop it when the studio goes away. */
export interface Autosave {
  /** Saves any pending change now and resolves when it is on disk. */
  flush(): Promise<void>;
  /** Flushes, then stops listening to the studio and the page. */
  stop(): Promise<void>;
}

/** When and what the restored session was. */
export interface RestoredSession {
  savedAt: number;
  /** When the restored weights were checkpointed, or null if none were restored. */
  weightsSavedAt: number | null;
  /** Why the studio refused the saved weights (the painting came back without them), or null. */
  weightsError: string | null;
}

/**
 * Autosaves the studio's style into the crash-safe session: stroke and keyframe changes within
 * `strokesDelayMs`, training progress at most every `weightsIntervalMs`, everything pending when
 * the page is hidden or unloaded.
 */
export function startAutosave(host: StudioHost, options: AutosaveOptions = {}): Autosave {
  const strokesDelay = options.strokesDelayMs ?? STROKES_SAVE_DELAY_MS;
  const weightsInterval = options.weightsIntervalMs ?? WEIGHTS_CHECKPOINT_INTERVAL_MS;
  const lifecycle = options.lifecycle ?? defaultLifecycle();
  let soonTimer: ReturnType<typeof setTimeout> | null = null;
  let checkpointTimer: ReturnType<typeof setTimeout> | null = null;
  let lastSaveAt = -Infinity;
  let writing: Promise<void> = Promise.resolve();

  const saveNow = (): Promise<void> => {
    cancelTimers();
    writing = writing.then(async () => {
      try {
        const snapshot = await host.captureStyle();
        lastSaveAt = Date.now();
        await writeSession(snapshot);
      } catch (error) {
        options.onError?.(error);
      }
    });
    return writing;
  };

  const cancelTimers = () => {
    if (soonTimer !== null) clearTimeout(soonTimer);
    if (checkpointTimer !== null) clearTimeout(checkpointTimer);
    soonTimer = checkpointTimer = null;
  };

  const onChange = (change: StudioChange) => {
    if (change === 'weights') {
      if (checkpointTimer !== null || soonTimer !== null) return;
      const wait = Math.max(0, lastSaveAt + weightsInterval - Date.now());
      checkpointTimer = setTimeout(saveNow, wait);
    } else if (soonTimer === null) {
      // Not reset by later changes: a long stroke still saves every `strokesDelay` ms.
      soonTimer = setTimeout(saveNow, strokesDelay);
    }
  };

  const flush = (): Promise<void> => (soonTimer !== null || checkpointTimer !== null ? saveNow() : writing);
  const onVisibility = () => {
    if (lifecycle.document?.visibilityState === 'hidden') void flush();
  };
  const onPageHide = () => void flush();

  const unsubscribe = host.subscribe(onChange);
  lifecycle.document?.addEventListener('visibilitychange', onVisibility);
  lifecycle.window?.addEventListener('pagehide', onPageHide);

  return {
    flush,
    async stop() {
      unsubscribe();
      lifecycle.document?.removeEventListener('visibilitychange', onVisibility);
      lifecycle.window?.removeEventListener('pagehide', onPageHide);
      await flush();
    }
  };
}

/**
 * Puts the autosaved session back into the studio (paintings, strokes and the last weights
 * checkpoint). If the studio refuses the weights (e.g. a network the app no longer knows), the
 * painting is restored without them. Returns null when there is nothing to restore.
 */
export async function restoreSession(host: StudioHost): Promise<RestoredSession | null> {
  const record = await readSessionRecord();
  if (!record || record.keyframes.length === 0) return null;
  const full = await readFullFrames(record);
  const keyframes = record.keyframes.map(({ input, painting, mask, strokes }, index) => ({ input, painting, mask, strokes, ...(full[index] ? { full: full[index] } : {}) }));
  const snapshot: StyleSnapshot = { keyframes, weights: record.weights, stats: record.stats };
  try {
    await host.applyStyle(snapshot);
    return { savedAt: record.savedAt, weightsSavedAt: record.weightsSavedAt, weightsError: null };
  } catch (error) {
    if (!record.weights) throw error;
    await host.applyStyle({ ...snapshot, weights: null, stats: { steps: 0, trainingMs: 0, lastLoss: null } });
    return { savedAt: record.savedAt, weightsSavedAt: null, weightsError: error instanceof Error ? error.message : String(error) };
  }
}

/** The autosaved session as stored, or null if there is none. */
export async function readSessionRecord(): Promise<SessionRecord | null> {
  const db = await livebrushDb();
  return ((await db.get('session', SESSION_KEY)) as SessionRecord | undefined) ?? null;
}

/**
 * The session's keyframes at capture size, one per keyframe of `record` (null where there is none, or
 * where the stored frames belong to other keyframes: another tab wrote one record and not the other).
 */
async function readFullFrames(record: SessionRecord): Promise<(RgbaImage | null)[]> {
  const db = await livebrushDb();
  const stored = (await db.get('session', SESSION_FULL_FRAMES_KEY)) as SessionFullFramesRecord | undefined;
  return record.keyframes.map((keyframe) => {
    const id = keyframe.fullId ?? null;
    const at = id === null || !stored ? -1 : stored.ids.indexOf(id);
    if (at < 0 || !stored) return null;
    const frame = stored.frames[at];
    fullFrameIds.set(frame, id!);
    return frame;
  });
}

/**
 * Replaces the autosaved session with `snapshot` (one transaction; StorageFullError when out of
 * space). The keyframes at capture size are written only when they changed since this tab last did.
 */
export async function writeSession(snapshot: StyleSnapshot): Promise<void> {
  const now = Date.now();
  const fullIds = snapshot.keyframes.map(({ full }) => (full ? fullFrameId(full) : null));
  const record: SessionRecord = {
    savedAt: now,
    keyframes: snapshot.keyframes.map(({ input, painting, mask, strokes }, index) => ({ input, painting, mask, strokes, fullId: fullIds[index] })),
    weights: snapshot.weights,
    weightsSavedAt: snapshot.weights ? now : null,
    stats: { ...snapshot.stats }
  };
  const framesChanged = writtenFullFrameIds === null || fullIds.join() !== writtenFullFrameIds.join();
  const frames: SessionFullFramesRecord | null = framesChanged
    ? { ids: fullIds.filter((id) => id !== null), frames: snapshot.keyframes.flatMap(({ full }) => (full ? [full] : [])) }
    : null;
  await mapQuotaErrors(async () => {
    const db = await livebrushDb();
    const tx = db.transaction('session', 'readwrite');
    await Promise.all([tx.store.put(record, SESSION_KEY), ...(frames ? [tx.store.put(frames, SESSION_FULL_FRAMES_KEY)] : []), tx.done]);
  });
  if (framesChanged) writtenFullFrameIds = fullIds;
}

/** Forgets the autosaved session. */
export async function clearSession(): Promise<void> {
  const db = await livebrushDb();
  const tx = db.transaction('session', 'readwrite');
  await Promise.all([tx.store.delete(SESSION_KEY), tx.store.delete(SESSION_FULL_FRAMES_KEY), tx.done]);
  writtenFullFrameIds = null;
}

function defaultLifecycle(): PageLifecycle {
  return {
    document: typeof document === 'undefined' ? undefined : document,
    window: typeof window === 'undefined' ? undefined : window
  };
}
