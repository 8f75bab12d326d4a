import * as tf from '@tensorflow/tfjs-core';
import { centreCrop, type CropRect } from '../camera/frames';
import { identityMixWeight, identityMixWeightTensor, mixWithFrame, mixWithFrameTensor } from './blend';
import { createGuideReference, frameGuide, keyframeGuide, warpGuide, type FrameGuide, type GuideReference } from './guides';
import type { Generator } from './generator';
import { estimateShiftField, scaleShiftField, type ShiftField } from './local-motion';
import { alignmentError, IDENTITY_AFFINE, sameView, type Affine } from './motion';
import { paintedPixels, thresholdMask } from './sampler';
import { stylize, stylizeTensor } from './stylize';
import { applyStrokeLayerTensor, strokeResidualTensor } from './strokes-tensor';
import { applyStrokeLayer, createStrokeLayer, type StrokeLayer } from './strokes';
import type { KeyframeExample, RgbaImage } from './types';

/** Rebuild the stroke layer after this many training steps (it is what the network still misses). */
export const STROKE_LAYER_REFRESH_STEPS = 20;

/**
 * Another painted keyframe (of another view: keyframes of one view are one candidate) takes over a
 * stream's strokes when its alignment error (motion.ts, plus ALIGNMENT_NOISE) is below this share of
 * the current one's. Not lower: on a small, blurred preview frame even the right keyframe's error
 * grows (a stricter 0.5 then kept the wrong view's strokes on a loaded machine).
 */
export const REFERENCE_SWITCH_RATIO = 0.8;

/** Grey levels added to every alignment error before comparing: a camera's noise, so two near-perfect matches count as alike. */
const ALIGNMENT_NOISE = 2;

/** The painted keyframes a stream carries strokes from: one, several (in training order), or none. */
export type StrokeKeyframes = KeyframeExample | readonly KeyframeExample[] | undefined;

/**
 * Stylizes live camera frames the way the network was trained to be used: tracks each frame from a
 * painted keyframe (each frame starts from the last one's motion), gives guided networks their moved
 * guide channels, and adds that keyframe's stroke layer when the network's configuration asks for it,
 * mixed with the frame itself while the network is still worse than the unchanged keyframe
 * (blend.ts). With several painted keyframes the strokes come from the one the frame matches best:
 * each frame tracks the current one and, in turn, one other, which takes over when it matches clearly
 * better (REFERENCE_SWITCH_RATIO); the first frame starts from the first keyframe on the same terms.
 * Of several keyframes of one view (motion.ts `sameView`) only the first is a candidate: the frame
 * matches them alike, and the strokes would trade places with people walking by. Guided networks
 * always track the first keyframe, whose guide they were trained with. One instance per live stream.
 */
export class LiveStylizer {
  /** Each painted keyframe's reference and last placement, by its input image. */
  private tracks = new Map<RgbaImage, KeyframeTrack>();
  /** The input of the keyframe the last frame took its strokes from. */
  private chosen: RgbaImage | null = null;
  /** Which of the other keyframes the next frame measures. */
  private turn = 0;
  /**
   * For these inputs in order: the keyframes that each start a view, each with the later keyframes
   * of its view and where the leader's pixels lie in them (a later keyframe of a view is no candidate
   * of its own: its strokes are drawn into the leader's painting, `withViewStrokes`).
   */
  private views: { inputs: RgbaImage[]; leaders: Map<RgbaImage, ViewMember[]> } | null = null;
  /** Each leader's painting with its view's strokes drawn in, while the paintings it came from stay. */
  private composites = new Map<RgbaImage, { paintings: RgbaImage[]; styled: RgbaImage }>();
  /** The last frame's network output and motion, for `restroke` (CPU side) and `restrokeTensor` (kept on the backend). */
  private lastFrame: LastFrame<RgbaImage> | null = null;
  private lastFrameTensor: LastFrame<tf.Tensor3D> | null = null;
  /** Milliseconds the last frame spent outside the network: tracking, guide, stroke layer (not its rebuilds). */
  overheadMs = 0;

  /**
   * One frame through `generator` (trained at `step` on `keyframes`). Without a keyframe (weights
   * loaded alone), the network alone. A frame of another shape than the keyframes (the studio crops
   * keyframes to the paint area) is tracked on its centred crop of that shape.
   */
  async stylize(generator: Generator, keyframes: StrokeKeyframes, frame: RgbaImage, step: number): Promise<RgbaImage> {
    return (await this.stylizeParts(generator, keyframes, frame, step)).output;
  }

