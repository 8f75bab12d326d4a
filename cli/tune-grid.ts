/** The candidates and result table of `livebrush tune` (pure functions). */

/** One point of the search: training settings and network shape. */
export interface TuneCandidate {
  patchSize: number;
  batchSize: number;
  learningRate: number;
  residualBlocks: number;
  width: number;
}

/** What a candidate scored on the validation pairs. */
export interface TuneResult extends TuneCandidate {
  steps: number;
  psnr: number;
  ssim: number;
  inferMs: number;
}

/** Values tried on each axis around a base candidate (the base's own value included). */
export function axisValues(base: TuneCandidate, smallestSide: number): Record<keyof TuneCandidate, number[]> {
  const unique = (values: number[]) => [...new Set(values)].sort((a, b) => a - b);
  return {
    patchSize: unique([16, base.patchSize, 48].filter((p) => p <= smallestSide)),
    batchSize: unique([Math.max(1, Math.round(base.batchSize / 4)), base.batchSize, base.batchSize * 2]),
    learningRate: unique([base.learningRate / 4, base.learningRate, base.learningRate * 2.5]),
    residualBlocks: unique([Math.max(0, base.residualBlocks - 1), base.residualBlocks, base.residualBlocks + 2]),
    width: unique([Math.max(4, Math.round(base.width / 2)), base.width, Math.round(base.width * 1.5)])
  };
}

/** The candidates of a grid: the base plus one axis changed at a time ("star"), or all combinations ("full"). */
export function gridCandidates(base: TuneCandidate, axes: Record<keyof TuneCandidate, number[]>, grid: 'star' | 'full'): TuneCandidate[] {
  const keys = Object.keys(axes) as (keyof TuneCandidate)[];
  if (grid === 'star') {
    const candidates = [base];
    for (const key of keys) for (const value of axes[key]) if (value !== base[key]) candidates.push({ ...base, [key]: value });
    return candidates;
  }
  return keys.reduce<TuneCandidate[]>((partial, key) => partial.flatMap((c) => axes[key].map((value) => ({ ...c, [key]: value }))), [base]);
}

/** Formats results as an aligned text table, best (highest PSNR, then SSIM) first. */
export function formatTuneTable(results: readonly TuneResult[]): string {
  const sorted = [...results].sort((a, b) => b.psnr - a.psnr || b.ssim - a.ssim);
  const header = ['rank', 'patch', 'batch', 'lr', 'blocks', 'width', 'steps', 'PSNR dB', 'SSIM', 'ms/frame'];
  const rows = sorted.map((r, i) => [
    String(i + 1), String(r.patchSize), String(r.batchSize), r.learningRate.toExponential(1), String(r.residualBlocks),
    String(r.width), String(r.steps), r.psnr.toFixed(2), r.ssim.toFixed(4), r.inferMs.toFixed(0)
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  return [header, ...rows].map((row) => row.map((cell, c) => cell.padStart(widths[c])).join('  ')).join('\n');
}
