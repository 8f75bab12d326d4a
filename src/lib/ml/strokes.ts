import { isStill, shiftAt, type ShiftField } from './local-motion';
import { invertAffine, type Affine } from './motion';
import type { RgbaImage } from './types';

/**
 * The part of a painting the network does not reproduce on its own keyframe (strokes whose colour
 * does not follow from what is under them), kept in keyframe coordinates so that it can be carried
 * into every frame by the motion from the keyframe and added to the network's output there.
 */
export interface StrokeLayer {
  width: number;
  height: number;
  /** painting − network(keyframe), RGB per pixel (0–255 units), faded out where the difference is small. */
  residual: Float32Array;
}

/**
 * Builds the stroke layer from a painting and the network's stylization of the same keyframe: the
 * difference counts fully where its RGB sum exceeds `threshold` (0–765), not at all below half of it
 * (what the network already reproduces, and its small errors on dense styles, stay the network's).
 */
export function createStrokeLayer(painting: RgbaImage, reconstruction: RgbaImage, threshold: number): StrokeLayer {
  const { width, height } = painting;
  if (reconstruction.width !== width || reconstruction.height !== height) throw new Error('The reconstruction must have the painting size');
  const residual = new Float32Array(width * height * 3);
  const low = threshold / 2;
  for (let i = 0; i < width * height; i++) {
    const r = painting.data[i * 4] - reconstruction.data[i * 4];
    const g = painting.data[i * 4 + 1] - reconstruction.data[i * 4 + 1];
    const b = painting.data[i * 4 + 2] - reconstruction.data[i * 4 + 2];
    const gate = Math.min(1, Math.max(0, (Math.abs(r) + Math.abs(g) + Math.abs(b) - low) / (threshold - low)));
    residual[i * 3] = r * gate;
    residual[i * 3 + 1] = g * gate;
    residual[i * 3 + 2] = b * gate;
  }
  return { width, height, residual };
}

/**
 * Adds the stroke layer, moved by `motion` (keyframe → frame pixels, bilinear) and by `field` where
 * parts of the picture move on their own (local-motion.ts), to a stylized frame.
 */
export function applyStrokeLayer(output: RgbaImage, layer: StrokeLayer, motion: Affine, field: ShiftField | null = null): RgbaImage {
  const [a, b, c, d, e, f] = invertAffine(motion);
  const shifts = isStill(field) ? null : field;
  const { width, height } = output;
  const lw = layer.width;
  const lh = layer.height;
  const source = layer.residual;
  const data = new Uint8ClampedArray(output.data);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let xc = x + 0.5;
      let yc = y + 0.5;
      if (shifts) {
        const [sx, sy] = shiftAt(shifts, xc, yc);
        xc -= sx;
        yc -= sy;
      }
      const u = a * xc + b * yc + c - 0.5;
      const v = d * xc + e * yc + f - 0.5;
      if (u < 0 || v < 0 || u > lw - 1 || v > lh - 1) continue;
      const x0 = Math.min(Math.floor(u), lw - 2);
      const y0 = Math.min(Math.floor(v), lh - 2);
      const fx = u - x0;
      const fy = v - y0;
      const i = (y0 * lw + x0) * 3;
      const j = i + lw * 3;
      const o = (y * width + x) * 4;
      for (let ch = 0; ch < 3; ch++) {
        const top = source[i + ch] + (source[i + 3 + ch] - source[i + ch]) * fx;
        const bottom = source[j + ch] + (source[j + 3 + ch] - source[j + ch]) * fx;
        data[o + ch] = output.data[o + ch] + top + (bottom - top) * fy;
      }
    }
  }
  return { width, height, data };
}
