/// <reference lib="webworker" />
// The stylizing worker of the parallel engine: a copy of the network, replaced whenever the training
// worker hands over new weights; it never trains, so a frame never waits for a training step.
import * as Comlink from 'comlink';
import { memory } from '@tensorflow/tfjs-core';
import type { StylizedFrame, StylizerApi, WeightsHandoff } from './api';
import { startBackend } from './backend-setup';
import { FrameStylizer, gpuDrawWorks } from './frame-stylizer';
import { countGpuCalls, gpuCalls } from './gpu-counters';

let stylizer = new FrameStylizer(false);
/** The training step of the weights in use. */
let weightsStep = 0;
let generation = 0;
let frameInFlight = false;
let weightsError: string | null = null;

function applyHandoff(handoff: WeightsHandoff): void {
  if (handoff.generation !== generation) return;
  try {
    stylizer.setWeights(handoff.weights);
    weightsStep = handoff.step;
    weightsError = null;
  } catch (error) {
    weightsError = error instanceof Error ? error.message : String(error);
  }
}

const api: StylizerApi = {
  async init(options = {}) {
    if (options.countGpuCalls) countGpuCalls();
    const report = await startBackend(options);
    let gpuResident = report.backend === 'webgpu';
    if (gpuResident && !options.forceGpuFrames && !gpuDrawWorks()) {
      gpuResident = false;
      report.notes.push('WebGPU: drawing on a canvas failed here, so preview frames are read back to the CPU');
    }
    stylizer = new FrameStylizer(gpuResident);
    return report;
  },

  async connect(port) {
    port.onmessage = (event: MessageEvent<WeightsHandoff>) => applyHandoff(event.data);
  },

  async stylize(frame) {
    if (!stylizer.ready || frameInFlight) {
      frame.close();
      if (weightsError) throw new Error(weightsError);
      return null;
    }
    frameInFlight = true;
    try {
      const started = performance.now();
      const step = weightsStep;
      const image = await stylizer.stylize(frame, step);
      gpuCalls.work += 1;
      const result: StylizedFrame = { image, inferenceMs: performance.now() - started, step };
      return Comlink.transfer(result, [image]);
    } finally {
      frameInFlight = false;
    }
  },

  async setReference(keyframe) {
    stylizer.setReference(keyframe ? { input: keyframe.input, styled: keyframe.painting! } : undefined);
  },

  async loadWeights(bytes, nextGeneration) {
    generation = nextGeneration;
    stylizer.setWeights(bytes);
    weightsStep = 0;
  },

  async reset(nextGeneration) {
    generation = nextGeneration;
    stylizer.clear();
    weightsStep = 0;
  },

  async memory() {
    while (frameInFlight) await new Promise((resolve) => setTimeout(resolve, 10));
    const { numTensors, numBytes } = memory();
    return { numTensors, numBytes };
  },

  async gpuCalls() {
    return { ...gpuCalls };
  },

  async stylizeFullSize(frame) {
    while (frameInFlight) await new Promise((resolve) => setTimeout(resolve, 5));
    if (!stylizer.ready) {
      frame.close();
      if (weightsError) throw new Error(weightsError);
      return null;
    }
    frameInFlight = true;
    try {
      const started = performance.now();
      const step = weightsStep;
      const image = await stylizer.stylizeFullSize(frame, step);
      const result: StylizedFrame = { image, inferenceMs: performance.now() - started, step };
      return Comlink.transfer(result, [image]);
    } finally {
      frameInFlight = false;
    }
  }
};

Comlink.expose(api);
