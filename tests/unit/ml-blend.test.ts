import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend';
import { identityMixWeight, identityMixWeightTensor, mixWithFrame, mixWithFrameTensor } from '../../src/lib/ml/blend';
import { NETWORKS, type NetworkConfig } from '../../src/lib/ml/config';
import { createGenerator } from '../../src/lib/ml/generator';
import { LiveStylizer } from '../../src/lib/ml/live';
import { stylize } from '../../src/lib/ml/stylize';
import type { RgbaImage } from '../../src/lib/ml/types';
import { halveImage, paintedBar, rgb, scene } from './support/images';

// In the first seconds of training the network's output is noise; the preview must show the camera
// picture and the painted strokes instead, and hand over to the network as it learns.

/** An image made pixel by pixel from `input`'s RGB. */
function mapped(input: RgbaImage, f: (value: number, index: number) => number): RgbaImage {
  const data = input.data.slice();
  for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) data[i + c] = f(input.data[i + c], i + c);
  return { ...input, data };
}

/** Mean absolute RGB difference of two images of one size, outside rows [skip0, skip1). */
function meanDifference(a: ArrayLike<number>, aChannels: number, b: RgbaImage, skip: [number, number] = [0, 0]): number {
  let total = 0;
  let count = 0;
  for (let y = 0; y < b.height; y++) {
    if (y >= skip[0] && y < skip[1]) continue;
    for (let x = 0; x < b.width; x++)
      for (let c = 0; c < 3; c++) {
        total += Math.abs(a[(y * b.width + x) * aChannels + c] - b.data[(y * b.width + x) * 4 + c]);
        count += 1;
      }
  }
  return total / count;
}

describe('the mix weight', () => {
  const input = scene(48, 32);
  const painting = mapped(input, (value) => 255 - value);
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);

  it('is 1 for a network that paints the painting, and for one that returns its input unchanged', () => {
    expect(identityMixWeight({ input, styled: painting }, painting)).toBe(1);
    expect(identityMixWeight({ input, styled: painting }, input)).toBe(1);
  });

  it('is the share of the network that best reaches the painting: 0.5 for a network that overshoots twice, about 0 for noise', () => {
    // network = input + 2·(painting − input), both clipped to 0–255: half of it and half the input is the painting.
    const styled = mapped(input, (value) => value + (value < 128 ? 20 : -20));
    const overshoot = mapped(input, (value) => value + (value < 128 ? 40 : -40));
    expect(identityMixWeight({ input, styled }, overshoot)).toBeCloseTo(0.5, 5);
    // Strokes in 4×4 blocks, independent of the picture and of the noise.
    const blocks = mapped(input, (value, index) => value + ((((index >> 2) % 48) >> 2) % 2 === (((index >> 2) / 48) >> 2) % 2 ? 30 : -30));
    const noise = mapped(input, () => Math.round(random() * 255));
    expect(identityMixWeight({ input, styled: blocks }, noise)).toBeLessThan(0.05);
  });

  it('counts only the pixels the mask selects', () => {
    // Left half: the network paints the painting; right half: it adds the painting's change backwards.
    const network = mapped(input, (value, index) => ((index >> 2) % 48 < 24 ? 255 - value : 2 * value - (255 - value)));
    const left = mapped(input, (_, index) => ((index >> 2) % 48 < 24 ? 255 : 0));
    expect(identityMixWeight({ input, styled: painting, mask: left }, network)).toBe(1);
    expect(identityMixWeight({ input, styled: painting }, network)).toBeLessThan(0.5);
  });

  it('is the same number on the backend, for images and with a mask', async () => {
    await initBackend(['wasm']);
    const styled = mapped(input, (value) => value + (value < 128 ? 20 : -20));
    const network = mapped(input, (value, index) => Math.min(255, Math.max(0, value + (value < 128 ? 33 : -33) + ((index * 37) % 23) - 11)));
    const half = mapped(input, (_, index) => ((index >> 2) % 48 < 30 ? 255 : 0));
    const cpu = identityMixWeight({ input, styled, mask: half }, network);
    const mask = tf.tidy(() => tf.cast(tf.greaterEqual(tf.squeeze(tf.slice(rgb(half), [0, 0, 0], [-1, -1, 1]), [2]), 128), 'int32') as tf.Tensor2D);
    const tensors = [rgb(input), rgb(styled), rgb(network)];
    const weight = identityMixWeightTensor(tensors[0], tensors[1], mask, tensors[2]);
    expect(cpu).toBeGreaterThan(0.2);
    expect(cpu).toBeLessThan(0.9);
    expect((await weight.data())[0]).toBeCloseTo(cpu, 4);
    tf.dispose([weight, mask, ...tensors]);
  });
});

