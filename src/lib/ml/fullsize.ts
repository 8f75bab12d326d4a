// Stylizing a frame at its own, full size (photos, video files) with a network trained at the working
// size: the measurements that chose the method are in docs/video.md ("Full-size output").
import { fitLongSide } from '../camera/frames';
import { mixWithFrame } from './blend';
import type { Generator } from './generator';
import type { LiveStylizer, StrokeKeyframes } from './live';
import { detailUpsample, guidedUpsample, resizeFloat, rgbPlanes, toRgbaImage, GUIDED_UPSAMPLE, type GuidedUpsampleOptions } from './resample';
import { stylize } from './stylize';
import type { KeyframeExample, RgbaImage } from './types';

/**
 * How the full-size frame is made from a network trained at the working size: `bicubic` (the default,
 * best measured) upscales the working-size result; `guided` upsamples it guided by the full-size frame;
 * `detail` adds the full-size frame's detail to the upscale; `direct` runs the network on the
 * full-size frame (plain networks only).
 */
export type FullSizeMethod = 'guided' | 'bicubic' | 'detail' | 'direct';

/** The long side frames are stylized at before upsampling: the keyframes' (studio KEYFRAME_SIDE). */
export const FULL_SIZE_WORKING_SIDE = 256;

/** Options of `stylizeFullSize`; the defaults are the measured choice. */
export interface FullSizeOptions {
  method?: FullSizeMethod;
  /** Long side of the working size (default FULL_SIZE_WORKING_SIDE). */
  workingSide?: number;
  /** Guided upsampling settings, for `guided` (default GUIDED_UPSAMPLE). */
  guided?: GuidedUpsampleOptions;
}

/**
 * Stylizes `frame` at its own size with a network trained at the working size. The network and the
 * stroke layer (strokes carried from `keyframes` by the tracked motion, src/lib/ml/live.ts) run at the
 * working size, as in the preview, so the look matches it; the network's output is upsampled by
 * `method` and mixed with the full-size frame as the preview mixes it (blend.ts), the stroke layer
 * bicubically (painted strokes do not follow the frame's edges). `live` keeps the
 * tracking state between frames of one stream.
 */
export async function stylizeFullSize(
  live: LiveStylizer,
  generator: Generator,
  keyframes: StrokeKeyframes,
  frame: RgbaImage,
  step: number,
  options: FullSizeOptions = {}
): Promise<RgbaImage> {
  const method = options.method ?? 'bicubic';
  const working = fitLongSide(frame.width, frame.height, options.workingSide ?? FULL_SIZE_WORKING_SIDE);
  if (working.width === frame.width && working.height === frame.height) return live.stylize(generator, keyframes, frame, step);
  const small = toRgbaImage(resizeFloat(rgbPlanes(frame), working.width, working.height));
  const { network, weight, output } = await live.stylizeParts(generator, keyframes, small, step);
  let upsampled: RgbaImage;
  if (method === 'guided') upsampled = guidedUpsample(network, small, frame, options.guided ?? GUIDED_UPSAMPLE);
  else if (method === 'detail') upsampled = detailUpsample(network, small, frame);
  else if (method === 'direct') {
    if (generator.config.guide) throw new Error('Guided networks cannot be run directly at full size');
    upsampled = await stylize(generator, frame);
  } else upsampled = toRgbaImage(resizeFloat(rgbPlanes(network), frame.width, frame.height));
  if (output === network) return upsampled;
  // The early mix with the frame (blend.ts) at full size, then the strokes' sharp-edged difference upscaled.
  return addUpsampledDifference(mixWithFrame(upsampled, frame, weight), output, mixWithFrame(network, small, weight));
}

/** `base` plus the bicubic upscale of `after − before` (small images of one size). */
function addUpsampledDifference(base: RgbaImage, after: RgbaImage, before: RgbaImage): RgbaImage {
  const pixels = after.width * after.height;
  const difference = { width: after.width, height: after.height, channels: 3, data: new Float32Array(pixels * 3) };
  let any = false;
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < pixels; i++) {
      const value = after.data[i * 4 + c] - before.data[i * 4 + c];
      difference.data[c * pixels + i] = value;
      any ||= value !== 0;
    }
  }
  if (!any) return base;
  const up = resizeFloat(difference, base.width, base.height);
  const fullPixels = base.width * base.height;
  const data = new Uint8ClampedArray(base.data);
  for (let i = 0; i < fullPixels; i++) {
    for (let c = 0; c < 3; c++) data[i * 4 + c] = base.data[i * 4 + c] + up.data[c * fullPixels + i];
  }
  return { width: base.width, height: base.height, data };
}
