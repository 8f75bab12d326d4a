import type { RgbaImage } from '../src/lib/ml/types.ts';

/** Image-quality figures of one output frame against its ground truth (RGB, 0–255). */
export interface FrameScore {
  /** Peak signal-to-noise ratio in dB (data range 255); Infinity for identical images. */
  psnr: number;
  /** Mean structural similarity over R, G and B (7×7 uniform window, as scikit-image computes it). */
  ssim: number;
}

function assertSameSize(a: RgbaImage, b: RgbaImage): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`images differ in size: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  }
}

/** PSNR over the RGB channels (alpha ignored), data range 255. */
export function psnr(output: RgbaImage, truth: RgbaImage): number {
  assertSameSize(output, truth);
  let squared = 0;
  for (let i = 0; i < output.data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = output.data[i + c] - truth.data[i + c];
      squared += d * d;
    }
  }
  const mse = squared / (output.width * output.height * 3);
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

const SSIM_WINDOW = 7;

/** Summed-area table of one channel (or of a product of two), (w+1)×(h+1), float64. */
function integral(w: number, h: number, value: (x: number, y: number) => number): Float64Array {
  const table = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let rowSum = 0;
    for (let x = 0; x < w; x++) {
      rowSum += value(x, y);
      table[(y + 1) * (w + 1) + x + 1] = table[y * (w + 1) + x + 1] + rowSum;
    }
  }
  return table;
}

/**
 * SSIM over the RGB channels, matching skimage.metrics.structural_similarity(data_range=255,
 * channel_axis=2) defaults: 7×7 uniform window, sample covariance, K1 0.01, K2 0.03, mean over the
 * windows that lie fully inside the image, then over channels.
 */
export function ssim(output: RgbaImage, truth: RgbaImage): number {
  assertSameSize(output, truth);
  const { width: w, height: h } = output;
  if (w < SSIM_WINDOW || h < SSIM_WINDOW) throw new Error(`SSIM needs at least ${SSIM_WINDOW}×${SSIM_WINDOW} pixels`);
  const n = SSIM_WINDOW * SSIM_WINDOW;
  const covarianceNorm = n / (n - 1);
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  const a = output.data;
  const b = truth.data;
  let total = 0;
  for (let c = 0; c < 3; c++) {
    const at = (x: number, y: number) => a[(y * w + x) * 4 + c];
    const bt = (x: number, y: number) => b[(y * w + x) * 4 + c];
    const sa = integral(w, h, at);
    const sb = integral(w, h, bt);
    const saa = integral(w, h, (x, y) => at(x, y) * at(x, y));
    const sbb = integral(w, h, (x, y) => bt(x, y) * bt(x, y));
    const sab = integral(w, h, (x, y) => at(x, y) * bt(x, y));
    const boxSum = (t: Float64Array, x0: number, y0: number) => {
      const x1 = x0 + SSIM_WINDOW;
      const y1 = y0 + SSIM_WINDOW;
      return t[y1 * (w + 1) + x1] - t[y0 * (w + 1) + x1] - t[y1 * (w + 1) + x0] + t[y0 * (w + 1) + x0];
    };
    let channelSum = 0;
    let windows = 0;
    for (let y = 0; y + SSIM_WINDOW <= h; y++) {
      for (let x = 0; x + SSIM_WINDOW <= w; x++) {
        const ma = boxSum(sa, x, y) / n;
        const mb = boxSum(sb, x, y) / n;
        const va = covarianceNorm * (boxSum(saa, x, y) / n - ma * ma);
        const vb = covarianceNorm * (boxSum(sbb, x, y) / n - mb * mb);
        const cov = covarianceNorm * (boxSum(sab, x, y) / n - ma * mb);
        channelSum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
        windows++;
      }
    }
    total += channelSum / windows;
  }
  return total / 3;
}

/** PSNR and SSIM of one frame. */
export function scoreFrame(output: RgbaImage, truth: RgbaImage): FrameScore {
  return { psnr: psnr(output, truth), ssim: ssim(output, truth) };
}
