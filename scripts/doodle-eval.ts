/**
 * Strokes a person paints (see /work/shared/data/README.md, "Strokes a person paints"): train on a
 * doodle set's `key.png` → `painting.png`, stylize its moved test frames `input/NN.png`, score them
 * with score_doodle.py (frame PSNR, stroke_recall, spill_mae) and print one JSON line.
 *
 *   tsx scripts/doodle-eval.ts --set DIR/vtest --candidate mobile --cpu-seconds 60 [--seed N] [--replicas N]
 *   tsx scripts/doodle-eval.ts --set DIR/vtest --baseline identity|keycopy|keywarp
 *
 * Baselines: identity (the frame itself), keycopy (the painting pasted unmoved) and keywarp (the
 * painting moved by the global motion src/lib/ml/motion.ts estimates from the keyframe to the frame:
 * what a perfect use of the guide channels could reach). The set is built outside the repository:
 *   python3 /work/shared/data/build_doodle.py --key …/vtest/input/030.png --key …/tree/input/030.png --out DIR
 * --record FILE appends the JSON line to FILE; --out DIR keeps the stylized frames.
 *
 * Two painted keyframes: --also-set DIR2 trains on both sets' keyframes together and stylizes the
 * first set's frames, then the second's (a camera that turns from one view to the other; with
 * --alternate one of each in turn), scoring each set; --strokes-from first carries only the first
 * keyframe's strokes (default all: the studio's way).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseFlags } from '../cli/args.ts';
import { CliError } from '../cli/errors.ts';
import { readPng, writePng } from '../cli/png.ts';
import * as ml from '../src/lib/ml/index.ts';
import { printRecord, trainCandidate, TRAIN_FLAGS } from './eval-train.ts';

const SCORE_PY = process.env.SCORE_DOODLE_PY ?? '/work/shared/data/score_doodle.py';
const PYTHON = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const BASELINES = ['identity', 'keycopy', 'keywarp'];

/** The painting moved by the estimated motion from the keyframe to the frame (the edge pixels repeated outside). */
function warpedPainting(key: ml.RgbaImage, painting: ml.RgbaImage, frame: ml.RgbaImage): ml.RgbaImage {
  const reference = ml.createGuideReference(key);
  const { motion } = ml.frameGuide(reference, frame);
  const [a, b, c, d, e, f] = ml.invertAffine(motion);
  const data = new Uint8ClampedArray(frame.width * frame.height * 4);
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) {
      const u = Math.min(painting.width - 1, Math.max(0, Math.round(a * (x + 0.5) + b * (y + 0.5) + c - 0.5)));
      const v = Math.min(painting.height - 1, Math.max(0, Math.round(d * (x + 0.5) + e * (y + 0.5) + f - 0.5)));
      data.set(painting.data.subarray((v * painting.width + u) * 4, (v * painting.width + u) * 4 + 4), (y * frame.width + x) * 4);
    }
  }
  return { width: frame.width, height: frame.height, data };
}

/** score_doodle.py's figures for the stylized frames in `outDir` against the set. */
function scoreDoodles(outDir: string, set: string): { psnr: number; strokeRecall: number; spillMae: number } {
  const line = execFileSync(PYTHON, [SCORE_PY, outDir, set], { encoding: 'utf8' });
  const { psnr, stroke_recall: strokeRecall, spill_mae: spillMae } = JSON.parse(line.trim().split('\n').at(-1)!);
  return { psnr, strokeRecall, spillMae };
}

