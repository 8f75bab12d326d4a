import wasmPlain from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend';
import { NETWORKS, type NetworkConfig } from '../../src/lib/ml/config';
import { createGenerator } from '../../src/lib/ml/generator';
import { Trainer } from '../../src/lib/ml/trainer';
import type { BackendName, KeyframeExample, RgbaImage } from '../../src/lib/ml/types';

// SwiftShader runs WebGL/WebGPU 50–100× slower than WASM: everything here is tiny.
const TINY: NetworkConfig = {
  ...NETWORKS.mobile,
  name: 'tiny',
  stemFilters: 8,
  downFilters: [8, 8],
  residualBlocks: 1,
  upFilters: [8, 8],
  headFilters: 8
};
// The discriminator is off by default; keep its training path covered on every backend.
const TRAINING = { patchSize: 16, batchSize: 2, lossWeights: { adversarial: 0.5 } };
const WASM_FILE_URLS = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd
};

function pattern(width: number, height: number, phase: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data.set([(x * 7 + phase) % 256, (y * 11 + 3 * phase) % 256, ((x ^ y) * 5) % 256, 255], i);
    }
  return { width, height, data };
}

const EXAMPLE: KeyframeExample = { input: pattern(24, 24, 0), styled: pattern(24, 24, 90) };

async function use(backend: BackendName): Promise<void> {
  const { backend: started, notes } = await initBackend([backend], { allowSoftwareGpu: true, wasmFileUrls: WASM_FILE_URLS });
  expect(started, notes.join('; ')).toBe(backend);
}

/** Forward pass (eval and training mode) of a seeded tiny generator on a fixed input. */
async function forward(backend: BackendName): Promise<Float32Array[]> {
  await use(backend);
  const generator = createGenerator(TINY, 5);
  const input = tf.tensor4d(Float32Array.from({ length: 2 * 16 * 16 * 3 }, (_, i) => Math.sin(i * 0.37)), [2, 16, 16, 3]);
  const outputs = [generator.apply(input, false), generator.apply(input, true)];
  const values = await Promise.all(outputs.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose([input, ...outputs]);
  generator.dispose();
  return values;
}

/** Losses of the first training steps with fixed seeds. */
async function trainingLosses(backend: BackendName, steps: number): Promise<number[]> {
  await use(backend);
  const trainer = new Trainer({ network: TINY, training: TRAINING, examples: [EXAMPLE], seed: 4 });
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const progress = await trainer.trainStep();
    losses.push(progress.losses.l1, progress.losses.total);
  }
  trainer.dispose();
  return losses;
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('ML core on the browser backends', () => {
  for (const backend of ['webgl', 'webgpu'] as const) {
    it(`${backend}: the forward pass at fixed weights matches the CPU backend`, async () => {
      const expected = await forward('cpu');
      const actual = await forward(backend);
      expect(maxAbsDifference(actual[0], expected[0])).toBeLessThan(1e-3);
      expect(maxAbsDifference(actual[1], expected[1])).toBeLessThan(1e-3);
    });

    it(`${backend}: the first training steps' losses match the CPU backend`, async () => {
      const expected = await trainingLosses('cpu', 3);
      const actual = await trainingLosses(backend, 3);
      expect(actual.every(Number.isFinite)).toBe(true);
      for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(1e-2 * Math.abs(expected[i]));
    });
  }

  it('wasm: the registered gradient kernels train in the browser', async () => {
    const expected = await trainingLosses('cpu', 2);
    const actual = await trainingLosses('wasm', 2);
    for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(1e-3 * Math.abs(expected[i]));
  });

  it('skips software GPUs unless allowed, saying why', async () => {
    const { backend, notes } = await initBackend(['webgpu', 'webgl', 'wasm'], { wasmFileUrls: WASM_FILE_URLS });
    expect(backend).toBe('wasm');
    expect(notes.join('\n')).toMatch(/WebGPU: .*software|WebGPU: not available|WebGPU: no adapter/);
    expect(notes.join('\n')).toMatch(/WebGL: .*software|WebGL: WebGL2 is not available/);
  });
});
