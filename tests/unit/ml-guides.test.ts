import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend';
import { NETWORKS, parseNetworkConfig, type NetworkConfig } from '../../src/lib/ml/config';
import { createGuideReference, DEFAULT_GUIDE, frameGuide, keyframeGuide, warpGuide } from '../../src/lib/ml/guides';
import { applyAffine, composeAffine, estimateMotion, grayImage, IDENTITY_AFFINE, invertAffine, type Affine } from '../../src/lib/ml/motion';
import { createGenerator } from '../../src/lib/ml/generator';
import { LiveStylizer } from '../../src/lib/ml/live';
import { l1Loss } from '../../src/lib/ml/losses';
import { stylize } from '../../src/lib/ml/stylize';
import { applyStrokeLayer, createStrokeLayer } from '../../src/lib/ml/strokes';
import { Trainer } from '../../src/lib/ml/trainer';
import type { RgbaImage } from '../../src/lib/ml/types';
import { decodeWeights } from '../../src/lib/ml/weights';
import { halveImage } from './support/images';

/** A scene with detail at several scales (as camera pictures have), defined at every real position so a warped copy has no resampling error. */
function texture(u: number, v: number): [number, number, number] {
  const a = Math.sin(u / 7) * Math.cos(v / 9);
  const b = Math.sin((u + 2 * v) / 13);
  const c = Math.cos((3 * u - v) / 17);
  const coarse = Math.sin(u / 29) * Math.cos(v / 23) + 0.7 * Math.sin((u - v) / 41);
  const spot = Math.exp(-((u - 70) ** 2 + (v - 50) ** 2) / 300);
  return [110 + 30 * a + 20 * b + 40 * spot + 35 * coarse, 110 + 25 * b + 20 * c + 30 * coarse, 100 + 30 * c - 20 * a + 25 * coarse];
}

/** The scene seen after the content moved by `motion` (keyframe → frame coordinates), with a lighting gain. */
function render(width: number, height: number, motion: Affine = IDENTITY_AFFINE, gain = 1): RgbaImage {
  const inverse = invertAffine(motion);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [u, v] = applyAffine(inverse, x + 0.5, y + 0.5);
      data.set([...texture(u, v).map((value) => value * gain), 255], (y * width + x) * 4);
    }
  return { width, height, data };
}

/** A rotation by `degrees` and scale about the image centre, then a shift. */
function similarity(width: number, height: number, degrees: number, scale: number, dx: number, dy: number): Affine {
  const angle = (degrees * Math.PI) / 180;
  const cos = Math.cos(angle) * scale;
  const sin = Math.sin(angle) * scale;
  const rotate: Affine = [cos, -sin, 0, sin, cos, 0];
  const toCentre: Affine = [1, 0, -width / 2, 0, 1, -height / 2];
  const back: Affine = [1, 0, width / 2 + dx, 0, 1, height / 2 + dy];
  return composeAffine(back, composeAffine(rotate, toCentre));
}

/** Largest distance between where two maps send the corners of a width×height frame. */
function cornerError(a: Affine, b: Affine, width: number, height: number): number {
  const corners: [number, number][] = [[0, 0], [width, 0], [0, height], [width, height]];
  return Math.max(...corners.map(([x, y]) => Math.hypot(...applyAffine(a, x, y).map((value, i) => value - applyAffine(b, x, y)[i]))));
}

/** Mean absolute RGB difference over pixels at least `border` from the edge. */
function meanDifference(a: RgbaImage, b: RgbaImage, border = 0): number {
  let total = 0;
  let count = 0;
  for (let y = border; y < a.height - border; y++)
    for (let x = border; x < a.width - border; x++)
      for (let c = 0; c < 3; c++) {
        const i = (y * a.width + x) * 4 + c;
        total += Math.abs(a.data[i] - b.data[i]);
        count += 1;
      }
  return total / count;
}

const WIDTH = 160;
const HEIGHT = 120;

describe('global motion', () => {
  it('recovers a known rotation, scale and shift under a lighting change to a fraction of a pixel', () => {
    const truth = similarity(WIDTH, HEIGHT, 6, 1.07, 9, -6);
    const key = grayImage(render(WIDTH, HEIGHT), WIDTH, HEIGHT);
    const moved = grayImage(render(WIDTH, HEIGHT, truth, 1.1), WIDTH, HEIGHT);
    const estimate = estimateMotion(key, moved);
    expect(cornerError(estimate, truth, WIDTH, HEIGHT)).toBeLessThan(0.5);
    // Not trivially the identity: that is many pixels off.
    expect(cornerError(IDENTITY_AFFINE, truth, WIDTH, HEIGHT)).toBeGreaterThan(10);
  });

  it('returns the identity for a frame that did not move', () => {
    const key = grayImage(render(WIDTH, HEIGHT), WIDTH, HEIGHT);
    expect(cornerError(estimateMotion(key, key), IDENTITY_AFFINE, WIDTH, HEIGHT)).toBeLessThan(0.05);
  });

  it('composes and inverts maps', () => {
    const m = similarity(WIDTH, HEIGHT, -4, 0.93, -3, 5);
    expect(cornerError(composeAffine(m, invertAffine(m)), IDENTITY_AFFINE, WIDTH, HEIGHT)).toBeLessThan(1e-9);
  });
});

