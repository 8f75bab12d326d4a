import { describe, expect, it } from 'vitest';
import { axisValues, formatTuneTable, gridCandidates, type TuneCandidate } from '../../cli/tune-grid.ts';
import { networkShape, networkWithShape } from '../../cli/network-shape.ts';
import { NETWORKS } from '../../src/lib/ml/config.ts';

const base: TuneCandidate = { patchSize: 32, batchSize: 40, learningRate: 4e-4, residualBlocks: 3, width: 16 };

describe('tune grid (the paper’s search over patch size, batch, learning rate, blocks, width)', () => {
  it('tries three values per axis around the base, dropping patches larger than the keyframe', () => {
    expect(axisValues(base, 240)).toEqual({
      patchSize: [16, 32, 48],
      batchSize: [10, 40, 80],
      learningRate: [1e-4, 4e-4, 1e-3],
      residualBlocks: [2, 3, 5],
      width: [8, 16, 24]
    });
    expect(axisValues(base, 40).patchSize).toEqual([16, 32]);
  });

  it('star grid changes one setting at a time; full grid is every combination, without duplicates', () => {
    const axes = axisValues(base, 240);
    const star = gridCandidates(base, axes, 'star');
    expect(star).toHaveLength(1 + 5 * 2);
    expect(star[0]).toEqual(base);
    for (const candidate of star.slice(1)) {
      const changed = (Object.keys(base) as (keyof TuneCandidate)[]).filter((key) => candidate[key] !== base[key]);
      expect(changed).toHaveLength(1);
    }
    const full = gridCandidates(base, axes, 'full');
    expect(full).toHaveLength(3 ** 5);
    expect(new Set(full.map((c) => JSON.stringify(c))).size).toBe(full.length);
  });

  it('prints the table best first (PSNR, then SSIM)', () => {
    const result = (psnr: number, ssim: number, patchSize: number) => ({ ...base, patchSize, steps: 10, psnr, ssim, inferMs: 5 });
    const table = formatTuneTable([result(18, 0.5, 16), result(21, 0.6, 48), result(21, 0.7, 32)]).split('\n');
    expect(table[0]).toMatch(/rank\s+patch\s+batch\s+lr\s+blocks\s+width\s+steps\s+PSNR dB\s+SSIM/);
    expect(table.slice(1).map((row) => row.trim().split(/\s+/).slice(0, 2))).toEqual([['1', '32'], ['2', '48'], ['3', '16']]);
  });

  it('changes network width by scaling every layer and keeps the rest of the configuration', () => {
    const mobile = NETWORKS.mobile;
    const wide = networkWithShape(mobile, { width: mobile.stemFilters * 2, residualBlocks: 5 });
    expect(networkShape(wide)).toEqual({ width: mobile.stemFilters * 2, residualBlocks: 5 });
    expect(wide.downFilters).toEqual(mobile.downFilters.map((f) => f * 2));
    expect(wide.upFilters).toEqual(mobile.upFilters.map((f) => f * 2));
    expect(wide.headFilters).toBe(mobile.headFilters * 2);
    expect({ ...wide, name: '', stemFilters: 0, downFilters: [], upFilters: [], headFilters: 0, residualBlocks: 0 }).toEqual({
      ...mobile, name: '', stemFilters: 0, downFilters: [], upFilters: [], headFilters: 0, residualBlocks: 0
    });
  });
});
