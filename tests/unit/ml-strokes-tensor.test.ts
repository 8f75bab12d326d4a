import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend';
import { NETWORKS, type NetworkConfig } from '../../src/lib/ml/config';
import { createGenerator, type Generator } from '../../src/lib/ml/generator';
import { LiveStylizer } from '../../src/lib/ml/live';
import type { Affine } from '../../src/lib/ml/motion';
import type { RgbaImage } from '../../src/lib/ml/types';
import { halveImage, paintedBar, rgb, scene } from './support/images';

// The GPU-resident preview adds the stroke layer with tensor ops; it must show what the CPU path shows.
// A new stroke shows at once: on the next frame without a pass over the keyframe, and on the last
// frame again (its echo) without any pass at all.

/** Counts the passes of `generator`'s network from now on (set `passes` back to 0 to count afresh). */
function countPasses(generator: Generator): { passes: number } {
  const counter = { passes: 0 };
  const apply = generator.apply.bind(generator);
  generator.apply = (...args: Parameters<typeof apply>) => {
    counter.passes += 1;
    return apply(...args);
  };
  return counter;
}

describe('stroke layer on tensors', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('shows the painted bar where the CPU path shows it, from a small tracking copy, leaking no tensors once built', async () => {
    const network: NetworkConfig = { ...NETWORKS.mobile, name: 'layered', strokeLayer: { threshold: 60 } };
    const generator = createGenerator(network, 3);
    const input = scene(128, 96);
    const painting = { ...input, data: input.data.slice() };
    for (let y = 30; y < 38; y++) for (let x = 24; x < 96; x++) painting.data.set([255, 0, 255], (y * 128 + x) * 4);
    const keyframe = { input, styled: painting };
    const frame = scene(128, 96, 6, 9);
    const small = halveImage(frame);

    const cpu = await new LiveStylizer().stylize(generator, keyframe, frame, 1);
    const live = new LiveStylizer();
    const frameTensor = rgb(frame);
    // Inside a tidy, as the preview worker calls it: the stroke layer it builds must outlive the scope.
    tf.tidy(() => live.stylizeTensor(generator, keyframe, frameTensor, small, 1)).dispose();
    const before = tf.memory().numTensors;
    const output = live.stylizeTensor(generator, keyframe, frameTensor, small, 1);
    const values = await output.data();
    output.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const isMagenta = (r: number, g: number, b: number) => r > 200 && g < 70 && b > 200;
    const gpuAt = (x: number, y: number) => isMagenta(values[(y * 128 + x) * 3], values[(y * 128 + x) * 3 + 1], values[(y * 128 + x) * 3 + 2]);
    const cpuAt = (x: number, y: number) => isMagenta(cpu.data[(y * 128 + x) * 4], cpu.data[(y * 128 + x) * 4 + 1], cpu.data[(y * 128 + x) * 4 + 2]);
    // The bar moved by (6, 9): both paths show it at rows 39–46 and no longer at its keyframe rows.
    for (const x of [40, 60, 90]) {
      expect(gpuAt(x, 42)).toBe(true);
      expect(cpuAt(x, 42)).toBe(true);
      expect(gpuAt(x, 32)).toBe(false);
    }
    // Everywhere the two paths agree to a couple of levels (tracking from the small copy differs by a fraction of a pixel).
    let total = 0;
    for (let i = 0; i < 128 * 96; i++) for (let c = 0; c < 3; c++) total += Math.abs(values[i * 3 + c] - cpu.data[i * 4 + c]);
    expect(total / (128 * 96 * 3)).toBeLessThan(3);

    frameTensor.dispose();
    live.dispose();
    generator.dispose();
  });

  it('stylizes with the network alone when there is no painted keyframe to carry strokes from', () => {
    const generator = createGenerator({ ...NETWORKS.mobile, name: 'layered', strokeLayer: { threshold: 60 } } as NetworkConfig, 3);
    const frame = rgb(scene(64, 48));
    const live = new LiveStylizer();
    const before = tf.memory().numTensors;
    const output = live.stylizeTensor(generator, undefined, frame, scene(32, 24), 0);
    expect(output.shape).toEqual([48, 64, 3]);
    output.dispose();
    expect(tf.memory().numTensors).toBe(before);
    frame.dispose();
    generator.dispose();
  });

  it('carries strokes painted on a keyframe cropped from the middle of a wider frame (as the studio crops it), on both paths', async () => {
    const generator = createGenerator({ ...NETWORKS.mobile, name: 'layered', strokeLayer: { threshold: 60 } } as NetworkConfig, 3);
    // The camera frame is 128×64; the keyframe is its centred 64×64 crop with a bar painted across it.
    const wide = scene(128, 64);
    const input: RgbaImage = { width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4) };
    for (let y = 0; y < 64; y++) input.data.set(wide.data.subarray((y * 128 + 32) * 4, (y * 128 + 96) * 4), y * 64 * 4);
    const painting = { ...input, data: input.data.slice() };
    for (let y = 20; y < 28; y++) for (let x = 8; x < 56; x++) painting.data.set([255, 0, 255], (y * 64 + x) * 4);
    const keyframe = { input, styled: painting };
    // The camera moved the content by (5, 7): the bar belongs at x 45–92 of the wide frame, rows 27–34.
    const frame = scene(128, 64, 5, 7);
    const isMagenta = (data: ArrayLike<number>, at: number) => data[at] > 200 && data[at + 1] < 70 && data[at + 2] > 200;

    const cpu = await new LiveStylizer().stylize(generator, keyframe, frame, 1);
    const frameTensor = rgb(frame);
    const live = new LiveStylizer();
    const gpu = live.stylizeTensor(generator, keyframe, frameTensor, halveImage(frame), 1);
    const values = await gpu.data();
    gpu.dispose();
    for (const x of [50, 70, 88]) {
      expect(isMagenta(cpu.data, (30 * 128 + x) * 4)).toBe(true);
      expect(isMagenta(values, (30 * 128 + x) * 3)).toBe(true);
    }
    // Not at the keyframe's own place in the frame (x + 32, rows 20–27 → unmoved would be row 22), nor outside the crop's reach.
    expect(isMagenta(cpu.data, (22 * 128 + 60) * 4)).toBe(false);
    expect(isMagenta(cpu.data, (30 * 128 + 20) * 4)).toBe(false);
    frameTensor.dispose();
    live.dispose();
    generator.dispose();
  });

  it('shows a new stroke on the same keyframe in the next frame without running the network on the keyframe again, on both paths', async () => {
    const generator = createGenerator({ ...NETWORKS.mobile, name: 'layered', strokeLayer: { threshold: 60 } } as NetworkConfig, 3);
    const counter = countPasses(generator);
    const input = scene(96, 64);
    // A new copy of the same keyframe each time, as the stylizing worker receives it.
    const painted = (rows: [number, number]) => ({ input: { ...input, data: input.data.slice() }, styled: paintedBar(input, rows, [10, 80]) });
    const isMagenta = (data: ArrayLike<number>, at: number) => data[at] > 200 && data[at + 1] < 70 && data[at + 2] > 200;
    const frame = scene(96, 64);
    const frameTensor = rgb(frame);
    const first = painted([10, 16]);
    const cpu = new LiveStylizer();
    const gpu = new LiveStylizer();
    await cpu.stylize(generator, first, frame, 1);
    gpu.stylizeTensor(generator, first, frameTensor, frame, 1).dispose();

    // A second stroke lower down: the same keyframe (equal pixels, kept as the same image, as FrameStylizer.setReference does).
    const second = { ...painted([40, 46]), input: first.input };
    counter.passes = 0;
    const cpuOut = await cpu.stylize(generator, second, frame, 2);
    const gpuTensor = gpu.stylizeTensor(generator, second, frameTensor, frame, 2);
    const gpuOut = await gpuTensor.data();
    gpuTensor.dispose();
    // One pass each for the frame itself, none for the keyframe.
    expect(counter.passes).toBe(2);
    expect(isMagenta(cpuOut.data, (43 * 96 + 40) * 4)).toBe(true);
    expect(isMagenta(gpuOut, (43 * 96 + 40) * 3)).toBe(true);
    // The first stroke is gone from the painting, so from the frame too.
    expect(isMagenta(cpuOut.data, (13 * 96 + 40) * 4)).toBe(false);
    expect(isMagenta(gpuOut, (13 * 96 + 40) * 3)).toBe(false);

    // Weights 20 steps on: the network runs on the keyframe again (what it misses has changed).
    counter.passes = 0;
    await cpu.stylize(generator, second, frame, 22);
    expect(counter.passes).toBe(2);
    frameTensor.dispose();
    gpu.dispose();
    generator.dispose();
  });

  it('echoes a new stroke on the last frame where it moved to, with no pass of the network', async () => {
    const generator = createGenerator({ ...NETWORKS.mobile, name: 'layered', strokeLayer: { threshold: 60 } } as NetworkConfig, 3);
    const counter = countPasses(generator);
    const input = scene(128, 96);
    const painted = (rows: [number, number]) => ({ input, styled: paintedBar(input, rows, [24, 96]) });
    const isMagenta = (data: ArrayLike<number>, x: number, y: number) => {
      const at = (y * 128 + x) * 4;
      return data[at] > 200 && data[at + 1] < 70 && data[at + 2] > 200;
    };
    const live = new LiveStylizer();
    // Nothing stylized yet: nothing to echo.
    expect(await live.restroke(generator, painted([20, 26]), 1)).toBeNull();

    // The camera moved by (6, 9) since the keyframe.
    const frame = scene(128, 96, 6, 9);
    const shown = await live.stylize(generator, painted([20, 26]), frame, 1);
    counter.passes = 0;
    const echo = await live.restroke(generator, painted([50, 56]), 1);
    expect(counter.passes).toBe(0);
    expect(echo).not.toBeNull();
    // The new bar where the motion puts it (rows 59–64), the old one gone, the rest of the frame as shown.
    expect(isMagenta(echo!.data, 60, 61)).toBe(true);
    expect(isMagenta(echo!.data, 60, 32)).toBe(false);
    expect(isMagenta(shown.data, 60, 32)).toBe(true);
    // The rest is what a fresh pass with the new painting shows, and (the early mix's weight moved a
    // little with the painting, blend.ts) within a level or two of the frame as shown.
    const fresh = await new LiveStylizer().stylize(generator, painted([50, 56]), frame, 1);
    expect(Array.from(echo!.data)).toEqual(Array.from(fresh.data));
    for (let i = 0; i < 4 * 128 * 10; i++) expect(Math.abs(echo!.data[i] - shown.data[i])).toBeLessThanOrEqual(2);

    // Another keyframe's painting cannot be echoed on a frame tracked from this one.
    const other = { input: scene(128, 96, 30, 0), styled: painted([50, 56]).styled };
    expect(await live.restroke(generator, other, 1)).toBeNull();
    live.dispose();
    generator.dispose();
  });

  it('echoes a new stroke on the last frame kept on the backend, as a fresh frame would show it, and frees what it kept', async () => {
    const generator = createGenerator({ ...NETWORKS.mobile, name: 'layered', strokeLayer: { threshold: 60 } } as NetworkConfig, 3);
    const input = scene(128, 96);
    const painted = (rows: [number, number]) => ({ input, styled: paintedBar(input, rows, [24, 96]) });
    const frame = scene(128, 96, 6, 9);
    const frameTensor = rgb(frame);
    const small = halveImage(frame);
    const start = tf.memory().numTensors;
    const live = new LiveStylizer();
    expect(live.restrokeTensor(generator, painted([20, 26]), 1)).toBeNull();
    // As the preview worker calls it, inside a tidy.
    tf.tidy(() => live.stylizeTensor(generator, painted([20, 26]), frameTensor, small, 1)).dispose();

    const counter = countPasses(generator);
    const second = painted([50, 56]);
    const echo = live.restrokeTensor(generator, second, 1)!;
    expect(counter.passes).toBe(0);
    const echoed = await echo.data();
    echo.dispose();
    // The same frame stylized afresh with the new painting (same weights, same motion) looks the same.
    const fresh = new LiveStylizer();
    const direct = fresh.stylizeTensor(generator, second, frameTensor, small, 1);
    const expected = await direct.data();
    direct.dispose();
    fresh.dispose();
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(echoed[i] - expected[i]));
    expect(worst).toBeLessThan(1e-3);
    const magentaAt = (x: number, y: number) => {
      const at = (y * 128 + x) * 3;
      return echoed[at] > 200 && echoed[at + 1] < 70 && echoed[at + 2] > 200;
    };
    expect(magentaAt(60, 61)).toBe(true);
    expect(magentaAt(60, 32)).toBe(false);

    // A frame from another keyframe has nothing to echo, and dispose frees the kept network output.
    expect(live.restrokeTensor(generator, { input: scene(128, 96, 30, 0), styled: second.styled }, 1)).toBeNull();
    live.dispose();
    expect(tf.memory().numTensors).toBe(start);
    frameTensor.dispose();
    generator.dispose();
  });
});
