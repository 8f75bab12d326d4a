import { describe, expect, it } from 'vitest';
import { createAuxImage, poissonDiskSeeds } from '../../src/lib/ml/aux';
import { dilateMask, erodeMask, paintedPixels, PatchSampler, thresholdMask, validCentres } from '../../src/lib/ml/sampler';
import type { KeyframeExample, RgbaImage } from '../../src/lib/ml/types';

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      data.set([...pixel(x, y), 255], (y * width + x) * 4);
    }
  return { width, height, data };
}

/** A frame whose red channel encodes x and green encodes y, so a patch tells where it came from. */
const coordinates = (width: number, height: number, blue = 0) => image(width, height, (x, y) => [x, y, blue]);

/** Decodes the top-left corner of patch `slot` from a batch of coordinate-encoded patches. */
function patchOrigin(values: Float32Array, slot: number, patchSize: number, channels: number): { x: number; y: number; blue: number } {
  const base = slot * patchSize * patchSize * channels;
  const decode = (v: number) => Math.round((v + 1) * 127.5);
  return { x: decode(values[base]), y: decode(values[base + 1]), blue: decode(values[base + 2]) };
}

describe('mask preparation', () => {
  it('thresholds the red channel at 128', () => {
    const mask = image(4, 1, (x) => [[0, 127, 128, 255][x], 0, 0]);
    expect([...thresholdMask(mask)]).toEqual([0, 0, 1, 1]);
  });

  it('erodes by a 7×7 box', () => {
    const width = 20;
    const height = 20;
    const bits = new Uint8Array(width * height);
    for (let y = 5; y < 15; y++) for (let x = 5; x < 15; x++) bits[y * width + x] = 1;
    const eroded = erodeMask(bits, width, height);
    const set: [number, number][] = [];
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (eroded[y * width + x]) set.push([x, y]);
    // A 10×10 square loses 3 pixels on each side: 4×4 remain, at 8..11.
    expect(set.length).toBe(16);
    expect(Math.min(...set.map(([x]) => x))).toBe(8);
    expect(Math.max(...set.map(([x]) => x))).toBe(11);
  });
});

