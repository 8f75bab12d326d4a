import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { beforeAfterThumbnail, decodePngToRgba, downscale, encodeRgbaPng, readPngSize } from '$lib/storage/images';
import { patternImage } from '../fixtures/storage/fixtures';

const pixels = (image: { data: ArrayLike<number> }) => Array.from(image.data);

describe('PNG images', () => {
  it('round-trips RGBA losslessly, alpha included', () => {
    const image = patternImage(13, 7, 4);
    const decoded = decodePngToRgba(encodeRgbaPng(image));
    expect([decoded.width, decoded.height]).toEqual([13, 7]);
    expect(pixels(decoded)).toEqual(pixels(image));
  });

  it('reads PNGs made elsewhere: grey, grey + alpha, RGB, 16-bit', () => {
    const grey = decodePngToRgba(encode({ width: 2, height: 1, data: new Uint8Array([10, 200]), channels: 1, depth: 8 }));
    expect(pixels(grey)).toEqual([10, 10, 10, 255, 200, 200, 200, 255]);
    const greyAlpha = decodePngToRgba(encode({ width: 1, height: 1, data: new Uint8Array([90, 30]), channels: 2, depth: 8 }));
    expect(pixels(greyAlpha)).toEqual([90, 90, 90, 30]);
    const rgb = decodePngToRgba(encode({ width: 1, height: 1, data: new Uint8Array([1, 2, 3]), channels: 3, depth: 8 }));
    expect(pixels(rgb)).toEqual([1, 2, 3, 255]);
    const deep = decodePngToRgba(encode({ width: 1, height: 1, data: new Uint16Array([0xffff, 0x8000, 0x0100, 0xffff]), channels: 4, depth: 16 }));
    expect(pixels(deep)).toEqual([255, 128, 1, 255]);
  });

  it('reads the size from the header alone and refuses what is not a PNG', () => {
    expect(readPngSize(encodeRgbaPng(patternImage(300, 5, 1)))).toEqual({ width: 300, height: 5 });
    expect(() => readPngSize(new TextEncoder().encode('GIF89a………………………………………'))).toThrow('is not a PNG image');
    expect(() => decodePngToRgba(encodeRgbaPng(patternImage(40, 10, 1)), 32)).toThrow('is 40×10 pixels, larger than the 32×32 limit');
  });

  it('downscales to the thumbnail size keeping the aspect ratio and the mean colour', () => {
    const flat = { width: 640, height: 480, data: new Uint8ClampedArray(640 * 480 * 4).fill(100) };
    const small = downscale(flat, 160);
    expect([small.width, small.height]).toEqual([160, 120]);
    expect(new Set(small.data)).toEqual(new Set([100]));
    const tiny = patternImage(20, 10, 2);
    expect(downscale(tiny, 160)).toEqual(tiny);
  });

  it('makes a before | after thumbnail: the frame on the left, its painting on the right', () => {
    const frame = { width: 320, height: 240, data: new Uint8ClampedArray(320 * 240 * 4).fill(40) };
    const painting = { width: 320, height: 240, data: new Uint8ClampedArray(320 * 240 * 4).fill(200) };
    const thumbnail = beforeAfterThumbnail(frame, painting, 160);
    expect([thumbnail.width, thumbnail.height]).toEqual([160, 120]);
    const red = (x: number, y: number) => thumbnail.data[(y * 160 + x) * 4];
    expect([red(10, 60), red(79, 60), red(80, 60), red(81, 60), red(150, 60)]).toEqual([40, 40, 255, 200, 200]);
  });
});
