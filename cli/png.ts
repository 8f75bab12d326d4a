import { readFile, rename, writeFile, unlink } from 'node:fs/promises';
import { decode, encode, convertIndexedToRgb, hasPngSignature, type DecodedPng } from 'fast-png';
import type { RgbaImage } from '../src/lib/ml/types.ts';
import { CliError } from './errors.ts';

/** Converts any decoded PNG (grey, grey+alpha, RGB, RGBA, indexed; 1–16 bit) to 8-bit RGBA. */
export function toRgba(png: DecodedPng): RgbaImage {
  const { width, height } = png;
  const pixelCount = width * height;
  let samples = png.data;
  let channels = png.channels;
  let depth = png.depth;
  if (png.palette) {
    samples = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
    depth = 8;
  }
  const toByte = depth === 16 ? (v: number) => v >> 8 : depth === 8 ? (v: number) => v : (v: number) => Math.round((v * 255) / ((1 << depth) - 1));
  const unpacked = depth < 8 ? unpackBits(samples, width, height, channels, depth) : samples;
  const out = new Uint8ClampedArray(pixelCount * 4);
  for (let p = 0; p < pixelCount; p++) {
    const s = p * channels;
    const d = p * 4;
    if (channels >= 3) {
      out[d] = toByte(unpacked[s]);
      out[d + 1] = toByte(unpacked[s + 1]);
      out[d + 2] = toByte(unpacked[s + 2]);
      out[d + 3] = channels === 4 ? toByte(unpacked[s + 3]) : 255;
    } else {
      const grey = toByte(unpacked[s]);
      out[d] = grey;
      out[d + 1] = grey;
      out[d + 2] = grey;
      out[d + 3] = channels === 2 ? toByte(unpacked[s + 1]) : 255;
    }
  }
  return { width, height, data: out };
}

/** Expands sub-byte samples (rows padded to whole bytes) to one array entry per sample. */
function unpackBits(packed: ArrayLike<number>, width: number, height: number, channels: number, depth: number): Uint8Array {
  const samplesPerRow = width * channels;
  const bytesPerRow = Math.ceil((samplesPerRow * depth) / 8);
  const out = new Uint8Array(samplesPerRow * height);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < samplesPerRow; i++) {
      const bit = i * depth;
      const byte = packed[y * bytesPerRow + (bit >> 3)];
      out[y * samplesPerRow + i] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** Reads a PNG file as 8-bit RGBA; throws CliError naming the file when it is missing or not a PNG. */
export async function readPng(path: string): Promise<RgbaImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    throw new CliError(`file not found: ${path}`);
  }
  if (!hasPngSignature(bytes)) throw new CliError(`not a PNG file: ${path}`);
  try {
    return toRgba(decode(bytes));
  } catch (error) {
    throw new CliError(`cannot decode PNG ${path}: ${(error as Error).message}`);
  }
}

/** Encodes an RGBA image as an 8-bit RGBA PNG. */
export function encodeRgbaPng(image: RgbaImage): Uint8Array {
  return encode({ width: image.width, height: image.height, data: image.data, channels: 4, depth: 8 });
}

/** Writes bytes atomically: a temporary file beside the target, then a rename over it. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${path}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new CliError(`cannot write ${path}: ${(error as Error).message}`);
  }
}

/** Writes an RGBA image as a PNG file (atomically). */
export async function writePng(path: string, image: RgbaImage): Promise<void> {
  await writeFileAtomic(path, encodeRgbaPng(image));
}
