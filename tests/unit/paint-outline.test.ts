import { describe, expect, it } from 'vitest';
import type { Stroke, StrokePoint } from '../../src/lib/paint/document';
import { strokeOutline } from '../../src/lib/paint/render';
import { SeededRandom } from '../../src/lib/ml/random';

function penStroke(points: StrokePoint[], size = 10): Stroke {
  return { layer: 'paint', tool: 'brush', color: '#000000', size, opacity: 1, points, pointerType: 'pen' };
}

/** How far the outline lies from the stroke's horizontal centre line, at its widest. */
function halfWidth(outline: [number, number][], centreY: number): number {
  return Math.max(...outline.map(([, y]) => Math.abs(y - centreY)));
}

function expectWithinReach(outline: [number, number][], stroke: Stroke): void {
  const xs = stroke.points.map(([x]) => x);
  const ys = stroke.points.map(([, y]) => y);
  const [left, right] = [Math.min(...xs) - stroke.size, Math.max(...xs) + stroke.size];
  const [top, bottom] = [Math.min(...ys) - stroke.size, Math.max(...ys) + stroke.size];
  const outside = outline.filter(
    ([x, y]) => !Number.isFinite(x) || !Number.isFinite(y) || x < left || x > right || y < top || y > bottom
  );
  expect(outside, `outline vertices outside [${left}, ${right}] × [${top}, ${bottom}]`).toEqual([]);
}

/** Uniform floats in [0, 1) from a seeded generator, so the cases are the same on every run. */
function random(seed: number): () => number {
  const generator = new SeededRandom(seed);
  return () => generator.next();
}

const line = (pressure: number): StrokePoint[] =>
  Array.from({ length: 30 }, (_, index): StrokePoint => [10 + index * 4, 50, pressure]);

describe('stroke outline (perfect-freehand)', () => {
  it('is a closed polygon around the stroke, no wider than its size either side', () => {
    const stroke = penStroke(line(0.5), 12);
    const outline = strokeOutline(stroke);
    expect(outline.length).toBeGreaterThan(10);
    expectWithinReach(outline, stroke);
    // At medium pressure the stroke is `size` wide.
    expect(halfWidth(outline, 50)).toBeCloseTo(6, 0);
  });

  it('grows wider with more pen pressure', () => {
    const light = halfWidth(strokeOutline(penStroke(line(0.1))), 50);
    const firm = halfWidth(strokeOutline(penStroke(line(1))), 50);
    expect(firm).toBeGreaterThan(light * 2);
  });

  it('draws a tap as a round dot of the brush size', () => {
    const outline = strokeOutline(penStroke([[40, 40, 0.5]], 20));
    const radii = outline.map(([x, y]) => Math.hypot(x - 40, y - 40));
    expect(Math.max(...radii)).toBeLessThanOrEqual(20);
    expect(Math.min(...radii)).toBeGreaterThan(2);
  });

  it('simulates pressure for fingers: a fast finger stroke is thinner than a slow one', () => {
    const finger = (step: number): Stroke => ({
      ...penStroke(Array.from({ length: 20 }, (_, index): StrokePoint => [10 + index * step, 50, 0.5]), 16),
      pointerType: 'touch'
    });
    const slow = halfWidth(strokeOutline(finger(2)), 50);
    const fast = halfWidth(strokeOutline(finger(30)), 50);
    expect(fast).toBeLessThan(slow);
  });

  it('never produces NaN or leaves the stroke’s reach for random strokes (fuzz)', () => {
    const next = random(20261125);
    for (let run = 0; run < 300; run++) {
      const count = 1 + Math.floor(next() * 40);
      const jumpy = next() < 0.3;
      let x = next() * 500;
      let y = next() * 500;
      const points: StrokePoint[] = [];
      for (let index = 0; index < count; index++) {
        // Mix smooth drags, wild jumps and repeated points (a finger held still).
        if (next() > 0.2) {
          x += (next() - 0.5) * (jumpy ? 400 : 12);
          y += (next() - 0.5) * (jumpy ? 400 : 12);
        }
        points.push([x, y, Math.round(next() * 100) / 100]);
      }
      const stroke: Stroke = {
        ...penStroke(points, 0.5 + next() * 80),
        pointerType: (['pen', 'touch', 'mouse'] as const)[run % 3]
      };
      expectWithinReach(strokeOutline(stroke, next() < 0.5), stroke);
    }
  });
});
