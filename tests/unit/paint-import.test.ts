import { describe, expect, it } from 'vitest';
import { coverCrop } from '../../src/lib/paint/import';
import { dataUrlToBlob } from '../../src/lib/paint/render';

describe('importing a painting: cover scaling', () => {
  it('crops the sides of a wider image, centred, keeping the keyframe aspect ratio', () => {
    const crop = coverCrop({ width: 2000, height: 1000 }, { width: 640, height: 480 });
    expect(crop.height).toBeCloseTo(1000);
    expect(crop.width).toBeCloseTo(1000 * (640 / 480));
    expect(crop.x).toBeCloseTo((2000 - crop.width) / 2);
    expect(crop.y).toBeCloseTo(0);
  });

  it('crops top and bottom of a taller image', () => {
    const crop = coverCrop({ width: 720, height: 1280 }, { width: 256, height: 256 });
    expect(crop).toEqual({ x: 0, y: 280, width: 720, height: 720 });
  });

  it('keeps the whole image when the aspect ratios match, whatever the sizes', () => {
    expect(coverCrop({ width: 100, height: 50 }, { width: 1000, height: 500 })).toEqual({ x: 0, y: 0, width: 100, height: 50 });
  });
});

describe('importing a painting: its data: URL decoded without a fetch (the CSP allows none)', () => {
  it('gives back the exact bytes and type of a base64 data: URL', async () => {
    const bytes = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 255, 128]);
    const url = `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;
    const blob = dataUrlToBlob(url);
    expect(blob.type).toBe('image/png');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
  });

  it('reads a percent-encoded data: URL and refuses anything else', async () => {
    expect(await dataUrlToBlob('data:text/plain,a%20b').text()).toBe('a b');
    expect(() => dataUrlToBlob('https://example.invalid/x.png')).toThrow();
  });
});
