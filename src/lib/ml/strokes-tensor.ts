import * as tf from '@tensorflow/tfjs-core';
import { invertAffine, type Affine } from './motion';

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
 * outside), to a stylized frame (HxWx3, 0–255): `applyStrokeLayer` on tensors. Returns int32 0–255.
 */
export function applyStrokeLayerTensor(output: tf.Tensor3D, residual: tf.Tensor3D, motion: Affine): tf.Tensor3D {
  const [a, b, c, d, e, f] = invertAffine(motion);
  const [height, width] = output.shape;
  return tf.tidy(() => {
    // tf.image.transform maps output pixel indices to input pixel indices; strokes.ts maps pixel
    // centres, so the offsets absorb the half-pixel shifts.
    const transform = tf.tensor2d([[a, b, c + 0.5 * (a + b - 1), d, e, f + 0.5 * (d + e - 1), 0, 0]]);
    const moved = tf.image.transform(tf.expandDims(residual, 0) as tf.Tensor4D, transform, 'bilinear', 'constant', 0, [height, width]);
    const sum = tf.add(tf.cast(output, 'float32'), tf.squeeze(moved, [0]));
    return tf.cast(tf.clipByValue(tf.round(sum), 0, 255), 'int32') as tf.Tensor3D;
  });
}
