/** An 8-bit RGBA image with the memory layout of the DOM's ImageData. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** One painted keyframe: the captured frame, its painting, and optionally where to learn from. */
export interface KeyframeExample {
  input: RgbaImage;
  styled: RgbaImage;
  /** Training patches are centred only where red ≥ 128 (after a 7×7 erosion). */
  mask?: RgbaImage | null;
}

/** The TensorFlow.js backends Livebrush can run on, fastest first. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** KeyframeExample plus the auxiliary Gaussian-mixture image (src/lib/ml/aux.ts) for 6-channel networks. */
export interface AuxKeyframeExample extends KeyframeExample {
  /** RGB of the auxiliary channels for this keyframe, same size as `input`. */
  aux: RgbaImage;
}
