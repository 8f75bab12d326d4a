import * as tf from '@tensorflow/tfjs-core';
import { isStill, shiftAt, type ShiftField } from './local-motion';
import { applyAffine, invertAffine, type Affine } from './motion';

// The stroke layer (strokes.ts) as tensor ops, for backends where frames stay on the GPU: the same
// gate and the same bilinear move, with no readback.

/**
 * painting − reconstruction (HxWx3, 0–255), counted fully where the RGB sum of the difference exceeds
 * `threshold` and not at all below half of it: `createStrokeLayer` on tensors. The caller disposes it.
 */
export function strokeResidualTensor(painting: tf.Tensor3D, reconstruction: tf.Tensor3D, threshold: number): tf.Tensor3D {
  return tf.tidy(() => {
    const difference = tf.sub(tf.cast(painting, 'float32'), tf.cast(reconstruction, 'float32'));
    const low = threshold / 2;
    const size = tf.sum(tf.abs(difference), 2, true);
    const gate = tf.clipByValue(tf.div(tf.sub(size, low), threshold - low), 0, 1);
    return tf.mul(difference, gate) as tf.Tensor3D;
  });
}

/**
 * Adds `residual` (keyframe coordinates), moved by `motion` (keyframe → frame pixels, bilinear, zero
 * outside) and by `field` where parts move on their own, to a stylized frame (HxWx3, 0–255):
 * `applyStrokeLayer` on tensors. Returns int32 0–255.
 */
export function applyStrokeLayerTensor(output: tf.Tensor3D, residual: tf.Tensor3D, motion: Affine, field: ShiftField | null = null): tf.Tensor3D {
  const [a, b, c, d, e, f] = invertAffine(motion);
  const [height, width] = output.shape;
  if (!isStill(field)) return tf.tidy(() => addClipped(output, sampleBilinear(residual, sourcePoints(motion, field!, width, height), width, height)));
  return tf.tidy(() => {
    // tf.image.transform maps output pixel indices to input pixel indices; strokes.ts maps pixel
    // centres, so the offsets absorb the half-pixel shifts.
    const transform = tf.tensor2d([[a, b, c + 0.5 * (a + b - 1), d, e, f + 0.5 * (d + e - 1), 0, 0]]);
    const moved = tf.image.transform(tf.expandDims(residual, 0) as tf.Tensor4D, transform, 'bilinear', 'constant', 0, [height, width]);
    return addClipped(output, tf.squeeze(moved, [0]));
  });
}

/** Where each frame pixel's centre takes the layer from (keyframe pixel coordinates, centres at +0.5), as strokes.ts computes it. */
function sourcePoints(motion: Affine, field: ShiftField, width: number, height: number): { u: Float32Array; v: Float32Array } {
  const inverse = invertAffine(motion);
  const u = new Float32Array(width * height);
  const v = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [sx, sy] = shiftAt(field, x + 0.5, y + 0.5);
      [u[y * width + x], v[y * width + x]] = applyAffine(inverse, x + 0.5 - sx, y + 0.5 - sy);
    }
  return { u, v };
}

/** `residual` sampled bilinearly at the points (HxW, zero where a point falls outside it, as strokes.ts). */
function sampleBilinear(residual: tf.Tensor3D, points: { u: Float32Array; v: Float32Array }, width: number, height: number): tf.Tensor3D {
  const [lh, lw] = residual.shape;
  const u = tf.sub(tf.tensor2d(points.u, [height, width]), 0.5);
  const v = tf.sub(tf.tensor2d(points.v, [height, width]), 0.5);
  const inside = tf.logicalAnd(tf.logicalAnd(tf.greaterEqual(u, 0), tf.greaterEqual(v, 0)), tf.logicalAnd(tf.lessEqual(u, lw - 1), tf.lessEqual(v, lh - 1)));
  const x0 = tf.clipByValue(tf.floor(u), 0, lw - 2);
  const y0 = tf.clipByValue(tf.floor(v), 0, lh - 2);
  const fx = tf.expandDims(tf.sub(u, x0), 2);
  const fy = tf.expandDims(tf.sub(v, y0), 2);
  const flat = tf.reshape(residual, [lh * lw, 3]);
  const corner = (dx: number, dy: number) => tf.gather(flat, tf.cast(tf.add(tf.mul(tf.add(y0, dy), lw), tf.add(x0, dx)), 'int32'));
  const top = tf.add(corner(0, 0), tf.mul(tf.sub(corner(1, 0), corner(0, 0)), fx));
  const bottom = tf.add(corner(0, 1), tf.mul(tf.sub(corner(1, 1), corner(0, 1)), fx));
  const value = tf.add(top, tf.mul(tf.sub(bottom, top), fy));
  return tf.where(tf.expandDims(inside, 2), value, tf.zerosLike(value)) as tf.Tensor3D;
}

/** `output` + `moved`, rounded and clipped to int32 0–255. */
function addClipped(output: tf.Tensor3D, moved: tf.Tensor3D): tf.Tensor3D {
  return tf.cast(tf.clipByValue(tf.round(tf.add(tf.cast(output, 'float32'), moved)), 0, 255), 'int32') as tf.Tensor3D;
}
