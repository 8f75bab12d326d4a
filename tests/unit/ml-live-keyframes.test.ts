import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend';
import { NETWORKS, type NetworkConfig } from '../../src/lib/ml/config';
import { createGenerator, type Generator } from '../../src/lib/ml/generator';
import { DEFAULT_GUIDE } from '../../src/lib/ml/guides';
import { LiveStylizer } from '../../src/lib/ml/live';
import { alignmentError, estimateMotion, grayImage, IDENTITY_AFFINE, sameView } from '../../src/lib/ml/motion';
import type { KeyframeExample, RgbaImage } from '../../src/lib/ml/types';
import { halveImage, paintedBar, rgb, scene } from './support/images';

// Two painted keyframes of different views (a face from the front and from the side, the room and
// the window): a frame carries the strokes of the keyframe it shows, not always the first one's.

const WIDTH = 192;
const HEIGHT = 144;

/** A second view, unlike `scene`: other shapes and colours, its content moved by (dx, dy). */
function otherView(width: number, height: number, dx = 0, dy = 0): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const u = x + 0.5 - dx;
      const v = y + 0.5 - dy;
      const rings = Math.sin(Math.hypot(u - 70, v - 60) / 7);
      data.set([90 + 60 * rings + 20 * Math.cos(v / 5), 140 + 45 * Math.sin((2 * u - v) / 9), 170 - 50 * rings * Math.cos(u / 17), 255], (y * width + x) * 4);
    }
  return { width, height, data };
}

/** `image` with the block over columns 100–196, rows 20–92 taken from `other` (a quarter of the picture). */
function withBlock(image: RgbaImage, other: RgbaImage): RgbaImage {
  const data = image.data.slice();
  for (let y = 20; y < 92; y++) data.set(other.data.subarray((y * WIDTH + 96) * 4, (y * WIDTH + WIDTH) * 4), (y * WIDTH + 96) * 4);
  return { ...image, data };
}

const isMagenta = (data: ArrayLike<number>, at: number) => data[at] > 200 && data[at + 1] < 70 && data[at + 2] > 200;

/** Whether the RGBA (4) or RGB (3) pixels show magenta at (x, y). */
const magentaAt = (data: ArrayLike<number>, channels: number, x: number, y: number) => isMagenta(data, (y * WIDTH + x) * channels);

/**
 * `frame` through `live` (the CPU path) and `onBackend` (the tensor path, tracked on a half-size copy):
 * the pixels of each with their channel count (RGBA, RGB).
 */
async function bothPaths(live: LiveStylizer, onBackend: LiveStylizer, generator: Generator, keyframes: KeyframeExample[], frame: RgbaImage): Promise<[ArrayLike<number>, number][]> {
  const cpu = await live.stylize(generator, keyframes, frame, 1);
  const frameTensor = rgb(frame);
  const output = onBackend.stylizeTensor(generator, keyframes, frameTensor, halveImage(frame), 1);
  const values = await output.data();
  output.dispose();
  frameTensor.dispose();
  return [
    [cpu.data, 4],
    [values, 3]
  ];
}

const layered = (): NetworkConfig => ({ ...NETWORKS.mobile, name: 'layered', strokeLayer: { threshold: 60 } }) as NetworkConfig;

const front = scene(WIDTH, HEIGHT);
const side = otherView(WIDTH, HEIGHT);
// Keyframe 1 has a bar near the top left, keyframe 2 one near the bottom right.
const first = { input: front, styled: paintedBar(front, [30, 36], [40, 90]) };
const second = { input: side, styled: paintedBar(side, [100, 106], [100, 150]) };

describe('alignment error', () => {
  it('is small for the right motion, larger for a wrong one or another view, and infinite off the frame', () => {
    const key = grayImage(scene(160, 120), 160, 120);
    const moved = grayImage(scene(160, 120, 5, -3), 160, 120);
    const right = alignmentError(key, moved, estimateMotion(key, moved));
    expect(right).toBeLessThan(1.5);
    expect(alignmentError(key, moved, IDENTITY_AFFINE)).toBeGreaterThan(4 * right);
    const view = grayImage(otherView(160, 120), 160, 120);
    expect(alignmentError(key, view, estimateMotion(key, view))).toBeGreaterThan(4 * right);
    expect(alignmentError(key, moved, [1, 0, 150, 0, 1, 0])).toBe(Infinity);
  });

  it('tells one view with something walked in from another view', () => {
    const key = grayImage(scene(WIDTH, HEIGHT), 160, 120);
    const shows = (frame: RgbaImage) => {
      const gray = grayImage(frame, 160, 120);
      return sameView(key, gray, estimateMotion(key, gray));
    };
    expect(shows(withBlock(scene(WIDTH, HEIGHT, 3, -2), otherView(WIDTH, HEIGHT)))).toBe(true);
    expect(shows(otherView(WIDTH, HEIGHT))).toBe(false);
  });
});

