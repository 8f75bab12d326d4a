import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend';
import { NETWORKS, type NetworkConfig } from '../../src/lib/ml/config';
import { stylizeFullSize } from '../../src/lib/ml/fullsize';
import { LiveStylizer } from '../../src/lib/ml/live';
import { photoWorkingSide, tunePhotoNetwork } from '../../src/lib/ml/photo-network';
import { resizeImage } from '../../src/lib/ml/resample';
import { Trainer } from '../../src/lib/ml/trainer';
import type { RgbaImage } from '../../src/lib/ml/types';
import { createGenerator } from '../../src/lib/ml/generator';
import { stylize } from '../../src/lib/ml/stylize';
import { generatorFromWeights } from '../../src/lib/ml/weights';

// The photo network: a copy of the preview network tuned on the keyframe at the size it was captured
// at, so a full-size photo gets detail that a network trained at the small working size cannot paint.

const SMALL: NetworkConfig = { ...NETWORKS.mobile, name: 'small', stemFilters: 8, downFilters: [16, 16], residualBlocks: 1, upFilters: [16, 8], headFilters: 8 };
const TRAINING = { patchSize: 16, batchSize: 8, learningRate: 2e-3 };
const FULL = 96;
const SMALL_SIDE = 24;

/**
 * A scene of soft colour with a disc and a bar (moved right by `shift`); painted, every shape gets a
 * one-pixel black outline: detail of the full-size scale that a quarter-size keyframe cannot hold.
 */
function scene(shift: number, painted: boolean): RgbaImage {
  const inside = (x: number, y: number) => (x - 30 - shift) ** 2 + (y - 52) ** 2 < 18 ** 2 || (x >= 54 + shift && x < 80 + shift && y >= 12 && y < 40);
  const data = new Uint8ClampedArray(FULL * FULL * 4);
  for (let y = 0; y < FULL; y++)
    for (let x = 0; x < FULL; x++) {
      const here = inside(x, y);
      const edge = here && (!inside(x - 1, y) || !inside(x + 1, y) || !inside(x, y - 1) || !inside(x, y + 1));
      const pixel = painted && edge ? [0, 0, 0] : here ? [220, 200, 120] : [90 + y, 110, 140 + (x >> 1)];
      data.set([...pixel, 255], (y * FULL + x) * 4);
    }
  return { width: FULL, height: FULL, data };
}

/** Mean absolute RGB difference. */
function meanError(a: RgbaImage, b: RgbaImage): number {
  let total = 0;
  for (let i = 0; i < a.data.length; i++) if (i % 4 !== 3) total += Math.abs(a.data[i] - b.data[i]);
  return total / (a.width * a.height * 3);
}

describe('photo network', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('stylizes a frame at the capture scale directly, a larger one at that scale, and leaves frames near the preview scale to the preview network', () => {
    const captured = { width: 720, height: 1280 };
    // The same camera: a portrait crop of a 1280×720 frame keeps its scale.
    expect(photoWorkingSide({ width: 1280, height: 720 }, { width: 405, height: 720 }, 256)).toBe(1280);
    expect(photoWorkingSide({ width: 720, height: 1280 }, captured, 256)).toBe(1280);
    // A 1920-px photo of a keyframe captured at 1280: stylized at 1280, then upsampled.
    expect(photoWorkingSide({ width: 1080, height: 1920 }, captured, 256)).toBe(1280);
    // A video rendered at half size is nearer the photo network's scale than the preview's (256 of 1280).
    expect(photoWorkingSide({ width: 360, height: 640 }, captured, 256)).toBe(640);
    // At the preview's own scale, or below, the preview network suits it better.
    expect(photoWorkingSide({ width: 180, height: 320 }, captured, 256)).toBeNull();
    expect(photoWorkingSide({ width: 144, height: 256 }, captured, 256)).toBeNull();
  });

  it('gives a full-size frame the thin outlines that the working-size network smears, and leaks no tensors', async () => {
    const full = { input: scene(0, false), styled: scene(0, true) };
    const small = { input: resizeImage(full.input, SMALL_SIDE, SMALL_SIDE), styled: resizeImage(full.styled, SMALL_SIDE, SMALL_SIDE) };
    const preview = new Trainer({ network: SMALL, training: TRAINING, examples: [small], seed: 2 });
    await preview.run({ steps: 150 });
    const previewWeights = await preview.snapshot();
    preview.dispose();

    const before = tf.memory().numTensors;
    let reported = 0;
    const photoWeights = await tunePhotoNetwork(previewWeights, [full], { steps: 150, training: TRAINING, onStep: (done, steps) => (reported = done / steps) });
    expect(tf.memory().numTensors).toBe(before);
    expect(reported).toBe(1);
    expect(photoWeights).not.toBeNull();

    const frame = scene(7, false);
    const truth = scene(7, true);
    const previewNetwork = generatorFromWeights(previewWeights);
    const photoNetwork = generatorFromWeights(photoWeights!);
    const previewLive = new LiveStylizer();
    const photoLive = new LiveStylizer();
    const upscaled = await stylizeFullSize(previewLive, previewNetwork, small, frame, 150, { workingSide: SMALL_SIDE });
    const side = photoWorkingSide(frame, full.input, SMALL_SIDE);
    expect(side).toBe(FULL);
    const photo = await stylizeFullSize(photoLive, photoNetwork, full, frame, 150, { workingSide: side! });
    for (const disposable of [previewNetwork, photoNetwork, previewLive, photoLive]) disposable.dispose();

    const photoError = meanError(photo, truth);
    const upscaledError = meanError(upscaled, truth);
    expect(photoError).toBeLessThan(0.8 * upscaledError);
  });

  it('stops between steps when aborted, with nothing left behind and the weights given unchanged', async () => {
    const keyframe = { input: scene(0, false), styled: scene(0, true) };
    const trainer = new Trainer({ network: SMALL, training: TRAINING, examples: [keyframe] });
    await trainer.run({ steps: 1 });
    const weights = await trainer.snapshot();
    trainer.dispose();
    const given = weights.slice();
    const before = tf.memory().numTensors;
    const control = new AbortController();
    let steps = 0;
    const tuned = await tunePhotoNetwork(weights, [keyframe], {
      steps: 50,
      training: TRAINING,
      signal: control.signal,
      onStep: (done) => {
        steps = done;
        if (done === 2) control.abort();
      }
    });
    expect(tuned).toBeNull();
    expect(steps).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    expect(weights).toEqual(given);
  });

  it('takes the network\'s output on a keyframe made elsewhere, so the first frame runs the network once, with the same result', async () => {
    const generator = createGenerator(SMALL, 4);
    const keyframe = { input: scene(0, false), styled: scene(0, true) };
    const frame = scene(5, false);
    const output = await stylize(generator, keyframe.input);
    const passes = vi.spyOn(generator, 'apply');
    const plain = new LiveStylizer();
    const expected = await plain.stylize(generator, keyframe, frame, 0);
    expect(passes).toHaveBeenCalledTimes(2);
    passes.mockClear();
    const primed = new LiveStylizer();
    primed.primeKeyframeOutput(generator, keyframe.input, output, 0);
    const result = await primed.stylize(generator, keyframe, frame, 0);
    expect(passes).toHaveBeenCalledTimes(1);
    expect(result.data).toEqual(expected.data);
    for (const disposable of [plain, primed, generator]) disposable.dispose();
  });
});