describe('PatchSampler', () => {
  it('crops the same window from input and painting, whole patches inside the frame', () => {
    const input = coordinates(40, 30);
    const styled = coordinates(40, 30, 200);
    const sampler = new PatchSampler([{ input, styled }], 8, 16, 1);
    for (let round = 0; round < 5; round++) {
      const batch = sampler.nextBatch();
      for (let slot = 0; slot < 16; slot++) {
        const a = patchOrigin(batch.input, slot, 8, 3);
        const b = patchOrigin(batch.target, slot, 8, 3);
        expect([a.x, a.y]).toEqual([b.x, b.y]);
        expect(b.blue).toBe(200);
        expect(a.x).toBeGreaterThanOrEqual(0);
        expect(a.y).toBeGreaterThanOrEqual(0);
        expect(a.x + 8).toBeLessThanOrEqual(40);
        expect(a.y + 8).toBeLessThanOrEqual(30);
      }
    }
  });

  it('centres patches only inside the eroded mask', () => {
    const width = 48;
    const height = 48;
    const mask = image(width, height, (x, y) => (x >= 10 && x < 30 && y >= 12 && y < 40 ? [255, 255, 255] : [0, 0, 0]));
    const sampler = new PatchSampler([{ input: coordinates(width, height), styled: coordinates(width, height), mask }], 4, 32, 3);
    const eroded = erodeMask(thresholdMask(mask), width, height);
    for (let round = 0; round < 10; round++) {
      const batch = sampler.nextBatch();
      for (let slot = 0; slot < 32; slot++) {
        const origin = patchOrigin(batch.input, slot, 4, 3);
        const centre = (origin.y + 2) * width + origin.x + 2;
        expect(eroded[centre]).toBe(1);
      }
    }
  });

  it('draws every valid centre once before repeating any (without replacement, then refilled)', () => {
    const width = 12;
    const height = 11;
    const patch = 4;
    const total = validCentres(width, height, patch, null).length;
    expect(total).toBe((width - patch + 1) * (height - patch + 1));
    const sampler = new PatchSampler([{ input: coordinates(width, height), styled: coordinates(width, height) }], patch, total, 9);
    const seen = (batch: ReturnType<PatchSampler['nextBatch']>) =>
      new Set(Array.from({ length: total }, (_, slot) => {
        const o = patchOrigin(batch.input, slot, patch, 3);
        return o.y * width + o.x;
      }));
    expect(seen(sampler.nextBatch()).size).toBe(total);
    expect(seen(sampler.nextBatch()).size).toBe(total);
  });

  it('goes round-robin over keyframes, never mixing two in one patch', () => {
    const examples: KeyframeExample[] = [10, 20, 30].map((blue) => ({ input: coordinates(16, 16, blue), styled: coordinates(16, 16, blue + 1) }));
    const sampler = new PatchSampler(examples, 8, 7, 2);
    const batch = sampler.nextBatch();
    expect([...batch.keyframe]).toEqual([0, 1, 2, 0, 1, 2, 0]);
    for (let slot = 0; slot < 7; slot++) {
      const blue = [10, 20, 30][slot % 3];
      expect(patchOrigin(batch.input, slot, 8, 3).blue).toBe(blue);
      expect(patchOrigin(batch.target, slot, 8, 3).blue).toBe(blue + 1);
      expect(patchOrigin(batch.real, slot, 8, 3).blue).toBe(blue + 1);
    }
    expect([...sampler.nextBatch().keyframe]).toEqual([1, 2, 0, 1, 2, 0, 1]);
  });

  it('appends aux channels from the same window', () => {
    const input = coordinates(20, 20);
    const aux = coordinates(20, 20, 77);
    const sampler = new PatchSampler([{ input, styled: input }], 8, 4, 5, [aux]);
    const batch = sampler.nextBatch();
    expect(batch.inputChannels).toBe(6);
    for (let slot = 0; slot < 4; slot++) {
      const base = slot * 8 * 8 * 6;
      const decode = (v: number) => Math.round((v + 1) * 127.5);
      expect([decode(batch.input[base + 3]), decode(batch.input[base + 4]), decode(batch.input[base + 5])]).toEqual([
        decode(batch.input[base]),
        decode(batch.input[base + 1]),
        77
      ]);
    }
  });

  it('repeats exactly for the same seed', () => {
    const example = { input: coordinates(30, 30), styled: coordinates(30, 30) };
    const a = new PatchSampler([example], 8, 10, 42).nextBatch();
    const b = new PatchSampler([example], 8, 10, 42).nextBatch();
    expect(a.input).toEqual(b.input);
    expect(a.real).toEqual(b.real);
  });

  it('explains unusable keyframes', () => {
    const small = coordinates(10, 10);
    expect(() => new PatchSampler([], 8, 4)).toThrow(/at least one painted keyframe/);
    expect(() => new PatchSampler([{ input: small, styled: small }], 32, 4)).toThrow(/smaller than one 32×32 training patch/);
    expect(() => new PatchSampler([{ input: small, styled: coordinates(12, 10) }], 4, 4)).toThrow(/painting is 12×10 but the frame is 10×10/);
    const emptyMask = image(10, 10, () => [0, 0, 0]);
    expect(() => new PatchSampler([{ input: small, styled: small, mask: emptyMask }], 4, 4)).toThrow(/mask leaves no place/);
    expect(() => new PatchSampler([{ input: small, styled: small, mask: coordinates(9, 10) }], 4, 4)).toThrow(/mask is 9×10/);
  });
});

describe('auxiliary Gaussian channels', () => {
  it('places Poisson-disk seeds at least the minimum distance apart, only inside the mask', () => {
    const mask = image(80, 60, (x) => (x < 40 ? [255, 255, 255] : [0, 0, 0]));
    const seeds = poissonDiskSeeds(80, 60, mask, { minDistance: 10, seed: 3 });
    expect(seeds.length).toBeGreaterThan(10);
    for (const seed of seeds) expect(seed.x).toBeLessThan(40);
    for (let i = 0; i < seeds.length; i++)
      for (let j = i + 1; j < seeds.length; j++) {
        expect(Math.hypot(seeds[i].x - seeds[j].x, seeds[i].y - seeds[j].y)).toBeGreaterThanOrEqual(10);
      }
    // Roughly one seed per 160 px² of masked area (the reference's density), within a factor of two.
    const expected = (40 * 60) / 160;
    expect(seeds.length).toBeGreaterThan(expected / 2);
    expect(seeds.length).toBeLessThan(expected * 2);
  });

  it('renders seed colours at the seeds on a black canvas far from them', () => {
    const { image: aux, seeds } = createAuxImage(100, 100, image(100, 100, (x, y) => (x < 20 && y < 20 ? [255, 0, 0] : [0, 0, 0])), { seed: 1 });
    expect(aux.width).toBe(100);
    const pixel = (x: number, y: number) => [...aux.data.subarray((y * 100 + x) * 4, (y * 100 + x) * 4 + 3)];
    expect(pixel(99, 99)).toEqual([0, 0, 0]);
    const nearest = seeds[0];
    const atSeed = pixel(Math.round(nearest.x), Math.round(nearest.y));
    const distance = atSeed.reduce((sum, v, c) => sum + Math.abs(v - nearest.color[c]), 0);
    expect(distance).toBeLessThan(3 * 80);
  });
});