describe('guide channels', () => {
  it('of a moved frame line up with the keyframe guide moved by the true motion', () => {
    const key = render(WIDTH * 2, HEIGHT * 2);
    const truth = similarity(WIDTH * 2, HEIGHT * 2, -7, 0.92, -12, 8);
    const reference = createGuideReference(key);
    const { guide: placed, motion } = frameGuide(reference, render(WIDTH * 2, HEIGHT * 2, truth, 0.9));
    const guide = placed!;
    expect(cornerError(motion, truth, WIDTH * 2, HEIGHT * 2)).toBeLessThan(1);
    const expected = warpGuide(reference, truth);
    // The guide is a smooth pattern (σ = 10 px): a sub-pixel misplacement changes it by a few levels only…
    expect(meanDifference(guide, expected, 4)).toBeLessThan(2);
    // …whereas leaving it where it was on the keyframe is far off.
    expect(meanDifference(keyframeGuide(reference), expected, 4)).toBeGreaterThan(15);
  });

  it('put the keyframe pattern where the content went: frame guide at M·p equals keyframe guide at p', () => {
    const key = render(WIDTH, HEIGHT);
    const truth = similarity(WIDTH, HEIGHT, 5, 1.05, 6, -4);
    const reference = createGuideReference(key);
    const guide = frameGuide(reference, render(WIDTH, HEIGHT, truth)).guide!;
    const keyGuide = keyframeGuide(reference);
    let total = 0;
    let count = 0;
    for (let y = 20; y < HEIGHT - 20; y += 3)
      for (let x = 20; x < WIDTH - 20; x += 3) {
        const [u, v] = applyAffine(truth, x + 0.5, y + 0.5).map((value) => Math.floor(value));
        for (let c = 0; c < 3; c++) total += Math.abs(keyGuide.data[(y * WIDTH + x) * 4 + c] - guide.data[(v * WIDTH + u) * 4 + c]);
        count += 3;
      }
    expect(total / count).toBeLessThan(6);
  });

  it('of a frame at another resolution are drawn at its size, in the same place', () => {
    const key = render(WIDTH, HEIGHT);
    const reference = createGuideReference(key);
    const half = frameGuide(reference, halveImage(key));
    expect([half.guide!.width, half.guide!.height]).toEqual([WIDTH / 2, HEIGHT / 2]);
    expect(cornerError(half.motion, [0.5, 0, 0, 0, 0.5, 0], WIDTH, HEIGHT)).toBeLessThan(0.5);
  });

  it('refuse a frame of another shape with a clear message', () => {
    const reference = createGuideReference(render(WIDTH, HEIGHT));
    expect(() => frameGuide(reference, render(WIDTH, WIDTH))).toThrow(/shape/);
  });
});

const GUIDED: NetworkConfig = {
  ...NETWORKS.mobile,
  name: 'guided-small',
  inputChannels: 6,
  stemFilters: 8,
  downFilters: [8, 8],
  upFilters: [8, 8],
  headFilters: 8,
  guide: DEFAULT_GUIDE
};

describe('training with guides', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('one step with guide channels and stroke emphasis leaks no tensors; the guide settings round-trip in the weights file', async () => {
    const input = render(64, 48);
    const styled = { ...input, data: input.data.slice() };
    for (let y = 10; y < 20; y++) for (let x = 5; x < 60; x++) styled.data.set([250, 20, 200], (y * 64 + x) * 4);
    const reference = createGuideReference(input);
    const trainer = new Trainer({
      network: GUIDED,
      training: { patchSize: 16, batchSize: 4, strokeSampling: 0.5, strokeWeight: 3 },
      examples: [{ input, styled, aux: keyframeGuide(reference) } as never],
      seed: 2
    });
    await trainer.trainStep();
    const before = tf.memory().numTensors;
    await trainer.trainStep();
    expect(tf.memory().numTensors).toBe(before);
    const output = await stylize(trainer.generator, input, frameGuide(reference, input).guide!);
    expect(tf.memory().numTensors).toBe(before);
    expect(output.width).toBe(64);
    const decoded = decodeWeights(await trainer.snapshot());
    expect(decoded.config.guide).toEqual(DEFAULT_GUIDE);
    trainer.dispose();
  });

  it('loads network settings written before guides existed, and rejects a guide on an RGB-only network', () => {
    const { guide: _guide, ...old } = GUIDED;
    expect(parseNetworkConfig(old).guide).toBeUndefined();
    expect(() => parseNetworkConfig({ ...NETWORKS.mobile, guide: DEFAULT_GUIDE })).toThrow(/inputChannels 6/);
    expect(() => parseNetworkConfig({ ...GUIDED, guide: { ...DEFAULT_GUIDE, kind: 'spiral' } })).toThrow(/guide/);
  });
});

