import type { RgbaImage } from './types';

/**
 * A 2-D affine map [a, b, c, d, e, f]: x' = a·x + b·y + c, y' = d·x + e·y + f, in continuous pixel
 * coordinates where pixel (i, j) covers [i, i+1) × [j, j+1) (its centre is i + 0.5, j + 0.5).
 */
export type Affine = readonly [number, number, number, number, number, number];

/** The identity map. */
export const IDENTITY_AFFINE: Affine = [1, 0, 0, 0, 1, 0];

/** A single-channel float image (luminance 0..255). */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** Options of the global motion estimate. */
export interface MotionOptions {
  /** Coarsest pyramid level's shortest side (default 16). */
  coarsestSide?: number;
  /** Gauss–Newton iterations per pyramid level (default 12). */
  iterations?: number;
  /** Where to start (e.g. the previous frame's estimate), in the images' pixels. */
  initial?: Affine;
}

/** Composes two maps: first `inner`, then `outer`. */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  const [a, b, c, d, e, f] = outer;
  const [p, q, r, s, t, u] = inner;
  return [a * p + b * s, a * q + b * t, a * r + b * u + c, d * p + e * s, d * q + e * t, d * r + e * u + f];
}

/** The inverse map; throws on a singular one. */
export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error('The motion estimate is singular');
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/** Applies a map to a point. */
export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/** The same motion expressed in coordinates scaled by `factor` (e.g. 2 for a frame twice as large). */
export function scaleAffine(m: Affine, factor: number): Affine {
  return [m[0], m[1], m[2] * factor, m[3], m[4], m[5] * factor];
}

/** The size an image of `width`×`height` is tracked at: scaled by an integer factor so its longest side is at most `maxSide`. */
export function trackingSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const factor = Math.max(1, Math.ceil(Math.max(width, height) / maxSide));
  return { width: Math.max(1, Math.floor(width / factor)), height: Math.max(1, Math.floor(height / factor)) };
}

/** Luminance of an RGBA image box-averaged to `width`×`height` (each output pixel averages the source pixels it covers). */
export function grayImage(image: RgbaImage, width: number, height: number): GrayImage {
  const data = new Float32Array(width * height);
  const sx = image.width / width;
  const sy = image.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
      let sum = 0;
      for (let yy = y0; yy < y1; yy++) {
        let i = (yy * image.width + x0) * 4;
        for (let xx = x0; xx < x1; xx++, i += 4) sum += 0.299 * image.data[i] + 0.587 * image.data[i + 1] + 0.114 * image.data[i + 2];
      }
      data[y * width + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return { width, height, data };
}

/** Halves an image by 2×2 box averaging (odd last rows/columns dropped). */
export function halve(image: GrayImage): GrayImage {
  const width = image.width >> 1;
  const height = image.height >> 1;
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const r0 = 2 * y * image.width;
    const r1 = r0 + image.width;
    for (let x = 0; x < width; x++) {
      data[y * width + x] = 0.25 * (image.data[r0 + 2 * x] + image.data[r0 + 2 * x + 1] + image.data[r1 + 2 * x] + image.data[r1 + 2 * x + 1]);
    }
  }
  return { width, height, data };
}

/** Central-difference gradients of an image (zero on its border). */
export function gradients(image: GrayImage): [GrayImage, GrayImage] {
  const { width, height, data } = image;
  const gx = new Float32Array(width * height);
  const gy = new Float32Array(width * height);
  for (let y = 1; y < height - 1; y++)
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      gx[i] = 0.5 * (data[i + 1] - data[i - 1]);
      gy[i] = 0.5 * (data[i + width] - data[i - width]);
    }
  return [{ width, height, data: gx }, { width, height, data: gy }];
}

/** Bilinear sample at continuous coordinates (pixel centres at +0.5); NaN outside the image. */
export function sample(image: GrayImage, u: number, v: number): number {
  const x = u - 0.5;
  const y = v - 0.5;
  if (x < 0 || y < 0 || x > image.width - 1 || y > image.height - 1) return NaN;
  const x0 = Math.min(Math.floor(x), image.width - 2);
  const y0 = Math.min(Math.floor(y), image.height - 2);
  const fx = x - x0;
  const fy = y - y0;
  const i = y0 * image.width + x0;
  const d = image.data;
  const top = d[i] + (d[i + 1] - d[i]) * fx;
  const bottom = d[i + image.width] + (d[i + image.width + 1] - d[i + image.width]) * fx;
  return top + (bottom - top) * fy;
}

/**
 * How badly `frame` matches `reference` once moved by `motion` (reference → frame, tracking-grid
 * pixels): the mean absolute grey difference after the lighting fit (gain, offset) over the pixels
 * both hold, divided by the share of the reference the frame covers; Infinity under a third covered.
 */
export function alignmentError(reference: GrayImage, frame: GrayImage, motion: Affine): number {
  const fit = alignedResiduals(reference, frame, motion);
  if (!fit) return Infinity;
  let sum = 0;
  for (const residual of fit.residuals) sum += residual;
  return sum / fit.residuals.length / fit.covered;
}