  /**
   * `stylize`, also returning the network's own output and its weight in the mix with the frame
   * (blend.ts) before the stroke layer was added (`output` is `network` itself when no strokes are
   * carried): full-size output upsamples the parts differently.
   */
  async stylizeParts(generator: Generator, keyframes: StrokeKeyframes, frame: RgbaImage, step: number): Promise<StylizedParts> {
    const { guide, strokeLayer } = generator.config;
    this.overheadMs = 0;
    this.forgetLastFrame();
    const alone = (image: RgbaImage) => ({ network: image, weight: 1, output: image });
    if (!guide && !strokeLayer) return alone(await stylize(generator, frame));
    const trackingStarted = performance.now();
    const placed = this.place(generator, listOf(keyframes), frame, !!strokeLayer);
    if (!placed) {
      // Nothing to track against: the guide as on a keyframe (unmoved), no strokes carried.
      return alone(await stylize(generator, frame, guide ? keyframeGuide(createGuideReference(frame, guide)) : undefined));
    }
    const { keyframe, reference, motion, field } = placed;
    const aux = reference.pattern ? warpGuide(reference, motion, frame.width, frame.height) : undefined;
    this.overheadMs = performance.now() - trackingStarted;
    const network = await stylize(generator, frame, aux);
    if (!strokeLayer) return alone(network);
    const { layer, weight } = await this.strokeLayerFor(generator, keyframe, reference, step, strokeLayer.threshold);
    const layerStarted = performance.now();
    const output = applyStrokeLayer(mixWithFrame(network, frame, weight), layer, motion, field);
    this.overheadMs += performance.now() - layerStarted;
    this.lastFrame = { generator, input: keyframe.input, network, frame, motion, field };
    return { network, weight, output };
  }

  /**
   * Takes the network's output on a keyframe made elsewhere (the training worker, right after it
   * tuned the network), so the first frame carrying that keyframe's strokes skips that pass; good
   * for STROKE_LAYER_REFRESH_STEPS steps from `step`, as one made here. Guided networks make their own
   * (it depends on their guide).
   */
  primeKeyframeOutput(generator: Generator, input: RgbaImage, output: RgbaImage, step: number): void {
    if (generator.config.guide) return;
    this.trackOf(generator, input).reconstruction = { generator, input, step, image: output };
  }

  /**
   * The last frame again, with the strokes of its keyframe's painting as it is now (found among
   * `keyframes`): its network output and motion are kept, only the stroke layer is rebuilt, so a new
   * stroke shows without another pass of the network over a frame. Null when the last frame carried
   * no strokes, came from other weights' network, or stayed on the GPU (`restrokeTensor`).
   */
  async restroke(generator: Generator, keyframes: StrokeKeyframes, step: number): Promise<RgbaImage | null> {
    const last = this.lastFrame;
    const { strokeLayer } = generator.config;
    const echoedKeyframe = echoed(last, generator, keyframes);
    if (!strokeLayer || !echoedKeyframe) return null;
    const keyframe = this.withViewStrokes(echoedKeyframe, listOf(keyframes));
    const { reference } = this.trackOf(generator, keyframe.input);
    const { layer, weight } = await this.strokeLayerFor(generator, keyframe, reference, step, strokeLayer.threshold);
    return applyStrokeLayer(mixWithFrame(last!.network, last!.frame, weight), layer, last!.motion, last!.field);
  }

  /** `restroke` for the last frame stylized by `stylizeTensor`: the result stays on the backend; the caller disposes it. */
  restrokeTensor(generator: Generator, keyframes: StrokeKeyframes, step: number): tf.Tensor3D | null {
    const last = this.lastFrameTensor;
    const { strokeLayer } = generator.config;
    const echoedKeyframe = echoed(last, generator, keyframes);
    if (!strokeLayer || !echoedKeyframe) return null;
    const keyframe = this.withViewStrokes(echoedKeyframe, listOf(keyframes));
    const { tensor: residual, weight } = this.residualFor(generator, keyframe, step, strokeLayer.threshold);
    return tf.tidy(() => applyStrokeLayerTensor(mixWithFrameTensor(last!.network, last!.frame, weight), residual, last!.motion, last!.field));
  }

