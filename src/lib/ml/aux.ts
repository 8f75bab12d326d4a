import type { RgbaImage } from './types';
import { thresholdMask } from './sampler';
import { SeededRandom } from './random';

/** One coloured Gaussian of the auxiliary input: a position and a fixed random colour. */
export interface GaussianSeed {
  x: number;
  y: number;
  color: [number, number, number];
}

/** Options of the auxiliary pattern (the reference: 10 px minimum distance, σ = 10). */
export interface AuxOptions {
  minDistance?: number;
  sigma?: number;
  seed?: number;
}

/**
 * Poisson-disk seeds (Bridson's algorithm) at least `minDistance` apart, only where the mask's red
 * channel is ≥ 128 (everywhere without a mask), each with a random colour.
 */
export function poissonDiskSeeds(width: number, height: number, mask: RgbaImage | null, options: AuxOptions = {}): GaussianSeed[] {
  const minDistance = options.minDistance ?? 10;
  const random = new SeededRandom(options.seed ?? 5);
  const allowed = mask ? thresholdMask(mask) : null;
  const inside = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < width && y < height && (!allowed || allowed[Math.floor(y) * width + Math.floor(x)] === 1);
  const cell = minDistance / Math.SQRT2;
  const columns = Math.ceil(width / cell);
  const rows = Math.ceil(height / cell);
  const grid = new Int32Array(columns * rows).fill(-1);
  const points: { x: number; y: number }[] = [];
  const active: number[] = [];
  const add = (x: number, y: number) => {
    grid[Math.floor(y / cell) * columns + Math.floor(x / cell)] = points.length;
    active.push(points.length);
    points.push({ x, y });
  };
  const farEnough = (x: number, y: number) => {
    const cx = Math.floor(x / cell);
    const cy = Math.floor(y / cell);
    for (let gy = Math.max(0, cy - 2); gy <= Math.min(rows - 1, cy + 2); gy++) {
      for (let gx = Math.max(0, cx - 2); gx <= Math.min(columns - 1, cx + 2); gx++) {
        const index = grid[gy * columns + gx];
        if (index >= 0 && (points[index].x - x) ** 2 + (points[index].y - y) ** 2 < minDistance ** 2) return false;
      }
    }
    return true;
  };
  // Start a new disk process from scattered inside points so disconnected mask regions are covered.
  const attemptsPerStart = Math.max(30, Math.ceil((width * height) / (minDistance * minDistance)));
  for (let start = 0; start < attemptsPerStart; start++) {
    const x = random.next() * width;
    const y = random.next() * height;
    if (!inside(x, y) || !farEnough(x, y)) continue;
    add(x, y);
    while (active.length > 0) {
      const slot = random.int(active.length);
      const origin = points[active[slot]];
      let placed = false;
      for (let attempt = 0; attempt < 30; attempt++) {
        const angle = random.next() * 2 * Math.PI;
        const radius = minDistance * (1 + random.next());
        const px = origin.x + Math.cos(angle) * radius;
        const py = origin.y + Math.sin(angle) * radius;
        if (inside(px, py) && farEnough(px, py)) {
          add(px, py);
          placed = true;
          break;
        }
      }
      if (!placed) active.splice(slot, 1);
    }
  }
  return points.map(({ x, y }) => ({
    x,
    y,
    color: [random.int(256), random.int(256), random.int(256)]
  }));
}

/** Renders the Gaussian mixture: on a black canvas, each seed blends its colour in by exp(−d²/σ²). */
export function renderAuxImage(width: number, height: number, seeds: readonly GaussianSeed[], sigma = 10): RgbaImage {
  const canvas = new Float32Array(width * height * 3);
  const reach = Math.ceil(sigma * 3);
  for (const seed of seeds) {
    const x0 = Math.max(0, Math.floor(seed.x - reach));
    const x1 = Math.min(width - 1, Math.ceil(seed.x + reach));
    const y0 = Math.max(0, Math.floor(seed.y - reach));
    const y1 = Math.min(height - 1, Math.ceil(seed.y + reach));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const weight = Math.exp(-((x - seed.x) ** 2 + (y - seed.y) ** 2) / (sigma * sigma));
        const i = (y * width + x) * 3;
        for (let c = 0; c < 3; c++) canvas[i + c] += (seed.color[c] - canvas[i + c]) * weight;
      }
    }
  }
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = canvas[i * 3];
    data[i * 4 + 1] = canvas[i * 3 + 1];
    data[i * 4 + 2] = canvas[i * 3 + 2];
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** Seeds plus their rendering for one frame: the auxiliary input of a 6-channel network. */
export function createAuxImage(
  width: number,
  height: number,
  mask: RgbaImage | null = null,
  options: AuxOptions = {}
): { image: RgbaImage; seeds: GaussianSeed[] } {
  const seeds = poissonDiskSeeds(width, height, mask, options);
  return { image: renderAuxImage(width, height, seeds, options.sigma ?? 10), seeds };
}
