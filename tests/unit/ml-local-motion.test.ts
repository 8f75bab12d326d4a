import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend';
import { NETWORKS, type NetworkConfig } from '../../src/lib/ml/config';
import { createGenerator } from '../../src/lib/ml/generator';
import { LiveStylizer } from '../../src/lib/ml/live';
import { estimateShiftField, isStill, scaleShiftField, shiftAt } from '../../src/lib/ml/local-motion';
import { applyAffine, estimateMotion, grayImage, IDENTITY_AFFINE } from '../../src/lib/ml/motion';
import { applyStrokeLayer, createStrokeLayer } from '../../src/lib/ml/strokes';
import { applyStrokeLayerTensor, strokeResidualTensor } from '../../src/lib/ml/strokes-tensor';
import type { RgbaImage } from '../../src/lib/ml/types';
import { halveImage, paintedBar, rgb } from './support/images';

// A selfie: the face moves, the background does not. The global motion follows the larger part (the
// background), so strokes painted on the face must follow the face by the local shifts.

/** A scene with detail at several scales, defined at every real position. */
function texture(u: number, v: number): [number, number, number] {
  const a = Math.sin(u / 5) * Math.cos(v / 7);
  const b = Math.sin((u + 2 * v) / 11);
  const c = Math.cos((3 * u - v) / 13);
  return [120 + 40 * a + 25 * b, 115 + 30 * b + 25 * c, 105 + 35 * c - 20 * a];
}

/** The scene of `width`×`height` with the ellipse `face` (centre and radii as fractions) moved by (dx, dy) pixels, the rest still. */
function render(width: number, height: number, dx = 0, dy = 0, face = { cx: 0.5, cy: 0.5, rx: 0.25, ry: 0.3 }): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const inside = ((x + 0.5 - dx - face.cx * width) / (face.rx * width)) ** 2 + ((y + 0.5 - dy - face.cy * height) / (face.ry * height)) ** 2 < 1;
      // The face has a texture of its own (as a face differs from the wall behind it).
      const [r, g, b] = inside ? texture(x + 0.5 - dx + 37, y + 0.5 - dy + 11).map((value) => 255 - value) : texture(x + 0.5, y + 0.5);
      data.set([r, g, b, 255], (y * width + x) * 4);
    }
  return { width, height, data };
}

const isMagenta = (data: ArrayLike<number>, at: number) => data[at] > 200 && data[at + 1] < 70 && data[at + 2] > 200;

describe('shifts of parts that move on their own', () => {
  it('finds the face moved by (6, −4) and the background still, while the global motion stays with the background', () => {
    const key = grayImage(render(160, 120), 160, 120);
    const frame = grayImage(render(160, 120, 6, -4), 160, 120);
    const tracked = estimateMotion(key, frame);
    const [gx, gy] = applyAffine(tracked, 80, 60);
    expect(Math.hypot(gx - 80, gy - 60)).toBeLessThan(2);
    const field = estimateShiftField(key, frame, tracked);
    // The face's centre: the global motion plus the shift put it 6 right and 4 up. The corners stay
    // (their shifts undo the part of the global motion the face pulled it by).
    const [fx, fy] = shiftAt(field, 80, 60);
    expect(Math.abs(gx + fx - 86)).toBeLessThan(0.5);
    expect(Math.abs(gy + fy - 56)).toBeLessThan(0.5);
    for (const [x, y] of [[10, 10], [150, 10], [10, 110], [150, 110]]) {
      const [mx, my] = applyAffine(tracked, x, y);
      const [sx, sy] = shiftAt(field, mx, my);
      expect(Math.hypot(mx + sx - x, my + sy - y)).toBeLessThan(0.5);
    }
  });

  it('is still where nothing moves on its own: an unchanged frame, and a frame moved as a whole', () => {
    const key = grayImage(render(160, 120), 160, 120);
    expect(isStill(estimateShiftField(key, key, IDENTITY_AFFINE))).toBe(true);
    const moved = grayImage(render(160, 120), 160, 120);
    const shifted = { ...moved, data: new Float32Array(moved.data.length) };
    // The whole picture shifted right by 3 pixels (the edge column repeated).
    for (let y = 0; y < 120; y++) for (let x = 0; x < 160; x++) shifted.data[y * 160 + x] = moved.data[y * 160 + Math.max(0, x - 3)];
    const tracked = estimateMotion(key, shifted);
    expect(tracked[2]).toBeCloseTo(3, 0);
    expect(isStill(estimateShiftField(key, shifted, tracked))).toBe(true);
  });

  it('scales to frame pixels, with the crop corner', () => {
    const key = grayImage(render(160, 120), 160, 120);
    const field = estimateShiftField(key, grayImage(render(160, 120, 6, -4), 160, 120), IDENTITY_AFFINE);
    const big = scaleShiftField(field, 2, 100, 0);
    const [sx, sy] = shiftAt(field, 80, 60);
    const [bx, by] = shiftAt(big, 100 + 160, 120);
    expect(bx).toBeCloseTo(2 * sx, 4);
    expect(by).toBeCloseTo(2 * sy, 4);
  });
});

