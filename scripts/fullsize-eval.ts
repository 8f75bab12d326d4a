/**
 * Full-size output on the native devset (/work/shared/data/build-native-devset.sh, vtest 768×576):
 * trains the default network on the keyframe at full size or at the working size, stylizes the scored
 * frames at full size by each method of src/lib/ml/fullsize.ts, scores them with score.py and prints
 * one JSON line per method (docs/video.md, "Full-size output").
 *
 *   tsx scripts/fullsize-eval.ts --style pencil --train-side full --cpu-seconds 60
 *   tsx scripts/fullsize-eval.ts --style pencil --train-side 256 --cpu-seconds 60 --guided 2:64,4:16
 *   tsx scripts/fullsize-eval.ts --style pencil --train-side multi --cpu-seconds 60
 *
 * --train-side 256 shrinks the keyframe and its painting to a 256-pixel long side (the studio's
 * keyframes) and compares bicubic, direct, detail and guided (one per --guided RADIUS:EPSILON);
 * --train-side full trains and stylizes at 768×576; --train-side multi trains on patches of the keyframe
 * at both sizes (round-robin) and stylizes the full-size frame directly or guided; --train-side coarse-to-fine
 * trains on the 256-pixel keyframe for --coarse-fraction of the budget (default 0.5), then on the full-size
 * one, and stylizes at full size; --train-side photo trains on the 256-pixel keyframe within the budget, then
 * fine-tunes a copy for --photo-steps steps on the full-size one with a fresh optimiser (the studio's photo
 * network, src/lib/ml/photo-network.ts) and stylizes at full size. --weights FILE reuses weights trained before
 * (saved with --save-weights). --record FILE appends the lines to FILE.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFlags } from '../cli/args.ts';
import { CliError } from '../cli/errors.ts';
import { readPng, writePng } from '../cli/png.ts';
import { loadModel } from '../cli/stylize.ts';
import { printRecord, trainCandidate, TRAIN_FLAGS } from './eval-train.ts';
import { fitLongSide } from '../src/lib/camera/frames.ts';
import * as ml from '../src/lib/ml/index.ts';

const DEVSET = process.env.DEVSET ?? '/tmp/livebrush-devset-native';
const SCORE_PY = process.env.SCORE_PY ?? '/work/shared/data/score.py';
const PYTHON = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

const frameName = (index: number) => `${String(index).padStart(3, '0')}.png`;

/** Runs score.py on an output folder. */
function score(outDir: string, truthDir: string): Record<string, unknown> {
  const line = execFileSync(PYTHON, [SCORE_PY, outDir, truthDir, join(DEVSET, 'manifest.json')], { encoding: 'utf8' });
  const { psnr, ssim, mae, flicker } = JSON.parse(line.trim().split('\n').at(-1)!);
  return { psnr, ssim, mae, flicker };
}

