// The live preview's drawing: a stylized frame is drawn once, and a camera frame once per frame the
// camera presents, not at the display's refresh rate (the cores it would spend are the workers'); the
// compare gesture still switches between the two.
import { describe, expect, it } from 'vitest';
import type { FrameSource } from '../../src/lib/camera/frames';
import { PreviewLoop, type PreviewDeps } from '../../src/lib/studio/preview';
import type { StylizedFrame } from '../../src/lib/worker/api';

/** A bitmap of one colour. */
function solid(width: number, height: number, colour: string): Promise<ImageBitmap> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  context.fillStyle = colour;
  context.fillRect(0, 0, width, height);
  return createImageBitmap(canvas);
}

/** A canvas on the page (shown at a CSS size when given), as the studio's preview is; remove it when done. */
function pageCanvas(width?: string, height?: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  if (width && height) Object.assign(canvas.style, { width, height });
  document.body.append(canvas);
  return canvas;
}

/** A preview of `camera` at a 64-px working side that stylizes, one frame at a time, with `stylize`; `changes` replace any of that. */
function previewOf(camera: FrameSource, stylize: PreviewDeps['stylize'], changes: Partial<PreviewDeps> = {}): PreviewDeps {
  return {
    source: () => camera,
    mirrored: () => false,
    showOriginal: () => false,
    stylizing: () => true,
    stylize,
    maxInFlight: () => 1,
    onFrame: () => {},
    onFailure: () => {},
    fixedSide: 64,
    ...changes
  };
}

const animationFrames = (count: number) =>
  new Promise<void>((resolve) => {
    let left = count;
    const next = () => (--left <= 0 ? resolve() : requestAnimationFrame(next));
    requestAnimationFrame(next);
  });

