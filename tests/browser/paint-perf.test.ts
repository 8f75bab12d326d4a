import { describe, expect, it } from 'vitest';
import { addStroke, createDocument, type PaintDocument, type Stroke, type StrokePoint } from '../../src/lib/paint/document';
import { renderMask, renderPainting } from '../../src/lib/paint/render';
import { PaintRenderer } from '../../src/lib/paint/renderer';
import { SeededRandom } from '../../src/lib/ml/random';

/** Uniform floats in [0, 1) from a seeded generator, so the cases are the same on every run. */
function random(seed: number): () => number {
  const generator = new SeededRandom(seed);
  return () => generator.next();
}

/** `count` wandering strokes of 80 points over a `width × height` image, some erasers and mask strokes. */
function busyDocument(width: number, height: number, count: number): PaintDocument {
  const next = random(7);
  let doc = createDocument(width, height);
  for (let index = 0; index < count; index++) {
    let x = next() * width;
    let y = next() * height;
    const points: StrokePoint[] = [];
    for (let step = 0; step < 80; step++) {
      x = Math.min(width, Math.max(0, x + (next() - 0.5) * 20));
      y = Math.min(height, Math.max(0, y + (next() - 0.5) * 20));
      points.push([x, y, 0.3 + next() * 0.7]);
    }
    const stroke: Stroke = {
      layer: index % 10 === 9 ? 'mask' : 'paint',
      tool: index % 7 === 6 ? 'eraser' : 'brush',
      color: `#${Math.floor(next() * 0xffffff).toString(16).padStart(6, '0')}`,
      size: 4 + next() * 30,
      opacity: 0.4 + next() * 0.6,
      points,
      pointerType: index % 2 === 0 ? 'pen' : 'touch'
    };
    doc = addStroke(doc, stroke);
  }
  return doc;
}

function keyframe(width: number, height: number): ImageData {
  const image = new ImageData(width, height);
  for (let offset = 0; offset < image.data.length; offset += 4) {
    image.data.set([(offset / 4) % 251, (offset / 8) % 241, 128, 255], offset);
  }
  return image;
}

function millis(start: number): string {
  return `${(performance.now() - start).toFixed(1)} ms`;
}

describe('painting at camera resolution with many strokes', () => {
  it.each([
    [1280, 720],
    [256, 256]
  ])('renders %i×%i incrementally to exactly the pixels of a full render (timings logged, not asserted)', async (width, height) => {
    const doc = busyDocument(width, height, 300);
    const background = keyframe(width, height);

    const renderer = new PaintRenderer(width, height);
    renderer.setBackground(background);
    const warmUp = 20;
    let partial = createDocument(width, height);
    for (const stroke of doc.strokes.slice(0, -warmUp)) {
      partial = addStroke(partial, stroke);
      await renderer.setDocument(partial);
    }
    renderer.painting();
    // What a stroke end costs in the app: draw the new stroke, read back painting and mask.
    let start = performance.now();
    let beforeLast = partial;
    for (const stroke of doc.strokes.slice(-warmUp)) {
      beforeLast = partial;
      partial = addStroke(partial, stroke);
      await renderer.setDocument(partial);
      renderer.painting();
      renderer.mask();
    }
    const strokeEnd = `${((performance.now() - start) / warmUp).toFixed(1)} ms`;
    // Undo of the last stroke: replay from the nearest layer snapshot, then read back (and redo).
    start = performance.now();
    await renderer.setDocument(beforeLast);
    renderer.painting();
    const undo = millis(start);
    await renderer.setDocument(partial);
    const painting = renderer.painting();
    const mask = renderer.mask();

    const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
    renderPainting(ctx, background, doc); // warms up the JIT and the canvas caches
    ctx.getImageData(0, 0, 1, 1);
    start = performance.now();
    renderPainting(ctx, background, doc);
    const once = ctx.getImageData(0, 0, width, height);
    const full = millis(start);
    const maskOnce = renderMask(new OffscreenCanvas(width, height).getContext('2d')!, doc);

    // A live preview frame: the committed layers plus a 160-point stroke in progress, flushed.
    const live: Stroke = { ...doc.strokes[0], points: doc.strokes[0].points.concat(doc.strokes[1].points) };
    const screen = new OffscreenCanvas(width, height).getContext('2d')!;
    start = performance.now();
    for (let frame = 0; frame < 30; frame++) {
      renderer.compose(screen, live, frame % 2 === 0);
      screen.getImageData(0, 0, 1, 1);
    }
    const perFrame = `${((performance.now() - start) / 30).toFixed(1)} ms`;

    console.log(
      `paint perf ${width}×${height}, ${doc.strokes.length} strokes × 80 points: ` +
        `stroke end (draw + painting + mask read-back) ${strokeEnd}, undo + read-back ${undo}, ` +
        `full render + read-back ${full}, ` +
        `live preview frame ${perFrame}`
    );
    expect(painting.data.every((value, index) => value === once.data[index])).toBe(true);
    expect(mask && maskOnce && mask.data.every((value, index) => value === maskOnce.data[index])).toBe(true);
    renderer.dispose();
  });
});