describe('mixing the network with the frame', () => {
  it('gives the network itself at weight 1, the frame at weight 0, and the same pixels on the backend', async () => {
    await initBackend(['wasm']);
    const frame = scene(32, 24);
    const network = mapped(frame, (value) => 255 - value);
    expect(mixWithFrame(network, frame, 1)).toBe(network);
    expect(Array.from(mixWithFrame(network, frame, 0).data)).toEqual(Array.from(frame.data));
    const cpu = mixWithFrame(network, frame, 0.3);
    const tensors = [rgb(network), rgb(frame), tf.scalar(0.3)] as const;
    const mixed = mixWithFrameTensor(tensors[0], tensors[1], tensors[2]);
    // Equal but for rounding at the half (float32 on the backend).
    const values = await mixed.data();
    for (let i = 0; i < 32 * 24; i++) for (let c = 0; c < 3; c++) expect(Math.abs(values[i * 3 + c] - cpu.data[i * 4 + c])).toBeLessThanOrEqual(1);
    expect(meanDifference(values, 3, cpu)).toBeLessThan(0.5);
    tf.dispose([mixed, ...tensors]);
  });
});

describe('the preview of an untrained network', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('shows the camera picture and the painted bar, not the network noise, on the CPU and on the backend, leaking no tensors', async () => {
    const generator = createGenerator({ ...NETWORKS.mobile, name: 'layered', strokeLayer: { threshold: 60 } } as NetworkConfig, 5);
    const input = scene(96, 64);
    const keyframe = { input, styled: paintedBar(input, [20, 28], [10, 86]) };
    const frame = scene(96, 64, 4, 6);
    const untrained = await stylize(generator, frame);
    // The untrained network alone is far from the frame...
    expect(meanDifference(untrained.data, 4, frame)).toBeGreaterThan(20);

    // ...the preview is the frame itself away from the bar (moved by 6 rows to 26–34), and the bar.
    const live = new LiveStylizer();
    const cpu = await live.stylize(generator, keyframe, frame, 0);
    expect(meanDifference(cpu.data, 4, frame, [24, 36])).toBeLessThan(6);
    const magenta = (data: ArrayLike<number>, at: number) => data[at] > 200 && data[at + 1] < 70 && data[at + 2] > 200;
    expect([30, 50, 70].every((x) => magenta(cpu.data, (30 * 96 + x) * 4))).toBe(true);

    const start = tf.memory().numTensors;
    const onBackend = new LiveStylizer();
    const frameTensor = rgb(frame);
    onBackend.stylizeTensor(generator, keyframe, frameTensor, halveImage(frame), 0).dispose();
    const before = tf.memory().numTensors;
    const output = onBackend.stylizeTensor(generator, keyframe, frameTensor, halveImage(frame), 0);
    const values = await output.data();
    output.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(meanDifference(values, 3, frame, [24, 36])).toBeLessThan(6);
    expect([30, 50, 70].every((x) => magenta(values, (30 * 96 + x) * 3))).toBe(true);
    // Disposing the stylizer frees its stroke layer and weight.
    onBackend.dispose();
    frameTensor.dispose();
    expect(tf.memory().numTensors).toBe(start);
    generator.dispose();
  });
});
