// The typed bridge between the UI and the compute worker (comlink). The UI never imports tfjs.
import type { BackendName } from '$lib/ml/types';

/** The backend the worker runs on and what was tried or skipped on the way. */
export interface BackendReport {
  backend: BackendName;
  notes: string[];
  /** Which engine runs: a stylizing and a training worker side by side, or one worker taking turns. */
  engine?: EngineKind;
  /** WASM threads per side (1 where the page is not cross-origin isolated); absent on GPU backends. */
  threads?: { preview: number; training: number };
}

/** What one worker reports from `init`: its backend, notes and WASM threads (on WASM). */
export interface WorkerBackendReport {
  backend: BackendName;
  notes: string[];
  threads?: number;
}

/** `parallel`: a stylizing worker and a training worker; `single`: one worker takes turns (the old engine, for comparison). */
export type EngineKind = 'parallel' | 'single';

/** Options for `ComputeApi.init`. */
export interface InitOptions {
  /** Backends to try, in order; default WebGPU → WebGL → WASM. */
  preference?: BackendName[];
  /** Allow software GPU adapters (SwiftShader): only for tests and benchmarks. */
  allowSoftwareGpu?: boolean;
  /** Which engine to start (default `parallel`); chosen in the page, not sent to a worker. */
  engine?: EngineKind;
  /** WASM threads for this worker (0 or absent: single-threaded); set by the engine from hardwareConcurrency. */
  wasmThreads?: number;
  /** Count WebGPU readbacks and queue submits in the workers (benchmarks). */
  countGpuCalls?: boolean;
  /** Keep WebGPU frames on the GPU even where the start-up check of canvas drawing fails (benchmarks count calls on SwiftShader, whose canvases stay blank). */
  forceGpuFrames?: boolean;
  /** Split threads as if the device had this many cores (benchmarks compare splits); used by the page only. */
  cores?: number;
  /** Stylize preview frames at this long side instead of adapting it (benchmarks); used by the page only. */
  previewSide?: number;
}

/** One keyframe as the worker trains on it. `painting` null means "not painted yet" (not trained on). */
export interface WorkerKeyframe {
  input: ImageData;
  painting: ImageData | null;
  mask: ImageData | null;
}

/** One painted keyframe at the size it was captured at, what the photo network learns from. */
export interface PhotoKeyframe {
  input: ImageData;
  painting: ImageData;
  mask: ImageData | null;
}

/** Where the photo network's fine-tune stands: steps done of all. */
export interface PhotoTuneProgress {
  done: number;
  steps: number;
}

/** A tuned photo network (`.lbw`) and its output on each of the keyframes it was tuned on (none for guided networks). */
export interface TunedPhotoNetwork {
  weights: Uint8Array;
  outputs: ImageData[];
}

/** Where training stands, sent after every step and on start/pause. */
export interface TrainingStatus {
  running: boolean;
  step: number;
  elapsedMs: number;
  stepsPerSec: number;
  loss: number | null;
  /** Set when training stopped because of an error, or the latest painting could not be used. */
  error?: string;
  /** The parallel engine's weights generation it comes from: a report from before a loadWeights/reset is dropped. */
  generation?: number;
}

/** The result of one stylized frame. */
export interface StylizedFrame {
  image: ImageBitmap;
  /** Milliseconds the worker spent on the network for this frame. */
  inferenceMs: number;
  /** The training step of the weights that produced it. */
  step: number;
  /** Which worker of the parallel engine stylized it (the training worker helps only while training is paused). */
  lane?: 'preview' | 'training';
}

/** Live tfjs memory figures (debug and tests). */
export interface MemoryReport {
  numTensors: number;
  numBytes: number;
  /** Each worker's own figures (the parallel engine); the totals above are their sums. */
  sides?: { preview: MemoryReport; training: MemoryReport };
}

/** WebGPU calls counted in a worker since it started (benchmarks): buffer readbacks and queue submits. */
export interface GpuCallCounts {
  readbacks: number;
  submits: number;
  /** Stylized frames or training steps done meanwhile. */
  work: number;
}

