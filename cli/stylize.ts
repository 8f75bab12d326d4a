import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { generatorFromWeights, initBackend, LiveStylizer, stylizeFullSize, WeightsFormatError, FULL_SIZE_WORKING_SIDE, type Generator, type KeyframeExample } from '../src/lib/ml/index.ts';
import { parseFlags, positiveNumber } from './args.ts';
import { CliError } from './errors.ts';
import type { CliOutput } from './livebrush.ts';
import { readPng, writePng } from './png.ts';
import { startProgress } from './progress.ts';
import { decodeFrames, probeVideo, requireFfmpeg, VideoEncoder } from './video.ts';

/** Whether a path names a video file (anything but a folder or a .png). */
async function isVideo(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  return info !== null && info.isFile() && !path.toLowerCase().endsWith('.png');
}

/** Loads a .lbw model file, naming the file in every error. */
export async function loadModel(path: string): Promise<Generator> {
  let bytes: Uint8Array;
  try {
    // A plain Uint8Array copy, not Node's Buffer: Buffer.slice returns a view of a shared pool, and the
    // ML core's decoder takes `bytes.slice(…).buffer` to be exactly the sliced bytes (a copy, as in browsers).
    bytes = new Uint8Array(await readFile(path));
  } catch {
    throw new CliError(`file not found: ${path}`);
  }
  try {
    return generatorFromWeights(bytes);
  } catch (error) {
    if (error instanceof WeightsFormatError) throw new CliError(`corrupt model file ${path}: ${error.message}`);
    throw error;
  }
}

/** The PNG files an --input names: the file itself, or a folder's *.png files in name order. */
async function inputFiles(input: string): Promise<string[]> {
  const info = await stat(input).catch(() => null);
  if (!info) throw new CliError(`file not found: ${input}`);
  if (info.isFile()) return [input];
  const names = (await readdir(input)).filter((name) => name.toLowerCase().endsWith('.png')).sort();
  if (names.length === 0) throw new CliError(`no .png files in folder ${input}`);
  return names.map((name) => join(input, name));
}

/** `livebrush stylize`: runs a trained model over PNG frames. */
export async function runStylize(argv: readonly string[], output: CliOutput): Promise<void> {
  const flags = parseFlags(argv, { model: 'value', input: 'value', output: 'value', keyframe: 'value', styled: 'value', 'working-side': 'value' });
  const modelPath = flags.get('model');
  const input = flags.get('input');
  const outDir = flags.get('output');
  if (!modelPath || !input || !outDir) throw new CliError('give --model MODEL.lbw --input DIR_OR_PNG_OR_VIDEO --output DIR_OR_MP4');
  const video = await isVideo(input);
  if (video) {
    requireFfmpeg();
    if (!outDir.toLowerCase().endsWith('.mp4')) throw new CliError('a video is written as MP4: give --output FILE.mp4');
    if (resolve(outDir) === resolve(input)) throw new CliError('--output would overwrite the input video: choose another file');
  }
  const files = video ? [] : await inputFiles(input);
  if (files.some((file) => resolve(join(outDir, basename(file))) === resolve(file))) {
    throw new CliError('--output would overwrite the input frames: choose another folder');
  }
  if ((flags.get('keyframe') === undefined) !== (flags.get('styled') === undefined)) throw new CliError('give --keyframe and --styled together');
  const keyframe: KeyframeExample | undefined = flags.get('keyframe')
    ? { input: await readPng(flags.get('keyframe')!), styled: await readPng(flags.get('styled')!) }
    : undefined;
  if (keyframe && (keyframe.input.width !== keyframe.styled.width || keyframe.input.height !== keyframe.styled.height)) {
    throw new CliError('--keyframe and --styled must have the same size');
  }
  // Video frames are stylized at the scale the model learnt (the keyframe's long side), then upsampled.
  const workingSide = positiveNumber(flags, 'working-side', true) ?? (keyframe ? Math.max(keyframe.input.width, keyframe.input.height) : FULL_SIZE_WORKING_SIDE);
  await initBackend(['wasm']);
  const generator = await loadModel(modelPath);
  if (generator.config.strokeLayer && !keyframe) output.err('note: without --keyframe and --styled, painted strokes are not carried into the frames');
  if (video) {
    try {
      await stylizeVideo(generator, keyframe, input, outDir, workingSide, output);
    } finally {
      generator.dispose();
    }
    return;
  }
  const live = new LiveStylizer();
  await mkdir(outDir, { recursive: true });
  const bar = startProgress('stylizing', files.length, 'frames');
  const started = performance.now();
  try {
    for (const [index, file] of files.entries()) {
      const frame = await readPng(file);
      await writePng(join(outDir, basename(file)), await live.stylize(generator, keyframe, frame, 0));
      bar.update(index + 1, basename(file));
    }
  } finally {
    bar.stop();
    generator.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  output.err(`stylized ${files.length} frame${files.length > 1 ? 's' : ''} in ${seconds.toFixed(1)} s → ${outDir}`);
}

/**
 * Renders every frame of a video at its own size (src/lib/ml/fullsize.ts) to an H.264 MP4 with the
 * source's audio; returns the frame count (the bench times this same pipeline).
 */
export async function stylizeVideo(generator: Generator, keyframe: KeyframeExample | undefined, input: string, outFile: string, workingSide: number, output: CliOutput): Promise<number> {
  const info = probeVideo(input);
  await mkdir(dirname(resolve(outFile)), { recursive: true });
  const encoder = new VideoEncoder(outFile, info, input);
  const live = new LiveStylizer();
  const bar = startProgress('rendering', info.frames, 'frames');
  const started = performance.now();
  let frames = 0;
  try {
    for await (const frame of decodeFrames(input, info)) {
      await encoder.write(await stylizeFullSize(live, generator, keyframe, frame, 0, { workingSide }));
      frames += 1;
      bar.update(frames);
    }
    await encoder.finish();
  } catch (error) {
    encoder.abort();
    throw error;
  } finally {
    bar.stop();
    live.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  output.err(`rendered ${frames} frame${frames === 1 ? '' : 's'} of ${info.width}×${info.height} in ${seconds.toFixed(1)} s → ${outFile}`);
  return frames;
}
