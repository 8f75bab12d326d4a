import * as tf from '@tensorflow/tfjs-core';
import type { RgbaImage } from '../../../src/lib/ml/types';

/** The image at half size (2×2 means), as a 2D canvas draws it small for tracking. */
export function halveImage(image: RgbaImage): RgbaImage {
  const width = image.width / 2;
  const height = image.height / 2;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 4; c++) {
        const at = (dx: number, dy: number) => image.data[((2 * y + dy) * image.width + 2 * x + dx) * 4 + c];
        data[(y * width + x) * 4 + c] = (at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1)) / 4;
      }
  return { width, height, data };
}

/** A smooth scene with detail at a few scales, its content moved by (dx, dy) pixels. */
export function scene(width: number, height: number, dx = 0, dy = 0): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const u = x + 0.5 - dx;
      const v = y + 0.5 - dy;
      const coarse = Math.sin(u / 19) * Math.cos(v / 15);
      data.set([120 + 50 * coarse + 25 * Math.sin(u / 6), 110 + 40 * Math.cos((u + v) / 11), 100 + 45 * Math.sin((u - 2 * v) / 13), 255], (y * width + x) * 4);
    }
  return { width, height, data };
}

/** A copy of `image` with a magenta bar over `rows` and `columns` (each [from, to)). */
export function paintedBar(image: RgbaImage, rows: [number, number], columns: [number, number]): RgbaImage {
  const painting = { ...image, data: image.data.slice() };
  for (let y = rows[0]; y < rows[1]; y++) for (let x = columns[0]; x < columns[1]; x++) painting.data.set([255, 0, 255], (y * image.width + x) * 4);
  return painting;
}

/** HxWx3 int32 tensor of an RGBA image; the caller disposes it. */
export function rgb(image: RgbaImage): tf.Tensor3D {
  return tf.tidy(() => tf.slice(tf.tensor3d(Int32Array.from(image.data), [image.height, image.width, 4], 'int32'), [0, 0, 0], [-1, -1, 3]));
}
