import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend';
import { instanceNorm, upsampleNearest2x } from '../../src/lib/ml/layers';

describe('layers', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('upsamples ×2 by repetition and sends each 2×2 block of gradient back to its pixel', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
    const y = upsampleNearest2x(x);
    expect(y.shape).toEqual([1, 4, 6, 1]);
    expect([...y.dataSync()].slice(0, 6)).toEqual([1, 1, 2, 2, 3, 3]);
    const weights = tf.tensor4d(Float32Array.from({ length: 24 }, (_, i) => i * 0.5 - 3), [1, 4, 6, 1]);
    const ours = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(upsampleNearest2x(v as tf.Tensor4D), weights)))(x);
    const generic = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(v as tf.Tensor4D, [4, 6]), weights)))(x);
    expect([...ours.dataSync()]).toEqual([...generic.dataSync()]);
    tf.dispose([x, y, weights, ours, generic]);
  });

  it('instance norm normalises each image and channel and has a gradient', () => {
    const x = tf.randomNormal([2, 5, 4, 3], 3, 2, 'float32', 1) as tf.Tensor4D;
    const y = instanceNorm(x);
    const { mean, variance } = tf.moments(y, [1, 2]);
    expect(tf.max(tf.abs(mean)).dataSync()[0]).toBeLessThan(1e-4);
    expect(tf.max(tf.abs(tf.sub(variance, 1))).dataSync()[0]).toBeLessThan(1e-2);
    const gradient = tf.grad((v: tf.Tensor) => tf.sum(tf.square(instanceNorm(v as tf.Tensor4D))))(x);
    expect(gradient.shape).toEqual(x.shape);
    expect(Number.isFinite(tf.sum(gradient).dataSync()[0])).toBe(true);
    tf.dispose([x, y, mean, variance, gradient]);
  });
});
