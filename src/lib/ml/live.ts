import * as tf from '@tensorflow/tfjs-core';
import { centreCrop, type CropRect } from '../camera/frames';
import { identityMixWeight, identityMixWeightTensor, mixWithFrame, mixWithFrameTensor } from './blend';
import { createGuideReference, frameGuide, keyframeGuide, warpGuide, type GuideReference } from './guides';
import type { Generator } from './generator';
import { estimateShiftField, scaleShiftField, type ShiftField } from './local-motion';
import { IDENTITY_AFFINE, type Affine } from './motion';
import { thresholdMask } from './sampler';
import { stylize, stylizeTensor } from './stylize';
import { applyStrokeLayerTensor, strokeResidualTensor } from './strokes-tensor';
import { applyStrokeLayer, createStrokeLayer, type StrokeLayer } from './strokes';
import type { KeyframeExample, RgbaImage } from './types';

/** Rebuild the stroke layer after this many training steps (it is what the network still misses). */
export const STROKE_LAYER_REFRESH_STEPS = 20;

/**
 * Stylizes live camera frames the way the network was trained to be used: tracks each frame from the
 * reference keyframe (the first painted one, as in training; each frame starts from the last one's
 * motion), gives guided networks their moved guide channels, and adds the stroke layer when the
 * network's configuration asks for it, mixed with the frame itself while the network is still worse
 * than the unchanged keyframe (blend.ts). One instance per live stream.
 */
export class LiveStylizer {
  private reference: GuideReference | null = null;
  private referenceOf: { keyframe: RgbaImage; generator: Generator } | null = null;
  private previous: Affine = IDENTITY_AFFINE;
  /** The last frame's shifts of parts that move on their own (tracking grid), where the next estimate starts. */
  private previousField: ShiftField | null = null;
  /**
   * network(keyframe) behind the stroke layer, kept while the weights are fresh enough: a new stroke
   * changes only the painting, so the layer is rebuilt from it without another pass of the network.
   */
  private reconstruction: Reconstruction<RgbaImage> | null = null;
  private layer: { reconstruction: Reconstruction<RgbaImage>; painting: RgbaImage; layer: StrokeLayer; weight: number } | null = null;
  /** The same two on the backend, for frames that stay on the GPU. */
  private reconstructionTensor: Reconstruction<tf.Tensor3D> | null = null;
  private residual: { reconstruction: Reconstruction<tf.Tensor3D>; painting: RgbaImage; tensor: tf.Tensor3D; weight: tf.Scalar } | null = null;
  /** The last frame's network output and motion, for `restroke` (CPU side) and `restrokeTensor` (kept on the backend). */
  private lastFrame: LastFrame<RgbaImage> | null = null;
  private lastFrameTensor: LastFrame<tf.Tensor3D> | null = null;
  /** Milliseconds the last frame spent outside the network: tracking, guide, stroke layer (not its rebuilds). */
  overheadMs = 0;

  /**
   * One frame through `generator` (trained at `step` on `keyframe` as its reference). Without a
   * keyframe (weights loaded alone), the network alone. A frame of another shape than the keyframe
   * (the studio crops keyframes to the paint area) is tracked on its centred crop of that shape.
   */
  async stylize(generator: Generator, keyframe: KeyframeExample | undefined, frame: RgbaImage, step: number): Promise<RgbaImage> {
    return (await this.stylizeParts(generator, keyframe, frame, step)).output;
  }