/**
 * Whether `frame` shows the view of `reference` once moved by `motion` (as `alignmentError` takes
 * them): the median grey difference after the lighting fit is at most `tolerance`. The median ignores
 * what moved on its own (people walking by, a hand) as long as most of the picture stayed; another
 * view differs almost everywhere.
 */
export function sameView(reference: GrayImage, frame: GrayImage, motion: Affine, tolerance = 8): boolean {
  const fit = alignedResiduals(reference, frame, motion, true);
  if (!fit || fit.covered < 0.5) return false;
  const sorted = fit.residuals.sort();
  return sorted[sorted.length >> 1] <= tolerance;
}

/**
 * The absolute grey differences of the pixels `reference` and the moved `frame` both hold, after the
 * lighting fit (with `robust`, fitted again on the pixels within twice the median difference, so that
 * what moved on its own does not bend it); null under a third covered.
 */
function alignedResiduals(reference: GrayImage, frame: GrayImage, motion: Affine, robust = false): { residuals: Float32Array; covered: number } | null {
  const { width, height, data: t } = reference;
  // The reference pixels the moved frame holds (their indices) and its values there.
  const heldAll = new Int32Array(width * height);
  const valuesAll = new Float32Array(width * height);
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [u, v] = applyAffine(motion, x + 0.5, y + 0.5);
      const value = sample(frame, u, v);
      if (Number.isNaN(value)) continue;
      heldAll[count] = y * width + x;
      valuesAll[count++] = value;
    }
  }
  const held = heldAll.subarray(0, count);
  const values = valuesAll.subarray(0, count);
  const covered = count / (width * height);
  if (covered < 1 / 3) return null;
  /** The residuals after a gain/offset fit over the pixels `use` admits (by their index in `held`). */
  const residualsOf = (use: (k: number) => boolean) => {
    let n = 0;
    let st = 0;
    let si = 0;
    let stt = 0;
    let sti = 0;
    for (let k = 0; k < held.length; k++) {
      if (!use(k)) continue;
      const tk = t[held[k]];
      n += 1;
      st += tk;
      si += values[k];
      stt += tk * tk;
      sti += tk * values[k];
    }
    const { gain, offset } = lightingFit(n, st, si, stt, sti);
    return Float32Array.from(held, (i, k) => Math.abs((values[k] - offset) / gain - t[i]));
  };
  const residuals = residualsOf(() => true);
  if (!robust) return { residuals, covered };
  const limit = 2 * residuals.slice().sort()[residuals.length >> 1];
  return { residuals: residualsOf((k) => residuals[k] <= limit), covered };
}

/**
 * The lighting change image ≈ gain·template + offset from the sums over `n` pixel pairs (template t,
 * image i: Σt, Σi, Σt², Σt·i), the gain kept within 0.5–2 (1 for a flat template).
 */
function lightingFit(n: number, st: number, si: number, stt: number, sti: number): { gain: number; offset: number } {
  const variance = stt - (st * st) / n;
  const gain = variance > 1e-6 ? Math.min(2, Math.max(0.5, (sti - (st * si) / n) / variance)) : 1;
  return { gain, offset: (si - gain * st) / n };
}

/** Solves the symmetric 6×6 system H·x = b (Gaussian elimination with partial pivoting); null if singular. */
function solve6(h: Float64Array, b: Float64Array): Float64Array | null {
  const n = 6;
  const m = new Float64Array(n * (n + 1));
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) m[r * (n + 1) + c] = h[r * n + c];
    m[r * (n + 1) + n] = b[r];
  }
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r * (n + 1) + col]) > Math.abs(m[pivot * (n + 1) + col])) pivot = r;
    if (Math.abs(m[pivot * (n + 1) + col]) < 1e-9) return null;
    if (pivot !== col) {
      for (let c = 0; c <= n; c++) {
        const tmp = m[col * (n + 1) + c];
        m[col * (n + 1) + c] = m[pivot * (n + 1) + c];
        m[pivot * (n + 1) + c] = tmp;
      }
    }
    for (let r = col + 1; r < n; r++) {
      const factor = m[r * (n + 1) + col] / m[col * (n + 1) + col];
      for (let c = col; c <= n; c++) m[r * (n + 1) + c] -= factor * m[col * (n + 1) + c];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let sum = m[r * (n + 1) + n];
    for (let c = r + 1; c < n; c++) sum -= m[r * (n + 1) + c] * x[c];
    x[r] = sum / m[r * (n + 1) + r];
  }
  return x;
}

/**
 * Refines `warp` (template coordinates → image coordinates) at one pyramid level by inverse
 * compositional Lucas–Kanade with an affine warp, a per-iteration gain/offset fit (lighting changes)
 * and Huber weights (content that moves on its own, borders).
 */
