import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decode, encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/livebrush.ts';

const run = promisify(execFile);
let dir: string;
const path = (name: string) => join(dir, name);

/** A tiny network and training setup so a step takes milliseconds. */
const TINY_CONFIG = {
  network: {
    name: 'tiny',
    inputChannels: 3,
    stemFilters: 4,
    stemKernel: 3,
    downFilters: [8],
    residualBlocks: 1,
    upFilters: [8],
    headFilters: 4,
    headKernel: 3,
    smoothers: false,
    separable: false
  },
  training: { patchSize: 16, batchSize: 2 }
};

/** Writes a PNG with `channels` samples per pixel whose values follow `value(x, y, channel)`. */
async function writeTestPng(name: string, width: number, height: number, channels: 1 | 3 | 4, value: (x: number, y: number, c: number) => number) {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = value(x, y, c);
  await writeFile(path(name), encode({ width, height, data, channels, depth: 8 }));
  return path(name);
}

const scene = (x: number, y: number, c: number) => (c === 0 ? x * 6 : c === 1 ? y * 6 : ((x >> 2) + (y >> 2)) % 2 ? 200 : 30);
const painted = (x: number, y: number, c: number) => 255 - scene(x, y, c);

/** Runs the CLI in this process and collects what it prints. */
async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { status, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'livebrush-cli-'));
  await writeFile(path('tiny.json'), JSON.stringify(TINY_CONFIG));
  await writeTestPng('key.png', 40, 36, 3, scene);
  await writeTestPng('paint.png', 40, 36, 4, (x, y, c) => (c === 3 ? 255 : painted(x, y, c)));
  await writeTestPng('mask.png', 40, 36, 1, (x) => (x < 20 ? 255 : 0));
  await writeTestPng('empty-mask.png', 40, 36, 1, () => 10);
  await writeTestPng('paint-wide.png', 44, 36, 3, painted);
  await writeTestPng('mask-small.png', 40, 30, 1, () => 255);
  await writeTestPng('tiny-key.png', 12, 12, 3, scene);
  await writeTestPng('tiny-paint.png', 12, 12, 3, painted);
  await mkdir(path('frames'));
  await writeTestPng('frames/a.png', 40, 36, 3, (x, y, c) => scene(x + 1, y, c));
  await writeTestPng('frames/b.png', 37, 23, 1, (x, y) => scene(x, y, 0));
  await writeFile(path('frames/notes.txt'), 'not a frame');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('livebrush train → stylize (the real entry point, spawned with tsx)', () => {
  it('trains a model from a keyframe and mask on two threads, then stylizes a folder into PNGs of the same names and sizes', async () => {
    const train = await run('npx', [
      'tsx', 'cli/livebrush.ts', 'train', '--keyframe', path('key.png'), '--styled', path('paint.png'), '--mask', path('mask.png'),
      '--steps', '2', '--config', path('tiny.json'), '--replicas', '2', '--model', path('model.lbw')
    ]);
    expect(train.stderr).toMatch(/trained .* × 2 threads .*step 2\b/);
    expect((await readdir(dir)).filter((name) => name.includes('.tmp'))).toEqual([]);

    await run('npx', ['tsx', 'cli/livebrush.ts', 'stylize', '--model', path('model.lbw'), '--input', path('frames'), '--output', path('out')]);
    expect((await readdir(path('out'))).sort()).toEqual(['a.png', 'b.png']);
    const a = decode(await readFile(path('out/a.png')));
    const b = decode(await readFile(path('out/b.png')));
    expect([a.width, a.height, b.width, b.height]).toEqual([40, 36, 37, 23]);
  });

  it('exits non-zero with one line on stderr for bad input', async () => {
    const failure = await run('npx', ['tsx', 'cli/livebrush.ts', 'train', '--steps', '1', '--seconds', '1']).catch((error) => error);
    expect(failure.code).toBe(2);
    expect(failure.stderr.trim()).toBe('livebrush train: give either --steps or --seconds, not both');
  });
});

