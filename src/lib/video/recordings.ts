// Recordings kept in IndexedDB chunk by chunk as they arrive, so a closed tab loses nothing: the raw
// camera (rendered with the style afterwards), or where WebCodecs is missing the stylized preview
// itself. A recording stays until it is rendered (or saved) or discarded. Its own database: the
// styles' schema is untouched.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { mapQuotaErrors } from '$lib/storage/errors';

/** The database of raw recordings. */
export const RECORDINGS_DB = 'livebrush-recordings';

/** One raw recording. */
export interface RecordingRecord {
  id: string;
  /** The MediaRecorder's MIME type (e.g. video/webm;codecs=vp8,opus). */
  mimeType: string;
  /** Milliseconds since the epoch. */
  started: number;
  /** Bytes stored so far. */
  bytes: number;
  /** False until "Stop recording" (a recording cut short by a closed tab stays false). */
  stopped: boolean;
  /**
   * True when the stylized preview was recorded (browsers without WebCodecs): the file is the result
   * and is saved as it is. Absent on raw camera recordings, which are rendered with the style.
   */
  stylized?: boolean;
}

/** One chunk of a recording, in the order MediaRecorder delivered it. */
interface ChunkRecord {
  recordingId: string;
  index: number;
  data: Blob;
}

interface RecordingsSchema extends DBSchema {
  recordings: { key: string; value: RecordingRecord };
  chunks: { key: [string, number]; value: ChunkRecord; indexes: { 'by-recording': string } };
}

let connection: Promise<IDBPDatabase<RecordingsSchema>> | null = null;

function database(): Promise<IDBPDatabase<RecordingsSchema>> {
  connection ??= openDB<RecordingsSchema>(RECORDINGS_DB, 1, {
    upgrade(db) {
      db.createObjectStore('recordings', { keyPath: 'id' });
      db.createObjectStore('chunks', { keyPath: ['recordingId', 'index'] }).createIndex('by-recording', 'recordingId');
    }
  });
  return connection;
}

/** Closes the connection (tests delete the database between cases). */
export async function closeRecordingsDb(): Promise<void> {
  const open = connection;
  connection = null;
  (await open)?.close();
}

/** Starts a new, empty recording; resolves to its record. Throws StorageFullError when there is no room. */
export async function createRecording(mimeType: string, now = Date.now(), stylized = false): Promise<RecordingRecord> {
  const record: RecordingRecord = { id: `rec-${now}-${Math.random().toString(36).slice(2, 8)}`, mimeType, started: now, bytes: 0, stopped: false };
  if (stylized) record.stylized = true;
  await mapQuotaErrors(async () => (await database()).put('recordings', record));
  return record;
}

/** Stores chunk `index` of recording `id` together with its new size. Throws StorageFullError when there is no room. */
export async function appendChunk(id: string, index: number, data: Blob): Promise<void> {
  await mapQuotaErrors(async () => {
    const tx = (await database()).transaction(['recordings', 'chunks'], 'readwrite');
    const record = await tx.objectStore('recordings').get(id);
    if (!record) throw new Error(`No recording ${id}`);
    await tx.objectStore('chunks').put({ recordingId: id, index, data });
    await tx.objectStore('recordings').put({ ...record, bytes: record.bytes + data.size });
    await tx.done;
  });
}

/** Marks recording `id` as stopped by the person. */
export async function markStopped(id: string): Promise<void> {
  const db = await database();
  const record = await db.get('recordings', id);
  if (record) await db.put('recordings', { ...record, stopped: true });
}

/** The recordings kept (not yet rendered or discarded), oldest first, leaving out those with no data. */
export async function listRecordings(): Promise<RecordingRecord[]> {
  const all = await (await database()).getAll('recordings');
  return all.filter((record) => record.bytes > 0).sort((a, b) => a.started - b.started);
}

/** Recording `id` as one file (its chunks in order), or null when it is gone. */
export async function loadRecording(id: string): Promise<Blob | null> {
  const db = await database();
  const record = await db.get('recordings', id);
  if (!record) return null;
  const chunks = await db.getAllFromIndex('chunks', 'by-recording', id);
  chunks.sort((a, b) => a.index - b.index);
  return new Blob(
    chunks.map((chunk) => chunk.data),
    { type: record.mimeType }
  );
}

/** Deletes recording `id` and its chunks. */
export async function deleteRecording(id: string): Promise<void> {
  const tx = (await database()).transaction(['recordings', 'chunks'], 'readwrite');
  await tx.objectStore('recordings').delete(id);
  const chunks = tx.objectStore('chunks');
  for (const key of await chunks.index('by-recording').getAllKeys(id)) await chunks.delete(key);
  await tx.done;
}
