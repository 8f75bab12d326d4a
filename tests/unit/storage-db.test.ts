import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeLivebrushDb, DB_VERSION, livebrushDb, openLivebrushDb, SESSION_KEY } from '$lib/storage/db';
import { freshIndexedDb } from '../fixtures/storage/fixtures';

beforeEach(freshIndexedDb);
afterEach(closeLivebrushDb);

/** A preset as version 1 stored it: no `updated` field yet. */
function v1Preset(id: string, created: number) {
  return {
    id,
    name: `Style ${id}`,
    created,
    thumbnail: new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' }),
    keyframes: [],
    network: null,
    weights: new Uint8Array([1, 2, 3, id.length]),
    stats: { steps: 7, trainingMs: 70, lastLoss: 0.5 }
  };
}

describe('database schema', () => {
  it('creates the current schema on a fresh device', async () => {
    const db = await livebrushDb();
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['presets', 'session']);
    expect([...db.transaction('presets').store.indexNames]).toEqual(['by-updated']);
  });

  it('upgrades a version 1 database with saved styles to version 2 without losing any', async () => {
    const v1 = await openLivebrushDb(1);
    expect([...v1.objectStoreNames]).toEqual(['presets']);
    // Written through the raw store: the v1 schema's records have no `updated`.
    const tx = v1.transaction('presets', 'readwrite');
    await Promise.all([
      tx.store.put(v1Preset('a', 1000) as never),
      tx.store.put(v1Preset('bb', 3000) as never),
      tx.store.put(v1Preset('ccc', 2000) as never),
      tx.done
    ]);
    v1.close();

    const db = await livebrushDb();
    expect(db.version).toBe(2);
    const all = await db.getAll('presets');
    expect(all).toHaveLength(3);
    for (const record of all) {
      expect(record.updated).toBe(record.created);
      expect(record.name).toBe(`Style ${record.id}`);
      expect([...record.weights!]).toEqual([1, 2, 3, record.id.length]);
      expect(await record.thumbnail.arrayBuffer()).toEqual(new Uint8Array([137, 80, 78, 71]).buffer);
    }
    const byUpdated = await db.getAllFromIndex('presets', 'by-updated');
    expect(byUpdated.map((record) => record.id)).toEqual(['a', 'ccc', 'bb']);
    expect(await db.get('session', SESSION_KEY)).toBeUndefined();
  });

  it('leaves a version 2 database and its session untouched when reopened', async () => {
    const first = await livebrushDb();
    const session = { savedAt: 5, keyframes: [], weights: null, weightsSavedAt: null, stats: { steps: 0, trainingMs: 0, lastLoss: null } };
    await first.put('session', session, SESSION_KEY);
    await closeLivebrushDb();
    const again = await livebrushDb();
    expect(again).not.toBe(first);
    expect(await again.get('session', SESSION_KEY)).toEqual(session);
  });

  it('gives way to a newer version opened by another tab instead of blocking it', async () => {
    const db = await livebrushDb();
    const newer = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('livebrush', DB_VERSION + 1);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    expect(newer.version).toBe(DB_VERSION + 1);
    newer.close();
    expect(() => db.transaction('presets')).toThrow();
  });
});
