import * as tf from '@tensorflow/tfjs-core';
import type { PerceptualLoss } from './config';
import { SeededRandom } from './random';

/** Mean absolute error; with `weight` (broadcast over channels, mean 1) each pixel's error counts that much. */
export function l1Loss(prediction: tf.Tensor, target: tf.Tensor, weight?: tf.Tensor): tf.Scalar {
  const error = tf.abs(tf.sub(prediction, target));
  return tf.mean(weight ? tf.mul(error, weight) : error);
}

/** Least-squares GAN loss: mean squared distance of the scores to the label (1 real, 0 fake). */
export function lsganLoss(scores: tf.Tensor, label: 0 | 1): tf.Scalar {
  return tf.mean(tf.square(tf.sub(scores, label)));
}

/** A perceptual-loss substitute: compares two NHWC RGB batches in [-1, 1]. */
export interface PerceptualLossFunction {
  (prediction: tf.Tensor4D, target: tf.Tensor4D): tf.Scalar;
  /** Frees fixed tensors (random filters). */
  dispose(): void;
}

/**
 * Fixed random multi-scale features: three seeded, untrained 3×3 conv layers (16, 32, 32 filters,
 * the last two stride 2) with LeakyReLU; the loss is the mean of the per-level feature MSEs.
 * He-scaled weights keep every level's activations at the input's scale.
 */
function randomFeatureLoss(seed: number): PerceptualLossFunction {
  const random = new SeededRandom(seed);
  const levels: { filter: tf.Tensor4D; stride: number }[] = [
    { shape: [3, 3, 3, 16], stride: 1 },
    { shape: [3, 3, 16, 32], stride: 2 },
    { shape: [3, 3, 32, 32], stride: 2 }
  ].map(({ shape, stride }) => {
    const fanIn = shape[0] * shape[1] * shape[2];
    const scale = Math.sqrt(2 / fanIn);
    const values = Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => random.normal() * scale);
    return { filter: tf.tensor4d(values, shape as [number, number, number, number]), stride };
  });
  const features = (x: tf.Tensor4D): tf.Tensor4D[] => {
    const outputs: tf.Tensor4D[] = [];
    let current = x;
    for (const level of levels) {
      current = tf.leakyRelu(tf.conv2d(current, level.filter, level.stride, 1), 0.2);
      outputs.push(current);
    }
    return outputs;
  };
  const loss = ((prediction: tf.Tensor4D, target: tf.Tensor4D) =>
    tf.tidy(() => {
      const a = features(prediction);
      const b = features(target);
      const terms = a.map((feature, i) => tf.mean(tf.squaredDifference(feature, b[i])));
      return tf.div(tf.addN(terms), terms.length) as tf.Scalar;
    })) as PerceptualLossFunction;
  loss.dispose = () => levels.forEach((level) => level.filter.dispose());
  return loss;
}

/** 1 − SSIM over 3×3 windows (per channel, images in [-1, 1] mapped to [0, 1]). */
function ssimDistance(prediction: tf.Tensor4D, target: tf.Tensor4D): tf.Scalar {
  const c1 = 0.01 ** 2;
  const c2 = 0.03 ** 2;
  const x = tf.mul(tf.add(prediction, 1), 0.5) as tf.Tensor4D;
  const y = tf.mul(tf.add(target, 1), 0.5) as tf.Tensor4D;
  const pool = (t: tf.Tensor4D) => tf.avgPool(t, 3, 1, 'valid');
  const muX = pool(x);
  const muY = pool(y);
  const sigmaX = tf.sub(pool(tf.square(x)), tf.square(muX));
  const sigmaY = tf.sub(pool(tf.square(y)), tf.square(muY));
  const sigmaXY = tf.sub(pool(tf.mul(x, y)), tf.mul(muX, muY));
  const numerator = tf.mul(tf.add(tf.mul(tf.mul(muX, muY), 2), c1), tf.add(tf.mul(sigmaXY, 2), c2));
  const denominator = tf.mul(tf.add(tf.add(tf.square(muX), tf.square(muY)), c1), tf.add(tf.add(sigmaX, sigmaY), c2));
  return tf.sub(1, tf.mean(tf.div(numerator, denominator)));
}

/** Mean absolute difference of horizontal and vertical finite differences (edges and texture). */
function gradientDistance(prediction: tf.Tensor4D, target: tf.Tensor4D): tf.Scalar {
  const dx = (t: tf.Tensor4D) => tf.sub(tf.slice(t, [0, 0, 1, 0], [-1, -1, -1, -1]), tf.slice(t, [0, 0, 0, 0], [-1, -1, t.shape[2] - 1, -1]));
  const dy = (t: tf.Tensor4D) => tf.sub(tf.slice(t, [0, 1, 0, 0], [-1, -1, -1, -1]), tf.slice(t, [0, 0, 0, 0], [-1, t.shape[1] - 1, -1, -1]));
  return tf.mul(tf.add(l1Loss(dx(prediction), dx(target)), l1Loss(dy(prediction), dy(target))), 0.5);
}

/** SSIM distance plus image-gradient L1, averaged. */
function ssimGradientLoss(): PerceptualLossFunction {
  const loss = ((prediction: tf.Tensor4D, target: tf.Tensor4D) =>
    tf.tidy(() => tf.mul(tf.add(ssimDistance(prediction, target), gradientDistance(prediction, target)), 0.5) as tf.Scalar)) as PerceptualLossFunction;
  loss.dispose = () => {};
  return loss;
}

/** Builds the selected perceptual substitute, or null for 'none'. */
export function createPerceptualLoss(kind: PerceptualLoss, seed = 3): PerceptualLossFunction | null {
  switch (kind) {
    case 'none':
      return null;
    case 'random-features':
      return randomFeatureLoss(seed);
    case 'ssim-gradient':
      return ssimGradientLoss();
  }
}
