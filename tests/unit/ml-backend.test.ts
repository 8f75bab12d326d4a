import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend';

describe('initBackend in Node', () => {
  afterAll(async () => {
    await initBackend(['wasm']);
  });

  it('falls through WebGPU and WebGL to WASM, saying why', async () => {
    const { backend, notes } = await initBackend();
    expect(backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(notes.some((note) => note.startsWith('WebGPU:'))).toBe(true);
    expect(notes.some((note) => note.startsWith('WebGL:'))).toBe(true);
  });

  it('registers gradients and the WASM gradient kernels', async () => {
    await initBackend(['wasm']);
    expect(tf.getGradient('Conv2D')).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')).toBeDefined();
  });

  it('uses the CPU backend only when asked', async () => {
    expect((await initBackend(['cpu'])).backend).toBe('cpu');
  });

  it('throws a readable error when nothing can start', async () => {
    await expect(initBackend(['webgpu', 'webgl'])).rejects.toThrow(/No TensorFlow.js backend could start: WebGPU: .*; WebGL: /);
  });
});
