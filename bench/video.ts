/**
 * Full-size output speed (run by `npm run bench`, or alone with `npm run bench -- --only video`):
 * renders the committed clip (tests/fixtures/cli-clip.mp4, looped to 6 s) through the CLI's video pipeline (ffmpeg
 * decode → full-size stylization → H.264 encode) and, in the same run, the same frames already in
 * memory through the full-size stylization alone, in pixels per second; and the time of one
 * full-size photo at 1280×720. Needs ffmpeg on PATH for the video figures.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stylizeVideo } from '../cli/stylize.ts';
import { decodeFrames, probeVideo, requireFfmpeg } from '../cli/video.ts';
import { createGenerator, encodeWeights, FULL_SIZE_WORKING_SIDE, generatorFromWeights, LiveStylizer, NETWORKS, resizeImage, stylize, stylizeFullSize, type Generator, type KeyframeExample } from '../src/lib/ml/index.ts';
import type { RgbaImage } from '../src/lib/ml/types.ts';
import { fitLongSide } from '../src/lib/camera/frames.ts';

/** The committed test clip the bench renders, played this many times in a row (see `loopedClip`). */
const BENCH_CLIP = resolve('tests/fixtures/cli-clip.mp4');
const CLIP_LOOPS = 6;

/**
 * The clip played `loops` times in a row (stream copy, no re-encoding): a 1-second clip would time the
 * three ffmpeg/ffprobe start-ups and the first frame's stroke layer more than the per-frame pipeline;
 * a 6-second one is what renders of real clips see, and still shows those costs.
 */
function loopedClip(dir: string, loops: number): string {
  const path = join(dir, 'clip.mp4');
  const result = spawnSync('ffmpeg', ['-v', 'error', '-y', '-stream_loop', String(loops - 1), '-i', BENCH_CLIP, '-c', 'copy', path]);
  if (result.status !== 0) throw new Error(`ffmpeg could not loop the bench clip: ${result.stderr}`);
  return path;
}

/** What the video bench prints. */
export interface VideoFigures {
  clip: { width: number; height: number; frames: number };
  /** Full-size stylization of frames in memory (network at the working size, resizing, strokes). */
  stylizePixelsPerSec: number;
  /** The whole pipeline: decode, stylize, encode, pipes and copies. */
  renderPixelsPerSec: number;
  /** render / stylize (target ≥ 0.8). */
  renderShare: number;
  /** The same two per CPU-second (ffmpeg's CPU included): what an uncontended machine would see. */
  stylizePixelsPerCpuSec: number;
  renderPixelsPerCpuSec: number;
  renderShareCpu: number;
  /** Median wall ms and CPU ms of one 1280×720 photo from the preview network, upscaled (target ≤ 2000 ms). */
  photoMs1280x720: number;
  photoCpuMs1280x720: number;
  /** The same from the photo network at 1280×720 (src/lib/ml/photo-network.ts): later photos, and the first after a tune (its stroke layer is made then, from the keyframe output the training worker made). */
  photoNetworkMs1280x720: number;
  photoNetworkCpuMs1280x720: number;
  firstPhotoNetworkMs1280x720: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * CPU ms used so far by this process and its finished children (ffmpeg), from /proc (Linux; 0 for the
 * children elsewhere): on a loaded machine, work per CPU-second is the uncontended speed.
 */
function cpuMsWithChildren(): number {
  const own = process.cpuUsage();
  let children = 0;
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    children = ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    children = 0;
  }
  return (own.user + own.system) / 1000 + children;
}

/** Median wall and CPU milliseconds of three runs of `photo`. */
async function photoTimes(photo: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    await photo();
    const used = process.cpuUsage(cpuStart);
    wall.push(performance.now() - started);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall: Math.round(median(wall)), cpu: Math.round(median(cpu)) };
}

/** A keyframe at `side` (default the working size) with a painted bar, as the studio would train on. */
function paintedKeyframe(frame: RgbaImage, side = FULL_SIZE_WORKING_SIDE): KeyframeExample {
  const size = fitLongSide(frame.width, frame.height, side);
  const input = resizeImage(frame, size.width, size.height);
  const styled = { ...input, data: input.data.slice() };
  for (let y = Math.round(size.height * 0.4); y < Math.round(size.height * 0.5); y++)
    for (let x = Math.round(size.width * 0.2); x < Math.round(size.width * 0.8); x++) styled.data.set([255, 0, 255], (y * size.width + x) * 4);
  return { input, styled };
}

/** A 1280×720 camera-like frame: gradients and a checker. */
function hdFrame(): RgbaImage {
  const width = 1280;
  const height = 720;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([(x * 255) / width + (((x >> 4) + (y >> 4)) % 2) * 30, (y * 255) / height, 128 + 90 * Math.sin((x + y) / 23), 255], (y * width + x) * 4);
  return { width, height, data };
}

/** Pixels per second and per CPU-second of `frames` through stylizeFullSize, after one warm-up frame. */
async function stylizeRate(generator: Generator, keyframe: KeyframeExample, frames: RgbaImage[]): Promise<{ wall: number; cpu: number }> {
  const live = new LiveStylizer();
  await stylizeFullSize(live, generator, keyframe, frames[0], 0);
  const started = performance.now();
  const cpuStart = cpuMsWithChildren();
  for (const frame of frames) await stylizeFullSize(live, generator, keyframe, frame, 0);
  live.dispose();
  const pixels = frames.length * frames[0].width * frames[0].height;
  return { wall: pixels / ((performance.now() - started) / 1000), cpu: pixels / ((cpuMsWithChildren() - cpuStart) / 1000) };
}