describe('stroke emphasis', () => {
  // A grey 64×64 frame; the painting adds one small magenta square (8×8 of 4096 pixels).
  const input = image(64, 64, () => [120, 120, 120]);
  const styled = image(64, 64, (x, y) => (x >= 40 && x < 48 && y >= 12 && y < 20 ? [255, 0, 255] : [120, 120, 120]));
  const paintedShare = (values: Float32Array, slot: number, patch: number) => {
    let painted = 0;
    for (let i = 0; i < patch * patch; i++) if (values[(slot * patch * patch + i) * 3 + 1] < -0.5) painted += 1;
    return painted;
  };
  const patchesWithPaint = (sampler: PatchSampler, rounds: number) => {
    let hits = 0;
    for (let round = 0; round < rounds; round++) {
      const batch = sampler.nextBatch();
      for (let slot = 0; slot < batch.batchSize; slot++) if (paintedShare(batch.target, slot, batch.patchSize) > 0) hits += 1;
    }
    return hits / (rounds * sampler.batchSize);
  };

  it('finds the painted pixels and grows them', () => {
    const painted = paintedPixels(input, styled);
    expect(painted.reduce((a, b) => a + b, 0)).toBe(64);
    expect(dilateMask(painted, 64, 64, 2).reduce((a, b) => a + b, 0)).toBe(12 * 12);
  });

  it('draws about the asked share of patches over the painting', () => {
    const uniform = patchesWithPaint(new PatchSampler([{ input, styled }], 8, 16, 3), 40);
    const emphasised = patchesWithPaint(new PatchSampler([{ input, styled }], 8, 16, 3, null, { sampling: 0.5, weight: 0 }), 40);
    // Uniform: a patch touches the square for ~15² of ~57² centres (7 %); with half the draws near paint, over 50 %.
    expect(uniform).toBeLessThan(0.15);
    expect(emphasised).toBeGreaterThan(0.45);
    expect(emphasised).toBeLessThan(0.7);
  });

  it('weighs painted pixels 1 + weight times the others, mean 1 per batch; none without emphasis', () => {
    expect(new PatchSampler([{ input, styled }], 8, 4, 1).nextBatch().weight).toBeNull();
    const batch = new PatchSampler([{ input, styled }], 8, 16, 5, null, { sampling: 0.5, weight: 3 }).nextBatch();
    const weight = batch.weight!;
    expect(weight.length).toBe(16 * 64);
    expect(weight.reduce((a, b) => a + b, 0) / weight.length).toBeCloseTo(1, 5);
    const paintedWeights = new Set<number>();
    const otherWeights = new Set<number>();
    for (let i = 0; i < weight.length; i++) (batch.target[i * 3 + 1] < -0.5 ? paintedWeights : otherWeights).add(+weight[i].toFixed(5));
    expect(paintedWeights.size).toBe(1);
    expect(otherWeights.size).toBe(1);
    expect([...paintedWeights][0] / [...otherWeights][0]).toBeCloseTo(4, 4);
  });

  it('refuses a share outside [0, 1] and a negative weight', () => {
    expect(() => new PatchSampler([{ input, styled }], 8, 4, 1, null, { sampling: 1.5, weight: 0 })).toThrow(/share/);
    expect(() => new PatchSampler([{ input, styled }], 8, 4, 1, null, { sampling: 0, weight: -1 })).toThrow(/weight/);
  });
});
