import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend';
import { NETWORKS } from '../../src/lib/ml/config';
import { stylizeFullSize } from '../../src/lib/ml/fullsize';
import { createGenerator } from '../../src/lib/ml/generator';
import { LiveStylizer } from '../../src/lib/ml/live';
import { guidedUpsample, resizeImage } from '../../src/lib/ml/resample';
import type { RgbaImage } from '../../src/lib/ml/types';

// Full-size output: a frame stylized at the working size comes back at its own size, with the
// full-size frame's edges where the style follows the frame, and painted strokes where they were painted.

/** An image whose pixel (x, y) is `colour(x, y)`. */
function image(width: number, height: number, colour: (x: number, y: number) => [number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([...colour(x, y), 255], (y * width + x) * 4);
  return { width, height, data };
}

/** A "style" that follows the frame: each channel mapped by its own contrast curve. */
const styleOf = (picture: RgbaImage) => image(picture.width, picture.height, (x, y) => {
  const i = (y * picture.width + x) * 4;
  return [255 - picture.data[i], 40 + picture.data[i + 1] * 0.5, Math.min(255, picture.data[i + 2] * 1.4)];
});

/** Mean absolute difference over the RGB channels. */
function meanError(a: RgbaImage, b: RgbaImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) if (i % 4 !== 3) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / (a.width * a.height * 3);
}

/** Pixels of row `y` whose red lies strictly between the two sides of an edge (the blur's width). */
function transitionWidth(picture: RgbaImage, y: number, low: number, high: number): number {
  let count = 0;
  for (let x = 0; x < picture.width; x++) {
    const red = picture.data[(y * picture.width + x) * 4];
    if (red > low + 0.1 * (high - low) && red < high - 0.1 * (high - low)) count++;
  }
  return count;
}

describe('full-size output', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('resizing keeps a flat colour flat and gives the asked size', () => {
    const flat = image(37, 23, () => [200, 100, 50]);
    for (const [w, h] of [[90, 61], [12, 7]]) {
      const resized = resizeImage(flat, w, h);
      expect([resized.width, resized.height]).toEqual([w, h]);
      expect(meanError(resized, image(w, h, () => [200, 100, 50]))).toBeLessThan(0.01);
    }
  });

  it('guided upsampling keeps an edge of the full-size frame sharp where a bicubic upscale blurs it', () => {
    // A vertical edge at x = 61 of a 160×96 frame, stylized at a quarter of its size.
    const full = image(160, 96, (x) => (x < 61 ? [40, 60, 80] : [210, 190, 170]));
    const small = resizeImage(full, 40, 24);
    const smallStyled = styleOf(small);
    const truth = styleOf(full);
    const guided = guidedUpsample(smallStyled, small, full);
    const bicubic = resizeImage(smallStyled, 160, 96);
    expect([guided.width, guided.height]).toEqual([160, 96]);
    // The truth steps from 215 to 45 in red in one pixel; the bicubic upscale takes several pixels.
    expect(transitionWidth(truth, 48, 45, 215)).toBe(0);
    expect(transitionWidth(bicubic, 48, 45, 215)).toBeGreaterThanOrEqual(3);
    expect(transitionWidth(guided, 48, 45, 215)).toBeLessThanOrEqual(1);
    expect(meanError(guided, truth)).toBeLessThan(meanError(bicubic, truth) / 3);
  });

  it('stylizes at the frame size, carries painted strokes there, looks like the working-size preview, and leaks no tensors', async () => {
    const generator = createGenerator({ ...NETWORKS.mobile, name: 'fullsize-test', strokeLayer: { threshold: 60 } }, 3);
    const scene = (width: number, height: number) =>
      image(width, height, (x, y) => {
        const u = (x / width) * 128;
        const v = (y / height) * 96;
        return [120 + 50 * Math.sin(u / 9) * Math.cos(v / 7), 110 + 40 * Math.cos((u + v) / 11), 100 + 45 * Math.sin((u - 2 * v) / 13)];
      });
    // The keyframe at the working side (64), a magenta bar painted on it; the frame is the same view at 4×.
    const input = scene(64, 48);
    const painting = { ...input, data: input.data.slice() };
    for (let y = 20; y < 28; y++) for (let x = 12; x < 52; x++) painting.data.set([255, 0, 255], (y * 64 + x) * 4);
    const frame = scene(256, 192);
    const live = new LiveStylizer();
    await stylizeFullSize(live, generator, { input, styled: painting }, frame, 1, { workingSide: 64 });
    const before = tf.memory().numTensors;
    const output = await stylizeFullSize(live, generator, { input, styled: painting }, frame, 1, { workingSide: 64 });
    expect(tf.memory().numTensors).toBe(before);
    expect([output.width, output.height]).toEqual([256, 192]);
    const magenta = (x: number, y: number) => {
      const i = (y * 256 + x) * 4;
      return output.data[i] > 200 && output.data[i + 1] < 70 && output.data[i + 2] > 200;
    };
    // The bar covers keyframe rows 20–27, i.e. frame rows 80–111: magenta inside, not far outside.
    expect(magenta(128, 96)).toBe(true);
    expect(magenta(64, 84)).toBe(true);
    expect(magenta(128, 150)).toBe(false);
    expect(magenta(20, 20)).toBe(false);
    // The look matches the preview: shrunk back to the working size it is the working-size stylization.
    const preview = await new LiveStylizer().stylize(generator, { input, styled: painting }, resizeImage(frame, 64, 48), 1);
    expect(meanError(resizeImage(output, 64, 48), preview)).toBeLessThan(3);
    live.dispose();
    generator.dispose();
  });
});