  /**
   * `stylize`, also returning the network's own output and its weight in the mix with the frame
   * (blend.ts) before the stroke layer was added (`output` is `network` itself when no strokes are
   * carried): full-size output upsamples the parts differently.
   */
  async stylizeParts(generator: Generator, keyframe: KeyframeExample | undefined, frame: RgbaImage, step: number): Promise<StylizedParts> {
    const { guide, strokeLayer } = generator.config;
    this.overheadMs = 0;
    this.forgetLastFrame();
    const alone = (image: RgbaImage) => ({ network: image, weight: 1, output: image });
    if (!guide && !strokeLayer) return alone(await stylize(generator, frame));
    const reference = keyframe ? this.referenceFor(generator, keyframe.input) : null;
    if (!reference) {
      // Nothing to track against: the guide as on a keyframe (unmoved), no strokes carried.
      return alone(await stylize(generator, frame, guide ? keyframeGuide(createGuideReference(frame, guide)) : undefined));
    }
    const trackingStarted = performance.now();
    const { motion, field } = this.track(reference, frame, !!strokeLayer);
    const aux = reference.pattern ? warpGuide(reference, motion, frame.width, frame.height) : undefined;
    this.overheadMs = performance.now() - trackingStarted;
    const network = await stylize(generator, frame, aux);
    if (!strokeLayer) return alone(network);
    const { layer, weight } = await this.strokeLayerFor(generator, keyframe!, reference, step, strokeLayer.threshold);
    const layerStarted = performance.now();
    const output = applyStrokeLayer(mixWithFrame(network, frame, weight), layer, motion, field);
    this.overheadMs += performance.now() - layerStarted;
    this.lastFrame = { generator, input: keyframe!.input, network, frame, motion, field };
    return { network, weight, output };
  }

  /**
   * The last frame again, with the strokes of `keyframe`'s painting as it is now: its network output
   * and motion are kept, only the stroke layer is rebuilt, so a new stroke shows without another pass
   * of the network over a frame. Null when the last frame carried no strokes, came from other weights'
   * network or another keyframe, or stayed on the GPU (`restrokeTensor`).
   */
  async restroke(generator: Generator, keyframe: KeyframeExample | undefined, step: number): Promise<RgbaImage | null> {
    const last = this.lastFrame;
    const { strokeLayer } = generator.config;
    if (!strokeLayer || !keyframe || !echoes(last, generator, keyframe)) return null;
    const reference = this.referenceFor(generator, keyframe.input);
    const { layer, weight } = await this.strokeLayerFor(generator, keyframe, reference, step, strokeLayer.threshold);
    return applyStrokeLayer(mixWithFrame(last.network, last.frame, weight), layer, last.motion, last.field);
  }

  /** `restroke` for the last frame stylized by `stylizeTensor`: the result stays on the backend; the caller disposes it. */
  restrokeTensor(generator: Generator, keyframe: KeyframeExample | undefined, step: number): tf.Tensor3D | null {
    const last = this.lastFrameTensor;
    const { strokeLayer } = generator.config;
    if (!strokeLayer || !keyframe || !echoes(last, generator, keyframe)) return null;
    const { tensor: residual, weight } = this.residualFor(generator, keyframe, step, strokeLayer.threshold);
    return tf.tidy(() => applyStrokeLayerTensor(mixWithFrameTensor(last.network, last.frame, weight), residual, last.motion, last.field));
  }

  /**
   * Keyframe → frame motion, each frame starting from the last one's, and with `withField` the shifts
   * of parts that move on their own (local-motion.ts; null without). A frame of another shape is
   * tracked on its centred crop of the keyframe's shape, where the keyframe was cropped from.
   */
  private track(reference: GuideReference, frame: RgbaImage, withField: boolean): { motion: Affine; field: ShiftField | null } {
    const crop = centreCrop(frame.width, frame.height, reference.width / reference.height);
    const whole = crop.width === frame.width && crop.height === frame.height;
    const placed = frameGuide(reference, whole ? frame : cropImage(frame, crop), this.previous);
    this.previous = placed.tracked;
    const [a, b, c, d, e, f] = placed.motion;
    const motion: Affine = [a, b, c + crop.x, d, e, f + crop.y];
    if (!withField) return { motion, field: null };
    this.previousField = estimateShiftField(reference.gray, placed.gray, placed.tracked, this.previousField);
    return { motion, field: scaleShiftField(this.previousField, crop.width / placed.gray.width, crop.x, crop.y) };
  }

