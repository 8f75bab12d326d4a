import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend';
import { NETWORKS, type NetworkConfig } from '../../src/lib/ml/config';
import { createGradientAverager } from '../../src/lib/ml/replicas';
import { Trainer, type TrainerOptions } from '../../src/lib/ml/trainer';
import type { RgbaImage } from '../../src/lib/ml/types';

const TINY: NetworkConfig = { ...NETWORKS.mobile, name: 'tiny', stemFilters: 4, downFilters: [8, 8], residualBlocks: 1, upFilters: [8, 4], headFilters: 4 };

/** A 48×48 frame of diagonal stripes; the painting inverts the stripes' colours. */
function stripes(painted: boolean): RgbaImage {
  const size = 48;
  const data = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    const on = ((i % size) + Math.floor(i / size)) % 12 < 6;
    const rgb = on !== painted ? [220, 90, 40] : [30, 70, 160];
    data.set([...rgb, 255], i * 4);
  }
  return { width: size, height: size, data };
}

const options: TrainerOptions = {
  network: TINY,
  training: { patchSize: 16, batchSize: 4, learningRate: 2e-3 },
  examples: [{ input: stripes(false), styled: stripes(true) }],
  seed: 5
};

/** Every variable of a trainer's averaged generator, by name. */
function weightsOf(trainer: Trainer): Map<string, Float32Array> {
  return new Map([...trainer.generator.variables].map(([name, variable]) => [name, variable.dataSync() as Float32Array]));
}

describe('createGradientAverager', () => {
  it('resolves every replica with the element-wise mean once the last one has contributed', async () => {
    const averager = createGradientAverager(3);
    let settled = 0;
    const first = averager.exchange(Float32Array.of(1, 10)).then((mean) => (settled++, mean));
    const second = averager.exchange(Float32Array.of(2, 20)).then((mean) => (settled++, mean));
    await Promise.resolve();
    expect(settled).toBe(0);
    const third = averager.exchange(Float32Array.of(6, 60));
    expect([...(await first)]).toEqual([3, 30]);
    expect([...(await second)]).toEqual([3, 30]);
    expect([...(await third)]).toEqual([3, 30]);
    // The next step starts from zero.
    const next = await Promise.all([averager.exchange(Float32Array.of(1, 1)), averager.exchange(Float32Array.of(3, 3)), averager.exchange(Float32Array.of(5, 5))]);
    expect([...next[0]]).toEqual([3, 3]);
  });

  it('rejects gradients of another size, and every waiting and later replica once one has failed', async () => {
    const averager = createGradientAverager(2);
    const waiting = averager.exchange(new Float32Array(4));
    await expect(averager.exchange(new Float32Array(5))).rejects.toThrow(/disagree on the gradient size: 4 vs 5/);
    averager.fail(new Error('replica 1 crashed'));
    await expect(waiting).rejects.toThrow('replica 1 crashed');
    await expect(averager.exchange(new Float32Array(4))).rejects.toThrow('replica 1 crashed');
    expect(() => createGradientAverager(0)).toThrow(/positive integer/);
  });
});

describe('Trainer replicas', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('applies exactly the gradients the exchange returns: an exchange that echoes them changes nothing', async () => {
    const plain = new Trainer(options);
    const echoed = new Trainer({ ...options, replica: { index: 0, exchange: async (gradients) => gradients } });
    for (let step = 0; step < 3; step++) {
      await plain.trainStep();
      await echoed.trainStep();
    }
    expect(weightsOf(echoed)).toEqual(weightsOf(plain));
    plain.dispose();
    echoed.dispose();
  });

  it('fails the step, changing and leaking nothing, when the exchange fails', async () => {
    const trainer = new Trainer({ ...options, replica: { index: 0, exchange: () => Promise.reject(new Error('replica 1 crashed')) } });
    const weights = weightsOf(trainer);
    const before = tf.memory().numTensors;
    await expect(trainer.trainStep()).rejects.toThrow('replica 1 crashed');
    expect(tf.memory().numTensors).toBe(before);
    expect(weightsOf(trainer)).toEqual(weights);
    trainer.dispose();
  });

  it('keeps two replicas identical while they learn from different patches, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const averager = createGradientAverager(2);
    const replicas = [0, 1].map((index) => new Trainer({ ...options, replica: { index, exchange: averager.exchange } }));
    const alone = new Trainer(options);
    const lossesOf = async (steps: number) => {
      let last: number[] = [];
      for (let step = 0; step < steps; step++) last = (await Promise.all(replicas.map((replica) => replica.trainStep()))).map((p) => p.losses.l1);
      return last;
    };
    const first = await lossesOf(1);
    const tensorsAfterFirst = tf.memory().numTensors;
    const last = await lossesOf(4);
    expect(tf.memory().numTensors).toBe(tensorsAfterFirst);
    for (let step = 0; step < 5; step++) await alone.trainStep();
    // Different patches (different losses), the same weights.
    expect(first[0]).not.toBe(first[1]);
    expect(last[0]).not.toBe(last[1]);
    const [a, b] = replicas.map(weightsOf);
    for (const [name, values] of a) if (!name.includes('running')) expect(values, name).toEqual(b.get(name));
    // And not the weights of a lone trainer, which saw half the patches.
    expect(weightsOf(alone).get('stem/kernel')).not.toEqual(a.get('stem/kernel'));
    [...replicas, alone].forEach((trainer) => trainer.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });
});
