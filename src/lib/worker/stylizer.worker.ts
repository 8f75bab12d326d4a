/// <reference lib="webworker" />
// The stylizing worker of the parallel engine: a copy of the network, replaced whenever the training
// worker hands over new weights; it never trains, so a frame never waits for a training step.
import * as Comlink from 'comlink';
import { memory } from '@tensorflow/tfjs-core';
import type { StylizedFrame, StylizerApi, SurvivingWeights, WeightsHandoff } from './api';
import { destroyGpuDevice, gpuDeviceLost, startBackend } from './backend-setup';
import { FrameStylizer, gpuDrawWorks } from './frame-stylizer';
import { countGpuCalls, gpuCalls } from './gpu-counters';
import { OneAtATime } from './one-at-a-time';

let stylizer = new FrameStylizer(false);
/** The training step of the weights in use. */
let weightsStep = 0;
let generation = 0;
/** Preview and full-size frames, stylized one at a time. */
const frames = new OneAtATime();
let weightsError: string | null = null;
/** Whether an echo of new strokes waits for the frame in hand (one is enough: it takes the newest painting). */
let echoWaiting = false;
/** The bytes of the weights in use, kept so they outlive a lost GPU device. */
let kept: SurvivingWeights | null = null;

function applyHandoff(handoff: WeightsHandoff): void {
  if (handoff.generation !== generation) return;
  try {
    stylizer.setWeights(handoff.weights);
    weightsStep = handoff.step;
    kept = { weights: handoff.weights, step: handoff.step };
    weightsError = null;
  } catch (error) {
    weightsError = error instanceof Error ? error.message : String(error);
  }
}

/**
 * Stylizes `frame` with `work` once the frame before it is done (one frame at a time: the
 * stylizer's canvases and stroke tracking are not shared between two frames); null without weights.
 */
function oneAtATime(frame: ImageBitmap, work: (frame: ImageBitmap) => Promise<ImageBitmap>): Promise<StylizedFrame | null> {
  return frames.run(async () => {
    if (!stylizer.ready) {
      frame.close();
      if (weightsError) throw new Error(weightsError);
      return null;
    }
    const started = performance.now();
    const step = weightsStep;
    const image = await work(frame);
    gpuCalls.work += 1;
    return previewFrame(image, started, step);
  });
}

/** `image`, made since `started` with the weights of `step`, as the preview frame sent back (transferred). */
function previewFrame(image: ImageBitmap, started: number, step: number): StylizedFrame {
  const result: StylizedFrame = { image, inferenceMs: performance.now() - started, step, lane: 'preview' };
  return Comlink.transfer(result, [image]);
}

/** Forgets the photo network once the frame in hand (perhaps a full-size frame using it) is done. */
function dropPhotoNetwork(): void {
  if (stylizer.hasPhotoNetwork) void frames.run(async () => stylizer.setPhotoNetwork(null));
}

/** Why WebGPU preview frames cannot stay on the GPU here, or null when drawing them on a canvas works. */
function whyReadBackOnWebGpu(softwareAdapter: boolean): string | null {
  // Not even tried on a software adapter: in headless Chromium presenting its canvas loses the device.
  if (softwareAdapter) return 'a software adapter';
  return gpuDrawWorks() ? null : 'drawing on a canvas failed here';
}

const api: StylizerApi = {
  async init(options = {}) {
    if (options.countGpuCalls) countGpuCalls();
    const report = await startBackend(options);
    const readBack = report.backend === 'webgpu' && !options.forceGpuFrames ? whyReadBackOnWebGpu(report.softwareGpu === true) : null;
    if (readBack) report.notes.push(`WebGPU: ${readBack}, so preview frames are read back to the CPU`);
    stylizer = new FrameStylizer(report.backend === 'webgpu' && !readBack);
    return report;
  },

  async connect(port) {
    port.onmessage = (event: MessageEvent<WeightsHandoff>) => applyHandoff(event.data);
  },

  // Frames queue here one behind the other (the page keeps at most two in flight), so the worker
  // goes straight from one frame to the next instead of waiting for the page to send one.
  stylize: (frame) => oneAtATime(frame, (ready) => stylizer.stylize(ready, weightsStep)),

  async echoStrokes() {
    if (echoWaiting) return null;
    echoWaiting = true;
    return frames.runNext(async () => {
      echoWaiting = false;
      const started = performance.now();
      const step = weightsStep;
      const image = await stylizer.restroke(step);
      return image && previewFrame(image, started, step);
    });
  },

  async setReferences(keyframes) {
    stylizer.setReferences(keyframes.map((keyframe) => ({ input: keyframe.input, styled: keyframe.painting! })));
    // Tuned on the paintings as they were: photos come from the preview network until it is tuned again.
    dropPhotoNetwork();
  },

  async loadWeights(bytes, nextGeneration) {
    generation = nextGeneration;
    stylizer.setWeights(bytes);
    dropPhotoNetwork();
    weightsStep = 0;
    kept = { weights: bytes, step: 0 };
  },

  async reset(nextGeneration) {
    generation = nextGeneration;
    stylizer.clear();
    weightsStep = 0;
    kept = null;
  },

  async memory() {
    while (frames.busy) await new Promise((resolve) => setTimeout(resolve, 10));
    const { numTensors, numBytes } = memory();
    return { numTensors, numBytes };
  },

  async gpuCalls() {
    return { ...gpuCalls };
  },

  stylizeFullSize: (frame) => oneAtATime(frame, (ready) => stylizer.stylizeFullSize(ready, weightsStep)),

  async setPhotoNetwork(network, keyframes) {
    // After the frame in hand, which may be a full-size frame using the network replaced here. No
    // masks, as with the preview's keyframes (client.ts), so both mix the network with the frame alike.
    await frames.run(async () => stylizer.setPhotoNetwork(network, keyframes.map(({ input, painting }) => ({ input, styled: painting }))));
  },

  gpuLost: () => gpuDeviceLost,

  async destroyGpuDevice() {
    destroyGpuDevice();
  },

  async survivingWeights() {
    return kept;
  }
};

Comlink.expose(api);
