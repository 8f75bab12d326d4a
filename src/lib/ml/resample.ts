// Resizing images on the CPU (pure TypeScript): bicubic resampling, and guided upsampling of a
// small stylized image with the full-size frame it came from (src/lib/ml/fullsize.ts).
import type { RgbaImage } from './types';

/** A planar float image: `channels` planes of width × height values (0–255 units). */
export interface FloatImage {
  width: number;
  height: number;
  channels: number;
  /** Channel-major: plane c holds pixel (x, y) at c * width * height + y * width + x. */
  data: Float32Array;
}

/** Catmull-Rom cubic (a = −0.5), the usual "bicubic". */
function cubic(t: number): number {
  const x = Math.abs(t);
  if (x < 1) return 1.5 * x * x * x - 2.5 * x * x + 1;
  if (x < 2) return -0.5 * x * x * x + 2.5 * x * x - 4 * x + 2;
  return 0;
}

/** For each output sample along one axis: the first source index and the normalised weights. */
interface AxisWeights {
  start: Int32Array;
  taps: number;
  weights: Float32Array;
}

/**
 * The bicubic taps mapping `source` samples onto `target` (pixel centres aligned); when shrinking, the
 * kernel is widened by the factor, so downscaling averages instead of aliasing.
 */
function axisWeights(source: number, target: number): AxisWeights {
  const scale = target / source;
  const support = scale < 1 ? 2 / scale : 2;
  const stretch = scale < 1 ? scale : 1;
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(target);
  const weights = new Float32Array(target * taps);
  for (let i = 0; i < target; i++) {
    const centre = (i + 0.5) / scale - 0.5;
    const first = Math.floor(centre - support) + 1;
    start[i] = first;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const w = cubic((first + k - centre) * stretch);
      weights[i * taps + k] = w;
      sum += w;
    }
    for (let k = 0; k < taps; k++) weights[i * taps + k] /= sum;
  }
  return { start, taps, weights };
}

/** Resizes a planar float image to `width` × `height` (bicubic, edges clamped; values not clamped). */
export function resizeFloat(image: FloatImage, width: number, height: number): FloatImage {
  const { width: sw, height: sh, channels } = image;
  const horizontal = axisWeights(sw, width);
  const vertical = axisWeights(sh, height);
  const rows = new Float32Array(width * sh);
  const out = new Float32Array(width * height * channels);
  for (let c = 0; c < channels; c++) {
    const plane = image.data.subarray(c * sw * sh, (c + 1) * sw * sh);
    for (let y = 0; y < sh; y++) {
      const row = y * sw;
      for (let x = 0; x < width; x++) {
        const first = horizontal.start[x];
        let sum = 0;
        for (let k = 0; k < horizontal.taps; k++) {
          const sx = Math.min(sw - 1, Math.max(0, first + k));
          sum += plane[row + sx] * horizontal.weights[x * horizontal.taps + k];
        }
        rows[y * width + x] = sum;
      }
    }
    const target = out.subarray(c * width * height, (c + 1) * width * height);
    for (let y = 0; y < height; y++) {
      const first = vertical.start[y];
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let k = 0; k < vertical.taps; k++) {
          const sy = Math.min(sh - 1, Math.max(0, first + k));
          sum += rows[sy * width + x] * vertical.weights[y * vertical.taps + k];
        }
        target[y * width + x] = sum;
      }
    }
  }
  return { width, height, channels, data: out };
}

/** The RGB channels of an RGBA image as a planar float image. */
export function rgbPlanes(image: RgbaImage): FloatImage {
  const pixels = image.width * image.height;
  const data = new Float32Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    data[i] = image.data[i * 4];
    data[pixels + i] = image.data[i * 4 + 1];
    data[2 * pixels + i] = image.data[i * 4 + 2];
  }
  return { width: image.width, height: image.height, channels: 3, data };
}

/** A planar 3-channel float image as an opaque RGBA image (rounded, clamped to 0–255). */
export function toRgbaImage(planes: FloatImage): RgbaImage {
  const pixels = planes.width * planes.height;
  const data = new Uint8ClampedArray(pixels * 4);
  for (let i = 0; i < pixels; i++) {
    data[i * 4] = planes.data[i];
    data[i * 4 + 1] = planes.data[pixels + i];
    data[i * 4 + 2] = planes.data[2 * pixels + i];
    data[i * 4 + 3] = 255;
  }
  return { width: planes.width, height: planes.height, data };
}

/** Resizes an RGBA image (bicubic; antialiased when shrinking); the result is opaque. */
export function resizeImage(image: RgbaImage, width: number, height: number): RgbaImage {
  if (image.width === width && image.height === height) return image;
  return toRgbaImage(resizeFloat(rgbPlanes(image), width, height));
}