function refineLevel(template: GrayImage, image: GrayImage, warp: Affine, iterations: number): Affine {
  const { width, height, data: t } = template;
  // Template gradients; parameters are relative to the centre.
  const [{ data: gx }, { data: gy }] = gradients(template);
  const cx = width / 2;
  const cy = height / 2;
  // Work in centred coordinates: warp' = C⁻¹·warp·C with C a shift by the centre.
  const toCentred: Affine = [1, 0, cx, 0, 1, cy];
  let current = composeAffine(invertAffine(toCentred), composeAffine(warp, toCentred));
  const warped = new Float32Array(width * height);
  const h = new Float64Array(36);
  const b = new Float64Array(6);
  const sd = new Float64Array(6);
  for (let iteration = 0; iteration < iterations; iteration++) {
    // Warp the image into the template's frame and fit the lighting (image ≈ gain·template + offset).
    const full = composeAffine(toCentred, composeAffine(current, invertAffine(toCentred)));
    let n = 0;
    let st = 0;
    let si = 0;
    let stt = 0;
    let sti = 0;
    for (let y = 1; y < height - 1; y++) {
      for (let x = 1; x < width - 1; x++) {
        const [u, v] = applyAffine(full, x + 0.5, y + 0.5);
        const value = sample(image, u, v);
        const i = y * width + x;
        warped[i] = value;
        if (Number.isNaN(value)) continue;
        n += 1;
        st += t[i];
        si += value;
        stt += t[i] * t[i];
        sti += t[i] * value;
      }
    }
    if (n < 12) break;
    const { gain, offset } = lightingFit(n, st, si, stt, sti);
    // Robust scale: mean absolute residual.
    let absSum = 0;
    for (let y = 1; y < height - 1; y++) {
      for (let x = 1; x < width - 1; x++) {
        const i = y * width + x;
        if (!Number.isNaN(warped[i])) absSum += Math.abs((warped[i] - offset) / gain - t[i]);
      }
    }
    const huber = Math.max(2, 1.5 * (absSum / n));
    h.fill(0);
    b.fill(0);
    for (let y = 1; y < height - 1; y++) {
      const py = y + 0.5 - cy;
      for (let x = 1; x < width - 1; x++) {
        const i = y * width + x;
        if (Number.isNaN(warped[i])) continue;
        const error = (warped[i] - offset) / gain - t[i];
        const weight = Math.abs(error) <= huber ? 1 : huber / Math.abs(error);
        const px = x + 0.5 - cx;
        sd[0] = gx[i] * px;
        sd[1] = gx[i] * py;
        sd[2] = gx[i];
        sd[3] = gy[i] * px;
        sd[4] = gy[i] * py;
        sd[5] = gy[i];
        for (let r = 0; r < 6; r++) {
          const wr = weight * sd[r];
          b[r] += wr * error;
          for (let c = r; c < 6; c++) h[r * 6 + c] += wr * sd[c];
        }
      }
    }
    for (let r = 0; r < 6; r++) for (let c = 0; c < r; c++) h[r * 6 + c] = h[c * 6 + r];
    const delta = solve6(h, b);
    if (!delta) break;
    // Inverse compositional update: warp ← warp ∘ (increment)⁻¹.
    const increment: Affine = [1 + delta[0], delta[1], delta[2], delta[3], 1 + delta[4], delta[5]];
    let inverse: Affine;
    try {
      inverse = invertAffine(increment);
    } catch {
      break;
    }
    current = composeAffine(current, inverse);
    const shift = Math.abs(delta[2]) + Math.abs(delta[5]) + (Math.abs(delta[0]) + Math.abs(delta[1]) + Math.abs(delta[3]) + Math.abs(delta[4])) * Math.max(cx, cy);
    if (shift < 0.01) break;
  }
  return composeAffine(toCentred, composeAffine(current, invertAffine(toCentred)));
}

/**
 * Estimates the global affine motion from a reference frame to another (both of one size): the map
 * from reference coordinates to frame coordinates, so that frame(M·p) ≈ reference(p). Pyramidal
 * inverse-compositional Lucas–Kanade on small grey images, robust to lighting changes and to
 * content that moves on its own. Returns `options.initial` (or the identity) when the frames
 * hold too little texture to track.
 */
export function estimateMotion(reference: GrayImage, frame: GrayImage, options: MotionOptions = {}): Affine {
  if (reference.width !== frame.width || reference.height !== frame.height) {
    throw new Error(`Motion needs frames of one size, got ${reference.width}×${reference.height} and ${frame.width}×${frame.height}`);
  }
  const coarsest = options.coarsestSide ?? 16;
  const iterations = options.iterations ?? 12;
  const templates: GrayImage[] = [reference];
  const images: GrayImage[] = [frame];
  while (Math.min(templates[0].width, templates[0].height) >= 2 * coarsest) {
    templates.unshift(halve(templates[0]));
    images.unshift(halve(images[0]));
  }
  const levels = templates.length;
  let warp = scaleAffine(options.initial ?? IDENTITY_AFFINE, 1 / 2 ** (levels - 1));
  for (let level = 0; level < levels; level++) {
    if (level > 0) warp = scaleAffine(warp, 2);
    warp = refineLevel(templates[level], images[level], warp, level === levels - 1 ? Math.ceil(iterations / 2) : iterations);
  }
  return warp.every(Number.isFinite) ? warp : (options.initial ?? IDENTITY_AFFINE);
}