/** What the compute worker offers. Images are transferred, not copied, where possible. */
export interface ComputeApi {
  /** Picks and initialises the backend; falls back down the list, reporting why. */
  init(options?: InitOptions): Promise<BackendReport>;
  /** Replaces all keyframes (inputs, paintings, masks). Training continues on the new set. */
  setKeyframes(keyframes: WorkerKeyframe[]): Promise<void>;
  /**
   * Replaces the painting (and mask) of keyframe `index`. Resolves to the training step count at that
   * moment: frames whose `step` is greater come from weights trained on the new painting.
   */
  updatePainting(index: number, painting: ImageData, mask: ImageData | null): Promise<number>;
  /** Starts (or resumes) the training loop; `onProgress` is a comlink proxy called after each step. */
  startTraining(onProgress: (status: TrainingStatus) => void): Promise<void>;
  /** Pauses training after the current step. */
  pauseTraining(): Promise<void>;
  /** Stylizes one frame (transferred) at its own size; null when there are no weights yet or it was superseded. */
  stylize(frame: ImageBitmap): Promise<StylizedFrame | null>;
  /**
   * Call right after `updatePainting`: the last stylized frame again with the new painting's strokes,
   * made before the next frame and without a pass of the network, so a stroke shows a frame sooner.
   * Null where it cannot be made (the single-worker engine, a network without a stroke layer, no frame
   * yet) or one is already waiting.
   */
  echoStrokes(): Promise<StylizedFrame | null>;
  /** The current weights as `.lbw` bytes, or null before any training. */
  exportWeights(): Promise<Uint8Array | null>;
  /** Replaces the network with saved `.lbw` weights (training continues from them). */
  loadWeights(bytes: Uint8Array): Promise<void>;
  /** Forgets keyframes and weights. */
  reset(): Promise<void>;
  /** tfjs tensor count and bytes once no step or frame is running (for the leak tests; pause training first). */
  memory(): Promise<MemoryReport>;
  /** WebGPU readbacks and submits per side, when `countGpuCalls` was asked (benchmarks). */
  gpuCalls(): Promise<{ preview: GpuCallCounts; training: GpuCallCounts }>;
  /**
   * Stylizes one frame (transferred) at its own, full resolution with the measured best method
   * (src/lib/ml/fullsize.ts: the working size, as the preview, then upscaled; strokes carried); it waits for a
   * preview frame in flight instead of being dropped. Null when there are no weights yet.
   */
  stylizeFullSize(frame: ImageBitmap): Promise<StylizedFrame | null>;
  /**
   * While training rests, fine-tunes a copy of the network on `keyframes` (every painted keyframe at
   * the size it was captured at, in training order; src/lib/ml/photo-network.ts) and from then on
   * stylizes full-size frames near that scale with it. Resolves true once it is in use; false when it
   * was stopped (training started, a keyframe or painting changed, a style was loaded) or the engine
   * has none (the single worker). The photo network is dropped again by any such change.
   */
  tunePhotoNetwork(keyframes: PhotoKeyframe[], onProgress: (progress: PhotoTuneProgress) => void): Promise<boolean>;
  /** Stops the photo network's fine-tune, if one runs (its `tunePhotoNetwork` resolves false); a photo network in use stays. */
  stopPhotoTuning(): Promise<void>;
  /** Resolves with the browser's reason when a worker's WebGPU device is lost (never on other backends). */
  gpuLost(): Promise<string>;
  /** The latest weights kept in CPU memory, which outlive a lost GPU (the last handoff or loaded style); null when none are. */
  survivingWeights(): Promise<SurvivingWeights | null>;
  /** Destroys the workers' WebGPU devices as a driver reset would (tests of the recovery). */
  destroyGpuDevice(): Promise<void>;
}