/** Mean of each (2r+1)² window (clamped at the edges) of one plane, by running sums. */
function boxMean(plane: Float32Array, width: number, height: number, radius: number): Float32Array {
  const rows = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let sum = 0;
      const from = Math.max(0, x - radius);
      const to = Math.min(width - 1, x + radius);
      for (let k = from; k <= to; k++) sum += plane[row + k];
      rows[row + x] = sum / (to - from + 1);
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = Math.max(0, y - radius);
    const to = Math.min(height - 1, y + radius);
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = from; k <= to; k++) sum += rows[k * width + x];
      out[y * width + x] = sum / (to - from + 1);
    }
  }
  return out;
}

/** Settings of guided upsampling. */
export interface GuidedUpsampleOptions {
  /** Window radius of the local linear fit, in small-image pixels. */
  radius: number;
  /** Regulariser (0–255 units squared): larger keeps less of the guide's contrast. */
  epsilon: number;
}

/** Default guided-upsampling settings (docs/video.md compares several on the native devset). */
export const GUIDED_UPSAMPLE: GuidedUpsampleOptions = { radius: 2, epsilon: 64 };

/**
 * Fast guided upsampling (He & Sun 2015): fits, in every small window, each output channel as a
 * linear function of the same channel of the small input (`output ≈ a·input + b`), upsamples the
 * coefficients bicubically and applies them to the full-size input. Edges and texture of the full-size
 * frame come back where the style follows the frame; where it does not, the small output is kept.
 */
export function guidedUpsample(smallOutput: RgbaImage, smallInput: RgbaImage, fullInput: RgbaImage, options: GuidedUpsampleOptions = GUIDED_UPSAMPLE): RgbaImage {
  const { width, height } = smallOutput;
  if (smallInput.width !== width || smallInput.height !== height) throw new Error('The small input must have the small output size');
  const pixels = width * height;
  const p = rgbPlanes(smallOutput);
  const guide = rgbPlanes(smallInput);
  const coefficients = new Float32Array(pixels * 6);
  for (let c = 0; c < 3; c++) {
    const I = guide.data.subarray(c * pixels, (c + 1) * pixels);
    const P = p.data.subarray(c * pixels, (c + 1) * pixels);
    const II = new Float32Array(pixels);
    const IP = new Float32Array(pixels);
    for (let i = 0; i < pixels; i++) {
      II[i] = I[i] * I[i];
      IP[i] = I[i] * P[i];
    }
    const meanI = boxMean(I, width, height, options.radius);
    const meanP = boxMean(P, width, height, options.radius);
    const meanII = boxMean(II, width, height, options.radius);
    const meanIP = boxMean(IP, width, height, options.radius);
    const a = new Float32Array(pixels);
    const b = new Float32Array(pixels);
    for (let i = 0; i < pixels; i++) {
      const variance = meanII[i] - meanI[i] * meanI[i];
      a[i] = (meanIP[i] - meanI[i] * meanP[i]) / (variance + options.epsilon);
      b[i] = meanP[i] - a[i] * meanI[i];
    }
    coefficients.set(boxMean(a, width, height, options.radius), c * pixels);
    coefficients.set(boxMean(b, width, height, options.radius), (3 + c) * pixels);
  }
  const full = resizeFloat({ width, height, channels: 6, data: coefficients }, fullInput.width, fullInput.height);
  const fullPixels = fullInput.width * fullInput.height;
  const data = new Uint8ClampedArray(fullPixels * 4);
  for (let i = 0; i < fullPixels; i++) {
    for (let c = 0; c < 3; c++) {
      data[i * 4 + c] = full.data[c * fullPixels + i] * fullInput.data[i * 4 + c] + full.data[(3 + c) * fullPixels + i];
    }
    data[i * 4 + 3] = 255;
  }
  return { width: fullInput.width, height: fullInput.height, data };
}

/**
 * The full-size input's own detail added to a bicubic upscale of the small output: up(output) +
 * (input − up(down(input))) — the simplest guided variant, for comparison.
 */
export function detailUpsample(smallOutput: RgbaImage, smallInput: RgbaImage, fullInput: RgbaImage): RgbaImage {
  const { width, height } = fullInput;
  const up = resizeFloat(rgbPlanes(smallOutput), width, height);
  const blurred = resizeFloat(rgbPlanes(smallInput), width, height);
  const pixels = width * height;
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < pixels; i++) up.data[c * pixels + i] += fullInput.data[i * 4 + c] - blurred.data[c * pixels + i];
  }
  return toRgbaImage(up);
}
