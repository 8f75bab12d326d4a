// Starts the compute engine and gives the studio one typed API (comlink) for it: by default a
// stylizing and a training worker side by side, or (`engine: 'single'`) the one worker that takes turns.
import * as Comlink from 'comlink';
import type {
  BackendReport,
  ComputeApi,
  EngineKind,
  InitOptions,
  StylizedFrame,
  StylizerApi,
  TrainerApi,
  TrainingStatus,
  WorkerBackendReport,
  WorkerKeyframe
} from './api';
import { splitThreads, threadsNote } from './threads';

/** A running engine: its API and a way to stop it. */
export interface ComputeWorker {
  api: ComputeApi;
  /**
   * How many preview frames to keep in the engine at once. The parallel engine takes two: one queued
   * behind the frame being stylized, so its worker never waits for the page, or, while training is
   * paused on WASM, one for each worker. The single worker takes one (as it always did).
   */
  previewLanes: number;
  /** Rejects if a worker script fails to load or throws outside a call, or once the engine is terminated (it never resolves). */
  failed: Promise<never>;
  terminate(): void;
}

/** A promise that rejects when `worker` fails to load or is stopped with `terminate`, which it wraps. */
function watchWorker(worker: Worker, name: string): { worker: Worker; failed: Promise<never>; terminate(): void } {
  let stop: (error: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    stop = reject;
    worker.addEventListener('error', (event) => reject(new Error(event.message || `the ${name} worker failed to load`)));
  });
  failed.catch(() => {});
  return {
    worker,
    failed,
    terminate() {
      worker.terminate();
      // Calls still waiting on the worker would wait forever: whoever races them with `failed` stops waiting.
      stop(new Error(`the ${name} worker was stopped`));
    }
  };
}

/** Starts the engine: `parallel` (default) or the old `single` worker (benchmarks compare the two). */
export function startComputeWorker(engine: EngineKind = 'parallel'): ComputeWorker {
  return engine === 'single' ? startSingleWorker() : startParallelEngine();
}

function startSingleWorker(): ComputeWorker {
  // Vite bundles a worker only where `new Worker(new URL(…))` is written out in full.
  const { worker, failed, terminate } = watchWorker(
    new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module', name: 'livebrush-compute' }),
    'compute'
  );
  const remote = Comlink.wrap<ComputeApi>(worker);
  const api: ComputeApi = {
    init: async (options) => ({ ...(await remote.init(options)), engine: 'single' }),
    setKeyframes: (keyframes) => remote.setKeyframes(keyframes),
    updatePainting: (index, painting, mask) => remote.updatePainting(index, painting, mask),
    startTraining: (onProgress) => remote.startTraining(onProgress),
    pauseTraining: () => remote.pauseTraining(),
    stylize: (frame) => remote.stylize(frame),
    echoStrokes: () => remote.echoStrokes(),
    exportWeights: () => remote.exportWeights(),
    loadWeights: (bytes) => remote.loadWeights(bytes),
    reset: () => remote.reset(),
    memory: () => remote.memory(),
    gpuCalls: () => remote.gpuCalls(),
    stylizeFullSize: (frame) => remote.stylizeFullSize(frame),
    tunePhotoNetwork: (keyframes, onProgress) => remote.tunePhotoNetwork(keyframes, Comlink.proxy(onProgress)),
    stopPhotoTuning: () => remote.stopPhotoTuning(),
    gpuLost: () => remote.gpuLost(),
    survivingWeights: () => remote.survivingWeights(),
    destroyGpuDevice: () => remote.destroyGpuDevice()
  };
  return {
    api,
    previewLanes: 1,
    failed,
    terminate() {
      remote[Comlink.releaseProxy]();
      terminate();
    }
  };
}

/**
 * The parallel engine: the training worker trains and hands its weights straight to the stylizing
 * worker over a MessageChannel; the page talks to each for its own calls. Inference never waits for
 * a training step and training never waits for a frame.
 */