  private referenceFor(generator: Generator, keyframe: RgbaImage): GuideReference {
    if (this.referenceOf?.keyframe !== keyframe || this.referenceOf.generator.config !== generator.config) {
      this.reference = createGuideReference(keyframe, generator.config.guide ?? null);
      this.referenceOf = { keyframe, generator };
      this.previous = IDENTITY_AFFINE;
      this.previousField = null;
    }
    return this.reference!;
  }

  /**
   * The stroke layer of the current painting and weights, and the network's weight in the mix with
   * the frame: network(keyframe) is recomputed every STROKE_LAYER_REFRESH_STEPS steps, the two
   * whenever that or the painting changes.
   */
  private async strokeLayerFor(generator: Generator, keyframe: KeyframeExample, reference: GuideReference, step: number, threshold: number): Promise<{ layer: StrokeLayer; weight: number }> {
    let reconstruction = this.reconstruction;
    if (!reconstruction || !fresh(reconstruction, generator, keyframe.input, step)) {
      const aux = reference.pattern ? keyframeGuide(reference) : undefined;
      reconstruction = { generator, input: keyframe.input, step, image: await stylize(generator, keyframe.input, aux) };
      this.reconstruction = reconstruction;
    }
    const current = this.layer;
    if (current && current.reconstruction === reconstruction && current.painting === keyframe.styled) return current;
    const weight = identityMixWeight(keyframe, reconstruction.image);
    const layer = createStrokeLayer(keyframe.styled, mixWithFrame(reconstruction.image, keyframe.input, weight), threshold);
    this.layer = { reconstruction, painting: keyframe.styled, layer, weight };
    return this.layer;
  }

  /**
   * `stylize` for frames that stay on the GPU: `frame` is HxWx3 (0–255) on the backend, `small` the
   * same frame drawn small (any size of its shape) for tracking, the only pixels read on the CPU. The
   * stroke layer is moved and added on the backend. Guided networks draw their guide on the CPU: use
   * `stylize` for them. The caller disposes the result.
   */
  stylizeTensor(generator: Generator, keyframe: KeyframeExample | undefined, frame: tf.Tensor3D, small: RgbaImage, step: number): tf.Tensor3D {
    const { guide, strokeLayer } = generator.config;
    if (guide) throw new Error('Guided networks are stylized through stylize(), which draws their guide');
    this.forgetLastFrame();
    const reference = strokeLayer && keyframe ? this.referenceFor(generator, keyframe.input) : null;
    const [, width] = frame.shape;
    if (!reference) return stylizeTensor(generator, frame);
    const trackingStarted = performance.now();
    // Keyframe → small-frame pixels, then to the frame's own pixels.
    const scale = width / small.width;
    const tracked = this.track(reference, small, true);
    const motion = tracked.motion.map((value) => value * scale) as unknown as Affine;
    const field = tracked.field && scaleShiftField(tracked.field, scale);
    this.overheadMs = performance.now() - trackingStarted;
    const { tensor: residual, weight } = this.residualFor(generator, keyframe!, step, strokeLayer!.threshold);
    // Kept for restrokeTensor until the next frame, also when the caller runs this inside its own tf.tidy.
    const network = tf.keep(tf.tidy(() => stylizeTensor(generator, frame)));
    this.lastFrameTensor = { generator, input: keyframe!.input, network, frame: tf.keep(tf.clone(frame)), motion, field };
    return tf.tidy(() => applyStrokeLayerTensor(mixWithFrameTensor(network, frame, weight), residual, motion, field));
  }

  /** Frees the tensors kept between frames. */
  dispose(): void {
    this.forgetLastFrame();
    this.residual?.tensor.dispose();
    this.residual?.weight.dispose();
    this.residual = null;
    this.reconstructionTensor?.image.dispose();
    this.reconstructionTensor = null;
  }