async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, { ...TRAIN_FLAGS, style: 'value', 'train-side': 'value', guided: 'value', record: 'value', 'coarse-fraction': 'value', 'photo-steps': 'value' });
  const style = flags.get('style');
  const side = flags.get('train-side') ?? '256';
  if (!style || !['full', '256', 'multi', 'coarse-to-fine', 'photo'].includes(side)) throw new CliError('give --style NAME and --train-side full|256|multi|coarse-to-fine|photo');
  const photoSteps = Number(flags.get('photo-steps') ?? ml.PHOTO_TUNE_STEPS);
  const coarseFraction = Number(flags.get('coarse-fraction') ?? 0.5);
  const clipDir = join(DEVSET, 'vtest');
  const manifest = JSON.parse(await readFile(join(DEVSET, 'manifest.json'), 'utf8')) as { keyframe: number; heldout: number[]; flicker_pairs: [number, number][] };
  const frames = [...new Set([...manifest.heldout, ...manifest.flicker_pairs.flat()])].sort((a, b) => a - b);

  const fullKeyframe = {
    input: await readPng(join(clipDir, 'input', frameName(manifest.keyframe))),
    styled: await readPng(join(clipDir, style, frameName(manifest.keyframe)))
  };
  const small = fitLongSide(fullKeyframe.input.width, fullKeyframe.input.height, ml.FULL_SIZE_WORKING_SIDE);
  const smallKeyframe = { input: ml.resizeImage(fullKeyframe.input, small.width, small.height), styled: ml.resizeImage(fullKeyframe.styled, small.width, small.height) };
  // The keyframe trained on and tracked from; multi also draws patches from the full-size keyframe.
  const atFullSize = side === 'full' || side === 'coarse-to-fine' || side === 'photo';
  const keyframe = atFullSize ? fullKeyframe : smallKeyframe;
  const weightsFile = flags.get('weights') ?? join('tests/.artifacts/fullsize', `${style}-${side}.lbw`);
  let figures: Record<string, unknown> = {};
  if (!flags.get('weights')) {
    await mkdir('tests/.artifacts/fullsize', { recursive: true });
    const budget = ['cpu-seconds', 'steps', 'seconds', 'seed'].flatMap((name) => (flags.get(name) ? [`--${name}`, flags.get(name)!] : []));
    const trainFlags = parseFlags([...budget, '--candidate', 'mobile', '--save-weights', weightsFile], TRAIN_FLAGS);
    const trained =
      side === 'coarse-to-fine'
        ? await trainCandidate(trainFlags, smallKeyframe.input, smallKeyframe.styled, { switchTo: { fraction: coarseFraction, examples: [fullKeyframe] } })
        : side === 'photo'
          ? await trainCandidate(trainFlags, smallKeyframe.input, smallKeyframe.styled)
          : await trainCandidate(trainFlags, keyframe.input, keyframe.styled, { moreExamples: side === 'multi' ? [fullKeyframe] : [] });
    figures = trained.figures();
    await trained.dispose();
    if (side === 'photo') figures = { ...figures, ...(await tunePhoto(weightsFile, fullKeyframe, photoSteps)) };
  }
  await ml.initBackend(['wasm']);
  const generator = await loadModel(weightsFile);
  const methods: { name: string; options: ml.FullSizeOptions }[] =
    side === 'full'
      ? [{ name: 'full', options: {} }]
      : side === 'coarse-to-fine'
      ? [{ name: `coarse-to-fine ${coarseFraction}`, options: {} }]
      : side === 'photo'
      ? [{ name: `photo ${photoSteps}`, options: {} }]
      : side === 'multi'
        ? [
            { name: 'multi-scale direct', options: { method: 'direct' } },
            { name: 'multi-scale guided', options: { method: 'guided' } }
          ]
        : [
          { name: 'bicubic', options: { method: 'bicubic' } },
          { name: 'direct', options: { method: 'direct' } },
          { name: 'detail', options: { method: 'detail' } },
          ...(flags.get('guided') ?? `${ml.GUIDED_UPSAMPLE.radius}:${ml.GUIDED_UPSAMPLE.epsilon}`).split(',').map((pair) => {
            const [radius, epsilon] = pair.split(':').map(Number);
            return { name: `guided r${radius} e${epsilon}`, options: { method: 'guided' as const, guided: { radius, epsilon } } };
          })
        ];
  for (const { name, options } of methods) {
    const outDir = join('tests/.artifacts/fullsize', `${style}-${name.replace(/ /g, '-')}`);
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    const live = new ml.LiveStylizer();
    let cpuMs = 0;
    for (const index of frames) {
      const frame = await readPng(join(clipDir, 'input', frameName(index)));
      const cpu = process.cpuUsage();
      const output = atFullSize ? await live.stylize(generator, keyframe, frame, 0) : await ml.stylizeFullSize(live, generator, keyframe, frame, 0, options);
      const used = process.cpuUsage(cpu);
      cpuMs += (used.user + used.system) / 1000;
      await writePng(join(outDir, frameName(index)), output);
    }
    live.dispose();
    const record = {
      label: `fullsize ${name}`,
      clip: 'vtest-native',
      style,
      trainSide: side,
      ...(side === 'coarse-to-fine' ? { coarseFraction } : {}),
      ...(side === 'photo' ? { photoSteps } : {}),
      method: name,
      ...(flags.get('cpu-seconds') ? { budgetCpuSeconds: Number(flags.get('cpu-seconds')) } : { weights: weightsFile }),
      ...figures,
      frameCpuMs: +(cpuMs / frames.length).toFixed(1),
      ...score(outDir, join(clipDir, style)),
      frames: frames.length,
      date: new Date().toISOString()
    };
    await printRecord(record, flags);
  }
  generator.dispose();
}

/** Fine-tunes the weights in `file` on the full-size keyframe (the studio's photo network), in place; its CPU time. */
async function tunePhoto(file: string, keyframe: ml.KeyframeExample, steps: number): Promise<Record<string, number>> {
  await ml.initBackend(['wasm']);
  const cpu = process.cpuUsage();
  const tuned = await ml.tunePhotoNetwork(new Uint8Array(await readFile(file)), [keyframe], { steps });
  const used = process.cpuUsage(cpu);
  await writeFile(file, tuned!);
  return { photoSteps: steps, photoCpuSeconds: +((used.user + used.system) / 1e6).toFixed(1) };
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`fullsize-eval: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof CliError ? 2 : 1);
});