async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, { ...TRAIN_FLAGS, set: 'value', baseline: 'value', out: 'value', record: 'value', label: 'value', 'also-set': 'value', 'strokes-from': 'value', alternate: 'switch' });
  const set = flags.get('set');
  if (!set || !existsSync(join(set, 'painting.png'))) throw new CliError('give --set DIR, a doodle set folder with key.png, painting.png and input/');
  const baseline = flags.get('baseline');
  const candidate = flags.get('candidate');
  if ((baseline === undefined) === (candidate === undefined)) throw new CliError(`give exactly one of --baseline ${BASELINES.join('|')} or --candidate NAME`);
  if (baseline !== undefined && !BASELINES.includes(baseline)) throw new CliError(`unknown baseline "${baseline}"`);
  const method = baseline ?? candidate!;
  const alsoSet = flags.get('also-set');
  if (alsoSet !== undefined && (baseline !== undefined || !existsSync(join(alsoSet, 'painting.png')))) throw new CliError('--also-set takes a second doodle set, with --candidate');
  const strokesFrom = flags.get('strokes-from') ?? 'all';
  if (!['first', 'all'].includes(strokesFrom)) throw new CliError('--strokes-from takes first or all');
  const clip = basename(resolve(set));
  const outDir = resolve(flags.get('out') ?? join('tests/.artifacts/doodle', `${clip}-${method.replaceAll('/', '_')}`));
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const names = (await readdir(join(set, 'input'))).filter((name) => name.endsWith('.png')).sort();
  const key = await readPng(join(set, 'key.png'));
  const painting = await readPng(join(set, 'painting.png'));
  let figures: Record<string, unknown> = {};
  if (baseline === 'identity' || baseline === 'keycopy') {
    for (const name of names) await copyFile(baseline === 'identity' ? join(set, 'input', name) : join(set, 'painting.png'), join(outDir, name));
  } else if (baseline === 'keywarp') {
    for (const name of names) await writePng(join(outDir, name), warpedPainting(key, painting, await readPng(join(set, 'input', name))));
  } else if (alsoSet === undefined) {
    const trained = await trainCandidate(flags, key, painting);
    for (const name of names) await writePng(join(outDir, name), await trained.stylize(await readPng(join(set, 'input', name))));
    figures = trained.figures();
    await trained.dispose();
  }
  let also: Record<string, unknown> = {};
  if (alsoSet !== undefined) {
    const alsoDir = `${outDir}-also`;
    await rm(alsoDir, { recursive: true, force: true });
    await mkdir(alsoDir, { recursive: true });
    const alsoNames = (await readdir(join(alsoSet, 'input'))).filter((name) => name.endsWith('.png')).sort();
    const moreExamples = [{ input: await readPng(join(alsoSet, 'key.png')), styled: await readPng(join(alsoSet, 'painting.png')) }];
    const trained = await trainCandidate(flags, key, painting, { moreExamples, strokesFromAll: strokesFrom === 'all' });
    const first = names.map((name) => [set, outDir, name]);
    const second = alsoNames.map((name) => [alsoSet, alsoDir, name]);
    const order = flags.has('alternate') ? first.flatMap((item, i) => [item, ...second.slice(i, i + 1)]).concat(second.slice(first.length)) : [...first, ...second];
    for (const [from, to, name] of order) await writePng(join(to, name), await trained.stylize(await readPng(join(from, 'input', name))));
    figures = trained.figures();
    await trained.dispose();
    const scored = scoreDoodles(alsoDir, alsoSet);
    also = { alsoClip: basename(resolve(alsoSet)), strokesFrom, alternate: flags.has('alternate'), alsoPsnr: scored.psnr, alsoStrokeRecall: scored.strokeRecall, alsoSpillMae: scored.spillMae, alsoFrames: alsoNames.length };
  }
  const { psnr, strokeRecall, spillMae } = scoreDoodles(outDir, set);
  const record = {
    label: `${flags.get('label') ?? method}${Number(flags.get('replicas') ?? 1) > 1 ? ` ×${flags.get('replicas')} threads` : ''}`,
    set: 'doodle',
    clip,
    method,
    ...(flags.get('seconds') ? { budgetSeconds: Number(flags.get('seconds')) } : {}),
    ...(flags.get('steps') ? { budgetSteps: Number(flags.get('steps')) } : {}),
    ...(flags.get('cpu-seconds') ? { budgetCpuSeconds: Number(flags.get('cpu-seconds')) } : {}),
    ...figures,
    psnr,
    strokeRecall,
    spillMae,
    frames: names.length,
    ...also,
    date: new Date().toISOString()
  };
  await printRecord(record, flags);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`doodle-eval: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof CliError ? 2 : 1);
});
