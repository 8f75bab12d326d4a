import type { KeyframeExample, RgbaImage } from './types';
import { SeededRandom } from './random';

/** One training batch as flat NHWC float32 arrays in [-1, 1]. */
export interface PatchBatch {
  batchSize: number;
  patchSize: number;
  /** Input channels per pixel: 3 (RGB) or 6 (RGB + aux). */
  inputChannels: number;
  /** Keyframe input (and aux) patches, [batch, patch, patch, inputChannels]. */
  input: Float32Array;
  /** The painting at the same positions, [batch, patch, patch, 3]. */
  target: Float32Array;
  /** The painting at independent random positions of the same keyframe ("real" for the discriminator). */
  real: Float32Array;
  /** Which keyframe each patch came from. */
  keyframe: Int32Array;
  /** Per-pixel loss weights, [batch, patch, patch, 1], mean 1 over the batch; null when painted pixels weigh as much as the rest. */
  weight: Float32Array | null;
}

/** How the sampler favours what was painted. */
export interface StrokeEmphasis {
  /** Share of patch centres drawn near painted pixels (where the painting differs from the frame); the rest are uniform. */
  sampling: number;
  /** Extra loss weight of a painted pixel (0: none); weights are scaled to mean 1 per batch. */
  weight: number;
}

/** No emphasis: the reference's uniform sampling and loss. */
export const NO_STROKE_EMPHASIS: StrokeEmphasis = { sampling: 0, weight: 0 };

/** A pixel counts as painted when its RGB differs from the frame's by more than this in sum (0–765). */
export const PAINTED_THRESHOLD = 30;
/** Patch centres count as near paint within this many pixels of a painted pixel. */
export const PAINTED_REACH = 2;

/** Side of the box the mask is eroded with (the reference's 7×7). */
export const MASK_EROSION = 7;

/** Mask bit per pixel: red ≥ 128. */
export function thresholdMask(mask: RgbaImage): Uint8Array {
  const bits = new Uint8Array(mask.width * mask.height);
  for (let i = 0; i < bits.length; i++) bits[i] = mask.data[i * 4] >= 128 ? 1 : 0;
  return bits;
}

/**
 * Erodes a binary mask with a size×size box (separable min). Outside the image counts as set, as
 * OpenCV's default border for erosion.
 */
export function erodeMask(bits: Uint8Array, width: number, height: number, size = MASK_EROSION): Uint8Array {
  const radius = Math.floor(size / 2);
  const horizontal = new Uint8Array(bits.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let value = 1;
      for (let dx = -radius; dx <= radius && value; dx++) {
        const xx = x + dx;
        if (xx >= 0 && xx < width && !bits[y * width + xx]) value = 0;
      }
      horizontal[y * width + x] = value;
    }
  }
  const eroded = new Uint8Array(bits.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let value = 1;
      for (let dy = -radius; dy <= radius && value; dy++) {
        const yy = y + dy;
        if (yy >= 0 && yy < height && !horizontal[yy * width + x]) value = 0;
      }
      eroded[y * width + x] = value;
    }
  }
  return eroded;
}

/** Patch centres allowed for a keyframe: inside the eroded mask and far enough from the border for a whole patch. */
export function validCentres(width: number, height: number, patchSize: number, mask: RgbaImage | null | undefined): Int32Array {
  const half = Math.floor(patchSize / 2);
  const eroded = mask ? erodeMask(thresholdMask(mask), width, height) : null;
  const centres: number[] = [];
  for (let y = half; y + patchSize - half <= height; y++) {
    for (let x = half; x + patchSize - half <= width; x++) {
      if (!eroded || eroded[y * width + x]) centres.push(y * width + x);
    }
  }
  return Int32Array.from(centres);
}

interface PreparedKeyframe {
  width: number;
  height: number;
  /** Input RGB (+ aux) as floats in [-1, 1], inputChannels per pixel. */
  input: Float32Array;
  /** Painting RGB as floats in [-1, 1]. */
  styled: Float32Array;
  centres: Int32Array;
  /** A shuffled copy of the centres, consumed from `cursor` on (refilled when exhausted). */
  order: Int32Array;
  cursor: number;
  /** 1 where the painting differs from the frame. */
  painted: Uint8Array;
  /** The valid centres near paint, shuffled, consumed from `paintedCursor` on (empty when nothing was painted). */
  paintedOrder: Int32Array;
  paintedCursor: number;
}