  /**
   * Picks the keyframe whose strokes `frame` carries and places it: keyframe → frame motion, each
   * frame starting from the last one's, and with `withField` the shifts of parts that move on their
   * own (local-motion.ts; null without). Null without keyframes.
   */
  private place(generator: Generator, keyframes: readonly KeyframeExample[], frame: RgbaImage, withField: boolean): Placed | null {
    for (const [input, track] of this.tracks) {
      if (keyframes.some((keyframe) => keyframe.input === input)) continue;
      disposeTrack(track);
      this.tracks.delete(input);
    }
    // Guided networks learnt their guide on the first keyframe: they track from it alone.
    const candidates = generator.config.guide ? keyframes.slice(0, 1) : this.viewLeaders(generator, keyframes);
    if (candidates.length === 0) return null;
    const measure = (keyframe: KeyframeExample) => {
      const track = this.trackOf(generator, keyframe.input);
      const global = placeGlobally(track, frame);
      return { keyframe, track, ...global, error: candidates.length > 1 ? alignmentError(track.reference.gray, global.placed.gray, global.placed.tracked) : 0 };
    };
    const clearlyBetter = (other: ReturnType<typeof measure>, current: ReturnType<typeof measure>) =>
      other.error + ALIGNMENT_NOISE < REFERENCE_SWITCH_RATIO * (current.error + ALIGNMENT_NOISE);
    const currentIndex = candidates.findIndex((keyframe) => keyframe.input === this.chosen);
    let best: ReturnType<typeof measure>;
    if (currentIndex < 0) {
      // No keyframe yet (or it was deleted): measure them all, in training order.
      best = candidates.map(measure).reduce((current, other) => (clearlyBetter(other, current) ? other : current));
    } else {
      best = measure(candidates[currentIndex]);
      const others = candidates.filter((_, index) => index !== currentIndex);
      if (others.length > 0) {
        const other = measure(others[this.turn++ % others.length]);
        if (clearlyBetter(other, best)) best = other;
      }
    }
    const { track, placed, crop, motion } = best;
    const keyframe = this.withViewStrokes(best.keyframe, keyframes);
    // Only the chosen keyframe moves on: another one measured against a frame of another view would
    // start its next estimate from a placement that means nothing.
    track.previous = placed.tracked;
    if (this.chosen !== keyframe.input) track.previousField = null;
    this.chosen = keyframe.input;
    if (!withField) return { keyframe, reference: track.reference, motion, field: null };
    track.previousField = estimateShiftField(track.reference.gray, placed.gray, placed.tracked, track.previousField);
    return { keyframe, reference: track.reference, motion, field: scaleShiftField(track.previousField, crop.width / placed.gray.width, crop.x, crop.y) };
  }

  /** The keyframes that are the first of their view, in order. */
  private viewLeaders(generator: Generator, keyframes: readonly KeyframeExample[]): KeyframeExample[] {
    const inputs = keyframes.map((keyframe) => keyframe.input);
    if (!this.views || !sameItems(this.views.inputs, inputs)) {
      const leaders = new Map<RgbaImage, ViewMember[]>();
      for (const input of inputs) {
        let joined = false;
        for (const [leader, members] of leaders) {
          // The keyframe placed in an earlier one as a frame would be (it may be cropped to another shape).
          const track = this.trackOf(generator, leader);
          const { placed, motion } = placeGlobally(track, input, IDENTITY_AFFINE);
          if (!sameView(track.reference.gray, placed.gray, placed.tracked)) continue;
          members.push({ input, motion });
          joined = true;
          break;
        }
        if (!joined) leaders.set(input, []);
      }
      this.views = { inputs, leaders };
      this.composites.clear();
    }
    return keyframes.filter((keyframe) => this.views!.leaders.has(keyframe.input));
  }

  /**
   * `leader` with the strokes of the later keyframes of its view drawn into its painting where it has
   * none of its own (those keyframes' strokes then come back with the leader's), or `leader` itself.
   */
  private withViewStrokes(leader: KeyframeExample, keyframes: readonly KeyframeExample[]): KeyframeExample {
    const members = (this.views?.leaders.get(leader.input) ?? []).flatMap(({ input, motion }) => {
      const keyframe = keyframes.find((candidate) => candidate.input === input);
      return keyframe ? [{ keyframe, motion }] : [];
    });
    if (members.length === 0) return leader;
    const paintings = [leader.styled, ...members.map(({ keyframe }) => keyframe.styled)];
    const known = this.composites.get(leader.input);
    if (known && sameItems(known.paintings, paintings)) {
      return { ...leader, styled: known.styled };
    }
    const styled = members.reduce((painting, { keyframe, motion }) => drawStrokesIn(painting, leader.input, keyframe, motion), leader.styled);
    this.composites.set(leader.input, { paintings, styled });
    return { ...leader, styled };
  }

