// One stylized frame in, one ImageBitmap out. On WebGPU the frame stays on the GPU: fromPixels uploads
// the bitmap, the network runs, tf.browser.draw renders into an OffscreenCanvas, and the result leaves
// as an ImageBitmap, with no readback. Elsewhere the output is read back (on WASM that is a copy).
import * as tf from '@tensorflow/tfjs-core';
import {
  decodeWeights,
  FULL_SIZE_WORKING_SIDE,
  generatorFromWeights,
  LiveStylizer,
  photoWorkingSide,
  stylizeFullSize,
  TRACKING_SIZE,
  trackingSize,
  type Generator
} from '$lib/ml';
import type { KeyframeExample, RgbaImage } from '$lib/ml/types';
import type { TunedPhotoNetwork } from './api';

/** The step the photo network's frames are stylized at: its weights never change, so its stroke layer never needs refreshing. */
const PHOTO_STEP = 0;

/**
 * Whether tfjs can draw a tensor onto a canvas here (WebGPU): draws four known pixels and reads them
 * back once through a 2D canvas. False where presenting a WebGPU canvas fails (headless Chromium on
 * SwiftShader gives blank canvases), so the preview falls back to reading frames back instead of
 * showing nothing.
 */
export function gpuDrawWorks(): boolean {
  const pixels = tf.tensor3d([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255], [2, 2, 3], 'int32');
  try {
    const canvas = new OffscreenCanvas(2, 2);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) return false;
    tf.browser.draw(pixels, canvas as unknown as HTMLCanvasElement);
    const data = context.getImageData(0, 0, 2, 2).data;
    return data[0] > 200 && data[1] < 60 && data[5] > 200 && data[10] > 200 && data[12] > 200;
  } catch {
    return false;
  } finally {
    pixels.dispose();
  }
}

/** An RGBA image as an ImageBitmap (its pixels copied), to transfer back to the page. */
export function bitmapOf(image: RgbaImage): Promise<ImageBitmap> {
  return createImageBitmap(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height));
}