  /** The stroke layer and the mix weight as tensors, rebuilt on the backend as often as `strokeLayerFor` rebuilds its own. */
  private residualFor(generator: Generator, keyframe: KeyframeExample, step: number, threshold: number): { tensor: tf.Tensor3D; weight: tf.Scalar } {
    let reconstruction = this.reconstructionTensor;
    if (!reconstruction || !fresh(reconstruction, generator, keyframe.input, step)) {
      reconstruction?.image.dispose();
      // Kept across frames, also when the caller runs this inside its own tf.tidy.
      reconstruction = { generator, input: keyframe.input, step, image: tf.keep(tf.tidy(() => stylizeTensor(generator, rgbOf(keyframe.input)))) };
      this.reconstructionTensor = reconstruction;
    }
    const current = this.residual;
    if (current && current.reconstruction === reconstruction && current.painting === keyframe.styled) return current;
    current?.tensor.dispose();
    current?.weight.dispose();
    const image = reconstruction.image;
    const [tensor, weight] = tf.tidy(() => {
      const input = rgbOf(keyframe.input);
      const painting = rgbOf(keyframe.styled);
      const mask = keyframe.mask ? tf.tensor2d(thresholdMask(keyframe.mask), [keyframe.mask.height, keyframe.mask.width], 'int32') : null;
      const weight = identityMixWeightTensor(input, painting, mask, image);
      return [tf.keep(strokeResidualTensor(painting, mixWithFrameTensor(image, input, weight), threshold)), tf.keep(weight)];
    });
    this.residual = { reconstruction, painting: keyframe.styled, tensor, weight };
    return this.residual;
  }

  private forgetLastFrame(): void {
    this.lastFrame = null;
    this.lastFrameTensor?.network.dispose();
    this.lastFrameTensor?.frame.dispose();
    this.lastFrameTensor = null;
  }
}

/** What `stylizeParts` returns: the network's output, its weight in the mix with the frame, and the frame as shown. */
export interface StylizedParts {
  network: RgbaImage;
  weight: number;
  output: RgbaImage;
}

/** A frame (an image or a tensor), its network output and the motion of its strokes from the keyframe `input`. */
interface LastFrame<T> {
  generator: Generator;
  input: RgbaImage;
  /** The network's own output, before the mix with `frame` (blend.ts) that depends on the painting. */
  network: T;
  frame: T;
  motion: Affine;
  field: ShiftField | null;
}

/** Whether `last` came from `generator` and was tracked from `keyframe`, so its strokes can be redone. */
function echoes<T>(last: LastFrame<T> | null, generator: Generator, keyframe: KeyframeExample): last is LastFrame<T> {
  return last !== null && last.generator === generator && last.input === keyframe.input;
}

/** network(keyframe input) at a training step, as an image or a tensor. */
interface Reconstruction<T> {
  generator: Generator;
  input: RgbaImage;
  step: number;
  image: T;
}

/** Whether a reconstruction still stands for `generator` on `input` at `step` (fewer than STROKE_LAYER_REFRESH_STEPS steps on). */
function fresh<T>(reconstruction: Reconstruction<T>, generator: Generator, input: RgbaImage, step: number): boolean {
  return (
    reconstruction.generator === generator &&
    reconstruction.input === input &&
    step >= reconstruction.step &&
    step - reconstruction.step < STROKE_LAYER_REFRESH_STEPS
  );
}

/** The RGB channels of an RGBA image as an HxWx3 int32 tensor. */
function rgbOf(image: RgbaImage): tf.Tensor3D {
  return tf.tidy(() => tf.slice(tf.tensor3d(Int32Array.from(image.data), [image.height, image.width, 4], 'int32'), [0, 0, 0], [-1, -1, 3]));
}

/** The `crop` rectangle of an image. */
function cropImage(image: RgbaImage, crop: CropRect): RgbaImage {
  const data = new Uint8ClampedArray(crop.width * crop.height * 4);
  for (let y = 0; y < crop.height; y++) {
    const start = ((crop.y + y) * image.width + crop.x) * 4;
    data.set(image.data.subarray(start, start + crop.width * 4), y * crop.width * 4);
  }
  return { width: crop.width, height: crop.height, data };
}
