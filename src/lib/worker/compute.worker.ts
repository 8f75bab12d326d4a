/// <reference lib="webworker" />
// The single-worker engine (`?engine=single`, kept for comparison): one worker owns the tfjs backend, trains in a loop and stylizes preview frames.
// Inference has priority: the training loop never starts a step while a frame is being stylized, and
// after each step it gives the preview up to the step's duration to run frames.
import * as Comlink from 'comlink';
import { memory } from '@tensorflow/tfjs-core';
import { LiveStylizer, Trainer, generatorFromWeights, stylizeFullSize, type Generator } from '$lib/ml';
import type { KeyframeExample, RgbaImage } from '$lib/ml/types';
import type { ComputeApi, StylizedFrame, TrainingStatus, WorkerKeyframe } from './api';
import { destroyGpuDevice, gpuDeviceLost, startBackend } from './backend-setup';
import { bitmapOf } from './frame-stylizer';
import { countGpuCalls, gpuCalls } from './gpu-counters';

let keyframes: WorkerKeyframe[] = [];
let trainer: Trainer | null = null;
/** Weights loaded from a preset or session, used until training takes over. */
let loadedWeights: Uint8Array | null = null;
let loadedGenerator: Generator | null = null;
let running = false;
let looping = false;
let reportProgress: ((status: TrainingStatus) => void) | null = null;
let status: TrainingStatus = { running: false, step: 0, elapsedMs: 0, stepsPerSec: 0, loss: null };
/** Frames being stylized right now; training waits while this is above zero. */
let framesInFlight = 0;
let frameFinished: (() => void) | null = null;
let frameStarted: (() => void) | null = null;

/**
 * After each training step the preview may use the worker for as long as that step took (so the
 * preview and training share the worker about equally while both are busy)…
 */
const PREVIEW_SHARE_OF_STEP = 1;
/** …as long as the next frame arrives within this many milliseconds of the previous one. */
const NEXT_FRAME_GRACE_MS = 40;
let scratch: OffscreenCanvasRenderingContext2D | null = null;
/** Tracks the camera from the painted keyframes for guide channels and the stroke layer. */
const live = new LiveStylizer();
/** The same for full-size frames (photos, video files), a stream of its own. */
const fullSizeLive = new LiveStylizer();

/** The keyframes that have a painting, as the ML core's examples. */
function paintedExamples(): KeyframeExample[] {
  return keyframes
    .filter((keyframe) => keyframe.painting !== null)
    .map((keyframe) => ({ input: keyframe.input, styled: keyframe.painting!, mask: keyframe.mask }));
}

/** Gives the trainer the current painted keyframes; a problem with them (e.g. a mask too thin to learn from) is reported, not thrown. */
function refreshExamples(): void {
  const examples = paintedExamples();
  if (!trainer || examples.length === 0) return;
  try {
    trainer.setExamples(examples);
    if (status.error) publish({ error: undefined });
  } catch (error) {
    publish({ error: error instanceof Error ? error.message : String(error) });
  }
}

function publish(update: Partial<TrainingStatus>): void {
  status = { ...status, ...update, running };
  reportProgress?.(status);
}

function nextEventLoopTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function waitForFrames(): Promise<void> {
  return new Promise((resolve) => (frameFinished = resolve));
}

/** Resolves true when a frame starts within `ms`, false otherwise. */
function nextFrameWithin(ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      frameStarted = null;
      resolve(false);
    }, ms);
    frameStarted = () => {
      clearTimeout(timer);
      frameStarted = null;
      resolve(true);
    };
  });
}

/** Lets the preview have the worker for up to `ms` while it keeps sending frames. */
async function servePreview(ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (running && performance.now() < until) {
    if (framesInFlight > 0) await waitForFrames();
    else if (!(await nextFrameWithin(NEXT_FRAME_GRACE_MS))) return;
  }
}

function currentGenerator(): Generator | null {
  return trainer?.generator ?? loadedGenerator;
}

function forgetLoadedWeights(): void {
  loadedGenerator?.dispose();
  loadedGenerator = null;
}

