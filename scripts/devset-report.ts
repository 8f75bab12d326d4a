/**
 * Markdown tables for docs/network.md from the recorded development-set runs and a bench run:
 *
 *   tsx scripts/devset-report.ts bench/devset-results.jsonl [bench/bench-candidates.json]
 *
 * Runs are grouped by budget (--cpu-seconds, --seconds, --steps); for a candidate evaluated more than
 * once on the same clip×style and budget, the latest run counts.
 */
import { readFile } from 'node:fs/promises';

interface Run {
  label: string;
  clip: string;
  style: string;
  method: string;
  budgetCpuSeconds?: number;
  budgetSeconds?: number;
  budgetSteps?: number;
  params?: number;
  macsPerPixel?: number;
  steps?: number;
  stepsPerSec?: number;
  stepsPerCpuSec?: number;
  inferCpuMs?: number;
  psnr: number;
  ssim: number;
  flicker: number;
}

const PAIRS = ['vtest/stylization', 'vtest/pencil', 'tree/stylization', 'tree/pencil'];
/** The two pairs every candidate was screened on; rows are ranked by their mean PSNR. */
const SCREEN = ['vtest/stylization', 'tree/pencil'];

const budgetOf = (run: Run) =>
  run.budgetCpuSeconds !== undefined ? `${run.budgetCpuSeconds} CPU-seconds` : run.budgetSeconds !== undefined ? `${run.budgetSeconds} s wall clock` : run.budgetSteps !== undefined ? `${run.budgetSteps} steps` : 'no training';

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

async function main(resultsPath: string, benchPath?: string) {
  const runs = (await readFile(resultsPath, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Run);
  const bench = benchPath ? (JSON.parse((await readFile(benchPath, 'utf8')).trim().split('\n').at(-1)!).configs as Record<string, { inferMs256: number; trainStepsPerCpuSec: number }>) : {};
  const architecture = (name: string) => (name === 'mobile' ? 'dense8' : name.split('/')[0]); // the mobile preset is dense8 since 8d16b7e
  /** Inference speed depends on the architecture only: any bench entry of the same architecture will do. */
  const benchFor = (label: string) => Object.entries(bench).find(([name]) => architecture(name) === architecture(label))?.[1];
  const groups = new Map<string, Map<string, Map<string, Run>>>();
  for (const run of runs) {
    const budget = budgetOf(run);
    const byLabel = groups.get(budget) ?? new Map<string, Map<string, Run>>();
    groups.set(budget, byLabel);
    const byPair = byLabel.get(run.label) ?? new Map<string, Run>();
    byLabel.set(run.label, byPair);
    byPair.set(`${run.clip}/${run.style}`, run);
  }
  for (const [budget, byLabel] of groups) {
    console.log(`\n#### Budget: ${budget}\n`);
    const trained = budget !== 'no training';
    const header = ['config', ...(trained ? ['params', 'MACs/px', 'ms@256² †', 'steps (steps/s wall)'] : []), ...PAIRS.map((p) => `${p} PSNR / SSIM / flicker`), 'mean PSNR / SSIM', 'screen mean PSNR / SSIM ‡'];
    console.log(`| ${header.join(' | ')} |`);
    console.log(`|${header.map(() => '---').join('|')}|`);
    const rows = [...byLabel].map(([label, byPair]) => {
      const done = PAIRS.map((pair) => byPair.get(pair)).filter((run): run is Run => run !== undefined);
      const screened = SCREEN.map((pair) => byPair.get(pair)).filter((run): run is Run => run !== undefined);
      return {
        label, byPair, meanPsnr: mean(done.map((r) => r.psnr)), meanSsim: mean(done.map((r) => r.ssim)), any: done[0],
        screenPsnr: screened.length === SCREEN.length ? mean(screened.map((r) => r.psnr)) : -Infinity,
        screenSsim: mean(screened.map((r) => r.ssim))
      };
    });
    rows.sort((a, b) => b.screenPsnr - a.screenPsnr || b.meanPsnr - a.meanPsnr);
    for (const { label, byPair, meanPsnr, meanSsim, any, screenPsnr, screenSsim } of rows) {
      const cells = [label];
      if (trained) {
        const steps = PAIRS.map((pair) => byPair.get(pair)).filter((r): r is Run => r !== undefined);
        cells.push(
          any.params?.toLocaleString('en') ?? '',
          any.macsPerPixel?.toLocaleString('en') ?? '',
          benchFor(label)?.inferMs256.toString() ?? '',
          `${Math.round(mean(steps.map((r) => r.steps ?? 0)))} (${mean(steps.map((r) => r.stepsPerSec ?? 0)).toFixed(2)})`
        );
      }
      for (const pair of PAIRS) {
        const run = byPair.get(pair);
        cells.push(run ? `${run.psnr.toFixed(2)} / ${run.ssim.toFixed(3)} / ${run.flicker.toFixed(2)}` : '–');
      }
      const complete = PAIRS.every((pair) => byPair.has(pair));
      cells.push(complete ? `${meanPsnr.toFixed(2)} / ${meanSsim.toFixed(3)}` : '–');
      cells.push(Number.isFinite(screenPsnr) ? `${screenPsnr.toFixed(2)} / ${screenSsim.toFixed(3)}` : '–');
      console.log(`| ${cells.join(' | ')} |`);
    }
  }
}

const [resultsPath, benchPath] = process.argv.slice(2);
if (!resultsPath) {
  console.error('usage: tsx scripts/devset-report.ts RESULTS.jsonl [BENCH.json]');
  process.exit(2);
}
await main(resultsPath, benchPath);
