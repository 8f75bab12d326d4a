// A new stroke in the live engine (both workers, WASM): its echo, the frame on screen again with the
// new strokes, comes back before the frames already waiting in the stylizing worker, so the preview
// shows a stroke one frame sooner.
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend';
import { NETWORKS } from '../../src/lib/ml/config';
import { createGenerator } from '../../src/lib/ml/generator';
import { encodeWeightsAsync } from '../../src/lib/ml/weights';
import type { StylizedFrame } from '../../src/lib/worker/api';
import { progressProxy, startComputeWorker } from '../../src/lib/worker/client';

const WIDTH = 128;
const HEIGHT = 96;

/** A smooth, textured scene (something to track). */
function scene(): ImageData {
  const data = new Uint8ClampedArray(WIDTH * HEIGHT * 4);
  for (let y = 0; y < HEIGHT; y++)
    for (let x = 0; x < WIDTH; x++)
      data.set([120 + 60 * Math.sin(x / 9) * Math.cos(y / 7), 110 + 50 * Math.cos((x + y) / 11), 100 + 50 * Math.sin((x - 2 * y) / 13), 255], (y * WIDTH + x) * 4);
  return new ImageData(data, WIDTH, HEIGHT);
}

/** The scene with a magenta bar over rows `top`…`top + 6`. */
function painted(top: number): ImageData {
  const image = scene();
  for (let y = top; y < top + 6; y++) for (let x = 24; x < 104; x++) image.data.set([255, 0, 255], (y * WIDTH + x) * 4);
  return image;
}

/** Whether the bitmap is magenta at (x, y). */
function magentaAt(bitmap: ImageBitmap, x: number, y: number): boolean {
  const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  const [r, g, b] = context.getImageData(x, y, 1, 1).data;
  return r > 200 && g < 70 && b > 200;
}

describe('stroke echo', () => {
  it('shows a new stroke on the frame on screen ahead of the frames waiting', async () => {
    // The page makes the weights; the engine's workers run their own backends.
    await initBackend(['cpu']);
    const engine = startComputeWorker('parallel');
    try {
      const report = await engine.api.init({ preference: ['wasm'] });
      expect(report.backend).toBe('wasm');
      await engine.api.loadWeights(await encodeWeightsAsync(createGenerator(NETWORKS.mobile, 7)));
      await engine.api.setKeyframes([{ input: scene(), painting: painted(20), mask: null }]);
      const shown = await engine.api.stylize(await createImageBitmap(scene()));
      expect(shown).not.toBeNull();
      expect(magentaAt(shown!.image, 60, 22)).toBe(true);
      expect(magentaAt(shown!.image, 60, 62)).toBe(false);

      // Training runs (while it is paused the training worker would take the second frame), two frames
      // go in (one runs, one waits), then the person paints a second bar.
      await engine.api.startTraining(progressProxy(() => {}));
      const order: string[] = [];
      const track = (name: string, frame: Promise<StylizedFrame | null>) => frame.then((result) => (order.push(name), result));
      const next = track('frame', engine.api.stylize(await createImageBitmap(scene())));
      const after = track('frame', engine.api.stylize(await createImageBitmap(scene())));
      const update = engine.api.updatePainting(0, painted(60), null);
      const echo = await track('echo', engine.api.echoStrokes());
      await Promise.all([next, after, update]);

      expect(echo).not.toBeNull();
      expect(magentaAt(echo!.image, 60, 62)).toBe(true);
      expect(magentaAt(echo!.image, 60, 22)).toBe(false);
      // It came before the frame that waited behind the running one.
      expect(order.indexOf('echo')).toBeLessThan(order.lastIndexOf('frame'));
      // And the frames after it carry the stroke too.
      expect(magentaAt((await after)!.image, 60, 62)).toBe(true);
    } finally {
      engine.terminate();
    }
  });
});