  /** The tracking state of the keyframe with this input, made on first use (and again for another network configuration). */
  private trackOf(generator: Generator, input: RgbaImage): KeyframeTrack {
    let track = this.tracks.get(input);
    if (!track || track.config !== generator.config) {
      if (track) disposeTrack(track);
      const reference = createGuideReference(input, generator.config.guide ?? null);
      track = { config: generator.config, reference, previous: IDENTITY_AFFINE, previousField: null, reconstruction: null, layer: null, reconstructionTensor: null, residual: null };
      this.tracks.set(input, track);
    }
    return track;
  }

  /**
   * The stroke layer of the current painting and weights, and the network's weight in the mix with
   * the frame: network(keyframe) is recomputed every STROKE_LAYER_REFRESH_STEPS steps, the two
   * whenever that or the painting changes.
   */
  private async strokeLayerFor(generator: Generator, keyframe: KeyframeExample, reference: GuideReference, step: number, threshold: number): Promise<{ layer: StrokeLayer; weight: number }> {
    const track = this.trackOf(generator, keyframe.input);
    let reconstruction = track.reconstruction;
    if (!reconstruction || !fresh(reconstruction, generator, keyframe.input, step)) {
      const aux = reference.pattern ? keyframeGuide(reference) : undefined;
      reconstruction = { generator, input: keyframe.input, step, image: await stylize(generator, keyframe.input, aux) };
      track.reconstruction = reconstruction;
    }
    const current = track.layer;
    if (current && current.reconstruction === reconstruction && current.painting === keyframe.styled) return current;
    const weight = identityMixWeight(keyframe, reconstruction.image);
    const layer = createStrokeLayer(keyframe.styled, mixWithFrame(reconstruction.image, keyframe.input, weight), threshold);
    track.layer = { reconstruction, painting: keyframe.styled, layer, weight };
    return track.layer;
  }

  /**
   * `stylize` for frames that stay on the GPU: `frame` is HxWx3 (0–255) on the backend, `small` the
   * same frame drawn small (any size of its shape) for tracking, the only pixels read on the CPU. The
   * stroke layer is moved and added on the backend. Guided networks draw their guide on the CPU: use
   * `stylize` for them. The caller disposes the result.
   */
  stylizeTensor(generator: Generator, keyframes: StrokeKeyframes, frame: tf.Tensor3D, small: RgbaImage, step: number): tf.Tensor3D {
    const { guide, strokeLayer } = generator.config;
    if (guide) throw new Error('Guided networks are stylized through stylize(), which draws their guide');
    this.forgetLastFrame();
    const [, width] = frame.shape;
    const trackingStarted = performance.now();
    const placed = strokeLayer ? this.place(generator, listOf(keyframes), small, true) : null;
    if (!placed) return stylizeTensor(generator, frame);
    // Keyframe → small-frame pixels, then to the frame's own pixels.
    const scale = width / small.width;
    const { keyframe } = placed;
    const motion = placed.motion.map((value) => value * scale) as unknown as Affine;
    const field = placed.field && scaleShiftField(placed.field, scale);
    this.overheadMs = performance.now() - trackingStarted;
    const { tensor: residual, weight } = this.residualFor(generator, keyframe, step, strokeLayer!.threshold);
    // Kept for restrokeTensor until the next frame, also when the caller runs this inside its own tf.tidy.
    const network = tf.keep(tf.tidy(() => stylizeTensor(generator, frame)));
    this.lastFrameTensor = { generator, input: keyframe.input, network, frame: tf.keep(tf.clone(frame)), motion, field };
    return tf.tidy(() => applyStrokeLayerTensor(mixWithFrameTensor(network, frame, weight), residual, motion, field));
  }

  /** Frees the tensors kept between frames and forgets the keyframes' tracking. */
  dispose(): void {
    this.forgetLastFrame();
    for (const track of this.tracks.values()) disposeTrack(track);
    this.tracks.clear();
    this.views = null;
    this.composites.clear();
    this.chosen = null;
  }

