import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NETWORKS, parseNetworkConfig, type NetworkConfig } from '../../src/lib/ml/config';
import { initBackend } from '../../src/lib/ml/backend';
import { buildGenerator, countMacsPerPixel, countParameters, createGenerator } from '../../src/lib/ml/generator';
import { SeededRandom } from '../../src/lib/ml/random';
import { stylize } from '../../src/lib/ml/stylize';
import type { RgbaImage } from '../../src/lib/ml/types';

const TINY: NetworkConfig = {
  ...NETWORKS.mobile,
  name: 'tiny',
  stemFilters: 4,
  downFilters: [8, 8],
  residualBlocks: 1,
  upFilters: [8, 4],
  headFilters: 4
};

function noiseImage(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 5) * 11) % 256;
  return { width, height, data };
}

describe('network configurations', () => {
  it('reference reproduces GeneratorJ: 3,267,523 parameters with RGB input', () => {
    expect(countParameters(NETWORKS.reference)).toBe(3_267_523);
  });

  it('reference with 3 aux channels has 3,281,635 parameters', () => {
    expect(countParameters({ ...NETWORKS.reference, inputChannels: 6 })).toBe(3_281_635);
  });

  it('reference costs about 1.03 M multiply-adds per pixel, mobile at most 50 k', () => {
    expect(countMacsPerPixel(NETWORKS.reference)).toBeGreaterThan(1.0e6);
    expect(countMacsPerPixel(NETWORKS.reference)).toBeLessThan(1.05e6);
    expect(countMacsPerPixel(NETWORKS.mobile)).toBeLessThanOrEqual(50_000);
  });

  it('parseNetworkConfig accepts the presets and names the bad field otherwise', () => {
    expect(parseNetworkConfig(JSON.parse(JSON.stringify(NETWORKS.mobile)))).toEqual(NETWORKS.mobile);
    expect(() => parseNetworkConfig({ ...NETWORKS.mobile, stemKernel: 4 })).toThrow(/stemKernel.*odd/);
    expect(() => parseNetworkConfig({ ...NETWORKS.mobile, upFilters: [8] })).toThrow(/upFilters/);
    expect(() => parseNetworkConfig({ ...NETWORKS.mobile, inputChannels: 4 })).toThrow(/inputChannels/);
    expect(() => parseNetworkConfig('mobile')).toThrow(/Invalid network configuration/);
  });
});

describe('stylize', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('returns odd-sized frames at their own size, opaque', async () => {
    const generator = createGenerator(TINY, 7);
    for (const [width, height] of [
      [37, 23],
      [1, 1],
      [64, 48]
    ]) {
      const out = await stylize(generator, noiseImage(width, height));
      expect([out.width, out.height, out.data.length]).toEqual([width, height, width * height * 4]);
      for (let i = 3; i < out.data.length; i += 4) expect(out.data[i]).toBe(255);
    }
    generator.dispose();
  });

  it('eval mode with BatchNorm folded into the convs matches the unfolded computation', async () => {
    for (const network of [TINY, { ...TINY, separable: false, stemKernel: 5, headKernel: 5 }]) {
      // Random running statistics and affine parameters, so a wrong fold would show.
      const values = (spec: { name: string; shape: number[] }) => {
        const random = new SeededRandom(spec.name.length * 31 + spec.shape.length);
        const size = spec.shape.reduce((a, b) => a * b, 1);
        return Float32Array.from({ length: size }, () => (spec.name.endsWith('runningVar') ? 0.5 + random.next() : random.normal() * 0.3));
      };
      const folded = buildGenerator(network, values, { fuse: true });
      const reference = buildGenerator(network, values, { fuse: false });
      const x = tf.randomUniform([1, 20, 28, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
      const a = folded.apply(x, false);
      const b = reference.apply(x, false);
      const difference = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
      expect(difference).toBeLessThan(1e-4);
      expect(tf.max(tf.abs(b)).dataSync()[0]).toBeGreaterThan(0.05);
      tf.dispose([x, a, b]);
      folded.dispose();
      reference.dispose();
    }
  });

  it('running statistics start as the average of the first batches, then move with momentum 0.1', () => {
    const generator = createGenerator(TINY, 3);
    const runningMean = () => generator.variables.get('stem/bn/runningMean')!.dataSync().slice();
    const stemMean = (x: tf.Tensor4D) =>
      tf.tidy(() => tf.mean(tf.add(tf.conv2d(x, generator.variables.get('stem/kernel') as tf.Tensor4D, 1, 1), generator.variables.get('stem/bias')!), [0, 1, 2]).dataSync());
    const batches = [1, 2, 3, 4].map((seed) => tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', seed) as tf.Tensor4D);
    const means = batches.map(stemMean);
    tf.dispose(generator.apply(batches[0], true));
    runningMean().forEach((v, c) => expect(v).toBeCloseTo(means[0][c], 5));
    tf.dispose(generator.apply(batches[1], true));
    runningMean().forEach((v, c) => expect(v).toBeCloseTo((means[0][c] + means[1][c]) / 2, 5));
    for (let i = 0; i < 10; i++) tf.dispose(generator.apply(batches[2], true));
    const settled = runningMean();
    tf.dispose(generator.apply(batches[3], true));
    runningMean().forEach((v, c) => expect(v).toBeCloseTo(0.9 * settled[c] + 0.1 * means[3][c], 5));
    tf.dispose(batches);
    generator.dispose();
  });

  it('leaks no tensors', async () => {
    const generator = createGenerator(TINY, 7);
    await stylize(generator, noiseImage(20, 12));
    const before = tf.memory().numTensors;
    await stylize(generator, noiseImage(37, 23));
    expect(tf.memory().numTensors).toBe(before);
    generator.dispose();
  });
});
