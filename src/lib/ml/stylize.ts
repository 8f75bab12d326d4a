import * as tf from '@tensorflow/tfjs-core';
import { sizeMultiple } from './config';
import type { Generator } from './generator';
import type { RgbaImage } from './types';

/**
 * Pads an HWC tensor at the bottom and right until the sides are multiples of `multiple`: mirrored
 * (symmetric) where the frame is large enough, which is one native op, else by repeating the last row
 * and column (tiny frames).
 */
function padToMultiple(x: tf.Tensor3D, multiple: number): tf.Tensor3D {
  const [height, width] = x.shape;
  const extraRows = (multiple - (height % multiple)) % multiple;
  const extraCols = (multiple - (width % multiple)) % multiple;
  if (extraRows === 0 && extraCols === 0) return x;
  if (extraRows <= height && extraCols <= width) {
    return tf.mirrorPad(x, [
      [0, extraRows],
      [0, extraCols],
      [0, 0]
    ], 'symmetric');
  }
  let padded = x;
  if (extraRows > 0) {
    const lastRow = tf.slice(padded, [height - 1, 0, 0], [1, -1, -1]);
    padded = tf.concat([padded, tf.tile(lastRow, [extraRows, 1, 1])], 0);
  }
  if (extraCols > 0) {
    const lastCol = tf.slice(padded, [0, width - 1, 0], [-1, 1, -1]);
    padded = tf.concat([padded, tf.tile(lastCol, [1, extraCols, 1])], 1);
  }
  return padded;
}

/**
 * Stylizes one frame on the GPU/WASM side: HxWx3 values in 0..255 (int32 or float) → HxWx3 int32 in
 * 0..255, any size (padded to the network's multiple, cropped back), BatchNorm in eval mode.
 * `aux` (HxWx3, 0..255) is required by 6-channel networks. The caller disposes the result.
 */
export function stylizeTensor(generator: Generator, rgb: tf.Tensor3D, aux?: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const [height, width, channels] = rgb.shape;
    if (channels !== 3) throw new Error(`stylize expects 3 colour channels, got ${channels}`);
    let input: tf.Tensor3D = tf.sub(tf.div(tf.cast(rgb, 'float32'), 127.5), 1);
    if (generator.config.inputChannels === 6) {
      if (!aux) throw new Error('This network was trained with auxiliary channels: pass the aux image');
      if (aux.shape[0] !== height || aux.shape[1] !== width) throw new Error('The aux image must have the frame size');
      input = tf.concat([input, tf.sub(tf.div(tf.cast(aux, 'float32'), 127.5), 1)], 2);
    }
    const padded = padToMultiple(input, sizeMultiple(generator.config));
    const output = generator.apply(tf.expandDims(padded, 0) as tf.Tensor4D, false);
    const cropped = tf.slice(tf.squeeze(output, [0]), [0, 0, 0], [height, width, 3]);
    return tf.cast(tf.clipByValue(tf.round(tf.mul(tf.add(cropped, 1), 127.5)), 0, 255), 'int32') as tf.Tensor3D;
  });
}

/** RGB bytes of an RGBA image as an HxWx3 int32 tensor. */
function rgbTensor(image: RgbaImage): tf.Tensor3D {
  const pixels = image.width * image.height;
  if (image.data.length !== pixels * 4) {
    throw new Error(`Image data has ${image.data.length} bytes, expected ${pixels * 4} for ${image.width}×${image.height} RGBA`);
  }
  const rgb = new Int32Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    rgb[i * 3] = image.data[i * 4];
    rgb[i * 3 + 1] = image.data[i * 4 + 1];
    rgb[i * 3 + 2] = image.data[i * 4 + 2];
  }
  return tf.tensor3d(rgb, [image.height, image.width, 3], 'int32');
}

/** Stylizes one image of any size; returns an opaque RGBA image of the same size. */
export async function stylize(generator: Generator, image: RgbaImage, aux?: RgbaImage): Promise<RgbaImage> {
  if (image.width < 1 || image.height < 1) throw new Error(`Cannot stylize an empty ${image.width}×${image.height} image`);
  const input = rgbTensor(image);
  const auxInput = aux ? rgbTensor(aux) : undefined;
  let output: tf.Tensor3D;
  try {
    output = stylizeTensor(generator, input, auxInput);
  } finally {
    input.dispose();
    auxInput?.dispose();
  }
  const values = await output.data();
  output.dispose();
  const data = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0; i < image.width * image.height; i++) {
    data[i * 4] = values[i * 3];
    data[i * 4 + 1] = values[i * 3 + 1];
    data[i * 4 + 2] = values[i * 3 + 2];
    data[i * 4 + 3] = 255;
  }
  return { width: image.width, height: image.height, data };
}
