import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { decode, encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `livebrush stylize` on a video: the committed clip (320×240, 24 frames at 15 fps, 1.6 s, AAC tone)
// rendered through ffmpeg to an MP4 of the same size, frame count, duration and audio, painted strokes
// carried into the frames; without ffmpeg, one line and exit status 2.

const run = promisify(execFile);
const CLIP = resolve('tests/fixtures/cli-clip.mp4');
let dir: string;
const path = (name: string) => join(dir, name);

/** A tiny network with the stroke layer, so that training takes a moment and the painting shows. */
const TINY_CONFIG = {
  network: {
    name: 'tiny-strokes', inputChannels: 3, stemFilters: 4, stemKernel: 3, downFilters: [8], residualBlocks: 1, upFilters: [8],
    headFilters: 4, headKernel: 3, smoothers: false, separable: false, strokeLayer: { threshold: 60 }
  },
  training: { patchSize: 16, batchSize: 2 }
};

/** The bar painted magenta on the keyframe, as fractions of the picture. */
const BAR = { left: 0.2, right: 0.8, top: 0.42, bottom: 0.5 };

/** The CLI spawned as a person runs it (tsx), with an optional PATH. */
function livebrush(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return run(process.execPath, ['--import', 'tsx', 'cli/livebrush.ts', ...args], { env, maxBuffer: 1 << 24 });
}

/** ffprobe's view of a file's streams. */
async function probe(file: string) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', file]);
  return JSON.parse(stdout) as { streams: { codec_type: string; codec_name: string; width?: number; height?: number; nb_read_frames?: string }[]; format: { duration: string } };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'livebrush-cli-video-'));
  await writeFile(path('tiny.json'), JSON.stringify(TINY_CONFIG));
  // The keyframe at half the clip's size (the model learns there; frames are upsampled to 320×240).
  await run('ffmpeg', ['-v', 'error', '-i', CLIP, '-vf', 'select=eq(n\\,0),scale=160:120', '-frames:v', '1', path('key.png')]);
  const key = decode(await readFile(path('key.png')));
  const channels = key.channels;
  const painting = Uint8Array.from(key.data as Uint8Array);
  for (let y = Math.round(BAR.top * 120); y < Math.round(BAR.bottom * 120); y++)
    for (let x = Math.round(BAR.left * 160); x < Math.round(BAR.right * 160); x++) painting.set([255, 0, 255], (y * 160 + x) * channels);
  await writeFile(path('paint.png'), encode({ width: 160, height: 120, data: painting, channels, depth: 8 }));
  await livebrush(['train', '--keyframe', path('key.png'), '--styled', path('paint.png'), '--steps', '2', '--config', path('tiny.json'), '--model', path('model.lbw')]);
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('livebrush stylize on a video', () => {
  it('renders every frame at the video size to an H.264 MP4 with its audio, the painted bar where it was painted', async () => {
    const { stderr } = await livebrush([
      'stylize', '--model', path('model.lbw'), '--input', CLIP, '--output', path('out.mp4'), '--keyframe', path('key.png'), '--styled', path('paint.png')
    ]);
    expect(stderr).toMatch(/rendered 24 frames of 320×240/);
    const source = await probe(CLIP);
    const rendered = await probe(path('out.mp4'));
    const video = rendered.streams.find((stream) => stream.codec_type === 'video')!;
    expect(video).toMatchObject({ codec_name: 'h264', width: 320, height: 240, nb_read_frames: '24' });
    expect(rendered.streams.some((stream) => stream.codec_type === 'audio')).toBe(true);
    expect(Math.abs(Number(rendered.format.duration) - Number(source.format.duration))).toBeLessThan(0.1);

    // Frame 12, decoded: magenta across the painted bar, the grey street elsewhere.
    const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', path('out.mp4'), '-vf', 'select=eq(n\\,12)', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], {
      encoding: 'buffer',
      maxBuffer: 1 << 24
    });
    const magenta = (fx0: number, fx1: number, fy0: number, fy1: number) => {
      let sum = 0;
      let count = 0;
      for (let y = Math.round(fy0 * 240); y < Math.round(fy1 * 240); y++)
        for (let x = Math.round(fx0 * 320); x < Math.round(fx1 * 320); x++) {
          const i = (y * 320 + x) * 3;
          sum += (stdout[i] + stdout[i + 2]) / 2 - stdout[i + 1];
          count++;
        }
      return sum / count;
    };
    expect(magenta(0.25, 0.75, 0.44, 0.48)).toBeGreaterThan(150);
    expect(magenta(0, 1, 0.05, 0.3)).toBeLessThan(30);
  }, 300_000);

  it('says in one line that ffmpeg is missing and exits with status 2', async () => {
    const failure = await livebrush(['stylize', '--model', path('model.lbw'), '--input', CLIP, '--output', path('never.mp4')], { ...process.env, PATH: dir }).catch(
      (error: { code: number; stderr: string }) => error
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr.trim()).toBe(
      'livebrush stylize: ffmpeg was not found on PATH: install ffmpeg (with ffprobe) to read and write videos'
    );
  }, 120_000);
});

