/// <reference lib="webworker" />
// The training worker of the parallel engine: keyframes and the training loop. It hands its weights to
// the stylizing worker over a MessagePort: right after the first step on a new painting (so a stroke
// shows up fast), then at most every HANDOFF_INTERVAL_MS. While training is paused its core would
// sit idle, so it stylizes preview frames too (a second preview lane, on WASM).
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import { generatorFromWeights, stylize, Trainer, tunePhotoNetwork } from '$lib/ml';
import type { KeyframeExample } from '$lib/ml/types';
import type { StylizedFrame, TrainerApi, TrainingStatus, TunedPhotoNetwork, WeightsHandoff, WorkerKeyframe } from './api';
import { destroyGpuDevice, gpuDeviceLost, startBackend } from './backend-setup';
import { FrameStylizer } from './frame-stylizer';
import { OneAtATime } from './one-at-a-time';
import { countGpuCalls, gpuCalls } from './gpu-counters';

/**
 * Weights go to the preview at most this often, unless a new painting was just trained on. Packing
 * takes ~7 ms and applying ~3.4 ms on WASM (docs/app.md), so 4 per second cost training under 3 %,
 * and the preview is never more than a quarter second behind training.
 */
const HANDOFF_INTERVAL_MS = 250;
/** On a GPU backend the loss is read back only every this many steps (a readback stalls the queue). */
const GPU_LOSS_EVERY = 10;

/**
 * How long a step that failed like a lost device (a readback "destroyed" or "unmapped", a device "lost") waits for `device.lost` before
 * the error is shown: Chromium settled it 2–5 s after the failed step.
 */
const LOST_GPU_GRACE_MS = 10_000;
const LOST_GPU_ERROR = /destroyed|unmapped|lost/i;

let keyframes: WorkerKeyframe[] = [];
let trainer: Trainer | null = null;
/** Weights loaded from a preset or session, used when training starts. */
let loadedWeights: Uint8Array | null = null;
let running = false;
let looping = false;
let onGpu = false;
let onWebGpu = false;
let reportProgress: ((status: TrainingStatus) => void) | null = null;
let status: TrainingStatus = { running: false, step: 0, elapsedMs: 0, stepsPerSec: 0, loss: null };
let port: MessagePort | null = null;
let generation = 0;
let lastHandoffAt = 0;
/** The training step of the weights the stylizing worker was last given. */
let handedOffStep = -1;
/** A painting changed since the last handoff: hand off right after the next step. */
let paintingChanged = false;

/** The second preview lane while training is paused: a copy of the network and the stroke layer. */
let lane: FrameStylizer | null = null;
/** Bumped whenever the weights change (a step, a load, a reset), so the lane knows to copy them again. */
let weightsVersion = 0;
/** Bumped whenever a keyframe or painting changes, so the lane takes the new stroke reference. */
let keyframesVersion = 0;
let laneVersions = { weights: -1, keyframes: -1 };
/** The lane's frames, one at a time; a resumed training step waits for the one in hand. */
const laneFrames = new OneAtATime();
/** Stops the photo network's fine-tune in progress, if any. */
let photoTune: AbortController | null = null;

/**
 * The network in `weights` run on each of `inputs` (none for guided networks, which make their own),
 * here where the core is idle, so the stylizing worker's first photo skips those passes.
 */
async function keyframeOutputs(weights: Uint8Array, inputs: ImageData[], signal: AbortSignal): Promise<ImageData[]> {
  const generator = generatorFromWeights(weights);
  try {
    if (generator.config.guide) return [];
    const outputs: ImageData[] = [];
    for (const input of inputs) {
      await laneFrames.idle();
      if (signal.aborted) return [];
      const { width, height, data } = await stylize(generator, input);
      outputs.push(new ImageData(new Uint8ClampedArray(data), width, height));
    }
    return outputs;
  } finally {
    generator.dispose();
  }
}

