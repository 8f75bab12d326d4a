// Where a rendered video goes: the codec and container this browser can encode, and the file it is written to.
import { BufferTarget, Mp4OutputFormat, StreamTarget, WebMOutputFormat, canEncodeVideo, type OutputFormat, type Target } from 'mediabunny';

/** How a video is encoded here: H.264 in MP4 (preferred), VP9 in WebM, or MediaRecorder where WebCodecs is missing. */
export type OutputKind = 'mp4' | 'webm' | 'mediarecorder';

/** The encoder checks the choice needs (mediabunny's canEncodeVideo; replaced in tests). */
export interface EncoderProbe {
  webCodecs: boolean;
  canEncode(codec: 'avc' | 'vp9', width: number, height: number): Promise<boolean>;
}

/** This browser's encoders. */
export const browserEncoders: EncoderProbe = {
  webCodecs: typeof VideoEncoder !== 'undefined',
  canEncode: (codec, width, height) => canEncodeVideo(codec, { width, height })
};

/** The output for a `width × height` render: MP4/H.264, else WebM/VP9, else MediaRecorder (null: nothing can encode). */
export async function chooseOutput(width: number, height: number, encoders: EncoderProbe = browserEncoders): Promise<OutputKind | null> {
  if (!encoders.webCodecs) return typeof MediaRecorder !== 'undefined' ? 'mediarecorder' : null;
  if (await encoders.canEncode('avc', width, height)) return 'mp4';
  if (await encoders.canEncode('vp9', width, height)) return 'webm';
  return typeof MediaRecorder !== 'undefined' ? 'mediarecorder' : null;
}

/** The container format, video codec, MIME type and file extension of an encoded output kind. */
export function outputFormat(kind: 'mp4' | 'webm'): { format: OutputFormat; codec: 'avc' | 'vp9'; mimeType: string; extension: string } {
  return kind === 'mp4'
    ? { format: new Mp4OutputFormat(), codec: 'avc', mimeType: 'video/mp4', extension: 'mp4' }
    : { format: new WebMOutputFormat(), codec: 'vp9', mimeType: 'video/webm', extension: 'webm' };
}

/** A file being written: the mediabunny target, then the finished file, or cleanup after a failure. */
export interface OutputFile {
  target: Target;
  /** The written bytes as a Blob of `mimeType` (call after the output finalized). */
  finish(mimeType: string): Promise<Blob>;
  /** Deletes what was written (after a cancel or an error). */
  discard(): Promise<void>;
}

/** Renders are written to files named with this prefix in the origin-private file system; each render deletes the earlier ones. */
const SCRATCH_PREFIX = 'livebrush-render-';

/**
 * A target that streams the output into the origin-private file system, so a long render does not
 * hold its encoded file in memory; in memory where that file system or its writable streams are missing.
 */
export async function openOutputFile(): Promise<OutputFile> {
  try {
    const root = await navigator.storage.getDirectory();
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) {
      if (name.startsWith(SCRATCH_PREFIX)) await root.removeEntry(name).catch(() => undefined);
    }
    const name = `${SCRATCH_PREFIX}${Date.now()}`;
    const handle = await root.getFileHandle(name, { create: true });
    const writable = await handle.createWritable();
    return {
      target: new StreamTarget(writable as unknown as WritableStream, { chunked: true, chunkSize: 4 << 20 }),
      finish: async (mimeType) => {
        const file = await handle.getFile();
        return new Blob([file], { type: mimeType });
      },
      discard: async () => {
        await writable.abort().catch(() => undefined);
        await root.removeEntry(name).catch(() => undefined);
      }
    };
  } catch {
    const target = new BufferTarget();
    return {
      target,
      finish: async (mimeType) => new Blob([target.buffer ?? new ArrayBuffer(0)], { type: mimeType }),
      discard: async () => undefined
    };
  }
}