async function trainingLoop(): Promise<void> {
  if (looping) return;
  looping = true;
  try {
    while (running) {
      if (framesInFlight > 0) {
        await waitForFrames();
        continue;
      }
      const examples = paintedExamples();
      if (examples.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      if (!trainer) {
        trainer = new Trainer({ examples, weights: loadedWeights ?? undefined });
        forgetLoadedWeights();
      }
      const stepStarted = performance.now();
      const progress = await trainer.trainStep();
      gpuCalls.work += 1;
      const stepMs = performance.now() - stepStarted;
      publish({
        step: progress.step,
        elapsedMs: progress.elapsedMs,
        stepsPerSec: progress.stepsPerSec,
        loss: progress.losses.total
      });
      await nextEventLoopTurn();
      await servePreview(stepMs * PREVIEW_SHARE_OF_STEP);
    }
  } catch (error) {
    running = false;
    publish({ error: error instanceof Error ? error.message : String(error) });
  } finally {
    looping = false;
  }
}

function toRgbaImage(frame: ImageBitmap): RgbaImage {
  const { width, height } = frame;
  if (!scratch || scratch.canvas.width !== width || scratch.canvas.height !== height) {
    scratch = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!scratch) throw new Error('No 2D canvas in the worker');
  }
  scratch.drawImage(frame, 0, 0);
  frame.close();
  return scratch.getImageData(0, 0, width, height);
}

const api: ComputeApi = {
  async init(options = {}) {
    // Single-threaded, as before the parallel engine: the baseline the benchmarks compare against.
    if (options.countGpuCalls) countGpuCalls();
    const { backend, notes } = await startBackend({ ...options, wasmThreads: 0 });
    return { backend, notes };
  },

  async setKeyframes(next) {
    keyframes = next;
    refreshExamples();
  },

  async updatePainting(index, painting, mask) {
    const keyframe = keyframes[index];
    if (!keyframe) throw new Error(`No keyframe ${index}`);
    keyframes[index] = { ...keyframe, painting, mask };
    refreshExamples();
    return status.step;
  },

  async startTraining(onProgress) {
    reportProgress = onProgress;
    running = true;
    publish({ error: undefined });
    void trainingLoop();
  },

  async pauseTraining() {
    running = false;
    publish({});
  },

  async stylize(frame) {
    const generator = currentGenerator();
    if (!generator || framesInFlight > 0) {
      frame.close();
      return null;
    }
    framesInFlight += 1;
    frameStarted?.();
    try {
      const started = performance.now();
      const output = await live.stylize(generator, paintedExamples(), toRgbaImage(frame), status.step);
      const image = await bitmapOf(output);
      const result: StylizedFrame = { image, inferenceMs: performance.now() - started, step: status.step };
      gpuCalls.work += 1;
      return Comlink.transfer(result, [image]);
    } finally {
      framesInFlight -= 1;
      frameFinished?.();
      frameFinished = null;
    }
  },

  // The single-worker engine is kept as it was, for the bench's comparison: strokes show with the next frame.
  async echoStrokes() {
    return null;
  },

  async exportWeights() {
    return trainer ? await trainer.snapshot() : loadedWeights;
  },

  async loadWeights(bytes) {
    trainer?.dispose();
    trainer = null;
    forgetLoadedWeights();
    loadedWeights = bytes;
    loadedGenerator = generatorFromWeights(bytes);
    status = { running, step: 0, elapsedMs: 0, stepsPerSec: 0, loss: null };
  },

  async reset() {
    running = false;
    trainer?.dispose();
    trainer = null;
    forgetLoadedWeights();
    loadedWeights = null;
    keyframes = [];
    status = { running: false, step: 0, elapsedMs: 0, stepsPerSec: 0, loss: null };
  },

  async memory() {
    // Measure between steps and frames, when the figures are stable.
    while (looping || framesInFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const { numTensors, numBytes } = memory();
    return { numTensors, numBytes };
  },

  async gpuCalls() {
    // One worker does both: the counts cover frames and steps together.
    return { preview: { ...gpuCalls }, training: { ...gpuCalls } };
  },

  async stylizeFullSize(frame) {
    while (framesInFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const generator = currentGenerator();
    if (!generator) {
      frame.close();
      return null;
    }
    framesInFlight += 1;
    try {
      const started = performance.now();
      const step = status.step;
      const output = await stylizeFullSize(fullSizeLive, generator, paintedExamples(), toRgbaImage(frame), step);
      const image = await bitmapOf(output);
      return Comlink.transfer({ image, inferenceMs: performance.now() - started, step } satisfies StylizedFrame, [image]);
    } finally {
      framesInFlight -= 1;
      frameFinished?.();
      frameFinished = null;
    }
  },

  // The comparison engine has no photo network: full-size frames always come from the preview network.
  tunePhotoNetwork: async () => false,
  async stopPhotoTuning() {},

  gpuLost: () => gpuDeviceLost,

  async survivingWeights() {
    // Trained weights live only in tensors here (on the GPU, lost with it); loaded ones are still at hand.
    return !trainer && loadedWeights ? { weights: loadedWeights, step: 0 } : null;
  },

  async destroyGpuDevice() {
    destroyGpuDevice();
  }
};

Comlink.expose(api);