  /** The stroke layer and the mix weight as tensors, rebuilt on the backend as often as `strokeLayerFor` rebuilds its own. */
  private residualFor(generator: Generator, keyframe: KeyframeExample, step: number, threshold: number): { tensor: tf.Tensor3D; weight: tf.Scalar } {
    const track = this.trackOf(generator, keyframe.input);
    let reconstruction = track.reconstructionTensor;
    if (!reconstruction || !fresh(reconstruction, generator, keyframe.input, step)) {
      reconstruction?.image.dispose();
      // Kept across frames, also when the caller runs this inside its own tf.tidy.
      reconstruction = { generator, input: keyframe.input, step, image: tf.keep(tf.tidy(() => stylizeTensor(generator, rgbOf(keyframe.input)))) };
      track.reconstructionTensor = reconstruction;
    }
    const current = track.residual;
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
    track.residual = { reconstruction, painting: keyframe.styled, tensor, weight };
    return track.residual;
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

/** The keyframe of `keyframes` that `last` was tracked from, when it came from `generator`: its strokes can be redone. */
function echoed<T>(last: LastFrame<T> | null, generator: Generator, keyframes: StrokeKeyframes): KeyframeExample | undefined {
  if (last === null || last.generator !== generator) return undefined;
  return listOf(keyframes).find((keyframe) => keyframe.input === last.input);
}

/** The keyframes as a list. */
function listOf(keyframes: StrokeKeyframes): readonly KeyframeExample[] {
  if (keyframes === undefined) return [];
  return 'input' in keyframes ? [keyframes] : keyframes;
}

/** One painted keyframe as a stream tracks it. */
interface KeyframeTrack {
  /** The network configuration its reference was made for (the guide pattern depends on it). */
  config: Generator['config'];
  reference: GuideReference;
  /** The last placement of this keyframe while it carried the strokes (tracking grid), where its next estimate starts. */
  previous: Affine;
  /** The last frame's shifts of parts that move on their own (tracking grid), while it carries the strokes. */
  previousField: ShiftField | null;
  /**
   * network(keyframe) behind its stroke layer, kept while the weights are fresh enough: a new stroke
   * changes only the painting, so the layer is rebuilt from it without another pass of the network;
   * and a frame that turns back to this keyframe finds its layer ready.
   */
  reconstruction: Reconstruction<RgbaImage> | null;
  layer: { reconstruction: Reconstruction<RgbaImage>; painting: RgbaImage; layer: StrokeLayer; weight: number } | null;
  /** The same two on the backend, for frames that stay on the GPU. */
  reconstructionTensor: Reconstruction<tf.Tensor3D> | null;
  residual: { reconstruction: Reconstruction<tf.Tensor3D>; painting: RgbaImage; tensor: tf.Tensor3D; weight: tf.Scalar } | null;
}

/** Frees the tensors a keyframe's track keeps. */
function disposeTrack(track: KeyframeTrack): void {
  track.residual?.tensor.dispose();
  track.residual?.weight.dispose();
  track.reconstructionTensor?.image.dispose();
}

/** A later keyframe of a leader's view: its input, and the motion from the leader's pixels to its own. */
interface ViewMember {
  input: RgbaImage;
  motion: Affine;
}

/**
 * `painting` (of the keyframe `input`) with `other`'s strokes drawn in where it shows none of its own:
 * each pixel takes `other`'s painting at the point `motion` maps it to (nearest pixel) where that is
 * painted (sampler.ts `paintedPixels`, as training counts paint).
 */
function drawStrokesIn(painting: RgbaImage, input: RgbaImage, other: KeyframeExample, motion: Affine): RgbaImage {
  const { width, height } = painting;
  const data = new Uint8ClampedArray(painting.data);
  const own = paintedPixels(input, painting);
  const theirs = paintedPixels(other.input, other.styled);
  const [a, b, c, d, e, f] = motion;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      if (own[y * width + x]) continue;
      const u = Math.floor(a * (x + 0.5) + b * (y + 0.5) + c);
      const v = Math.floor(d * (x + 0.5) + e * (y + 0.5) + f);
      if (u < 0 || v < 0 || u >= other.styled.width || v >= other.styled.height || !theirs[v * other.styled.width + u]) continue;
      const j = (v * other.styled.width + u) * 4;
      data.set(other.styled.data.subarray(j, j + 3), (y * width + x) * 4);
    }
  return { width, height, data };
}

/** Whether two lists hold the same items (by identity) in the same order. */
function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** The keyframe a frame carries the strokes of, and where they go. */
interface Placed {
  keyframe: KeyframeExample;
  reference: GuideReference;
  motion: Affine;
  field: ShiftField | null;
}

/**
 * The global motion of `track`'s keyframe to `frame`, from its last placement or `from` (not stored). A
 * frame of another shape is tracked on its centred crop of the keyframe's shape, where the keyframe was cropped from.
 */
function placeGlobally(track: KeyframeTrack, frame: RgbaImage, from = track.previous): { placed: FrameGuide; crop: CropRect; motion: Affine } {
  const { reference } = track;
  const crop = centreCrop(frame.width, frame.height, reference.width / reference.height);
  const whole = crop.width === frame.width && crop.height === frame.height;
  const placed = frameGuide(reference, whole ? frame : cropImage(frame, crop), from);
  const [a, b, c, d, e, f] = placed.motion;
  return { placed, crop, motion: [a, b, c + crop.x, d, e, f + crop.y] };
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
