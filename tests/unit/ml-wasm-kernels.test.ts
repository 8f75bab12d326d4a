import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerGradients } from '../../src/lib/ml/gradients';
import { SeededRandom } from '../../src/lib/ml/random';
import { registerWasmGradientKernels } from '../../src/lib/ml/wasm-kernels';

type Pad = number | 'same' | 'valid';

interface ConvCase {
  name: string;
  input: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: Pad;
  dilation?: number;
}

function randomArray(size: number, seed: number): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: size }, () => random.normal());
}

/** Relative error: max |a−b| over max |b|. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return worst / scale;
}

/** Gradients of a weighted sum of conv2d (or depthwise) outputs w.r.t. input and filter, on the current backend. */
async function convGradients(testCase: ConvCase, depthwise: boolean): Promise<{ dx: Float32Array; dw: Float32Array }> {
  const x = tf.tensor4d(randomArray(testCase.input.reduce((a, b) => a * b), 1), testCase.input);
  const w = tf.tensor4d(randomArray(testCase.filter.reduce((a, b) => a * b), 2), testCase.filter);
  const forward = (xv: tf.Tensor4D, wv: tf.Tensor4D) =>
    depthwise ? tf.depthwiseConv2d(xv, wv, testCase.stride, testCase.pad) : tf.conv2d(xv, wv, testCase.stride, testCase.pad);
  const outShape = tf.tidy(() => forward(x, w).shape);
  const weights = tf.tensor(randomArray(outShape.reduce((a, b) => a * b), 3), outShape);
  const [dx, dw] = tf.grads((xv: tf.Tensor, wv: tf.Tensor) => tf.sum(tf.mul(forward(xv as tf.Tensor4D, wv as tf.Tensor4D), weights)))([x, w]);
  const result = { dx: (await dx.data()) as Float32Array, dw: (await dw.data()) as Float32Array };
  tf.dispose([x, w, weights, dx, dw]);
  return result;
}

interface DilatedCase {
  name: string;
  input: [number, number, number, number];
  filter: [number, number, number, number];
  pad: number;
  dilation: number;
}

/** Straight loops: the depthwise gradients with dilation, stride 1 (tfjs's CPU kernels get dilation wrong). */
function bruteForceDepthwiseGradients(testCase: DilatedCase, x: Float32Array, w: Float32Array, dy: Float32Array, outH: number, outW: number) {
  const [batch, height, width, channels] = testCase.input;
  const [kh, kw, , multiplier] = testCase.filter;
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(w.length);
  for (let b = 0; b < batch; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const iy = oy + ky * testCase.dilation - testCase.pad;
            const ix = ox + kx * testCase.dilation - testCase.pad;
            if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
            for (let c = 0; c < channels; c++)
              for (let q = 0; q < multiplier; q++) {
                const g = dy[((b * outH + oy) * outW + ox) * channels * multiplier + c * multiplier + q];
                const xi = ((b * height + iy) * width + ix) * channels + c;
                const wi = ((ky * kw + kx) * channels + c) * multiplier + q;
                dx[xi] += g * w[wi];
                dw[wi] += g * x[xi];
              }
          }
  return { dx, dw };
}

/** The registered WASM depthwise backprop kernels with dilation, called directly (tfjs-core's gradient refuses dilation). */
async function dilatedDepthwiseCheck(testCase: DilatedCase): Promise<{ dx: number; dw: number }> {
  await tf.setBackend('wasm');
  const xs = randomArray(testCase.input.reduce((a, b) => a * b), 4);
  const ws = randomArray(testCase.filter.reduce((a, b) => a * b), 5);
  const x = tf.tensor4d(xs, testCase.input);
  const w = tf.tensor4d(ws, testCase.filter);
  const outShape = tf.tidy(() => tf.depthwiseConv2d(x, w, 1, testCase.pad, 'NHWC', testCase.dilation).shape);
  const dys = randomArray(outShape.reduce((a, b) => a * b), 6);
  const dy = tf.tensor4d(dys, outShape);
  const attrs = { strides: 1, pad: testCase.pad, dilations: testCase.dilation };
  const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape }) as tf.Tensor;
  const dw = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape }) as tf.Tensor;
  const expected = bruteForceDepthwiseGradients(testCase, xs, ws, dys, outShape[1], outShape[2]);
  const errors = {
    dx: relativeError((await dx.data()) as Float32Array, expected.dx),
    dw: relativeError((await dw.data()) as Float32Array, expected.dw)
  };
  tf.dispose([x, w, dy, dx, dw]);
  return errors;
}

async function onBackend<T>(backend: string, run: () => Promise<T>): Promise<T> {
  await tf.setBackend(backend);
  return run();
}

const CONV_CASES: ConvCase[] = [
  { name: '3×3 stride 1 same', input: [2, 9, 7, 3], filter: [3, 3, 3, 5], stride: 1, pad: 1 },
  { name: '3×3 stride 2 pad 1 (even)', input: [3, 8, 8, 4], filter: [3, 3, 4, 6], stride: 2, pad: 1 },
  { name: '3×3 stride 2 pad 1 (odd)', input: [2, 9, 11, 2], filter: [3, 3, 2, 3], stride: 2, pad: 1 },
  { name: '7×7 stride 1 pad 3', input: [2, 12, 10, 3], filter: [7, 7, 3, 4], stride: 1, pad: 3 },
  { name: '4×4 stride 2 pad 1 (discriminator)', input: [2, 16, 16, 3], filter: [4, 4, 3, 5], stride: 2, pad: 1 },
  { name: '1×1 pointwise', input: [4, 6, 6, 8], filter: [1, 1, 8, 5], stride: 1, pad: 0 },
  { name: '3×3 valid stride 2', input: [1, 10, 9, 3], filter: [3, 3, 3, 2], stride: 2, pad: 'valid' },
  { name: "5×5 'same' stride 2", input: [2, 11, 10, 2], filter: [5, 5, 2, 3], stride: 2, pad: 'same' }
];

