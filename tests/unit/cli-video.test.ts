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
