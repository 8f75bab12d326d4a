// Recording the camera: MediaRecorder on the camera's video (or, where WebCodecs is missing, on the
// stylized preview) plus the microphone when allowed, every chunk stored as it arrives (recordings.ts).
import { appendChunk, createRecording, deleteRecording, markStopped, type RecordingRecord } from './recordings';

/** How often MediaRecorder hands over a chunk, in milliseconds (what a crash can lose at most). */
const CHUNK_MS = 1000;

/** The first container/codec MediaRecorder supports here, WebM first (mediabunny reads it back). */
export function recordingMimeType(isSupported: (type: string) => boolean = (type) => MediaRecorder.isTypeSupported(type)): string {
  const candidates = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm', 'video/mp4'];
  return candidates.find((type) => isSupported(type)) ?? '';
}

/**
 * The microphone's audio track, or null when there is none or the person said no (asked on its own,
 * so a refusal never stops the camera recording).
 */
export async function microphoneTrack(): Promise<MediaStreamTrack | null> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    return stream.getAudioTracks()[0] ?? null;
  } catch {
    return null;
  }
}

/** A recording in progress. */
export class CameraRecorder {
  private chunkIndex = 0;
  /** Chunk writes in order; the first storage error ends the recording. */
  private writes: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private readonly finished: Promise<void>;

  private constructor(
    readonly record: RecordingRecord,
    private readonly recorder: MediaRecorder,
    private readonly microphone: MediaStreamTrack | null,
    onStorageError: (error: unknown) => void
  ) {
    recorder.addEventListener('dataavailable', (event) => {
      if (event.data.size === 0 || this.failure) return;
      const index = this.chunkIndex++;
      this.writes = this.writes.then(() =>
        appendChunk(record.id, index, event.data).catch((error: unknown) => {
          this.failure = error;
          if (recorder.state !== 'inactive') recorder.stop();
          onStorageError(error);
        })
      );
    });
    this.finished = new Promise((resolve) => recorder.addEventListener('stop', () => resolve(), { once: true }));
  }

  /**
   * Starts recording `video`'s video track and `microphone` (if any) into a new stored recording;
   * `stylized`: `video` is the stylized preview, so the recording is kept as the result.
   */
  static async start(video: MediaStream, microphone: MediaStreamTrack | null, onStorageError: (error: unknown) => void, stylized = false): Promise<CameraRecorder> {
    const mimeType = recordingMimeType();
    const stream = new MediaStream([...video.getVideoTracks(), ...(microphone ? [microphone] : [])]);
    const mediaRecorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    const record = await createRecording(mediaRecorder.mimeType || mimeType || 'video/webm', Date.now(), stylized);
    const recorder = new CameraRecorder(record, mediaRecorder, microphone, onStorageError);
    mediaRecorder.start(CHUNK_MS);
    return recorder;
  }

  /** Whether the recording has audio. */
  get hasAudio(): boolean {
    return this.microphone !== null;
  }

  /** Stops recording and waits until every chunk is stored; throws the storage error that cut it short, if any. */
  async stop(): Promise<RecordingRecord> {
    if (this.recorder.state !== 'inactive') this.recorder.stop();
    await this.finished;
    await this.writes;
    this.microphone?.stop();
    if (this.failure) {
      await deleteRecording(this.record.id).catch(() => undefined);
      throw this.failure;
    }
    await markStopped(this.record.id);
    return this.record;
  }
}
