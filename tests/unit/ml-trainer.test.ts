import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend';
import { NETWORKS, type NetworkConfig } from '../../src/lib/ml/config';
import { stylize } from '../../src/lib/ml/stylize';
import { Trainer } from '../../src/lib/ml/trainer';
import type { KeyframeExample, RgbaImage } from '../../src/lib/ml/types';
import { decodeWeights, generatorFromWeights } from '../../src/lib/ml/weights';

const SMALL: NetworkConfig = {
  ...NETWORKS.mobile,
  name: 'small',
  stemFilters: 8,
  downFilters: [16, 16],
  residualBlocks: 1,
  upFilters: [16, 8],
  headFilters: 8
};

const SIZE = 64;

/**
 * A synthetic scene: a soft colour gradient, a red disc and a blue rectangle. The "painting" turns the
 * disc green and the rectangle yellow and keeps the background; `shift` moves both shapes right (the
 * held-out frame).
 */
function scene(shift: number, painted: boolean): RgbaImage {
  const data = new Uint8ClampedArray(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      let pixel = [70 + (y >> 1), 80, 100 + (x >> 1)] as [number, number, number];
      if (x >= 34 + shift && x < 56 + shift && y >= 6 && y < 28) pixel = painted ? [240, 220, 40] : [40, 60, 220];
      if ((x - 20 - shift) ** 2 + (y - 40) ** 2 < 14 ** 2) pixel = painted ? [60, 200, 70] : [210, 50, 50];
      data.set([...pixel, 255], (y * SIZE + x) * 4);
    }
  return { width: SIZE, height: SIZE, data };
}

/** Mean absolute RGB difference. */
function meanError(a: RgbaImage, b: RgbaImage): number {
  let total = 0;
  for (let i = 0; i < a.data.length; i++) if (i % 4 !== 3) total += Math.abs(a.data[i] - b.data[i]);
  return total / (a.width * a.height * 3);
}

const keyframe: KeyframeExample = { input: scene(0, false), styled: scene(0, true) };
const fastTraining = { patchSize: 16, batchSize: 8, learningRate: 2e-3 };

