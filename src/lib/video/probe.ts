// Opening a video file: its format, size, frame timestamps and tracks (mediabunny), or why it cannot be used.
import { ALL_FORMATS, BlobSource, EncodedPacketSink, Input } from 'mediabunny';
import { VideoError } from './errors';
import { frameTimestamps } from './timing';

/** What the studio needs to know about an opened video. */
export interface VideoInfo {
  /** Display size in pixels (after rotation metadata). */
  width: number;
  height: number;
  /** Clockwise rotation the file asks for, in degrees. */
  rotation: number;
  /** Every frame's presentation time in seconds, in order (variable frame rates stay as they are). */
  timestamps: number[];
  /** Seconds from the first frame to the end of the last. */
  duration: number;
  /** Whether the file has an audio track. */
  hasAudio: boolean;
}

/**
 * Reads `file`'s container and video track. Throws a VideoError `not-video` when it is no media file
 * with video, `undecodable` when this browser cannot decode its video codec.
 */
export async function probeVideo(file: Blob): Promise<VideoInfo> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    let track;
    try {
      track = await input.getPrimaryVideoTrack();
    } catch (error) {
      throw new VideoError('not-video', { cause: error });
    }
    if (!track) throw new VideoError('not-video');
    if (!(await track.canDecode())) throw new VideoError('undecodable');
    const timestamps: number[] = [];
    for await (const packet of new EncodedPacketSink(track).packets(undefined, undefined, { metadataOnly: true })) {
      timestamps.push(packet.timestamp);
    }
    if (timestamps.length === 0) throw new VideoError('not-video');
    const [audio] = await input.getAudioTracks();
    return {
      width: await track.getDisplayWidth(),
      height: await track.getDisplayHeight(),
      rotation: await track.getRotation(),
      timestamps: frameTimestamps(timestamps),
      duration: await input.computeDuration([track]),
      hasAudio: audio !== undefined
    };
  } finally {
    input.dispose();
  }
}