describe('PreviewLoop', () => {
  it('draws each stylized frame once, and the camera again while the original is shown', async () => {
    const camera = await solid(64, 48, 'rgb(0, 0, 255)');
    const styled = await solid(64, 48, 'rgb(255, 0, 0)');
    const canvas = pageCanvas('64px', '48px');
    let showOriginal = false;
    let answered = false;
    const loop = new PreviewLoop(
      canvas,
      previewOf(
        camera,
        // One frame comes back; later requests stay in the engine.
        (frame) => {
          frame.close();
          if (answered) return new Promise<StylizedFrame | null>(() => {});
          answered = true;
          return Promise.resolve({ image: styled, inferenceMs: 5, step: 1 });
        },
        { showOriginal: () => showOriginal }
      )
    );
    // The loop's context is the canvas's one 2D context: count what it draws.
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    const drawn: CanvasImageSource[] = [];
    const drawImage = context.drawImage.bind(context) as (...args: unknown[]) => void;
    context.drawImage = ((...args: unknown[]) => {
      drawn.push(args[0] as CanvasImageSource);
      drawImage(...args);
    }) as typeof context.drawImage;
    const red = () => Array.from(context.getImageData(32, 24, 1, 1).data.slice(0, 3));

    loop.start();
    await animationFrames(20);
    expect(drawn.filter((image) => image === styled)).toHaveLength(1);
    expect(red()).toEqual([255, 0, 0]);

    showOriginal = true;
    await animationFrames(3);
    expect(red()).toEqual([0, 0, 255]);
    showOriginal = false;
    await animationFrames(3);
    expect(red()).toEqual([255, 0, 0]);
    expect(drawn.filter((image) => image === styled)).toHaveLength(2);
    loop.stop();
    canvas.remove();
  });

  it('asks again at once when told new weights came, instead of waiting out the idle retry', async () => {
    const camera = await solid(64, 48, 'rgb(0, 0, 255)');
    const canvas = pageCanvas();
    const asked: number[] = [];
    let secondAsk: () => void = () => {};
    const asking = new Promise<void>((resolve) => (secondAsk = resolve));
    const loop = new PreviewLoop(
      canvas,
      // No weights yet: the first request comes back empty; the second is held.
      previewOf(camera, (frame) => {
        frame.close();
        asked.push(performance.now());
        if (asked.length === 2) secondAsk();
        return asked.length === 1 ? Promise.resolve(null) : new Promise<StylizedFrame | null>(() => {});
      })
    );
    loop.start();
    await expect.poll(() => asked.length).toBe(1);
    // The empty answer has been taken in: the loop now waits IDLE_RETRY_MS (300 ms) before asking again.
    await animationFrames(1);
    const told = performance.now();
    loop.retryNow();
    await Promise.race([asking, new Promise((resolve) => setTimeout(resolve, 1000))]);
    expect(asked).toHaveLength(2);
    expect(asked[1] - told).toBeLessThan(150);
    loop.stop();
    canvas.remove();
  });

  it('says so when frames keep failing, and takes it back when one comes through', async () => {
    const camera = await solid(64, 48, 'rgb(0, 0, 255)');
    const styled = await solid(64, 48, 'rgb(255, 0, 0)');
    const canvas = pageCanvas();
    let failing = true;
    let asked = 0;
    const reports: (string | null)[] = [];
    const loop = new PreviewLoop(
      canvas,
      previewOf(
        camera,
        (frame) => {
          frame.close();
          asked += 1;
          return failing ? Promise.reject(new Error('frames differ in size')) : Promise.resolve({ image: styled, inferenceMs: 5, step: 1 });
        },
        { onFailure: (message) => reports.push(message) }
      )
    );
    loop.start();
    // Each failure waits out the idle retry (300 ms) before the next ask: the third one reports.
    await expect.poll(() => asked, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    expect(reports).toEqual([]);
    await expect.poll(() => reports, { timeout: 5_000 }).toEqual(['frames differ in size']);
    failing = false;
    await expect.poll(() => reports, { timeout: 5_000 }).toEqual(['frames differ in size', null]);
    loop.stop();
    canvas.remove();
  });

  it('draws the camera once per frame it presents', async () => {
    // A camera whose picture changes only when the test paints it.
    const scene = document.createElement('canvas');
    scene.width = 64;
    scene.height = 48;
    const painter = scene.getContext('2d')!;
    const paint = (colour: string) => {
      painter.fillStyle = colour;
      painter.fillRect(0, 0, 64, 48);
    };
    paint('rgb(0, 255, 0)');
    const stream = scene.captureStream(0);
    const camera = document.createElement('video');
    camera.muted = true;
    camera.srcObject = stream;
    document.body.append(camera);
    const track = stream.getVideoTracks()[0] as MediaStreamTrack & { requestFrame(): void };
    const presented = () => new Promise<void>((resolve) => camera.requestVideoFrameCallback(() => resolve()));
    // play() resolves once a frame is there, and a captureStream(0) track has one only when asked.
    const first = presented();
    const playing = camera.play();
    track.requestFrame();
    await playing;
    await first;

    const canvas = pageCanvas('64px', '48px');
    const loop = new PreviewLoop(canvas, previewOf(camera, () => Promise.resolve(null), { stylizing: () => false }));
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    let draws = 0;
    const drawImage = context.drawImage.bind(context) as (...args: unknown[]) => void;
    context.drawImage = ((...args: unknown[]) => {
      if (args[0] === camera) draws += 1;
      drawImage(...args);
    }) as typeof context.drawImage;
    const centre = () => Array.from(context.getImageData(32, 24, 1, 1).data.slice(0, 3));

    loop.start();
    await animationFrames(20);
    expect(draws).toBe(1);
    expect(centre()).toEqual([0, 255, 0]);

    // A new camera frame is drawn.
    paint('rgb(255, 255, 0)');
    const next = presented();
    track.requestFrame();
    await next;
    await animationFrames(5);
    expect(draws).toBe(2);
    expect(centre()).toEqual([255, 255, 0]);
    loop.stop();
    stream.getTracks().forEach((t) => t.stop());
    camera.remove();
    canvas.remove();
  });
});
