/**
 * Underfitting or overfitting? Trains a candidate on a development-set keyframe and, at each step
 * checkpoint, scores the keyframe itself (the training image) and held-out frames against the truth:
 *
 *   tsx scripts/devset-fit.ts --clip vtest --style pencil --candidate mobile --steps 150,450,900
 *
 * Equal scores mean the network has not yet fit its own training image (more steps or capacity
 * help); a keyframe far above the held-out frames means it memorises (regularise instead).
 */
import { join } from 'node:path';
import { parseFlags } from '../cli/args.ts';
import { CliError } from '../cli/errors.ts';
import { psnr, ssim } from '../cli/metrics.ts';
import { readPng } from '../cli/png.ts';
import * as ml from '../src/lib/ml/index.ts';
import { candidateByName } from '../bench/candidates.ts';

const DEVSET = process.env.DEVSET ?? '/work/shared/data/devset';
const KEYFRAME = '030';
const HELD_OUT = ['035', '045', '055'];

async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, { clip: 'value', style: 'value', candidate: 'value', steps: 'value' });
  const clip = flags.get('clip') ?? 'vtest';
  const style = flags.get('style') ?? 'pencil';
  const checkpoints = (flags.get('steps') ?? '150,450,900').split(',').map(Number);
  if (checkpoints.some((n) => !Number.isInteger(n) || n < 1)) throw new CliError('--steps takes increasing step counts, e.g. 150,450,900');
  const candidate = candidateByName(flags.get('candidate') ?? 'mobile');
  const dir = join(DEVSET, clip);
  await ml.initBackend(['wasm']);
  const load = async (frame: string) => ({ frame, input: await readPng(join(dir, 'input', `${frame}.png`)), truth: await readPng(join(dir, style, `${frame}.png`)) });
  const keyframe = await load(KEYFRAME);
  const heldOut = await Promise.all(HELD_OUT.map(load));
  const trainer = new ml.Trainer({ network: candidate.network, training: candidate.training, examples: [{ input: keyframe.input, styled: keyframe.truth }] });
  let done = 0;
  for (const target of checkpoints) {
    await trainer.run({ steps: target - done });
    done = Math.max(done, target);
    const cells: string[] = [];
    for (const { frame, input, truth } of [keyframe, ...heldOut]) {
      const output = await ml.stylize(trainer.generator, input);
      cells.push(`${frame}${frame === KEYFRAME ? ' (keyframe)' : ''} ${psnr(output, truth).toFixed(2)} / ${ssim(output, truth).toFixed(3)}`);
    }
    console.log(`step ${String(trainer.step).padStart(5)}: ${cells.join('   ')}`);
  }
  trainer.dispose();
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof CliError ? error.message : error);
  process.exit(error instanceof CliError ? 2 : 1);
});
