import * as v from 'valibot';
import { createAuxImage } from './aux';
import { estimateMotion, grayImage, IDENTITY_AFFINE, invertAffine, trackingSize, type Affine, type GrayImage } from './motion';
import type { NetworkConfig } from './config';
import type { KeyframeExample, RgbaImage } from './types';

/**
 * Guide channels that move with the content (the reference's auxiliary input): a Gaussian mixture
 * laid over the reference keyframe and carried into every other frame by the global motion estimated
 * from that keyframe to the frame. Stored in weights files with the network that was trained on them.
 */
export interface GuideConfig {
  /** 'gaussians': coloured Gaussians at Poisson-disk positions (the reference's pattern). */
  kind: 'gaussians';
  /** Minimum distance between Gaussian centres in keyframe pixels (reference: 10). */
  spacing: number;
  /** Gaussian σ in keyframe pixels (reference: 10). */
  sigma: number;
  /** Seed of the positions and colours. */
  seed: number;
}

/** The guide settings used unless a network says otherwise. */
export const DEFAULT_GUIDE: GuideConfig = { kind: 'gaussians', spacing: 10, sigma: 10, seed: 5 };

/** Validation of guide settings read from a file. */
export const GuideConfigSchema = v.strictObject({
  kind: v.picklist(['gaussians']),
  spacing: v.pipe(v.number(), v.minValue(2), v.maxValue(1000)),
  sigma: v.pipe(v.number(), v.minValue(0.5), v.maxValue(1000)),
  seed: v.pipe(v.number(), v.integer())
});

/** Longest side frames are reduced to for motion estimation (160 px: sub-pixel accuracy at 320 px, a few milliseconds). */
export const TRACKING_SIZE = 160;

/** Share of each side the pattern extends beyond the keyframe, so moved frames stay covered. */
const MARGIN = 0.5;

/** What every frame's guide and motion are computed from: the reference keyframe (grey, small) and its pattern. */
export interface GuideReference {
  /** The pattern's settings; null when only the motion is wanted. */
  config: GuideConfig | null;
  width: number;
  height: number;
  /** The reference keyframe's luminance at tracking size. */
  gray: GrayImage;
  /** The pattern over the keyframe plus a margin of MARGIN × each side all round (null without a guide). */
  pattern: RgbaImage | null;
  marginX: number;
  marginY: number;
}

/** Prepares the motion and guides of a reference keyframe (renders its pattern once; null `config`: motion only). */
export function createGuideReference(keyframe: RgbaImage, config: GuideConfig | null = DEFAULT_GUIDE): GuideReference {
  const { width, height } = keyframe;
  const marginX = Math.round(width * MARGIN);
  const marginY = Math.round(height * MARGIN);
  const pattern = config
    ? createAuxImage(width + 2 * marginX, height + 2 * marginY, null, { minDistance: config.spacing, sigma: config.sigma, seed: config.seed }).image
    : null;
  const size = trackingSize(width, height, TRACKING_SIZE);
  const gray = grayImage(keyframe, size.width, size.height);
  return { config, width, height, gray, pattern, marginX, marginY };
}

/** The pattern as seen in a frame that moved by `motion` (keyframe → frame coordinates): bilinear, black outside. */
export function warpGuide(reference: GuideReference, motion: Affine, width = reference.width, height = reference.height): RgbaImage {
  const [a, b, c, d, e, f] = invertAffine(motion);
  const { pattern, marginX, marginY } = reference;
  if (!pattern) throw new Error('This reference has no guide pattern');
  const pw = pattern.width;
  const ph = pattern.height;
  const source = pattern.data;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const yc = y + 0.5;
    for (let x = 0; x < width; x++) {
      const xc = x + 0.5;
      // Keyframe coordinates of this pixel's centre, then pattern pixel-grid coordinates.
      const u = a * xc + b * yc + c + marginX - 0.5;
      const w = d * xc + e * yc + f + marginY - 0.5;
      const o = (y * width + x) * 4;
      out[o + 3] = 255;
      if (u < 0 || w < 0 || u > pw - 1 || w > ph - 1) continue;
      const x0 = Math.min(Math.floor(u), pw - 2);
      const y0 = Math.min(Math.floor(w), ph - 2);
      const fx = u - x0;
      const fy = w - y0;
      const i = (y0 * pw + x0) * 4;
      const j = i + pw * 4;
      for (let ch = 0; ch < 3; ch++) {
        const top = source[i + ch] + (source[i + 4 + ch] - source[i + ch]) * fx;
        const bottom = source[j + ch] + (source[j + 4 + ch] - source[j + ch]) * fx;
        out[o + ch] = top + (bottom - top) * fy;
      }
    }
  }
  return { width, height, data: out };
}

/** The reference keyframe's own guide (no motion). */
export function keyframeGuide(reference: GuideReference): RgbaImage {
  return warpGuide(reference, IDENTITY_AFFINE);
}

/** One frame's guide and the motion it was placed with. */
export interface FrameGuide {
  /** The moved pattern (null for a motion-only reference). */
  guide: RgbaImage | null;
  /** Reference keyframe → frame, in their pixels. */
  motion: Affine;
  /** The same motion on the tracking grid (pass it as `previous` for the next frame). */
  tracked: Affine;
  /** The frame's luminance on the tracking grid. */
  gray: GrayImage;
}

/** Maps an affine between coordinate systems: its input side scaled by `from`, its output side by `to`. */
function rescale(m: Affine, from: number, to: number): Affine {
  const r = to / from;
  return [m[0] * r, m[1] * r, m[2] * to, m[3] * r, m[4] * r, m[5] * to];
}

/**
 * The guide of one frame (a live camera frame or another keyframe): estimates the global motion from
 * the reference keyframe to the frame (starting from `previous`, the last frame's `tracked`) and
 * moves the pattern with it. A frame of another size (the same view at another resolution) is
 * tracked on the keyframe's tracking grid and its guide drawn at its own size.
 */
export function frameGuide(reference: GuideReference, frame: RgbaImage, previous: Affine = IDENTITY_AFFINE): FrameGuide {
  const { gray: template } = reference;
  const keyScale = reference.width / template.width;
  const frameScale = frame.width / template.width;
  if (Math.abs(frame.height / template.height - frameScale) > 0.02 * frameScale) {
    throw new Error(`A ${frame.width}×${frame.height} frame does not have the keyframe's shape (${reference.width}×${reference.height})`);
  }
  const gray = grayImage(frame, template.width, template.height);
  const tracked = estimateMotion(template, gray, { initial: previous });
  const motion = rescale(tracked, keyScale, frameScale);
  return { guide: reference.pattern ? warpGuide(reference, motion, frame.width, frame.height) : null, motion, tracked, gray };
}

/**
 * Adds the guide channels a guided network trains on: the first example is the reference keyframe
 * (its pattern unmoved); every other keyframe gets the pattern moved by the motion from the first.
 * Examples of networks without a guide setting are returned as they are.
 */
export function withGuides(network: NetworkConfig, examples: readonly KeyframeExample[]): KeyframeExample[] {
  if (!network.guide || examples.length === 0) return [...examples];
  const reference = createGuideReference(examples[0].input, network.guide);
  return examples.map((example, index) => ({
    ...example,
    aux: index === 0 ? keyframeGuide(reference) : frameGuide(reference, example.input).guide!
  })) as KeyframeExample[];
}