/** Mean red of a PNG and its size. */
async function pngStats(file: string) {
  const png = decode(await readFile(file));
  let sum = 0;
  for (let i = 0; i < png.data.length; i += png.channels) sum += png.data[i];
  return { width: png.width, height: png.height, meanRed: sum / (png.width * png.height), png };
}

describe('a video frame as a keyframe: livebrush frame and train --video --frame', () => {
  let greys: string;
  beforeAll(async () => {
    // 8 frames whose grey level is 30 × the frame's index, at uneven times (0.1 s apart, then 0.2–0.4 s).
    greys = path('greys.mp4');
    await run('ffmpeg', [
      '-v', 'error', '-f', 'lavfi', '-i', "color=c=black:s=64x48:r=10:d=0.8,format=yuv444p,geq=lum='N*30':cb=128:cr=128",
      '-vf', "setpts='if(lt(N,4),N*0.1,0.4+(N-4)*0.3)/TB'", '-fps_mode', 'vfr', '-c:v', 'libx264', '-crf', '0', '-pix_fmt', 'yuv444p', greys
    ]);
  }, 60_000);

  /** The grey a frame of `greys` decodes to (its luma 30 × index, in video range, expanded to 0–255). */
  const greyOf = (index: number) => ((index * 30 - 16) * 255) / 219;

  it('writes the frame the index names (0-based, presentation order, at a variable frame rate) as a PNG of the video\'s size', async () => {
    for (const index of [0, 3, 5, 7]) {
      const { stderr } = await livebrush(['frame', '--input', greys, '--frame', String(index), '--output', path(`grey${index}.png`)]);
      expect(stderr).toContain(`frame ${index} of`);
      const frame = await pngStats(path(`grey${index}.png`));
      expect({ width: frame.width, height: frame.height }).toEqual({ width: 64, height: 48 });
      expect(Math.abs(frame.meanRed - Math.max(0, greyOf(index)))).toBeLessThan(6);
    }
  }, 120_000);

  it('writes a rotated clip\'s frame upright', async () => {
    await livebrush(['frame', '--input', resolve('tests/fixtures/video/rotated-vfr.mp4'), '--frame', '7', '--output', path('upright.png')]);
    const { width, height, png } = await pngStats(path('upright.png'));
    // Stored 64×48 with 90° rotation metadata: shown, and written, 48×64 with one red corner.
    expect({ width, height }).toEqual({ width: 48, height: 64 });
    const red = [[2, 2], [45, 2], [2, 61], [45, 61]].filter(([x, y]) => {
      const i = (y * width + x) * png.channels;
      return png.data[i] > 200 && png.data[i + 1] < 60;
    });
    expect(red).toHaveLength(1);
  }, 60_000);

  it('trains on a video\'s frame given with --video and --frame', async () => {
    // The painting: frame 5 with its left half painted magenta (a painting must match the frame's size).
    const painting = decode(await readFile(path('grey5.png')));
    const data = Uint8Array.from(painting.data as Uint8Array);
    for (let y = 0; y < 48; y++) for (let x = 0; x < 32; x++) data.set([255, 0, 255], (y * 64 + x) * painting.channels);
    await writeFile(path('grey5-painted.png'), encode({ width: 64, height: 48, data, channels: painting.channels, depth: 8 }));
    const { stderr } = await livebrush([
      'train', '--video', greys, '--frame', '5', '--styled', path('grey5-painted.png'), '--steps', '2', '--config', path('tiny.json'), '--replicas', '1', '--model', path('grey.lbw')
    ]);
    expect(stderr).toMatch(/on wasm \(1 keyframe\): step 2, .* → .*grey\.lbw/);
    expect((await readFile(path('grey.lbw'))).byteLength).toBeGreaterThan(1000);
  }, 120_000);

  it('names the frame count when --frame is past the end, and a missing --frame or file', async () => {
    const fail = (args: string[]) => livebrush(args).then(() => ({ code: 0, stderr: '' }), (error: { code: number; stderr: string }) => error);
    const past = await fail(['frame', '--input', greys, '--frame', '8', '--output', path('never.png')]);
    expect(past).toMatchObject({ code: 2 });
    expect(past.stderr.trim()).toBe(`livebrush frame: ${greys} has 8 frames (0–7): frame 8 is past its end`);
    const noFrame = await fail(['train', '--video', greys, '--styled', path('grey5-painted.png'), '--steps', '1', '--model', path('never.lbw')]);
    expect(noFrame.stderr).toContain(`give --frame N after --video ${greys}`);
    const missing = await fail(['train', '--video', path('missing.mp4'), '--frame', '0', '--styled', path('grey5-painted.png'), '--steps', '1', '--model', path('never.lbw')]);
    expect(missing.stderr.trim()).toBe(`livebrush train: file not found: ${path('missing.mp4')}`);
    const wrongSize = await fail(['train', '--video', greys, '--frame', '5', '--styled', path('paint.png'), '--steps', '1', '--model', path('never.lbw')]);
    expect(wrongSize.stderr.trim()).toBe(`livebrush train: size mismatch: keyframe ${greys} frame 5 is 64×48 but painting ${path('paint.png')} is 160×120`);
    const negative = await fail(['frame', '--input', greys, '--frame', '-1', '--output', path('never.png')]);
    expect(negative).toMatchObject({ code: 2 });
  }, 120_000);
});