describe('livebrush rejects bad input with a message naming the problem', () => {
  const trainArgs = (...extra: string[]) => ['train', '--steps', '1', '--config', path('tiny.json'), '--model', path('never.lbw'), ...extra];
  const pair = () => ['--keyframe', path('key.png'), '--styled', path('paint.png')];

  it('prints usage for --help and refuses unknown commands and flags', async () => {
    expect((await cli('--help')).out).toMatch(/Commands:[\s\S]*train[\s\S]*stylize[\s\S]*tune/);
    expect((await cli('stylize', '--help')).out).toMatch(/--model MODEL\.lbw/);
    expect(await cli('paint')).toMatchObject({ status: 2, err: expect.stringMatching(/unknown command "paint"/) });
    expect(await cli(...trainArgs(...pair(), '--fast'))).toMatchObject({ status: 2, err: expect.stringMatching(/unknown flag --fast/) });
  });

  it('refuses a thread count that is not a small positive integer', async () => {
    expect(await cli(...trainArgs(...pair(), '--replicas', '0'))).toMatchObject({ status: 2, err: expect.stringMatching(/--replicas must be a positive integer, got "0"/) });
    expect(await cli(...trainArgs(...pair(), '--replicas', '99'))).toMatchObject({ status: 2, err: expect.stringMatching(/--replicas must be at most 16, got 99/) });
  });

  it('needs exactly one of --seconds and --steps', async () => {
    const neither = await cli('train', ...pair(), '--model', path('never.lbw'));
    expect(neither).toMatchObject({ status: 2, err: expect.stringMatching(/--steps N or --seconds S/) });
    const both = await cli(...trainArgs(...pair(), '--seconds', '3'));
    expect(both).toMatchObject({ status: 2, err: expect.stringMatching(/either --steps or --seconds, not both/) });
  });

  it('names a missing keyframe file', async () => {
    const result = await cli(...trainArgs('--keyframe', path('absent.png'), '--styled', path('paint.png')));
    expect(result).toMatchObject({ status: 2, err: expect.stringContaining(`file not found: ${path('absent.png')}`) });
  });

  it('refuses a painting or mask whose size differs from the keyframe', async () => {
    const painting = await cli(...trainArgs('--keyframe', path('key.png'), '--styled', path('paint-wide.png')));
    expect(painting).toMatchObject({ status: 2, err: expect.stringMatching(/size mismatch: .*40×36.*paint-wide\.png is 44×36/) });
    const mask = await cli(...trainArgs(...pair(), '--mask', path('mask-small.png')));
    expect(mask).toMatchObject({ status: 2, err: expect.stringMatching(/size mismatch: .*mask .*mask-small\.png is 40×30/) });
  });

  it('refuses an empty mask and a keyframe smaller than a training patch', async () => {
    const empty = await cli(...trainArgs(...pair(), '--mask', path('empty-mask.png')));
    expect(empty).toMatchObject({ status: 2, err: expect.stringMatching(/mask .*empty-mask\.png is empty/) });
    const small = await cli(...trainArgs('--keyframe', path('tiny-key.png'), '--styled', path('tiny-paint.png')));
    expect(small).toMatchObject({ status: 2, err: expect.stringMatching(/12×12\) is smaller than one 16×16 training patch/) });
  });

  it('refuses a corrupt or truncated model file without writing any output', async () => {
    await writeFile(path('garbage.lbw'), 'definitely not weights');
    const garbage = await cli('stylize', '--model', path('garbage.lbw'), '--input', path('frames'), '--output', path('out-garbage'));
    expect(garbage).toMatchObject({ status: 2, err: expect.stringMatching(/corrupt model file .*garbage\.lbw/) });

    const trained = await cli(...trainArgs(...pair()).map((arg) => (arg === path('never.lbw') ? path('good.lbw') : arg)));
    expect(trained.status).toBe(0);
    const bytes = await readFile(path('good.lbw'));
    await writeFile(path('truncated.lbw'), bytes.subarray(0, bytes.length - 100));
    const truncated = await cli('stylize', '--model', path('truncated.lbw'), '--input', path('frames'), '--output', path('out-truncated'));
    expect(truncated).toMatchObject({ status: 2, err: expect.stringMatching(/corrupt model file .*truncated\.lbw/) });
    expect((await readdir(dir)).filter((name) => name.startsWith('out-'))).toEqual([]);
  });

  it('names a missing stylize input', async () => {
    const result = await cli('stylize', '--model', path('garbage.lbw'), '--input', path('nowhere'), '--output', path('out-x'));
    expect(result).toMatchObject({ status: 2, err: expect.stringContaining(`file not found: ${path('nowhere')}`) });
  });
});
