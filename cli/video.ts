// Video files through ffmpeg (found on PATH): frames are decoded to raw RGBA on a pipe, one at a time,
// and the stylized frames are piped into an H.264 encoder that takes the audio from the source file.
// Memory holds a frame or two whatever the video's length.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { RgbaImage } from '../src/lib/ml/types.ts';
import { CliError } from './errors.ts';

/** What the CLI needs to know about a video's first video stream. */
export interface VideoInfo {
  /** Size of the decoded frames (rotation applied, as ffmpeg decodes them). */
  width: number;
  height: number;
  /** Average frame rate as ffmpeg writes it, e.g. "30/1" or "30000/1001". */
  frameRate: string;
  /** Frame count (from the container, else estimated from duration × rate). */
  frames: number;
  /** Whether the file has an audio stream. */
  hasAudio: boolean;
  /** The first audio stream's codec name (e.g. "aac"), when there is one. */
  audioCodec?: string;
}

/** The one-line message when ffmpeg is missing (the CLI exits with status 2). */
export const FFMPEG_MISSING = 'ffmpeg was not found on PATH: install ffmpeg (with ffprobe) to read and write videos';

/** Throws CliError(FFMPEG_MISSING) unless both ffmpeg and ffprobe run. */
export function requireFfmpeg(): void {
  for (const tool of ['ffmpeg', 'ffprobe']) {
    const result = spawnSync(tool, ['-version'], { stdio: 'ignore' });
    if (result.error || result.status !== 0) throw new CliError(FFMPEG_MISSING);
  }
}

/** Reads a video's size, frame rate, frame count and audio through ffprobe. */
export function probeVideo(path: string): VideoInfo {
  const result = spawnSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', path], { encoding: 'utf8' });
  if (result.status !== 0) throw new CliError(`not a video ffmpeg can read: ${path}${result.stderr ? ` (${result.stderr.trim().split('\n')[0]})` : ''}`);
  type Stream = { codec_type?: string; codec_name?: string; width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string; nb_frames?: string; duration?: string; side_data_list?: { rotation?: number }[]; tags?: { rotate?: string } };
  const parsed = JSON.parse(result.stdout) as { streams?: Stream[]; format?: { duration?: string } };
  const video = parsed.streams?.find((stream) => stream.codec_type === 'video' && stream.width && stream.height);
  if (!video) throw new CliError(`no video stream in ${path}`);
  const audio = parsed.streams?.find((stream) => stream.codec_type === 'audio');
  const rotation = Number(video.side_data_list?.find((data) => data.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0);
  const quarterTurn = Math.abs(rotation) % 180 === 90;
  const frameRate = video.avg_frame_rate && video.avg_frame_rate !== '0/0' ? video.avg_frame_rate : (video.r_frame_rate ?? '30/1');
  const [numerator, denominator = 1] = frameRate.split('/').map(Number);
  const duration = Number(video.duration ?? parsed.format?.duration ?? 0);
  const frames = Number(video.nb_frames) || Math.max(1, Math.round((duration * numerator) / denominator));
  return {
    width: quarterTurn ? video.height! : video.width!,
    height: quarterTurn ? video.width! : video.height!,
    frameRate,
    frames,
    hasAudio: audio !== undefined,
    ...(audio?.codec_name ? { audioCodec: audio.codec_name } : {})
  };
}

/** Collects a child's stderr and turns a failed exit into a CliError naming what it was doing. */
function watch(child: ChildProcessWithoutNullStreams, doing: string): Promise<void> {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new CliError(`ffmpeg failed while ${doing}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new CliError(`ffmpeg failed while ${doing} (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').at(-1) ?? ''}`));
    });
  });
}

/**
 * Decodes every frame of `path` as RGBA images, in order, one at a time (ffmpeg's own timing:
 * variable-rate frames are passed through, none dropped or repeated).
 */
export async function* decodeFrames(path: string, info: VideoInfo, only?: number): AsyncGenerator<RgbaImage> {
  // `only`: that one frame (0-based, in presentation order, as the app's Frame slider counts).
  const select = only === undefined ? [] : ['-vf', `select=eq(n\\,${only})`, '-frames:v', '1'];
  const child = spawn('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-map', '0:v:0', '-fps_mode', 'passthrough', ...select, '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1']);
  const done = watch(child, `decoding ${path}`);
  const frameBytes = info.width * info.height * 4;
  let frame = new Uint8ClampedArray(frameBytes);
  let filled = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(frameBytes - filled, chunk.length - offset);
        frame.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === frameBytes) {
          yield { width: info.width, height: info.height, data: frame };
          frame = new Uint8ClampedArray(frameBytes);
          filled = 0;
        }
      }
    }
    await done;
  } finally {
    if (child.exitCode === null) {
      // Stopped early (a consumer that wanted fewer frames, or an error): the killed decoder's exit is expected.
      done.catch(() => {});
      child.kill();
    }
  }
}

/** Counts a video's frames by reading its packets (exact, unlike the container's or the rate's estimate). */
function countFrames(path: string): number {
  const result = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', path], { encoding: 'utf8' });
  return Number.parseInt(result.stdout, 10) || 0;
}

/** Decodes frame `index` (0-based, presentation order, upright) of a video; a CliError names the frame count when it is past the end. */
export async function readFrame(path: string, index: number): Promise<RgbaImage> {
  if (!existsSync(path)) throw new CliError(`file not found: ${path}`);
  const info = probeVideo(path);
  for await (const frame of decodeFrames(path, info, index)) return frame;
  const count = countFrames(path);
  throw new CliError(`${path} has ${count} frame${count === 1 ? '' : 's'} (0–${Math.max(0, count - 1)}): frame ${index} is past its end`);
}

/** Writes RGBA frames to an H.264 MP4, with the audio of `audioFrom` when it has some. */
export class VideoEncoder {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly done: Promise<void>;

  constructor(output: string, info: VideoInfo, audioFrom: string) {
    // H.264 in 4:2:0 needs even sides: an odd last row or column is repeated.
    const evenSides = 'pad=ceil(iw/2)*2:ceil(ih/2)*2';
    const audio = info.hasAudio ? ['-map', '1:a:0', '-c:a', info.audioCodec === 'aac' ? 'copy' : 'aac'] : [];
    this.child = spawn('ffmpeg', [
      '-v', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${info.width}x${info.height}`, '-framerate', info.frameRate, '-i', 'pipe:0',
      ...(info.hasAudio ? ['-i', audioFrom] : []),
      '-map', '0:v:0', ...audio,
      '-vf', evenSides, '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', '-pix_fmt', 'yuv420p',
      '-movflags', '+faststart', output
    ]);
    this.done = watch(this.child, `encoding ${output}`);
    this.done.catch(() => {});
    // A dead encoder breaks the pipe: its exit status (in `done`) says why, not an EPIPE crash.
    this.child.stdin.on('error', () => {});
  }

  /** Queues one frame; resolves once the pipe can take more (backpressure keeps memory flat). */
  async write(frame: RgbaImage): Promise<void> {
    const stdin = this.child.stdin;
    if (stdin.write(new Uint8Array(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength))) return;
    await Promise.race([new Promise((resolve) => stdin.once('drain', resolve)), this.done]);
  }

  /** Ends the stream and waits for the MP4 to be written. */
  async finish(): Promise<void> {
    this.child.stdin.end();
    await this.done;
  }

  /** Stops the encoder (after an error elsewhere). */
  abort(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}