/** Measures the figures above with the default network (its speed does not depend on training). */
export async function measureVideo(): Promise<VideoFigures> {
  requireFfmpeg();
  const generator = generatorFromWeights(await encodeWeights(createGenerator(NETWORKS.mobile, 1)));
  const dir = await mkdtemp(join(tmpdir(), 'livebrush-bench-video-'));
  try {
    const clip = loopedClip(dir, CLIP_LOOPS);
    const info = probeVideo(clip);
    const frames: RgbaImage[] = [];
    for await (const frame of decodeFrames(clip, info)) frames.push(frame);
    const keyframe = paintedKeyframe(frames[0]);
    await writeFile(join(dir, 'model.lbw'), await encodeWeights(generator));
    const quiet = { out: () => {}, err: () => {} };
    const pixels = frames.length * info.width * info.height;
    // Alternating, three of each: both see the same load; the medians are compared.
    const stylizeRates: { wall: number; cpu: number }[] = [];
    const renderRates: { wall: number; cpu: number }[] = [];
    for (let rep = 0; rep < 3; rep++) {
      stylizeRates.push(await stylizeRate(generator, keyframe, frames));
      const started = performance.now();
      const cpuStart = cpuMsWithChildren();
      await stylizeVideo(generator, keyframe, clip, join(dir, 'out.mp4'), FULL_SIZE_WORKING_SIDE, quiet);
      renderRates.push({ wall: pixels / ((performance.now() - started) / 1000), cpu: pixels / ((cpuMsWithChildren() - cpuStart) / 1000) });
    }
    const photo = hdFrame();
    const photoKeyframe = paintedKeyframe(photo);
    const live = new LiveStylizer();
    await stylizeFullSize(live, generator, photoKeyframe, photo, 0);
    const upscaled = await photoTimes(() => stylizeFullSize(new LiveStylizer(), generator, photoKeyframe, photo, 0));
    // The photo network has the preview network's shape: its speed is this network's at full size.
    const fullKeyframe = paintedKeyframe(photo, 1280);
    const photoLive = new LiveStylizer();
    // The training worker makes the network's output on the keyframe right after the tune (idle then).
    const keyframeOutput = await stylize(generator, fullKeyframe.input);
    const first = await photoTimes(() => {
      const fresh = new LiveStylizer();
      fresh.primeKeyframeOutput(generator, fullKeyframe.input, keyframeOutput, 0);
      return stylizeFullSize(fresh, generator, fullKeyframe, photo, 0, { workingSide: 1280 });
    });
    const later = await photoTimes(() => stylizeFullSize(photoLive, generator, fullKeyframe, photo, 0, { workingSide: 1280 }));
    photoLive.dispose();
    live.dispose();
    const stylizePixelsPerSec = Math.round(median(stylizeRates.map((rate) => rate.wall)));
    const renderPixelsPerSec = Math.round(median(renderRates.map((rate) => rate.wall)));
    const stylizePixelsPerCpuSec = Math.round(median(stylizeRates.map((rate) => rate.cpu)));
    const renderPixelsPerCpuSec = Math.round(median(renderRates.map((rate) => rate.cpu)));
    return {
      clip: { width: info.width, height: info.height, frames: frames.length },
      stylizePixelsPerSec,
      renderPixelsPerSec,
      renderShare: Math.round((renderPixelsPerSec / stylizePixelsPerSec) * 100) / 100,
      stylizePixelsPerCpuSec,
      renderPixelsPerCpuSec,
      renderShareCpu: Math.round((renderPixelsPerCpuSec / stylizePixelsPerCpuSec) * 100) / 100,
      photoMs1280x720: upscaled.wall,
      photoCpuMs1280x720: upscaled.cpu,
      photoNetworkMs1280x720: later.wall,
      photoNetworkCpuMs1280x720: later.cpu,
      firstPhotoNetworkMs1280x720: first.wall
    };
  } finally {
    generator.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Prints the figures for people. */
export function printVideoFigures(figures: VideoFigures): void {
  const { clip } = figures;
  console.log(`video: ${clip.frames} frames of ${clip.width}×${clip.height} (tests/fixtures/cli-clip.mp4 played ${CLIP_LOOPS}× in a row), network at ${FULL_SIZE_WORKING_SIDE} px then upscaled`);
  console.log(`  full-size stylization alone: ${(figures.stylizePixelsPerSec / 1e6).toFixed(3)} Mpx/s`);
  console.log(`  render (ffmpeg decode + stylize + H.264 encode): ${(figures.renderPixelsPerSec / 1e6).toFixed(3)} Mpx/s = ${Math.round(figures.renderShare * 100)} % of it (target ≥ 80 %)`);
  console.log(`  per CPU-second (ffmpeg included): stylization ${(figures.stylizePixelsPerCpuSec / 1e6).toFixed(3)} Mpx, render ${(figures.renderPixelsPerCpuSec / 1e6).toFixed(3)} Mpx = ${Math.round(figures.renderShareCpu * 100)} %`);
  console.log(`photo at 1280×720, preview network upscaled: ${figures.photoMs1280x720} ms (${figures.photoCpuMs1280x720} CPU ms; target ≤ 2000 ms)`);
  console.log(
    `photo at 1280×720, photo network: ${figures.photoNetworkMs1280x720} ms (${figures.photoNetworkCpuMs1280x720} CPU ms; target ≤ 2000 ms); the first after a tune ${figures.firstPhotoNetworkMs1280x720} ms (its stroke layer made)`
  );
}