/** Weights kept on the CPU side, with the training step they come from (counted since the last load). */
export interface SurvivingWeights {
  weights: Uint8Array;
  step: number;
}

/** The training worker of the parallel engine: keyframes, the training loop, weights in and out. */
export interface TrainerApi {
  init(options?: InitOptions): Promise<WorkerBackendReport>;
  /** Where to send new weights (`WeightsHandoff` messages) for the stylizing worker. */
  connect(port: MessagePort): Promise<void>;
  setKeyframes(keyframes: WorkerKeyframe[]): Promise<void>;
  updatePainting(index: number, painting: ImageData, mask: ImageData | null): Promise<number>;
  startTraining(onProgress: (status: TrainingStatus) => void): Promise<void>;
  pauseTraining(): Promise<void>;
  /** Stylizes a preview frame with the weights as they stand: the engine sends frames here only while training is paused. */
  stylize(frame: ImageBitmap): Promise<StylizedFrame | null>;
  exportWeights(): Promise<Uint8Array | null>;
  /** Saved weights to continue from; `generation` tags the handoffs that follow. */
  loadWeights(bytes: Uint8Array, generation: number): Promise<void>;
  reset(generation: number): Promise<void>;
  memory(): Promise<MemoryReport>;
  gpuCalls(): Promise<GpuCallCounts>;
  /**
   * The photo network: a copy of the weights as they stand fine-tuned on `keyframes`, as `.lbw`, with
   * its output on each keyframe (its stroke layer starts from them); null when there are no weights,
   * training runs, or it was stopped by training, a keyframe or painting change, a load, a reset or
   * another call.
   */
  tunePhotoNetwork(keyframes: PhotoKeyframe[], onProgress: (progress: PhotoTuneProgress) => void): Promise<TunedPhotoNetwork | null>;
  stopPhotoTuning(): Promise<void>;
  /** Resolves with the reason when this worker's WebGPU device is lost (never on other backends). */
  gpuLost(): Promise<string>;
  destroyGpuDevice(): Promise<void>;
}

/** The stylizing worker of the parallel engine: holds a copy of the weights and stylizes frames. */
export interface StylizerApi {
  init(options?: InitOptions): Promise<WorkerBackendReport>;
  /** Where new weights from the training worker arrive. */
  connect(port: MessagePort): Promise<void>;
  stylize(frame: ImageBitmap): Promise<StylizedFrame | null>;
  /** The painted keyframes in training order, which frames are tracked from and whose strokes they carry (empty: none). */
  setReferences(keyframes: WorkerKeyframe[]): Promise<void>;
  /** ComputeApi.echoStrokes: runs right after the frame in hand, ahead of the frames waiting. */
  echoStrokes(): Promise<StylizedFrame | null>;
  /** Saved weights (a preset, a session): used at once; handoffs of other generations are ignored. */
  loadWeights(bytes: Uint8Array, generation: number): Promise<void>;
  reset(generation: number): Promise<void>;
  memory(): Promise<MemoryReport>;
  gpuCalls(): Promise<GpuCallCounts>;
  /** One frame at its own, full resolution (ComputeApi.stylizeFullSize). */
  stylizeFullSize(frame: ImageBitmap): Promise<StylizedFrame | null>;
  /** The photo network and the keyframes it was tuned on (null: none); `setReferences` with other keyframes drops it. */
  setPhotoNetwork(network: TunedPhotoNetwork | null, keyframes: PhotoKeyframe[]): Promise<void>;
  gpuLost(): Promise<string>;
  destroyGpuDevice(): Promise<void>;
  /** The last weights handed over or loaded, as received (kept in CPU memory). */
  survivingWeights(): Promise<SurvivingWeights | null>;
}

/** New weights from the training worker to the stylizing worker (a `.lbw` file, its buffer transferred). */
export interface WeightsHandoff {
  weights: Uint8Array;
  /** The training step they come from. */
  step: number;
  /** Bumped by every loadWeights/reset, so a late handoff never replaces a style loaded since. */
  generation: number;
}
