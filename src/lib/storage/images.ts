import { convertIndexedToRgb, decode, encode, hasPngSignature } from 'fast-png';
import type { RgbaImage } from '$lib/ml/types';
import { m } from '$lib/paraglide/messages';

/** The largest width or height an image may have in a preset or an imported file. */
export const MAX_IMAGE_SIDE = 4096;

/** The longer side of a gallery thumbnail, in pixels. */
export const THUMBNAIL_SIDE = 160;

/** A PNG that cannot be read, or one whose size is out of bounds; the message says which. */
export class PngError extends Error {
  override name = 'PngError';
}

/** Encodes an RGBA image as a lossless 8-bit RGBA PNG (fast-png, so it runs the same in Node). */
export function encodeRgbaPng(image: RgbaImage): Uint8Array {
  const data = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return encode({ width: image.width, height: image.height, data, depth: 8, channels: 4 });
}

/** Reads the width and height from a PNG's header without decoding it. */
export function readPngSize(bytes: Uint8Array): { width: number; height: number } {
  if (bytes.length < 24 || !hasPngSignature(bytes)) throw new PngError(m.png_not_png());
  const chunkType = String.fromCharCode(...bytes.subarray(12, 16));
  if (chunkType !== 'IHDR') throw new PngError(m.png_no_header());
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * Decodes a PNG of any colour type into 8-bit RGBA, refusing sides over `maxSide` before
 * allocating anything for the pixels.
 */
export function decodePngToRgba(bytes: Uint8Array, maxSide: number = MAX_IMAGE_SIDE): RgbaImage {
  const { width, height } = readPngSize(bytes);
  if (width < 1 || height < 1) throw new PngError(m.png_empty({ width, height }));
  if (width > maxSide || height > maxSide) {
    throw new PngError(m.png_too_large({ width, height, max: maxSide }));
  }
  let png;
  try {
    png = decode(bytes, { checkCrc: true });
  } catch (error) {
    throw new PngError(m.png_damaged({ reason: error instanceof Error ? error.message : String(error) }));
  }
  const pixels = width * height;
  const source = png.palette ? convertIndexedToRgb(png) : png.data;
  const channels = png.palette ? source.length / pixels : png.channels;
  const shift = png.depth === 16 && !png.palette ? 8 : 0;
  if (source.length < pixels * channels || ![1, 2, 3, 4].includes(channels) || ![8, 16].includes(png.palette ? 8 : png.depth)) {
    throw new PngError(m.png_unsupported({ channels: png.channels, depth: png.depth }));
  }
  const data = new Uint8ClampedArray(pixels * 4);
  for (let pixel = 0; pixel < pixels; pixel++) {
    const from = pixel * channels;
    const to = pixel * 4;
    const grey = channels < 3;
    const r = source[from] >> shift;
    data[to] = r;
    data[to + 1] = grey ? r : source[from + 1] >> shift;
    data[to + 2] = grey ? r : source[from + 2] >> shift;
    data[to + 3] = channels === 2 ? source[from + 1] >> shift : channels === 4 ? source[from + 3] >> shift : 255;
  }
  return { width, height, data };
}

/** A box-filtered copy of `image` whose longer side is at most `maxSide` (for gallery thumbnails). */
export function downscale(image: RgbaImage, maxSide: number = THUMBNAIL_SIDE): RgbaImage {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * image.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * image.height) / height));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * image.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * image.width) / width));
      const sums = [0, 0, 0, 0];
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const at = (sy * image.width + sx) * 4;
          for (let c = 0; c < 4; c++) sums[c] += image.data[at + c];
        }
      }
      const count = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < 4; c++) data[(y * width + x) * 4 + c] = sums[c] / count;
    }
  }
  return { width, height, data };
}

/**
 * A gallery thumbnail that shows what a style does to a picture: the captured frame on the left
 * half, the painting made of it on the right, split by a white line (just the painting when their
 * sizes differ).
 */
export function beforeAfterThumbnail(input: RgbaImage, painting: RgbaImage, maxSide: number = THUMBNAIL_SIDE): RgbaImage {
  const before = downscale(input, maxSide);
  const after = downscale(painting, maxSide);
  if (before.width !== after.width || before.height !== after.height) return after;
  const { width, height } = after;
  const data = new Uint8ClampedArray(after.data);
  const split = Math.floor(width / 2);
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    data.set(before.data.subarray(row, row + split * 4), row);
    data.fill(255, row + split * 4, row + split * 4 + 4);
  }
  return { width, height, data };
}
