// The stylizing worker's frame path on WebGPU (SwiftShader): the frame goes in as an ImageBitmap and
// comes out as one with no readback to the CPU. Headless Chromium on SwiftShader cannot present a
// WebGPU canvas (it stays blank and reading it back fails), so the pixels are checked only where it
// can; the start-up check sees that and the preview falls back to reading frames back. A new
// stroke's echo (the last frame with the new painting) stays on the GPU too.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend';
import { NETWORKS, type NetworkConfig } from '../../src/lib/ml/config';
import { createGenerator } from '../../src/lib/ml/generator';
import { stylize } from '../../src/lib/ml/stylize';
import { encodeWeightsAsync } from '../../src/lib/ml/weights';
import { FrameStylizer, gpuDrawWorks } from '../../src/lib/worker/frame-stylizer';
import { countGpuCalls, gpuCalls } from '../../src/lib/worker/gpu-counters';

// SwiftShader is slow: a tiny network on a tiny frame.
const TINY: NetworkConfig = { ...NETWORKS.mobile, name: 'tiny', stemFilters: 8, downFilters: [8, 8], residualBlocks: 1, upFilters: [8, 8], headFilters: 8 };
const WIDTH = 40;
const HEIGHT = 28;

/** A colourful test frame as ImageData. */
function frameData(): ImageData {
  const data = new Uint8ClampedArray(WIDTH * HEIGHT * 4);
  for (let y = 0; y < HEIGHT; y++)
    for (let x = 0; x < WIDTH; x++) data.set([(x * 9) % 256, (y * 13) % 256, ((x + y) * 5) % 256, 255], (y * WIDTH + x) * 4);
  return new ImageData(data, WIDTH, HEIGHT);
}

/** A copy of `input` with a magenta bar over rows [from, to). */
function paintedRows(input: ImageData, from: number, to: number): ImageData {
  const painting = new ImageData(input.data.slice(), WIDTH, HEIGHT);
  for (let y = from; y < to; y++) for (let x = 5; x < 35; x++) painting.data.set([255, 0, 255], (y * WIDTH + x) * 4);
  return painting;
}

/** The pixels of a bitmap, drawn on a 2D canvas. */
function pixelsOf(bitmap: ImageBitmap): Uint8ClampedArray {
  const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height).data;
}

