import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPng, writePng } from '../../cli/png.ts';
import { psnr, ssim } from '../../cli/metrics.ts';
import type { RgbaImage } from '../../src/lib/ml/types.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'livebrush-png-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A 5×3 gradient image with varied alpha, to notice any swapped channel or row. */
function sampleImage(): RgbaImage {
  const width = 5;
  const height = 3;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([p * 10, 255 - p * 7, (p * 37) % 256, 100 + p], p * 4);
  return { width, height, data };
}

describe('PNG input accepts every common layout as 8-bit RGBA', () => {
  it('round-trips RGBA through writePng/readPng exactly', async () => {
    const image = sampleImage();
    await writePng(join(dir, 'rgba.png'), image);
    expect(await readPng(join(dir, 'rgba.png'))).toEqual(image);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('reads RGB with opaque alpha', async () => {
    const rgb = new Uint8Array([10, 20, 30, 40, 50, 60]);
    await writeFile(join(dir, 'rgb.png'), encode({ width: 2, height: 1, data: rgb, channels: 3, depth: 8 }));
    const image = await readPng(join(dir, 'rgb.png'));
    expect(Array.from(image.data)).toEqual([10, 20, 30, 255, 40, 50, 60, 255]);
  });

  it('reads grey and grey+alpha as equal R, G and B', async () => {
    await writeFile(join(dir, 'grey.png'), encode({ width: 2, height: 1, data: new Uint8Array([0, 200]), channels: 1, depth: 8 }));
    await writeFile(join(dir, 'greya.png'), encode({ width: 1, height: 1, data: new Uint8Array([90, 128]), channels: 2, depth: 8 }));
    expect(Array.from((await readPng(join(dir, 'grey.png'))).data)).toEqual([0, 0, 0, 255, 200, 200, 200, 255]);
    expect(Array.from((await readPng(join(dir, 'greya.png'))).data)).toEqual([90, 90, 90, 128]);
  });

  it('reads 16-bit RGB by keeping the high byte', async () => {
    const samples = new Uint16Array([0xffff, 0x8000, 0x00ff]);
    await writeFile(join(dir, 'rgb16.png'), encode({ width: 1, height: 1, data: samples, channels: 3, depth: 16 }));
    expect(Array.from((await readPng(join(dir, 'rgb16.png'))).data)).toEqual([255, 128, 0, 255]);
  });

  it('names the file when it is missing or not a PNG', async () => {
    await expect(readPng(join(dir, 'absent.png'))).rejects.toThrow(/file not found: .*absent\.png/);
    await writeFile(join(dir, 'fake.png'), 'hello');
    await expect(readPng(join(dir, 'fake.png'))).rejects.toThrow(/not a PNG file: .*fake\.png/);
    expect((await readFile(join(dir, 'fake.png'), 'utf8'))).toBe('hello');
  });
});

describe('frame metrics used by tune', () => {
  it('PSNR is infinite for identical frames and 20·log10(255/e) for a uniform error e, alpha ignored', () => {
    const image = sampleImage();
    expect(psnr(image, image)).toBe(Infinity);
    const flat: RgbaImage = { width: 8, height: 8, data: new Uint8ClampedArray(256).fill(100) };
    const flatPlus: RgbaImage = { width: 8, height: 8, data: new Uint8ClampedArray(256).map((_, i) => (i % 4 === 3 ? 0 : 105)) };
    expect(psnr(flat, flatPlus)).toBeCloseTo(20 * Math.log10(255 / 5), 6);
  });

  it('SSIM is 1 for identical frames, symmetric, and falls as noise grows', () => {
    const width = 24;
    const height = 16;
    const base = new Uint8ClampedArray(width * height * 4);
    for (let p = 0; p < width * height; p++) base.set([(p * 13) % 256, (p * 7) % 256, (p * 3) % 256, 255], p * 4);
    const image = { width, height, data: base };
    let seed = 7;
    const noisy = (amplitude: number) => ({
      width,
      height,
      data: base.map((v) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return v + ((seed / 2 ** 31) * 2 - 1) * amplitude;
      })
    });
    const light = noisy(10);
    const heavy = noisy(60);
    expect(ssim(image, image)).toBeCloseTo(1, 10);
    expect(ssim(image, light)).toBeCloseTo(ssim(light, image), 10);
    expect(ssim(image, light)).toBeLessThan(1);
    expect(ssim(image, heavy)).toBeLessThan(ssim(image, light));
  });
});