/** Whether two images have the same size and pixels. */
function sameImage(a: RgbaImage, b: RgbaImage): boolean {
  if (a.width !== b.width || a.height !== b.height) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/** Holds the stylizing worker's network and turns frames into stylized bitmaps. */
export class FrameStylizer {
  private generator: Generator | null = null;
  private scratch: OffscreenCanvasRenderingContext2D | null = null;
  private gpuCanvas: OffscreenCanvas | null = null;
  private tracking: OffscreenCanvasRenderingContext2D | null = null;
  /** Tracks frames from the painted keyframes and carries their strokes (src/lib/ml/live.ts). */
  private readonly live = new LiveStylizer();
  /** Tracking and strokes for full-size frames (photos, video files): a stream of its own. */
  private readonly fullSize = new LiveStylizer();
  /** The painted keyframes, in training order: what frames are tracked from and whose strokes they carry. */
  private references: KeyframeExample[] = [];
  /** The photo network (src/lib/ml/photo-network.ts) and the keyframes at the size it learnt them, or null. */
  private photo: { generator: Generator; keyframes: KeyframeExample[]; live: LiveStylizer } | null = null;

  /** @param gpuResident keep frames on the GPU (WebGPU: tfjs has a Draw kernel there). */
  constructor(private readonly gpuResident: boolean) {}

  /** Whether there are weights to stylize with. */
  get ready(): boolean {
    return this.generator !== null;
  }

  /** Replaces the weights with a `.lbw` file: in place when the network is the same, else a new network. */
  setWeights(bytes: Uint8Array): void {
    const { config, tensors } = decodeWeights(bytes);
    const current = this.generator;
    if (current && JSON.stringify(current.config) === JSON.stringify(config)) {
      tf.tidy(() => {
        for (const [name, variable] of current.variables) {
          const tensor = tensors.get(name);
          if (!tensor) throw new Error(`The new weights have no tensor ${name}`);
          variable.assign(tf.tensor(tensor.data, variable.shape, 'float32'));
        }
      });
      return;
    }
    const next = generatorFromWeights(bytes);
    current?.dispose();
    this.generator = next;
  }

  /**
   * Sets the painted keyframes (inputs and paintings) frames are tracked from; empty: none painted
   * yet. A keyframe whose input arrives again keeps the image it had, so its tracking goes on and a
   * new painting's stroke layer is rebuilt from the network's output already made (src/lib/ml/live.ts)
   * instead of running the network again.
   */
  setReferences(keyframes: KeyframeExample[]): void {
    const previous = this.references;
    this.references = keyframes.map((keyframe) => {
      const kept = previous.find((known) => sameImage(known.input, keyframe.input));
      return kept ? { ...keyframe, input: kept.input } : keyframe;
    });
  }

  /** Whether a photo network is set: full-size frames near its scale use it. */
  get hasPhotoNetwork(): boolean {
    return this.photo !== null;
  }

  /**
   * Sets the photo network and the painted keyframes at the size it was tuned on, in training order;
   * null forgets it (full-size frames then come from the preview network, upsampled).
   */
  setPhotoNetwork(network: TunedPhotoNetwork | null, keyframes: KeyframeExample[] = []): void {
    this.photo?.generator.dispose();
    this.photo?.live.dispose();
    this.photo = null;
    if (!network || keyframes.length === 0) return;
    const generator = generatorFromWeights(network.weights);
    const live = new LiveStylizer();
    network.outputs.forEach((output, index) => keyframes[index] && live.primeKeyframeOutput(generator, keyframes[index].input, output, PHOTO_STEP));
    this.photo = { generator, keyframes, live };
  }

  /** Forgets the weights, the photo network and the reference keyframes. */
  clear(): void {
    this.generator?.dispose();
    this.generator = null;
    this.setPhotoNetwork(null);
    this.references = [];
    this.live.dispose();
    this.fullSize.dispose();
  }

  /** Stylizes `frame` (closed here) at its own size with weights trained for `step` steps; throws when there are no weights. */
  async stylize(frame: ImageBitmap, step: number): Promise<ImageBitmap> {
    const generator = this.generator;
    if (!generator) {
      frame.close();
      throw new Error('No weights to stylize with');
    }
    if (this.onGpu(generator)) return this.stylizeOnGpu(generator, frame, step);
    const output = await this.live.stylize(generator, this.references, this.toRgbaImage(frame), step);
    return bitmapOf(output);
  }

  /**
   * The last preview frame again with the strokes of the painting as it is now, without a pass of the
   * network (LiveStylizer.restroke; on the GPU restrokeTensor, drawn with no readback); null where that
   * cannot be done.
   */
  async restroke(step: number): Promise<ImageBitmap | null> {
    const generator = this.generator;
    if (!generator) return null;
    if (this.onGpu(generator)) {
      const tensor = this.live.restrokeTensor(generator, this.references, step);
      return tensor && this.drawOnGpu(tensor);
    }
    const output = await this.live.restroke(generator, this.references, step);
    return output && bitmapOf(output);
  }

  /**
   * Stylizes `frame` (closed here) at its own, full size (src/lib/ml/fullsize.ts), on the CPU side of
   * the backend: with the photo network at its scale where there is one and the frame is near it,
   * else with the preview network at the working size, upsampled.
   */
  async stylizeFullSize(frame: ImageBitmap, step: number): Promise<ImageBitmap> {
    const generator = this.generator;
    if (!generator) {
      frame.close();
      throw new Error('No weights to stylize with');
    }
    const image = this.toRgbaImage(frame);
    const photo = this.photo;
    const photoSide = photo && photoWorkingSide(image, photo.keyframes[0].input, FULL_SIZE_WORKING_SIDE);
    const output = photo && photoSide
      ? await stylizeFullSize(photo.live, photo.generator, photo.keyframes, image, PHOTO_STEP, { workingSide: photoSide })
      : await stylizeFullSize(this.fullSize, generator, this.references, image, step);
    return bitmapOf(output);
  }

  /** Whether `generator`'s preview frames stay on the GPU: guided networks draw their guide channels on the CPU. */
  private onGpu(generator: Generator): boolean {
    return this.gpuResident && !generator.config.guide;
  }

  private stylizeOnGpu(generator: Generator, frame: ImageBitmap, step: number): ImageBitmap {
    let output: tf.Tensor3D;
    try {
      const small = this.trackingCopy(frame);
      output = tf.tidy(() => this.live.stylizeTensor(generator, this.references, tf.browser.fromPixels(frame, 3), small, step));
    } finally {
      frame.close();
    }
    return this.drawOnGpu(output);
  }

  /** Draws `output` (disposed here) as a bitmap without reading it back. */
  private drawOnGpu(output: tf.Tensor3D): ImageBitmap {
    if (!this.gpuCanvas) {
      // A 2D canvas: tfjs's Draw kernel renders on its own WebGPU canvas and copies that onto this
      // one on the GPU; taking a bitmap straight off a WebGPU canvas came out blank.
      this.gpuCanvas = new OffscreenCanvas(output.shape[1], output.shape[0]);
      this.gpuCanvas.getContext('2d');
    }
    const canvas = this.gpuCanvas;
    try {
      tf.browser.draw(output, canvas as unknown as HTMLCanvasElement);
    } finally {
      output.dispose();
    }
    return canvas.transferToImageBitmap();
  }

  /**
   * The frame drawn small (at most TRACKING_SIZE on its long side) on a CPU-backed 2D canvas: the only
   * pixels of a GPU-resident frame that reach the CPU, for tracking the motion that moves the strokes.
   */
  private trackingCopy(frame: ImageBitmap): RgbaImage {
    const { width, height } = trackingSize(frame.width, frame.height, TRACKING_SIZE);
    if (!this.tracking || this.tracking.canvas.width !== width || this.tracking.canvas.height !== height) {
      this.tracking = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
      if (!this.tracking) throw new Error('No 2D canvas in the worker');
    }
    this.tracking.drawImage(frame, 0, 0, width, height);
    return this.tracking.getImageData(0, 0, width, height);
  }

  private toRgbaImage(frame: ImageBitmap): RgbaImage {
    const { width, height } = frame;
    if (!this.scratch || this.scratch.canvas.width !== width || this.scratch.canvas.height !== height) {
      this.scratch = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
      if (!this.scratch) throw new Error('No 2D canvas in the worker');
    }
    this.scratch.drawImage(frame, 0, 0);
    frame.close();
    return this.scratch.getImageData(0, 0, width, height);
  }
}