describe('weighted L1', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('counts each pixel error as much as its weight, broadcast over the colour channels', async () => {
    const prediction = tf.tensor4d([0, 0, 0, 1, 1, 1], [1, 1, 2, 3]);
    const target = tf.zeros([1, 1, 2, 3]);
    const weight = tf.tensor4d([0.5, 1.5], [1, 1, 2, 1]);
    expect(await l1Loss(prediction, target).data()).toEqual(new Float32Array([0.5]));
    expect((await l1Loss(prediction, target, weight).data())[0]).toBeCloseTo(0.75, 6);
    tf.dispose([prediction, target, weight]);
  });
});

describe('stroke layer', () => {
  it('carries what the network missed on its keyframe to where the content moved, and leaves small differences to the network', () => {
    const key = render(80, 60);
    // A magenta bar painted on the keyframe; the "network" reproduced the frame but not the bar, and erred by 10 levels elsewhere.
    const painting = { ...key, data: key.data.slice() };
    for (let y = 20; y < 26; y++) for (let x = 10; x < 50; x++) painting.data.set([255, 0, 255], (y * 80 + x) * 4);
    const reconstruction = { ...key, data: key.data.map((value, i) => (i % 4 === 3 ? value : value + 10)) };
    const layer = createStrokeLayer(painting, reconstruction, 60);
    const shift: Affine = [1, 0, 7, 0, 1, 5];
    const frame = render(80, 60, shift);
    const output = applyStrokeLayer(frame, layer, shift);
    const at = (image: RgbaImage, x: number, y: number) => [...image.data.subarray((y * 80 + x) * 4, (y * 80 + x) * 4 + 3)];
    // Inside the moved bar: the painted colour (up to the 10-level offset the network had there).
    for (const [x, y] of [[20, 27], [40, 29], [55, 25]]) {
      const [r, g, b] = at(output, x, y);
      expect(r).toBeGreaterThan(230);
      expect(g).toBeLessThan(25);
      expect(b).toBeGreaterThan(230);
    }
    // Where the bar was on the keyframe but is no longer, and elsewhere: the frame unchanged.
    expect(at(output, 12, 21)).toEqual(at(frame, 12, 21));
    expect(at(output, 60, 50)).toEqual(at(frame, 60, 50));
  });
});

describe('LiveStylizer', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('shows a painted bar where the content moved in a later frame, rebuilding its layer when the painting changes, leaking no tensors', async () => {
    const network: NetworkConfig = { ...GUIDED, name: 'layered', inputChannels: 3, guide: undefined, strokeLayer: { threshold: 60 } };
    delete network.guide;
    const generator = createGenerator(network, 4);
    const input = render(96, 64);
    const painting = { ...input, data: input.data.slice() };
    for (let y = 20; y < 28; y++) for (let x = 20; x < 70; x++) painting.data.set([255, 0, 255], (y * 96 + x) * 4);
    const live = new LiveStylizer();
    const shift: Affine = [1, 0, 6, 0, 1, 9];
    await live.stylize(generator, { input, styled: painting }, input, 0);
    const before = tf.memory().numTensors;
    const output = await live.stylize(generator, { input, styled: painting }, render(96, 64, shift), 1);
    expect(tf.memory().numTensors).toBe(before);
    const magenta = (x: number, y: number) => {
      const [r, g, b] = output.data.subarray((y * 96 + x) * 4, (y * 96 + x) * 4 + 3);
      return r > 200 && g < 60 && b > 200;
    };
    // The bar moved by (6, 9): present at its new place, gone from its old rows.
    expect([30, 45, 60].every((x) => magenta(x, 33))).toBe(true);
    expect([30, 45, 60].some((x) => magenta(x, 22))).toBe(false);
    // A new painting (no bar) is used from the next frame on.
    const cleared = await live.stylize(generator, { input, styled: { ...input } }, render(96, 64, shift), 2);
    expect([30, 45, 60].some((x) => { const [r, g, b] = cleared.data.subarray((33 * 96 + x) * 4, (33 * 96 + x) * 4 + 3); return r > 200 && g < 60 && b > 200; })).toBe(false);
    generator.dispose();
  });
});