/** 1 where a painting's RGB differs from the frame's by more than PAINTED_THRESHOLD. */
export function paintedPixels(input: RgbaImage, styled: RgbaImage): Uint8Array {
  const bits = new Uint8Array(input.width * input.height);
  for (let i = 0; i < bits.length; i++) {
    const o = i * 4;
    const difference = Math.abs(input.data[o] - styled.data[o]) + Math.abs(input.data[o + 1] - styled.data[o + 1]) + Math.abs(input.data[o + 2] - styled.data[o + 2]);
    bits[i] = difference > PAINTED_THRESHOLD ? 1 : 0;
  }
  return bits;
}

/** Grows a binary map by `radius` pixels (a (2r+1)² box, separable max). */
export function dilateMask(bits: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const inverted = bits.map((bit) => 1 - bit);
  const eroded = erodeMask(inverted, width, height, 2 * radius + 1);
  return eroded.map((bit) => 1 - bit);
}

/** Converts RGBA bytes to interleaved floats in [-1, 1], optionally with a second image's RGB appended. */
function toUnitRange(image: RgbaImage, extra: RgbaImage | null): Float32Array {
  const channels = extra ? 6 : 3;
  const pixels = image.width * image.height;
  const out = new Float32Array(pixels * channels);
  for (let i = 0; i < pixels; i++) {
    for (let c = 0; c < 3; c++) out[i * channels + c] = image.data[i * 4 + c] / 127.5 - 1;
    if (extra) for (let c = 0; c < 3; c++) out[i * channels + 3 + c] = extra.data[i * 4 + c] / 127.5 - 1;
  }
  return out;
}

const sameSize = (a: RgbaImage, b: RgbaImage) => a.width === b.width && a.height === b.height;

/**
 * Draws training patches the reference's way: centres uniformly without replacement (refilled when
 * exhausted) from each keyframe's eroded mask, round-robin over keyframes, the same crop from input,
 * aux and painting. With stroke emphasis, a share of the centres is drawn near painted pixels and
 * painted pixels weigh more in the loss.
 */
export class PatchSampler {
  private readonly keyframes: PreparedKeyframe[];
  private readonly random: SeededRandom;
  private nextKeyframe = 0;
  readonly inputChannels: number;