const DEPTHWISE_CASES: ConvCase[] = [
  { name: '3×3 stride 1', input: [2, 8, 9, 6], filter: [3, 3, 6, 1], stride: 1, pad: 1 },
  { name: '3×3 stride 2', input: [3, 10, 10, 5], filter: [3, 3, 5, 1], stride: 2, pad: 1 },
  { name: '5×5 multiplier 2', input: [2, 9, 8, 3], filter: [5, 5, 3, 2], stride: 1, pad: 2 },
  { name: "3×3 stride 2 'same' odd", input: [1, 7, 9, 4], filter: [3, 3, 4, 1], stride: 2, pad: 'same' }
];

const DILATED_CASES: DilatedCase[] = [
  { name: '3×3 dilation 2', input: [2, 11, 10, 4], filter: [3, 3, 4, 1], pad: 2, dilation: 2 },
  { name: '3×3 dilation 3 multiplier 2', input: [1, 12, 12, 2], filter: [3, 3, 2, 2], pad: 3, dilation: 3 }
];

const TOLERANCE = 1e-4;

describe('WASM gradient kernels match reference gradients', () => {
  beforeAll(async () => {
    await registerGradients();
    registerWasmGradientKernels();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const testCase of CONV_CASES) {
    it(`conv2d ${testCase.name}`, async () => {
      const expected = await onBackend('cpu', () => convGradients(testCase, false));
      const actual = await onBackend('wasm', () => convGradients(testCase, false));
      expect(relativeError(actual.dx, expected.dx)).toBeLessThan(TOLERANCE);
      expect(relativeError(actual.dw, expected.dw)).toBeLessThan(TOLERANCE);
    });
  }

  for (const testCase of DEPTHWISE_CASES) {
    it(`depthwise ${testCase.name}`, async () => {
      const expected = await onBackend('cpu', () => convGradients(testCase, true));
      const actual = await onBackend('wasm', () => convGradients(testCase, true));
      expect(relativeError(actual.dx, expected.dx)).toBeLessThan(TOLERANCE);
      expect(relativeError(actual.dw, expected.dw)).toBeLessThan(TOLERANCE);
    });
  }

  for (const testCase of DILATED_CASES) {
    it(`depthwise kernels ${testCase.name} (against straight loops)`, async () => {
      const errors = await dilatedDepthwiseCheck(testCase);
      expect(errors.dx).toBeLessThan(TOLERANCE);
      expect(errors.dw).toBeLessThan(TOLERANCE);
    });
  }

  it('Sum and Mean over leading axes (pooling path) agree with the CPU backend, other reductions too', async () => {
    const reduce = async () => {
      const x = tf.tensor4d(randomArray(3 * 5 * 4 * 6, 8), [3, 5, 4, 6]);
      const results = [
        tf.sum(x, [0, 1, 2]),
        tf.mean(x, [0, 1, 2]),
        tf.sum(x, [0, 1], true),
        tf.mean(x, 0),
        tf.sum(x, [2, 1, 0], true),
        tf.sum(x, [1, 3]),
        tf.mean(x, -1),
        tf.sum(x)
      ];
      const values = await Promise.all(results.map(async (t) => ({ shape: t.shape, data: (await t.data()) as Float32Array })));
      tf.dispose([x, ...results]);
      return values;
    };
    const expected = await onBackend('cpu', reduce);
    const actual = await onBackend('wasm', reduce);
    actual.forEach((result, i) => {
      expect(result.shape).toEqual(expected[i].shape);
      expect(relativeError(result.data, expected[i].data)).toBeLessThan(TOLERANCE);
    });
  });

  it('copy-free Identity and Cast keep values independent of later variable updates', async () => {
    await tf.setBackend('wasm');
    const variable = tf.variable(tf.tensor1d([1, 2, 3]));
    const copy = tf.clone(variable);
    const cast = tf.cast(variable, 'float32');
    const asInt = tf.cast(variable, 'int32');
    variable.assign(tf.tensor1d([7, 8, 9]));
    expect([...(await copy.data())]).toEqual([1, 2, 3]);
    expect([...(await cast.data())]).toEqual([1, 2, 3]);
    expect(asInt.dtype).toBe('int32');
    expect([...(await variable.data())]).toEqual([7, 8, 9]);
    copy.dispose();
    expect([...(await cast.data())]).toEqual([1, 2, 3]);
    tf.dispose([cast, asInt, variable]);
  });

  it('leaves no tensors behind', async () => {
    await tf.setBackend('wasm');
    await convGradients(CONV_CASES[1], false);
    const before = tf.memory().numTensors;
    await convGradients(CONV_CASES[1], false);
    await convGradients(DEPTHWISE_CASES[1], true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
