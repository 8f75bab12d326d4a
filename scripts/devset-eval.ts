/**
 * Held-out evaluation on the development set (see /work/shared/data/README.md): train on the
 * keyframe of one clip × style, stylize the frames, score them with score.py, print one JSON line.
 *
 *   tsx scripts/devset-eval.ts --clip vtest --style pencil --baseline keycopy
 *   tsx scripts/devset-eval.ts --clip vtest --style pencil --candidate sep16 (--seconds 60 | --steps N | --cpu-seconds 60)
 *
 * Candidates are the names in bench/candidates.ts. --cpu-seconds S trains until this process has used
 * S seconds of CPU time: on a shared, loaded machine that is the step count an uncontended core
 * reaches in S seconds of wall-clock time (TensorFlow.js WASM runs single-threaded in Node).
 * --replicas N trains on N threads (cli/replicas.ts); measure that with --seconds, since CPU time
 * counts every thread.
 *
 * --frames scored stylizes only the frames score.py reads (held-out frames and their successors),
 * which gives the same scores as all 60 frames in a third of the time. --record FILE appends the
 * JSON line to FILE.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseFlags, type ParsedFlags } from '../cli/args.ts';
import { CliError } from '../cli/errors.ts';
import { readPng, writePng } from '../cli/png.ts';
import { printRecord, trainCandidate, TRAIN_FLAGS } from './eval-train.ts';

/** The development set's manifest fields this script uses. */
interface Manifest {
  n_frames: number;
  keyframe: number;
  heldout: number[];
  flicker_pairs: [number, number][];
}

/** What one evaluation run records. */
interface EvalRecord {
  label: string;
  clip: string;
  style: string;
  method: string;
  [figure: string]: unknown;
}

const DEVSET = process.env.DEVSET ?? '/work/shared/data/devset';
const SCORE_PY = process.env.SCORE_PY ?? '/work/shared/data/score.py';
const PYTHON = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

const frameName = (index: number) => `${String(index).padStart(3, '0')}.png`;

/** Frame indices to produce: every frame, or only those score.py reads. */
function framesToProduce(manifest: Manifest, which: string): number[] {
  if (which === 'all') return Array.from({ length: manifest.n_frames }, (_, i) => i);
  if (which !== 'scored') throw new CliError(`--frames must be "all" or "scored", got "${which}"`);
  return [...new Set([...manifest.heldout, ...manifest.flicker_pairs.flat()])].sort((a, b) => a - b);
}

/** Runs score.py on an output folder and returns its JSON figures. */
function score(outDir: string, truthDir: string): Record<string, unknown> {
  const line = execFileSync(PYTHON, [SCORE_PY, outDir, truthDir, join(DEVSET, 'manifest.json')], { encoding: 'utf8' });
  const { psnr, ssim, mae, flicker } = JSON.parse(line.trim().split('\n').at(-1)!);
  return { psnr, ssim, mae, flicker };
}

/** Writes the no-learning baselines: the input frames themselves, or the stylized keyframe everywhere. */
async function writeBaseline(kind: string, clipDir: string, style: string, manifest: Manifest, frames: number[], outDir: string) {
  for (const index of frames) {
    const source = kind === 'identity' ? join(clipDir, 'input', frameName(index)) : join(clipDir, style, frameName(manifest.keyframe));
    await copyFile(source, join(outDir, frameName(index)));
  }
}

/** Trains a candidate on the keyframe, stylizes the frames, returns training and speed figures. */
async function trainAndStylize(flags: ParsedFlags, clipDir: string, style: string, manifest: Manifest, frames: number[], outDir: string) {
  const keyframe = frameName(manifest.keyframe);
  const trained = await trainCandidate(flags, await readPng(join(clipDir, 'input', keyframe)), await readPng(join(clipDir, style, keyframe)));
  for (const index of frames) {
    await writePng(join(outDir, frameName(index)), await trained.stylize(await readPng(join(clipDir, 'input', frameName(index)))));
  }
  const figures = trained.figures();
  await trained.dispose();
  return figures;
}

async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    ...TRAIN_FLAGS, clip: 'value', style: 'value', baseline: 'value', frames: 'value', out: 'value', record: 'value', label: 'value'
  });
  const clip = flags.get('clip');
  const style = flags.get('style');
  if (!clip || !style) throw new CliError('give --clip NAME and --style NAME');
  const baseline = flags.get('baseline');
  const candidate = flags.get('candidate');
  if ((baseline === undefined) === (candidate === undefined)) throw new CliError('give exactly one of --baseline identity|keycopy or --candidate NAME');
  if (baseline !== undefined && baseline !== 'identity' && baseline !== 'keycopy') throw new CliError(`unknown baseline "${baseline}"`);
  const clipDir = join(DEVSET, clip);
  if (!existsSync(join(clipDir, style))) throw new CliError(`no such clip/style in ${DEVSET}: ${clip}/${style}`);
  const manifest = JSON.parse(await readFile(join(DEVSET, 'manifest.json'), 'utf8')) as Manifest;
  const frames = framesToProduce(manifest, flags.get('frames') ?? 'all');
  const method = baseline ?? candidate!;
  const outDir = resolve(flags.get('out') ?? join('tests/.artifacts/devset', `${clip}-${style}-${method}`));
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  const figures = baseline
    ? (await writeBaseline(baseline, clipDir, style, manifest, frames, outDir), {})
    : await trainAndStylize(flags, clipDir, style, manifest, frames, outDir);
  const record: EvalRecord = {
    label: `${flags.get('label') ?? method}${Number(flags.get('replicas') ?? 1) > 1 ? ` ×${flags.get('replicas')} threads` : ''}`,
    clip,
    style,
    method,
    ...(flags.get('seconds') ? { budgetSeconds: Number(flags.get('seconds')) } : {}),
    ...(flags.get('steps') ? { budgetSteps: Number(flags.get('steps')) } : {}),
    ...(flags.get('cpu-seconds') ? { budgetCpuSeconds: Number(flags.get('cpu-seconds')) } : {}),
    ...figures,
    ...score(outDir, join(clipDir, style)),
    frames: frames.length,
    date: new Date().toISOString()
  };
  await printRecord(record, flags);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`devset-eval: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof CliError ? 2 : 1);
});