  constructor(
    examples: readonly KeyframeExample[],
    readonly patchSize: number,
    readonly batchSize: number,
    seed = 4,
    /** Auxiliary channel images per example (same size as its input), or null for RGB-only input. */
    aux: readonly RgbaImage[] | null = null,
    readonly emphasis: StrokeEmphasis = NO_STROKE_EMPHASIS
  ) {
    if (!(emphasis.sampling >= 0 && emphasis.sampling <= 1)) throw new Error(`The share of patches drawn near paint must be in [0, 1], got ${emphasis.sampling}`);
    if (!(emphasis.weight >= 0)) throw new Error(`The extra weight of painted pixels must be ≥ 0, got ${emphasis.weight}`);
    if (examples.length === 0) throw new Error('Training needs at least one painted keyframe');
    if (!Number.isInteger(patchSize) || patchSize < 2) throw new Error(`Patch size must be an integer ≥ 2, got ${patchSize}`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Batch size must be a positive integer, got ${batchSize}`);
    if (aux && aux.length !== examples.length) throw new Error(`Got ${aux.length} aux images for ${examples.length} keyframes`);
    this.random = new SeededRandom(seed);
    this.inputChannels = aux ? 6 : 3;
    this.keyframes = examples.map((example, index) => {
      const { input, styled, mask } = example;
      const label = `Keyframe ${index + 1}`;
      if (!sameSize(input, styled)) {
        throw new Error(`${label}: the painting is ${styled.width}×${styled.height} but the frame is ${input.width}×${input.height}`);
      }
      if (mask && !sameSize(input, mask)) {
        throw new Error(`${label}: the mask is ${mask.width}×${mask.height} but the frame is ${input.width}×${input.height}`);
      }
      const auxImage = aux ? aux[index] : null;
      if (auxImage && !sameSize(input, auxImage)) {
        throw new Error(`${label}: the aux image is ${auxImage.width}×${auxImage.height} but the frame is ${input.width}×${input.height}`);
      }
      if (input.width < patchSize || input.height < patchSize) {
        throw new Error(`${label}: the frame (${input.width}×${input.height}) is smaller than one ${patchSize}×${patchSize} training patch`);
      }
      const centres = validCentres(input.width, input.height, patchSize, mask);
      if (centres.length === 0) {
        throw new Error(`${label}: the mask leaves no place for a ${patchSize}×${patchSize} patch (paint or mask a larger area)`);
      }
      const painted = paintedPixels(input, styled);
      const nearPaint = emphasis.sampling > 0 ? dilateMask(painted, input.width, input.height, PAINTED_REACH) : null;
      return {
        width: input.width,
        height: input.height,
        input: toUnitRange(input, auxImage),
        styled: toUnitRange(styled, null),
        centres,
        order: this.random.shuffle(Int32Array.from(centres)),
        cursor: 0,
        painted,
        paintedOrder: nearPaint ? this.random.shuffle(centres.filter((centre) => nearPaint[centre] === 1)) : new Int32Array(0),
        paintedCursor: 0
      };
    });
  }

  /** Number of keyframes sampled from. */
  get keyframeCount(): number {
    return this.keyframes.length;
  }

  /** Next centre of a keyframe without replacement (near paint for the emphasis' share of draws); reshuffles when all were used. */
  private drawCentre(keyframe: PreparedKeyframe): number {
    if (keyframe.paintedOrder.length > 0 && this.emphasis.sampling > 0 && this.random.next() < this.emphasis.sampling) {
      if (keyframe.paintedCursor >= keyframe.paintedOrder.length) {
        this.random.shuffle(keyframe.paintedOrder);
        keyframe.paintedCursor = 0;
      }
      return keyframe.paintedOrder[keyframe.paintedCursor++];
    }
    if (keyframe.cursor >= keyframe.order.length) {
      this.random.shuffle(keyframe.order);
      keyframe.cursor = 0;
    }
    return keyframe.order[keyframe.cursor++];
  }

  /** Copies a patch centred at `centre` from an interleaved image into `out` at patch index `slot`. */
  private copyPatch(source: Float32Array, channels: number, keyframe: PreparedKeyframe, centre: number, out: Float32Array, slot: number): void {
    const size = this.patchSize;
    const half = Math.floor(size / 2);
    const top = Math.floor(centre / keyframe.width) - half;
    const left = (centre % keyframe.width) - half;
    const rowLength = size * channels;
    for (let y = 0; y < size; y++) {
      const from = ((top + y) * keyframe.width + left) * channels;
      out.set(source.subarray(from, from + rowLength), (slot * size + y) * rowLength);
    }
  }

  /** Loss weights of the patch at `centre`: 1 + extra on painted pixels. */
  private copyWeights(keyframe: PreparedKeyframe, centre: number, out: Float32Array, slot: number): void {
    const size = this.patchSize;
    const half = Math.floor(size / 2);
    const top = Math.floor(centre / keyframe.width) - half;
    const left = (centre % keyframe.width) - half;
    const extra = this.emphasis.weight;
    for (let y = 0; y < size; y++) {
      const from = (top + y) * keyframe.width + left;
      const to = (slot * size + y) * size;
      for (let x = 0; x < size; x++) out[to + x] = 1 + extra * keyframe.painted[from + x];
    }
  }

  /** The next batch of patches. */
  nextBatch(): PatchBatch {
    const { batchSize, patchSize, inputChannels } = this;
    const pixels = patchSize * patchSize;
    const weight = this.emphasis.weight > 0 ? new Float32Array(batchSize * pixels) : null;
    const batch: PatchBatch = {
      batchSize,
      patchSize,
      inputChannels,
      input: new Float32Array(batchSize * pixels * inputChannels),
      target: new Float32Array(batchSize * pixels * 3),
      real: new Float32Array(batchSize * pixels * 3),
      keyframe: new Int32Array(batchSize),
      weight
    };
    for (let slot = 0; slot < batchSize; slot++) {
      const index = this.nextKeyframe;
      this.nextKeyframe = (this.nextKeyframe + 1) % this.keyframes.length;
      const keyframe = this.keyframes[index];
      const centre = this.drawCentre(keyframe);
      this.copyPatch(keyframe.input, inputChannels, keyframe, centre, batch.input, slot);
      this.copyPatch(keyframe.styled, 3, keyframe, centre, batch.target, slot);
      const realCentre = keyframe.centres[this.random.int(keyframe.centres.length)];
      this.copyPatch(keyframe.styled, 3, keyframe, realCentre, batch.real, slot);
      batch.keyframe[slot] = index;
      if (weight) this.copyWeights(keyframe, centre, weight, slot);
    }
    if (weight) {
      let sum = 0;
      for (let i = 0; i < weight.length; i++) sum += weight[i];
      const scale = weight.length / sum;
      for (let i = 0; i < weight.length; i++) weight[i] *= scale;
    }
    return batch;
  }
}
