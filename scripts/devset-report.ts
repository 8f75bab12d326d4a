/**
 * Markdown tables for docs/network.md from the recorded development-set runs:
 *
 *   tsx scripts/devset-report.ts bench/devset-results.jsonl
 *
 * Runs are grouped by budget (--cpu-seconds, --seconds, --steps). A candidate run with several seeds
 * on the same clip×style and budget shows the mean over seeds (the `seeds` column says how many);
 * reruns of one seed count once, the latest.
 */
import { readFile } from 'node:fs/promises';

interface Run {
  label: string;
  clip: string;
  style: string;
  seed?: number;
  budgetCpuSeconds?: number;
  budgetSeconds?: number;
  budgetSteps?: number;
  params?: number;
  macsPerPixel?: number;
  steps?: number;
  stepsPerSec?: number;
  inferCpuMs?: number;
  psnr: number;
  ssim: number;
  flicker: number;
}

const PAIRS = ['vtest/stylization', 'vtest/pencil', 'tree/stylization', 'tree/pencil'];
/** The two pairs every early candidate was screened on; incomplete rows are ranked by their mean PSNR. */
const SCREEN = ['vtest/stylization', 'tree/pencil'];

const budgetOf = (run: Run) =>
  run.budgetCpuSeconds !== undefined ? `${run.budgetCpuSeconds} CPU-seconds` : run.budgetSeconds !== undefined ? `${run.budgetSeconds} s wall clock` : run.budgetSteps !== undefined ? `${run.budgetSteps} steps` : 'no training';

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** The seed-averaged figures of one candidate on one clip×style. */
interface Cell {
  psnr: number;
  ssim: number;
  flicker: number;
  seeds: number;
  runs: Run[];
}

function cellOf(runs: Run[]): Cell {
  const bySeed = new Map(runs.map((run) => [run.seed ?? 1, run]));
  const latest = [...bySeed.values()];
  return {
    psnr: mean(latest.map((r) => r.psnr)),
    ssim: mean(latest.map((r) => r.ssim)),
    flicker: mean(latest.map((r) => r.flicker)),
    seeds: latest.length,
    runs: latest
  };
}

async function main(resultsPath: string) {
  const runs = (await readFile(resultsPath, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Run);
  const groups = new Map<string, Map<string, Map<string, Run[]>>>();
  for (const run of runs) {
    const budget = budgetOf(run);
    const byLabel = groups.get(budget) ?? new Map<string, Map<string, Run[]>>();
    groups.set(budget, byLabel);
    const byPair = byLabel.get(run.label) ?? new Map<string, Run[]>();
    byLabel.set(run.label, byPair);
    const pair = `${run.clip}/${run.style}`;
    byPair.set(pair, [...(byPair.get(pair) ?? []), run]);
  }
  for (const [budget, byLabel] of groups) {
    console.log(`\n#### Budget: ${budget}\n`);
    const trained = budget !== 'no training';
    const header = [
      'config',
      ...(trained ? ['params', 'MACs/px', 'infer ms †', 'steps', 'seeds'] : []),
      ...PAIRS.map((p) => `${p} PSNR / SSIM / flicker`),
      'mean PSNR / SSIM',
      'screen mean PSNR / SSIM ‡'
    ];
    console.log(`| ${header.join(' | ')} |`);
    console.log(`|${header.map(() => '---').join('|')}|`);
    const rows = [...byLabel].map(([label, byPair]) => {
      const cells = new Map([...byPair].map(([pair, pairRuns]) => [pair, cellOf(pairRuns)]));
      const done = PAIRS.map((pair) => cells.get(pair)).filter((cell): cell is Cell => cell !== undefined);
      const screened = SCREEN.map((pair) => cells.get(pair)).filter((cell): cell is Cell => cell !== undefined);
      return {
        label,
        cells,
        complete: done.length === PAIRS.length,
        meanPsnr: mean(done.map((c) => c.psnr)),
        meanSsim: mean(done.map((c) => c.ssim)),
        screenPsnr: screened.length === SCREEN.length ? mean(screened.map((c) => c.psnr)) : -Infinity,
        screenSsim: mean(screened.map((c) => c.ssim)),
        allRuns: done.flatMap((c) => c.runs)
      };
    });
    rows.sort((a, b) => Number(b.complete) - Number(a.complete) || (a.complete ? b.meanPsnr - a.meanPsnr : b.screenPsnr - a.screenPsnr));
    for (const row of rows) {
      const cells = [row.label];
      if (trained) {
        const any = row.allRuns[0];
        const inferMs = row.allRuns.map((r) => r.inferCpuMs).filter((ms): ms is number => ms !== undefined);
        const seeds = new Set(row.allRuns.map((r) => r.seed ?? 1)).size;
        cells.push(
          any?.params?.toLocaleString('en') ?? '',
          any?.macsPerPixel?.toLocaleString('en') ?? '',
          inferMs.length ? mean(inferMs).toFixed(0) : '',
          String(Math.round(mean(row.allRuns.map((r) => r.steps ?? 0)))),
          String(seeds)
        );
      }
      for (const pair of PAIRS) {
        const cell = row.cells.get(pair);
        cells.push(cell ? `${cell.psnr.toFixed(2)} / ${cell.ssim.toFixed(3)} / ${cell.flicker.toFixed(2)}` : '–');
      }
      cells.push(row.complete ? `${row.meanPsnr.toFixed(2)} / ${row.meanSsim.toFixed(3)}` : '–');
      cells.push(Number.isFinite(row.screenPsnr) ? `${row.screenPsnr.toFixed(2)} / ${row.screenSsim.toFixed(3)}` : '–');
      console.log(`| ${cells.join(' | ')} |`);
    }
  }
}

const [resultsPath] = process.argv.slice(2);
if (!resultsPath) {
  console.error('usage: tsx scripts/devset-report.ts RESULTS.jsonl');
  process.exit(2);
}
await main(resultsPath);