describe('strokes on a part that moves on its own', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('follow the face, while strokes on the background stay, on the CPU and on the backend alike', async () => {
    const key = render(160, 120);
    const frame = render(160, 120, 8, 5);
    // A bar across the face (rows 56–61) and one on the still background (rows 8–13).
    const painting = paintedBar(paintedBar(key, [56, 62], [60, 100]), [8, 14], [40, 120]);
    const layer = createStrokeLayer(painting, key, 60);
    const keyGray = grayImage(key, 160, 120);
    const frameGray = grayImage(frame, 160, 120);
    const tracked = estimateMotion(keyGray, frameGray);
    const field = estimateShiftField(keyGray, frameGray, tracked);
    const withField = applyStrokeLayer(frame, layer, tracked, field);
    const globalOnly = applyStrokeLayer(frame, layer, tracked);
    // The face's bar moved down by 5 (rows 61–66) and right by 8; only the field carries it there.
    for (const x of [72, 85, 100]) {
      expect(isMagenta(withField.data, (64 * 160 + x) * 4)).toBe(true);
      expect(isMagenta(globalOnly.data, (64 * 160 + x) * 4)).toBe(false);
    }
    expect(isMagenta(withField.data, (57 * 160 + 64) * 4)).toBe(false);
    // The background's bar stays where it was painted.
    for (const x of [45, 80, 115]) expect(isMagenta(withField.data, (10 * 160 + x) * 4)).toBe(true);

    const residual = strokeResidualTensor(rgb(painting), rgb(key), 60);
    const output = applyStrokeLayerTensor(rgb(frame), residual, tracked, field);
    const values = await output.data();
    let worst = 0;
    for (let i = 0; i < 160 * 120; i++) for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(values[i * 3 + c] - withField.data[i * 4 + c]));
    expect(worst).toBeLessThanOrEqual(1);
    tf.dispose([residual, output]);
  });

  it('follow the face in the live preview on both paths, leaking no tensors', async () => {
    const generator = createGenerator({ ...NETWORKS.mobile, name: 'layered', strokeLayer: { threshold: 60 } } as NetworkConfig, 3);
    const key = render(192, 144);
    const keyframe = { input: key, styled: paintedBar(key, [68, 74], [75, 120]) };
    const live = new LiveStylizer();
    const onBackend = new LiveStylizer();
    // The face moves in two steps, as in a stream.
    for (const [dx, dy] of [[4, 3], [9, 6]] as const) {
      const frame = render(192, 144, dx, dy);
      const cpu = await live.stylize(generator, keyframe, frame, 1);
      const frameTensor = rgb(frame);
      const start = tf.memory().numTensors;
      const output = onBackend.stylizeTensor(generator, keyframe, frameTensor, halveImage(frame), 1);
      const values = await output.data();
      output.dispose();
      if (dx === 9) {
        for (const x of [88, 100, 112]) {
          expect(isMagenta(cpu.data, (77 * 192 + x) * 4)).toBe(true);
          expect(isMagenta(values, (77 * 192 + x) * 3)).toBe(true);
        }
        expect(isMagenta(cpu.data, (70 * 192 + 80) * 4)).toBe(false);
        // Kept: the last frame's network output and frame; nothing else.
        expect(tf.memory().numTensors).toBe(start + 0);
      }
      frameTensor.dispose();
    }
    live.dispose();
    onBackend.dispose();
    generator.dispose();
  });
});
