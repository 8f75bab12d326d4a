// The typed bridge between the UI and the compute worker (comlink). The UI never imports tfjs.
import type { BackendName } from '$lib/ml/types';

/** The backend the worker runs on and what was tried or skipped on the way. */
export interface BackendReport {
  backend: BackendName;
  notes: string[];
}

/** Options for `ComputeApi.init`. */
export interface InitOptions {
  /** Backends to try, in order; default WebGPU → WebGL → WASM. */
  preference?: BackendName[];
  /** Allow software GPU adapters (SwiftShader): only for tests and benchmarks. */
  allowSoftwareGpu?: boolean;
}

/** One keyframe as the worker trains on it. `painting` null means "not painted yet" (not trained on). */
export interface WorkerKeyframe {
  input: ImageData;
  painting: ImageData | null;
  mask: ImageData | null;
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
}

/** The result of one stylized frame. */
export interface StylizedFrame {
  image: ImageBitmap;
  /** Milliseconds the worker spent on the network for this frame. */
  inferenceMs: number;
  /** The training step of the weights that produced it. */
  step: number;
}

/** Live tfjs memory figures (debug and tests). */
export interface MemoryReport {
  numTensors: number;
  numBytes: number;
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
  /** The current weights as `.lbw` bytes, or null before any training. */
  exportWeights(): Promise<Uint8Array | null>;
  /** Replaces the network with saved `.lbw` weights (training continues from them). */
  loadWeights(bytes: Uint8Array): Promise<void>;
  /** Forgets keyframes and weights. */
  reset(): Promise<void>;
  /** tfjs tensor count and bytes once no step or frame is running (for the leak tests; pause training first). */
  memory(): Promise<MemoryReport>;
}
