// The photo network: a copy of the preview network fine-tuned on the keyframes at the size they were
// captured at, so photos and rendered videos get the style's detail at full size instead of an
// upscaled 256-px frame. Why and how well: docs/video.md ("Full-size output").
import { Trainer, type TrainerOptions } from './trainer';
import type { KeyframeExample } from './types';

/**
 * Steps of the fine-tune. The network starts from the preview's weights, so far fewer steps than
 * training from scratch bring it to the full-size scale (docs/video.md, "The photo network").
 */
export const PHOTO_TUNE_STEPS = 150;

/** Options of `tunePhotoNetwork`. */
export interface PhotoTuneOptions {
  /** Steps to run (default PHOTO_TUNE_STEPS). */
  steps?: number;
  /** Stops the fine-tune between steps; it then resolves to null. */
  signal?: AbortSignal;
  /** Awaited before every step (a worker lets a preview frame it is stylizing finish first). */
  beforeStep?: () => Promise<void>;
  /** Called after every step with the steps done and the steps in all. */
  onStep?: (done: number, steps: number) => void;
  /** Seed of the patch sampling (default 1). */
  seed?: number;
  /** Training settings (default DEFAULT_TRAINING, as the studio trains the preview network). */
  training?: TrainerOptions['training'];
}

/**
 * Fine-tunes a copy of the network in `weights` (`.lbw`) on `examples`, the painted keyframes at the
 * size they were captured at; resolves to the tuned weights, or null when `signal` aborted it. The
 * optimiser starts fresh; the weights given are not changed.
 */
export async function tunePhotoNetwork(weights: Uint8Array, examples: KeyframeExample[], options: PhotoTuneOptions = {}): Promise<Uint8Array | null> {
  const { steps = PHOTO_TUNE_STEPS, signal } = options;
  if (signal?.aborted) return null;
  const trainer = new Trainer({ examples, weights, seed: options.seed ?? 1, training: options.training });
  try {
    for (let done = 1; done <= steps; done++) {
      await options.beforeStep?.();
      if (signal?.aborted) return null;
      await trainer.trainStep({ readLosses: false });
      options.onStep?.(done, steps);
    }
    return signal?.aborted ? null : await trainer.snapshot();
  } finally {
    trainer.dispose();
  }
}

/** A width and a height in pixels. */
export interface Size {
  width: number;
  height: number;
}

/**
 * The long side at which the photo network should stylize `frame`, or null when the preview network
 * suits the frame's scale better. `captured` is a photo keyframe: a crop of a frame at the scale the
 * photo network learnt; the preview network learnt the same crop at `previewSide` on its long side.
 * A frame larger than the capture scale is stylized at that scale (then upsampled); a smaller one at
 * its own size, as long as it is nearer (in ratio) the photo network's scale than the preview's.
 */
export function photoWorkingSide(frame: Size, captured: Size, previewSide: number): number | null {
  const scale = Math.min(frame.width / captured.width, frame.height / captured.height);
  const previewScale = previewSide / Math.max(captured.width, captured.height);
  if (Math.abs(Math.log(scale)) >= Math.abs(Math.log(scale / previewScale))) return null;
  return Math.round(Math.max(frame.width, frame.height) / Math.max(scale, 1));
}