function startParallelEngine(): ComputeWorker {
  const training = watchWorker(
    new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module', name: 'livebrush-training' }),
    'training'
  );
  const preview = watchWorker(
    new Worker(new URL('./stylizer.worker.ts', import.meta.url), { type: 'module', name: 'livebrush-preview' }),
    'preview'
  );
  const trainer = Comlink.wrap<TrainerApi>(training.worker);
  const stylizer = Comlink.wrap<StylizerApi>(preview.worker);
  /** Bumped by every loadWeights/reset so a handoff already on its way cannot replace the new style. */
  let generation = 0;
  /**
   * Copies of the keyframes as last sent, so the stylizer can be given the painted ones (the studio
   * transfers the originals to the training worker).
   */
  let keyframes: WorkerKeyframe[] = [];
  let references: WorkerKeyframe[] = [];
  /** Whether the training worker may stylize preview frames: both sides on WASM (CPU cores), and training paused. */
  let cpuLanes = false;
  let trainingPaused = true;
  let framesInStylizer = 0;
  let frameInTrainer = false;
  /** Bumped by every change that makes a photo network being tuned out of date (keyframes, paintings, a load, a reset). */
  let photoEpoch = 0;
  /** Sends a frame to the stylizing worker, or to the idle training worker when the stylizer already has one. */
  async function stylize(frame: ImageBitmap): Promise<StylizedFrame | null> {
    if (cpuLanes && trainingPaused && framesInStylizer > 0 && !frameInTrainer) {
      frameInTrainer = true;
      try {
        return await trainer.stylize(Comlink.transfer(frame, [frame]));
      } finally {
        frameInTrainer = false;
      }
    }
    framesInStylizer += 1;
    try {
      return await stylizer.stylize(Comlink.transfer(frame, [frame]));
    } finally {
      framesInStylizer -= 1;
    }
  }
  /** Hands the stylizer the painted keyframes when they changed. */
  function updateReferences(): Promise<void> {
    const next = keyframes.filter((keyframe) => keyframe.painting !== null);
    const same = (a: WorkerKeyframe, b: WorkerKeyframe) => a.input === b.input && a.painting === b.painting && a.mask === b.mask;
    if (next.length === references.length && next.every((keyframe, i) => same(keyframe, references[i]))) return Promise.resolve();
    references = next;
    return stylizer.setReferences(next);
  }

  const api: ComputeApi = {
    async init(options: InitOptions = {}) {
      const isolated = globalThis.crossOriginIsolated === true;
      const threads = splitThreads(options.cores ?? navigator.hardwareConcurrency, isolated);
      const [previewReport, trainingReport] = await Promise.all([
        stylizer.init({ ...options, wasmThreads: threads.preview }),
        trainer.init({ ...options, wasmThreads: threads.training })
      ]);
      const channel = new MessageChannel();
      await Promise.all([
        trainer.connect(Comlink.transfer(channel.port1, [channel.port1])),
        stylizer.connect(Comlink.transfer(channel.port2, [channel.port2]))
      ]);
      cpuLanes = previewReport.backend === 'wasm' && trainingReport.backend === 'wasm';
      return describe(previewReport, trainingReport, isolated);
    },
    async setKeyframes(next) {
      photoEpoch += 1;
      keyframes = next.map((keyframe) => ({ input: copyImage(keyframe.input), painting: keyframe.painting && copyImage(keyframe.painting), mask: null }));
      await Promise.all([updateReferences(), trainer.setKeyframes(next)]);
    },
    async updatePainting(index, painting, mask) {
      photoEpoch += 1;
      keyframes[index] = { ...keyframes[index], painting: copyImage(painting) };
      const [, step] = await Promise.all([updateReferences(), trainer.updatePainting(index, painting, mask)]);
      return step;
    },
    startTraining(onProgress) {
      trainingPaused = false;
      const watched = (status: TrainingStatus) => {
        // A report posted before a style was loaded (or the engine reset) must not count for the new one.
        if (status.generation !== undefined && status.generation !== generation) return;
        if (!status.running) trainingPaused = true;
        onProgress(status);
      };
      return trainer.startTraining(Comlink.proxy(watched));
    },
    async pauseTraining() {
      await trainer.pauseTraining();
      trainingPaused = true;
    },
    stylize,
    // Posted after updatePainting's setReferences on the same port, so the echo has the new painting.
    echoStrokes: () => stylizer.echoStrokes(),
    exportWeights: () => trainer.exportWeights(),
    async loadWeights(bytes) {
      generation += 1;
      photoEpoch += 1;
      const copy = new Uint8Array(bytes);
      await Promise.all([trainer.loadWeights(copy, generation), stylizer.loadWeights(bytes, generation)]);
    },
    async reset() {
      generation += 1;
      photoEpoch += 1;
      keyframes = [];
      references = [];
      await Promise.all([trainer.reset(generation), stylizer.reset(generation)]);
    },
    async memory() {
      const [previewSide, trainingSide] = await Promise.all([stylizer.memory(), trainer.memory()]);
      return {
        numTensors: previewSide.numTensors + trainingSide.numTensors,
        numBytes: previewSide.numBytes + trainingSide.numBytes,
        sides: { preview: previewSide, training: trainingSide }
      };
    },
    async gpuCalls() {
      const [previewCalls, trainingCalls] = await Promise.all([stylizer.gpuCalls(), trainer.gpuCalls()]);
      return { preview: previewCalls, training: trainingCalls };
    },
    stylizeFullSize: (frame) => stylizer.stylizeFullSize(frame),
    async tunePhotoNetwork(photoKeyframes, onProgress) {
      const epoch = photoEpoch;
      const forStylizer = photoKeyframes.map(({ input, painting }) => ({ input: copyImage(input), painting: copyImage(painting), mask: null }));
      const tuned = await trainer.tunePhotoNetwork(photoKeyframes, Comlink.proxy(onProgress));
      // Anything that changed meanwhile stopped the tune, or makes what it learnt out of date.
      if (!tuned || epoch !== photoEpoch) return false;
      const images = [...tuned.outputs, ...forStylizer.flatMap(({ input, painting }) => [input, painting])];
      await stylizer.setPhotoNetwork(Comlink.transfer(tuned, [tuned.weights.buffer, ...images.map((image) => image.data.buffer)]), forStylizer);
      if (epoch === photoEpoch) return true;
      await stylizer.setPhotoNetwork(null, []);
      return false;
    },
    async stopPhotoTuning() {
      photoEpoch += 1;
      await trainer.stopPhotoTuning();
    },
    // Both workers share the GPU: whichever notices first.
    gpuLost: () => Promise.race([stylizer.gpuLost(), trainer.gpuLost()]),
    survivingWeights: () => stylizer.survivingWeights(),
    async destroyGpuDevice() {
      await Promise.all([stylizer.destroyGpuDevice(), trainer.destroyGpuDevice()]);
    }
  };
  const failed = Promise.race([training.failed, preview.failed]);
  failed.catch(() => {});
  return {
    api,
    previewLanes: 2,
    failed,
    terminate() {
      trainer[Comlink.releaseProxy]();
      stylizer[Comlink.releaseProxy]();
      training.terminate();
      preview.terminate();
    }
  };
}

/** A copy of an image that stays here when the original is transferred to a worker. */
function copyImage(image: ImageData): ImageData {
  return new ImageData(new Uint8ClampedArray(image.data), image.width, image.height);
}

/** One report for both workers: the preview's backend, every note once, threads where WASM runs. */
function describe(preview: WorkerBackendReport, training: WorkerBackendReport, isolated: boolean): BackendReport {
  const notes = [...new Set([...preview.notes, ...training.notes])];
  if (training.backend !== preview.backend) notes.push(`Training runs on ${training.backend.toUpperCase()}`);
  const report: BackendReport = { backend: preview.backend, notes, engine: 'parallel' };
  if (preview.threads !== undefined || training.threads !== undefined) {
    report.threads = { preview: preview.threads ?? 0, training: training.threads ?? 0 };
    notes.push(threadsNote(report.threads, isolated));
  }
  return report;
}

/** Wraps a progress callback so the worker can call it across the boundary. */
export function progressProxy<T extends (...args: never[]) => void>(callback: T): T & Comlink.ProxyMarked {
  return Comlink.proxy(callback);
}
