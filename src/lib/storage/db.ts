import { openDB, unwrap, type DBSchema, type IDBPDatabase } from 'idb';
import type { RgbaImage } from '$lib/ml/types';
import type { StyleSnapshot } from '$lib/studio/types';

/** The IndexedDB database every Livebrush tab shares. */
export const DB_NAME = 'livebrush';

/**
 * The current schema version.
 * v1: `presets` (keyPath `id`), records with `created` only (styles could not be renamed yet).
 * v2: presets gain `updated` (backfilled from `created`) and the `by-updated` index; new `session` store.
 */
export const DB_VERSION = 2;

/** A PNG file with its dimensions, as presets keep images (compact, and exported byte for byte). */
export interface PngImage {
  width: number;
  height: number;
  png: Blob;
}

/** One keyframe of a saved preset. */
export interface PresetKeyframeRecord {
  input: PngImage;
  /** The frame at the size it was captured at; absent or null in presets saved before it was kept. */
  full?: PngImage | null;
  painting: PngImage;
  mask: PngImage | null;
  /** The stroke document (src/lib/paint), plain JSON. */
  strokes: unknown;
}

/** Training statistics kept with a style. */
export type TrainingStats = StyleSnapshot['stats'];

/** A saved style, one record of the `presets` store. */
export interface PresetRecord {
  id: string;
  name: string;
  /** Milliseconds since the epoch. */
  created: number;
  /** Milliseconds since the epoch; the gallery is sorted by it, newest first. */
  updated: number;
  /** A small PNG of the first painting. */
  thumbnail: Blob;
  keyframes: PresetKeyframeRecord[];
  /** The network configuration from the weights header, or null without weights. */
  network: unknown;
  /** The `.lbw` weights file, byte for byte, or null before the first training step. */
  weights: Uint8Array | null;
  stats: TrainingStats;
}

/** A keyframe of the autosaved session: raw RGBA, because it is rewritten after every stroke. */
export interface SessionKeyframeRecord {
  input: RgbaImage;
  painting: RgbaImage;
  mask: RgbaImage | null;
  strokes: unknown;
  /** The id of this keyframe's frame at capture size in the {@link SESSION_FULL_FRAMES_KEY} record, or null/absent without one. */
  fullId?: string | null;
}

/**
 * The session's keyframes at capture size (key {@link SESSION_FULL_FRAMES_KEY} of the `session` store),
 * kept apart from the session record because they are megabytes each and change only with the keyframes.
 */
export interface SessionFullFramesRecord {
  /** One id per frame, as the keyframes of the session record name them. */
  ids: string[];
  frames: RgbaImage[];
}

/** The one autosaved studio state (key {@link SESSION_KEY} of the `session` store). */
export interface SessionRecord {
  /** When the keyframes and strokes were last written. */
  savedAt: number;
  keyframes: SessionKeyframeRecord[];
  weights: Uint8Array | null;
  /** When `weights` were checkpointed, or null if never. */
  weightsSavedAt: number | null;
  stats: TrainingStats;
}

/** The key of the single record in the `session` store. */
export const SESSION_KEY = 'current';

/** The key of the session's keyframes at capture size in the `session` store. */
export const SESSION_FULL_FRAMES_KEY = 'full-frames';

/** The typed schema of the current version. */
export interface LivebrushDbSchema extends DBSchema {
  presets: { key: string; value: PresetRecord; indexes: { 'by-updated': number } };
  session: { key: string; value: SessionRecord | SessionFullFramesRecord };
}

/** An open connection to the Livebrush database. */
export type LivebrushDb = IDBPDatabase<LivebrushDbSchema>;

/** Migration to version `index + 1`; each runs inside the single upgrade transaction. */
const MIGRATIONS: ((db: IDBDatabase, tx: IDBTransaction) => void)[] = [
  (db) => {
    db.createObjectStore('presets', { keyPath: 'id' });
  },
  (db, tx) => {
    const presets = tx.objectStore('presets');
    const backfill = presets.openCursor();
    backfill.onsuccess = () => {
      const cursor = backfill.result;
      if (!cursor) return;
      const record = cursor.value as { created?: number; updated?: number };
      if (typeof record.updated !== 'number') cursor.update({ ...record, updated: record.created ?? 0 });
      cursor.continue();
    };
    presets.createIndex('by-updated', 'updated');
    db.createObjectStore('session');
  }
];

/** Applies every migration from `oldVersion` up to `newVersion`. */
function upgrade(db: IDBDatabase, tx: IDBTransaction, oldVersion: number, newVersion: number): void {
  for (let version = oldVersion; version < newVersion; version++) MIGRATIONS[version](db, tx);
}

let shared: Promise<LivebrushDb> | null = null;

/**
 * Opens the database at `version` (the current one unless a test builds an older schema),
 * migrating older data in place. Another tab asking for a newer version closes this connection
 * (then `onClosed` runs) so that its upgrade is never blocked.
 */
export async function openLivebrushDb(version: number = DB_VERSION, onClosed?: () => void): Promise<LivebrushDb> {
  if (!Number.isInteger(version) || version < 1 || version > DB_VERSION) {
    throw new RangeError(`No Livebrush database schema version ${version}`);
  }
  const db = await openDB<LivebrushDbSchema>(DB_NAME, version, {
    upgrade(database, oldVersion, newVersion, transaction) {
      upgrade(unwrap(database), unwrap(transaction), oldVersion, newVersion ?? version);
    },
    blocking() {
      db.close();
      onClosed?.();
    }
  });
  return db;
}

/** The connection this tab shares (opened on first use). */
export function livebrushDb(): Promise<LivebrushDb> {
  if (shared) return shared;
  const opening: Promise<LivebrushDb> = openLivebrushDb(DB_VERSION, () => {
    if (shared === opening) shared = null;
  }).catch((error: unknown) => {
    if (shared === opening) shared = null;
    throw error;
  });
  shared = opening;
  return opening;
}

/** Closes the shared connection (tests, and before deleting the database). */
export async function closeLivebrushDb(): Promise<void> {
  const open = shared;
  shared = null;
  if (open) (await open.catch(() => null))?.close();
}