describe('GPU-resident preview frames', () => {
  beforeAll(async () => {
    // One WebGPU backend for the page (a second adapter request fails on SwiftShader).
    const { backend, notes } = await initBackend(['webgpu'], { allowSoftwareGpu: true, purpose: 'inference' });
    expect(backend, notes.join('; ')).toBe('webgpu');
    countGpuCalls();
  });

  it('stylize a WebGPU frame with 0 readbacks (and match the readback path where canvases can be read back)', async () => {
    const generator = createGenerator(TINY, 3);
    const stylizer = new FrameStylizer(true);
    stylizer.setWeights(await encodeWeightsAsync(generator));

    const input = frameData();
    // One warm-up frame (shader compilation), then count one frame.
    (await stylizer.stylize(await createImageBitmap(input), 1)).close();
    const before = { ...gpuCalls };
    const output = await stylizer.stylize(await createImageBitmap(input), 1);
    expect(gpuCalls.readbacks - before.readbacks).toBe(0);
    expect(gpuCalls.submits - before.submits).toBeGreaterThan(0);
    expect([output.width, output.height]).toEqual([WIDTH, HEIGHT]);
    const shown = pixelsOf(output);
    output.close();

    if (gpuDrawWorks()) {
      // Where canvases work, the frame shows what the ML core's readback path computes.
      const reference = await stylize(generator, input);
      let worst = 0;
      for (let i = 0; i < shown.length; i += 4)
        for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(shown[i + c] - reference.data[i + c]));
      expect(worst).toBeLessThanOrEqual(2);
    }
    stylizer.clear();
    generator.dispose();
  });

  it('carry the painted strokes into a WebGPU frame with 0 readbacks (tracking reads only a small copy)', async () => {
    const generator = createGenerator({ ...TINY, strokeLayer: { threshold: 60 } }, 3);
    const stylizer = new FrameStylizer(true);
    stylizer.setWeights(await encodeWeightsAsync(generator));
    const input = frameData();
    stylizer.setReferences([{ input, styled: paintedRows(input, 10, 16) }]);

    // The first frame builds the stroke layer on the GPU; the next one only moves and adds it.
    (await stylizer.stylize(await createImageBitmap(input), 1)).close();
    const before = { ...gpuCalls };
    const output = await stylizer.stylize(await createImageBitmap(input), 1);
    expect(gpuCalls.readbacks - before.readbacks).toBe(0);
    expect([output.width, output.height]).toEqual([WIDTH, HEIGHT]);
    const shown = pixelsOf(output);
    output.close();
    if (gpuDrawWorks()) {
      // Where canvases work, the painted bar is on the frame.
      const at = (x: number, y: number) => [...shown.subarray((y * WIDTH + x) * 4, (y * WIDTH + x) * 4 + 3)];
      const [r, g, b] = at(20, 13);
      expect(r > 200 && g < 70 && b > 200, `pixel ${[r, g, b]}`).toBe(true);
    }
    stylizer.clear();
    generator.dispose();
  });

  it('echo a new stroke on the last WebGPU frame with 0 readbacks', async () => {
    const generator = createGenerator({ ...TINY, strokeLayer: { threshold: 60 } }, 3);
    const stylizer = new FrameStylizer(true);
    stylizer.setWeights(await encodeWeightsAsync(generator));
    const input = frameData();
    stylizer.setReferences([{ input, styled: paintedRows(input, 4, 9) }]);
    (await stylizer.stylize(await createImageBitmap(input), 1)).close();
    // One echo to build the new painting's layer (its shaders compile), then count the next stroke's echo.
    stylizer.setReferences([{ input, styled: paintedRows(input, 12, 17) }]);
    (await stylizer.restroke(1))!.close();
    stylizer.setReferences([{ input, styled: paintedRows(input, 19, 24) }]);
    const before = { ...gpuCalls };
    const echo = await stylizer.restroke(1);
    expect(gpuCalls.readbacks - before.readbacks).toBe(0);
    expect(echo).not.toBeNull();
    expect([echo!.width, echo!.height]).toEqual([WIDTH, HEIGHT]);
    const shown = pixelsOf(echo!);
    echo!.close();
    if (gpuDrawWorks()) {
      const at = (x: number, y: number) => [...shown.subarray((y * WIDTH + x) * 4, (y * WIDTH + x) * 4 + 3)];
      const [r, g, b] = at(20, 21);
      expect(r > 200 && g < 70 && b > 200, `pixel ${[r, g, b]}`).toBe(true);
    }
    stylizer.clear();
    generator.dispose();
  });

  it('switch to the strokes of the keyframe the frame shows with 0 readbacks', async () => {
    const generator = createGenerator({ ...TINY, strokeLayer: { threshold: 60 } }, 3);
    const stylizer = new FrameStylizer(true);
    stylizer.setWeights(await encodeWeightsAsync(generator));
    const first = frameData();
    // Another view: other stripes, not a moved copy of the first.
    const second = new ImageData(WIDTH, HEIGHT);
    for (let y = 0; y < HEIGHT; y++)
      for (let x = 0; x < WIDTH; x++) second.data.set([((x * x + 3 * y) * 7) % 256, 255 - ((x * 11 + y * y) % 256), (y * 29) % 256, 255], (y * WIDTH + x) * 4);
    stylizer.setReferences([
      { input: first, styled: paintedRows(first, 4, 9) },
      { input: second, styled: paintedRows(second, 19, 24) }
    ]);
    // Both keyframes' layers are built once (shaders compile); then each change of view is counted.
    for (const view of [first, second]) (await stylizer.stylize(await createImageBitmap(view), 1)).close();
    for (const view of [first, second]) {
      const before = { ...gpuCalls };
      const output = await stylizer.stylize(await createImageBitmap(view), 1);
      expect(gpuCalls.readbacks - before.readbacks).toBe(0);
      const shown = pixelsOf(output);
      output.close();
      if (gpuDrawWorks()) {
        const magenta = (y: number) => {
          const [r, g, b] = shown.subarray((y * WIDTH + 20) * 4, (y * WIDTH + 20) * 4 + 3);
          return r > 200 && g < 70 && b > 200;
        };
        expect([magenta(6), magenta(21)]).toEqual(view === first ? [true, false] : [false, true]);
      }
    }
    stylizer.clear();
    generator.dispose();
  });
});