/** Stops the photo network's fine-tune: what it learns from, or the weights it started from, changed. */
function stopPhotoTune(): void {
  photoTune?.abort();
  photoTune = null;
}

function paintedExamples(): KeyframeExample[] {
  return keyframes
    .filter((keyframe) => keyframe.painting !== null)
    .map((keyframe) => ({ input: keyframe.input, styled: keyframe.painting!, mask: keyframe.mask }));
}

/** Gives the trainer the current painted keyframes; a problem with them is reported, not thrown. */
function refreshExamples(): void {
  paintingChanged = true;
  keyframesVersion += 1;
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
  status = { ...status, ...update, running, generation };
  reportProgress?.(status);
}

/** Lets queued messages (pause, a new painting) run between steps. */
function nextEventLoopTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function handOff(from: Trainer): Promise<void> {
  if (!port) return;
  const handoffGeneration = generation;
  const weights = await from.snapshot();
  if (handoffGeneration !== generation) return;
  const message: WeightsHandoff = { weights, step: from.step, generation };
  port.postMessage(message, [weights.buffer]);
  lastHandoffAt = performance.now();
  handedOffStep = message.step;
}

async function trainingLoop(): Promise<void> {
  if (looping) return;
  looping = true;
  try {
    while (running) {
      const examples = paintedExamples();
      if (examples.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      if (!trainer) {
        trainer = new Trainer({ examples, weights: loadedWeights ?? undefined });
        loadedWeights = null;
      }
      await laneFrames.idle();
      const readLoss = !onGpu || (trainer.step + 1) % GPU_LOSS_EVERY === 0;
      const newPainting = paintingChanged;
      paintingChanged = false;
      const progress = await trainer.trainStep({ readLosses: readLoss });
      weightsVersion += 1;
      gpuCalls.work += 1;
      publish({
        step: progress.step,
        elapsedMs: progress.elapsedMs,
        stepsPerSec: progress.stepsPerSec,
        ...(readLoss ? { loss: progress.losses.total } : {})
      });
      if (newPainting || performance.now() - lastHandoffAt >= HANDOFF_INTERVAL_MS) await handOff(trainer);
      await nextEventLoopTurn();
    }
  } catch (error) {
    running = false;
    // A lost GPU fails the step too; the page restarts the engine and says why, so no second, cryptic message.
    const message = error instanceof Error ? error.message : String(error);
    const lost = onWebGpu && LOST_GPU_ERROR.test(message) ? await Promise.race([gpuDeviceLost, new Promise<null>((resolve) => setTimeout(resolve, LOST_GPU_GRACE_MS, null))]) : null;
    publish(lost ? {} : { error: message });
  } finally {
    looping = false;
  }
}

/** Stylizes one preview frame with the weights as they stand (a second preview lane while paused). */
async function stylizeInLane(frame: ImageBitmap): Promise<StylizedFrame | null> {
  if (!trainer && !loadedWeights) {
    frame.close();
    return null;
  }
  const started = performance.now();
  lane ??= new FrameStylizer(false);
  if (laneVersions.weights !== weightsVersion) {
    lane.setWeights(trainer ? await trainer.snapshot() : loadedWeights!);
    laneVersions.weights = weightsVersion;
  }
  if (laneVersions.keyframes !== keyframesVersion) {
    // Without masks, as the stylizing worker gets them (client.ts), so both lanes mix alike.
    lane.setReferences(paintedExamples().map(({ input, styled }) => ({ input, styled })));
    laneVersions.keyframes = keyframesVersion;
  }
  const step = status.step;
  const image = await lane.stylize(frame, step);
  const result: StylizedFrame = { image, inferenceMs: performance.now() - started, step, lane: 'training' };
  return Comlink.transfer(result, [image]);
}

const api: TrainerApi = {
  async init(options = {}) {
    if (options.countGpuCalls) countGpuCalls();
    const report = await startBackend(options);
    onGpu = report.backend === 'webgpu' || report.backend === 'webgl';
    onWebGpu = report.backend === 'webgpu';
    return report;
  },

  async connect(weightsPort) {
    port = weightsPort;
  },

  async setKeyframes(next) {
    stopPhotoTune();
    keyframes = next;
    refreshExamples();
  },

  async updatePainting(index, painting, mask) {
    const keyframe = keyframes[index];
    if (!keyframe) throw new Error(`No keyframe ${index}`);
    stopPhotoTune();
    keyframes[index] = { ...keyframe, painting, mask };
    refreshExamples();
    return status.step;
  },

  async startTraining(onProgress) {
    reportProgress = onProgress;
    stopPhotoTune();
    running = true;
    publish({ error: undefined });
    void trainingLoop();
  },

  async pauseTraining() {
    running = false;
    // The stylizing worker gets the last step's weights, so both preview lanes show the same ones.
    while (looping) await new Promise((resolve) => setTimeout(resolve, 5));
    if (trainer && handedOffStep !== trainer.step) await handOff(trainer);
    publish({});
  },

  async stylize(frame) {
    return laneFrames.run(() => stylizeInLane(frame));
  },

  async exportWeights() {
    return trainer ? await trainer.snapshot() : loadedWeights;
  },

  async loadWeights(bytes, nextGeneration) {
    stopPhotoTune();
    generation = nextGeneration;
    trainer?.dispose();
    trainer = null;
    loadedWeights = bytes;
    weightsVersion += 1;
    status = { running, step: 0, elapsedMs: 0, stepsPerSec: 0, loss: null };
  },

  async reset(nextGeneration) {
    stopPhotoTune();
    generation = nextGeneration;
    running = false;
    trainer?.dispose();
    trainer = null;
    loadedWeights = null;
    keyframes = [];
    lane?.clear();
    laneVersions = { weights: -1, keyframes: -1 };
    status = { running: false, step: 0, elapsedMs: 0, stepsPerSec: 0, loss: null };
  },

  async memory() {
    while (looping || laneFrames.busy) await new Promise((resolve) => setTimeout(resolve, 10));
    const { numTensors, numBytes } = tf.memory();
    return { numTensors, numBytes };
  },

  async gpuCalls() {
    return { ...gpuCalls };
  },

  async tunePhotoNetwork(photoKeyframes, onProgress) {
    stopPhotoTune();
    // Set before the first wait, so a stop that arrives meanwhile stops this tune.
    const control = new AbortController();
    photoTune = control;
    try {
      while (looping) await new Promise((resolve) => setTimeout(resolve, 5));
      const base = trainer ? await trainer.snapshot() : loadedWeights;
      if (!base || running || control.signal.aborted || photoKeyframes.length === 0) return null;
      const examples = photoKeyframes.map(({ input, painting, mask }) => ({ input, styled: painting, mask }));
      const weights = await tunePhotoNetwork(base, examples, {
        signal: control.signal,
        // A preview frame in the second lane goes first; messages (a stroke, Resume) get their turn.
        beforeStep: async () => {
          await laneFrames.idle();
          await nextEventLoopTurn();
        },
        onStep: (done, steps) => onProgress({ done, steps })
      });
      if (!weights) return null;
      const tuned: TunedPhotoNetwork = { weights, outputs: await keyframeOutputs(weights, photoKeyframes.map(({ input }) => input), control.signal) };
      if (control.signal.aborted) return null;
      return Comlink.transfer(tuned, [weights.buffer, ...tuned.outputs.map((output) => output.data.buffer)]);
    } finally {
      if (photoTune === control) photoTune = null;
    }
  },

  async stopPhotoTuning() {
    stopPhotoTune();
  },

  gpuLost: () => gpuDeviceLost,

  async destroyGpuDevice() {
    destroyGpuDevice();
  }
};

Comlink.expose(api);