describe('strokes from several painted keyframes', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('come from the keyframe the frame shows, on the CPU and on the backend, leaking no tensors', async () => {
    const generator = createGenerator(layered(), 3);
    const live = new LiveStylizer();
    const onBackend = new LiveStylizer();
    const keyframes = [first, second];
    let settled = -1;
    // The front view, then the side view, then the front again: each moved a little, as in a stream.
    const frames: ['front' | 'side', number, number][] = [
      ['front', 3, 2],
      ['side', 2, -3],
      ['side', 4, -2],
      ['front', -2, 1]
    ];
    for (const [index, [view, dx, dy]] of frames.entries()) {
      const frame = view === 'front' ? scene(WIDTH, HEIGHT, dx, dy) : otherView(WIDTH, HEIGHT, dx, dy);
      for (const [data, channels] of await bothPaths(live, onBackend, generator, keyframes, frame)) {
        // The bar of the keyframe shown, moved with the frame; the other keyframe's bar nowhere.
        const shown = view === 'front' ? { row: 33, columns: [50, 65, 80] } : { row: 103, columns: [110, 125, 140] };
        const other = view === 'front' ? { row: 103, columns: [110, 125, 140] } : { row: 33, columns: [50, 65, 80] };
        for (const x of shown.columns) expect(magentaAt(data, channels, x + dx, shown.row + dy), `frame ${index}, ${view} bar at ${x}`).toBe(true);
        for (const x of other.columns) expect(magentaAt(data, channels, x, other.row), `frame ${index}, other bar at ${x}`).toBe(false);
      }
      // Switching keyframes replaces the stroke layer kept on the backend; it does not add one.
      if (index === 1) settled = tf.memory().numTensors;
      if (index === 3) expect(tf.memory().numTensors).toBe(settled);
    }
    live.dispose();
    onBackend.dispose();
    generator.dispose();
  });

  it('turn back to a keyframe without another pass of the network over it, once its layer is built', async () => {
    const generator = createGenerator(layered(), 3);
    const live = new LiveStylizer();
    const keyframes = [first, second];
    // The first frame of each view builds that keyframe's layer (one pass over the keyframe each).
    await live.stylize(generator, keyframes, front, 1);
    await live.stylize(generator, keyframes, side, 1);
    const passes = vi.spyOn(generator, 'apply');
    for (const view of [front, side, front, side]) await live.stylize(generator, keyframes, view, 1);
    // One pass per frame, none for the keyframes.
    expect(passes).toHaveBeenCalledTimes(4);
    live.dispose();
    generator.dispose();
  });

  it("carry a later keyframe of the same view with the first one, steadily, even where it matches the frame better", async () => {
    const generator = createGenerator(layered(), 3);
    const live = new LiveStylizer();
    // The same still view captured twice, something big having walked into the second capture (a
    // quarter of the picture); the camera then shows exactly the second capture, which it matches
    // many times better than the first: the second does not take over, its strokes join the first's.
    const again = withBlock(scene(WIDTH, HEIGHT, 0.5, 0), otherView(WIDTH, HEIGHT));
    const keyframes = [first, { input: again, styled: paintedBar(again, [100, 106], [100, 150]) }];
    for (let i = 0; i < 4; i++) {
      const output = await live.stylize(generator, keyframes, again, 1);
      expect(magentaAt(output.data, 4, 65, 33), `frame ${i}`).toBe(true);
      expect(magentaAt(output.data, 4, 125, 103), `frame ${i}`).toBe(true);
    }
    live.dispose();
    generator.dispose();
  });

  it("carry the strokes of every keyframe of the view, the earlier keyframe's where both painted, on both paths", async () => {
    const generator = createGenerator(layered(), 3);
    const live = new LiveStylizer();
    const onBackend = new LiveStylizer();
    // A second capture of the first view, 2 px to the right, painted with a bar of its own and over
    // the first keyframe's bar in green (the first keyframe's magenta stays there).
    const again = scene(WIDTH, HEIGHT, 2, 0);
    const green = paintedBar(again, [100, 106], [100, 150]);
    for (let y = 30; y < 36; y++) for (let x = 42; x < 92; x++) green.data.set([0, 255, 0], (y * WIDTH + x) * 4);
    const keyframes = [first, { input: again, styled: green }];
    const frame = scene(WIDTH, HEIGHT, 1, 0);
    for (let i = 0; i < 2; i++) {
      for (const [data, channels] of await bothPaths(live, onBackend, generator, keyframes, frame)) {
        // The first keyframe's bar, moved by 1 px; the second's, moved back by 1 px.
        for (const x of [50, 65, 80]) expect(magentaAt(data, channels, x + 1, 33), `first bar at ${x}`).toBe(true);
        for (const x of [110, 125, 140]) expect(magentaAt(data, channels, x - 1, 103), `second bar at ${x}`).toBe(true);
      }
    }
    live.dispose();
    onBackend.dispose();
    generator.dispose();
  });

  it('echo a new stroke on the keyframe the last frame carried, and only while it is still painted', async () => {
    const generator = createGenerator(layered(), 3);
    const live = new LiveStylizer();
    await live.stylize(generator, [first, second], otherView(WIDTH, HEIGHT), 1);
    const repainted = { input: side, styled: paintedBar(side, [60, 66], [20, 60]) };
    const echo = await live.restroke(generator, [first, repainted], 1);
    expect(echo).not.toBeNull();
    expect(magentaAt(echo!.data, 4, 40, 63)).toBe(true);
    expect(magentaAt(echo!.data, 4, 125, 103)).toBe(false);
    expect(await live.restroke(generator, [first], 1)).toBeNull();
    live.dispose();
    generator.dispose();
  });

  it('come from the first keyframe for guided networks, whose guide was learnt on it', async () => {
    const guided = { ...layered(), name: 'guided-layered', inputChannels: 6, guide: DEFAULT_GUIDE } as NetworkConfig;
    const generator = createGenerator(guided, 3);
    const live = new LiveStylizer();
    const output = await live.stylize(generator, [first, second], otherView(WIDTH, HEIGHT), 1);
    for (const x of [110, 125, 140]) expect(magentaAt(output.data, 4, x, 103)).toBe(false);
    live.dispose();
    generator.dispose();
  });
});