describe('Trainer', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('learns the painting: a held-out frame beats the identity and keyframe-copy baselines', async () => {
    const trainer = new Trainer({ network: SMALL, training: fastTraining, examples: [keyframe], seed: 3 });
    const final = await trainer.run({ steps: 150 });
    expect(final.step).toBe(150);
    const heldOutInput = scene(8, false);
    const heldOutTruth = scene(8, true);
    const output = await stylize(trainer.generator, heldOutInput);
    const modelError = meanError(output, heldOutTruth);
    const identityError = meanError(heldOutInput, heldOutTruth);
    const copyError = meanError(keyframe.styled, heldOutTruth);
    console.info(`held-out mean abs error: model ${modelError.toFixed(2)}, identity ${identityError.toFixed(2)}, keyframe copy ${copyError.toFixed(2)}`);
    expect(modelError).toBeLessThan(0.7 * identityError);
    expect(modelError).toBeLessThan(0.7 * copyError);
    trainer.dispose();
    // ~10 s on an idle core; the shared CI machine can be several times slower.
  }, 300_000);

  it.each([
    ['the default losses', {}],
    ['a discriminator, random features and weight averaging', { perceptual: 'random-features' as const, lossWeights: { adversarial: 0.5 }, weightAveraging: 0.99 }]
  ])('keeps the tensor count flat across steps and frees everything on dispose, with %s', async (_label, extra) => {
    const before = tf.memory().numTensors;
    const trainer = new Trainer({ network: SMALL, training: { ...fastTraining, ...extra }, examples: [keyframe] });
    await trainer.trainStep();
    const afterFirst = tf.memory().numTensors;
    await trainer.trainStep();
    await trainer.trainStep();
    expect(tf.memory().numTensors).toBe(afterFirst);
    await trainer.snapshot();
    expect(tf.memory().numTensors).toBe(afterFirst);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports losses per term and its speed', async () => {
    const trainer = new Trainer({ network: SMALL, training: fastTraining, examples: [keyframe] });
    const progress = await trainer.trainStep();
    expect(progress.step).toBe(1);
    expect(progress.stepsPerSec).toBeGreaterThan(0);
    for (const value of Object.values(progress.losses)) expect(Number.isFinite(value)).toBe(true);
    const { l1, perceptual, adversarial, total } = progress.losses;
    const weights = trainer.training.lossWeights;
    expect(total).toBeCloseTo(weights.l1 * l1 + weights.perceptual * perceptual + weights.adversarial * adversarial, 4);
    trainer.dispose();
  });

  it('stops on abort without throwing and on a time budget', async () => {
    const trainer = new Trainer({ network: SMALL, training: fastTraining, examples: [keyframe] });
    const controller = new AbortController();
    const progress = await trainer.run({
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 3) controller.abort();
      }
    });
    expect(progress.step).toBe(3);
    expect(trainer.step).toBe(3);
    const timed = await trainer.run({ seconds: 0.2 });
    expect(timed.step).toBeGreaterThan(3);
    const aborted = await trainer.run({ steps: 5, signal: AbortSignal.abort() });
    expect(aborted.step).toBe(timed.step);
    // An abort arriving from a timer (as a worker message would) stops an unbounded run.
    const later = new AbortController();
    setTimeout(() => later.abort(), 100);
    const stopped = await trainer.run({ signal: later.signal });
    expect(stopped.step).toBeGreaterThan(timed.step);
    trainer.dispose();
  });

  it('swaps examples between steps keeping the weights, and rejects unusable ones', async () => {
    const trainer = new Trainer({ network: SMALL, training: fastTraining, examples: [keyframe] });
    await trainer.run({ steps: 2 });
    const weightsBefore = decodeWeights(await trainer.snapshot()).tensors.get('out/kernel')?.data;
    trainer.setExamples([keyframe, { input: scene(2, false), styled: scene(2, true) }]);
    expect(decodeWeights(await trainer.snapshot()).tensors.get('out/kernel')?.data).toEqual(weightsBefore);
    const progress = await trainer.trainStep();
    expect(progress.step).toBe(3);
    expect(() => trainer.setExamples([])).toThrow(/at least one painted keyframe/);
    await trainer.trainStep();
    trainer.dispose();
  });

  it('snapshots the network with one readback (on a GPU each is a stall), unchanged by a step that starts meanwhile', async () => {
    const trainer = new Trainer({ network: SMALL, training: fastTraining, examples: [keyframe] });
    await trainer.run({ steps: 2 });
    const expected = decodeWeights(await trainer.snapshot()).tensors;
    const data = tf.Tensor.prototype.data;
    let readbacks = 0;
    tf.Tensor.prototype.data = function (this: tf.Tensor) {
      readbacks += 1;
      return data.call(this);
    } as typeof data;
    try {
      const pending = trainer.snapshot();
      const step = trainer.trainStep({ readLosses: false });
      const snapshot = decodeWeights(await pending);
      await step;
      expect(readbacks).toBe(1);
      expect(snapshot.tensors).toEqual(expected);
      expect(snapshot.meta).toMatchObject({ steps: 2 });
    } finally {
      tf.Tensor.prototype.data = data;
    }
    trainer.dispose();
  });

  it('continues from a snapshot: same network, same outputs', async () => {
    const trainer = new Trainer({ network: SMALL, training: fastTraining, examples: [keyframe] });
    await trainer.run({ steps: 3 });
    const bytes = await trainer.snapshot();
    expect(decodeWeights(bytes).meta).toMatchObject({ steps: 3 });
    const resumed = new Trainer({ weights: bytes, training: fastTraining, examples: [keyframe] });
    expect(resumed.generator.config).toEqual(SMALL);
    const a = await stylize(trainer.generator, keyframe.input);
    const b = await stylize(resumed.generator, keyframe.input);
    expect(b.data).toEqual(a.data);
    await resumed.trainStep();
    const loaded = generatorFromWeights(await resumed.snapshot());
    expect(loaded.paramCount()).toBe(trainer.generator.paramCount());
    loaded.dispose();
    expect(() => new Trainer({ weights: bytes, network: NETWORKS.mobile, examples: [keyframe] })).toThrow(/weights are for network "small"/);
    trainer.dispose();
    resumed.dispose();
  });

  it('trains a 6-channel network on aux examples and explains a missing aux image', async () => {
    const aux = scene(1, true);
    const network = { ...SMALL, inputChannels: 6 as const };
    expect(() => new Trainer({ network, training: fastTraining, examples: [keyframe] })).toThrow(/no aux image/);
    const trainer = new Trainer({ network, training: fastTraining, examples: [{ ...keyframe, aux } as KeyframeExample] });
    const progress = await trainer.trainStep();
    expect(Number.isFinite(progress.losses.total)).toBe(true);
    const out = await stylize(trainer.generator, keyframe.input, aux);
    expect(out.width).toBe(SIZE);
    await expect(stylize(trainer.generator, keyframe.input)).rejects.toThrow(/auxiliary channels/);
    trainer.dispose();
  });

  it('stylizes and saves with the running average of the weights when weight averaging is on', async () => {
    const raw = new Trainer({ network: SMALL, training: { ...fastTraining, weightAveraging: 0 }, examples: [keyframe], seed: 5 });
    const averaged = new Trainer({ network: SMALL, training: { ...fastTraining, weightAveraging: 0.99 }, examples: [keyframe], seed: 5 });
    const initial = decodeWeights(await raw.snapshot()).tensors;
    expect(decodeWeights(await averaged.snapshot()).tensors).toEqual(initial);
    await raw.trainStep();
    await averaged.trainStep();
    // Same seed, same updates: after one step the average is 0.1 · initial + 0.9 · trained (the ramped decay).
    const trained = decodeWeights(await raw.snapshot()).tensors;
    const average = decodeWeights(await averaged.snapshot()).tensors;
    for (const name of ['stem/kernel', 'out/kernel', 'out/bias']) {
      const expected = initial.get(name)!.data.map((w0, i) => 0.1 * w0 + 0.9 * trained.get(name)!.data[i]);
      const actual = average.get(name)!.data;
      expect(Math.max(...actual.map((a, i) => Math.abs(a - expected[i])))).toBeLessThan(1e-6);
      expect(actual).not.toEqual(trained.get(name)!.data);
    }
    // Running BatchNorm statistics are copied, not averaged.
    expect(average.get('stem/bn/runningMean')!.data).toEqual(trained.get('stem/bn/runningMean')!.data);
    const a = await stylize(averaged.generator, keyframe.input);
    const b = await stylize(raw.generator, keyframe.input);
    expect(a.data).not.toEqual(b.data);
    raw.dispose();
    averaged.dispose();
  });
});
