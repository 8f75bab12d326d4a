// MediaRecorder's own files lack what players need to seek: its WebM has no duration and no index.
import { ALL_FORMATS, BlobSource, BufferTarget, Conversion, Input, Mp4OutputFormat, Output, WebMOutputFormat } from 'mediabunny';

/**
 * `recording` (a MediaRecorder file) written again with its duration and seek index, every packet
 * copied as it is (no decoding, so no WebCodecs needed); the file as it was if that fails.
 */
export async function withDuration(recording: Blob): Promise<Blob> {
  const mp4 = recording.type.includes('mp4');
  try {
    const input = new Input({ source: new BlobSource(recording), formats: ALL_FORMATS });
    const target = new BufferTarget();
    const output = new Output({ format: mp4 ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat(), target });
    const conversion = await Conversion.init({ input, output });
    if (!conversion.isValid || conversion.discardedTracks.length > 0) return recording;
    await conversion.execute();
    return target.buffer ? new Blob([target.buffer], { type: mp4 ? 'video/mp4' : 'video/webm' }) : recording;
  } catch {
    return recording;
  }
}
