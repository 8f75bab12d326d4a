/**
 * Records the training loss curve of the app's default network on one development-set keyframe, to
 * choose and check the convergence detector (src/lib/studio/settle.ts; docs/app.md, "Training that settles").
 *
 *   tsx scripts/loss-curve.ts --clip vtest --style stylization --steps 1500 [--seed 1] [--out FILE]
 *
 * Prints one JSON line per step: {step, loss, cpuSeconds, settled} where `settled` is true from the
 * step at which the detector (as the studio runs it) would have paused training.
 */
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFlags, positiveNumber } from '../cli/args.ts';
import { CliError } from '../cli/errors.ts';
import { readPng } from '../cli/png.ts';
import * as ml from '../src/lib/ml/index.ts';
import { SettleDetector } from '../src/lib/studio/settle.ts';

const DEVSET = process.env.DEVSET ?? '/work/shared/data/devset';

async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, { clip: 'value', style: 'value', steps: 'value', seed: 'value', out: 'value' });
  const clip = flags.get('clip');
  const style = flags.get('style');
  if (!clip || !style) throw new CliError('give --clip NAME and --style NAME');
  const steps = positiveNumber(flags, 'steps', true) ?? 1500;
  const out = flags.get('out');
  if (out) await writeFile(out, '');
  await ml.initBackend(['wasm']);
  const examples = [{ input: await readPng(join(DEVSET, clip, 'input', '030.png')), styled: await readPng(join(DEVSET, clip, style, '030.png')) }];
  const trainer = new ml.Trainer({ examples, seed: positiveNumber(flags, 'seed', true) ?? 1 });
  const detector = new SettleDetector();
  const cpuStart = process.cpuUsage();
  let settledAt: number | null = null;
  for (let step = 1; step <= steps; step++) {
    const progress = await trainer.trainStep();
    const cpu = process.cpuUsage(cpuStart);
    if (detector.add(progress.losses.total) && settledAt === null) settledAt = progress.step;
    const line = JSON.stringify({
      step: progress.step,
      loss: +progress.losses.total.toFixed(5),
      cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2),
      settled: settledAt !== null
    });
    console.log(line);
    if (out) await appendFile(out, line + '\n');
  }
  trainer.dispose();
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`loss-curve: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof CliError ? 2 : 1);
});
