import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  RECORDINGS_DB,
  appendChunk,
  closeRecordingsDb,
  createRecording,
  deleteRecording,
  listRecordings,
  loadRecording,
  markStopped
} from '$lib/video/recordings';

afterEach(async () => {
  await closeRecordingsDb();
  await new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(RECORDINGS_DB);
    request.onsuccess = request.onerror = resolve;
  });
});

describe('kept recordings', () => {
  it('keeps every chunk as it arrives: a recording never stopped (a closed tab) reads back whole', async () => {
    const record = await createRecording('video/webm', 1000);
    await appendChunk(record.id, 0, new Blob(['abc']));
    await appendChunk(record.id, 1, new Blob(['def']));
    await closeRecordingsDb();

    const [kept] = await listRecordings();
    expect(kept).toMatchObject({ id: record.id, bytes: 6, stopped: false });
    const blob = await loadRecording(record.id);
    expect(blob?.type).toBe('video/webm');
    expect(await blob?.text()).toBe('abcdef');
  });

  it('lists kept recordings oldest first, leaves out empty ones, and forgets a deleted one with its chunks', async () => {
    const later = await createRecording('video/webm', 2000);
    const earlier = await createRecording('video/webm', 1000);
    await createRecording('video/webm', 3000);
    await appendChunk(later.id, 0, new Blob(['x']));
    await appendChunk(earlier.id, 0, new Blob(['y']));
    await markStopped(later.id);
    expect((await listRecordings()).map((record) => record.id)).toEqual([earlier.id, later.id]);
    expect((await listRecordings())[1].stopped).toBe(true);

    await deleteRecording(earlier.id);
    expect((await listRecordings()).map((record) => record.id)).toEqual([later.id]);
    expect(await loadRecording(earlier.id)).toBeNull();
  });

  it('remembers a recording of the stylized preview (saved as it is, never rendered again) across a restart', async () => {
    const preview = await createRecording('video/webm', 1000, true);
    const camera = await createRecording('video/webm', 2000);
    await appendChunk(preview.id, 0, new Blob(['p']));
    await appendChunk(camera.id, 0, new Blob(['c']));
    await closeRecordingsDb();
    const kept = await listRecordings();
    expect(kept.map((record) => [record.id, record.stylized === true])).toEqual([
      [preview.id, true],
      [camera.id, false]
    ]);
  });
});
