import { DEFAULT_TRAINING, initBackend, stylize, type TrainingConfig } from '../src/lib/ml/index.ts';
import type { RgbaImage } from '../src/lib/ml/types.ts';
import { EXAMPLE_FLAGS, parseFlags, positiveNumber } from './args.ts';
import { CliError } from './errors.ts';
import type { CliOutput } from './livebrush.ts';
import { scoreFrame } from './metrics.ts';
import { networkShape, networkWithShape } from './network-shape.ts';
import { readPng } from './png.ts';
import { startProgress } from './progress.ts';
import { loadTrainingInputs, startTraining } from './train.ts';
import { axisValues, formatTuneTable, gridCandidates, type TuneCandidate, type TuneResult } from './tune-grid.ts';

/** Reads the --validate FRAME=TRUTH pairs, checking each pair has one size. */
async function loadValidationPairs(specs: readonly string[]): Promise<{ frame: RgbaImage; truth: RgbaImage }[]> {
  if (specs.length === 0) throw new CliError('give at least one --validate FRAME.png=TRUTH.png');
  const pairs = [];
  for (const spec of specs) {
    const [framePath, truthPath, extra] = spec.split('=');
    if (!framePath || !truthPath || extra !== undefined) throw new CliError(`--validate needs FRAME.png=TRUTH.png, got "${spec}"`);
    const frame = await readPng(framePath);
    const truth = await readPng(truthPath);
    if (frame.width !== truth.width || frame.height !== truth.height) {
      throw new CliError(`size mismatch: ${framePath} is ${frame.width}×${frame.height} but ${truthPath} is ${truth.width}×${truth.height}`);
    }
    pairs.push({ frame, truth });
  }
  return pairs;
}

/** `livebrush tune`: trains each grid candidate for a fixed time and ranks them on held-out frames. */
export async function runTune(argv: readonly string[], output: CliOutput): Promise<void> {
  const flags = parseFlags(argv, {
    ...EXAMPLE_FLAGS, validate: 'repeated', seconds: 'value',
    steps: 'value', grid: 'value', config: 'value', seed: 'value'
  });
  if (flags.has('steps')) throw new CliError('tune compares candidates at equal time: give --seconds, not --steps');
  const seconds = positiveNumber(flags, 'seconds');
  if (seconds === undefined) throw new CliError('give --seconds S (training time per candidate)');
  const grid = flags.get('grid') ?? 'star';
  if (grid !== 'star' && grid !== 'full') throw new CliError(`--grid must be star or full, got "${grid}"`);
  const { config, examples } = await loadTrainingInputs(flags);
  const pairs = await loadValidationPairs(flags.all('validate'));
  const training: TrainingConfig = { ...DEFAULT_TRAINING, ...config.training };
  const base: TuneCandidate = {
    patchSize: training.patchSize,
    batchSize: training.batchSize,
    learningRate: training.learningRate,
    ...networkShape(config.network)
  };
  const smallestSide = Math.min(...examples.map((e) => Math.min(e.input.width, e.input.height)));
  const candidates = gridCandidates(base, axisValues(base, smallestSide), grid);
  output.err(`tune: ${candidates.length} candidates × ${seconds} s ≈ ${Math.ceil((candidates.length * seconds) / 60)} min of training`);

  await initBackend(['wasm']);
  const seed = positiveNumber(flags, 'seed', true) ?? 1;
  const bar = startProgress('tuning', candidates.length, 'candidates');
  const results: TuneResult[] = [];
  try {
    for (const [index, candidate] of candidates.entries()) {
      const network = networkWithShape(config.network, candidate);
      // One thread per candidate, so that candidates compare at equal compute.
      const group = await startTraining(
        {
          network,
          training: { ...config.training, patchSize: candidate.patchSize, batchSize: candidate.batchSize, learningRate: candidate.learningRate },
          examples,
          seed
        },
        1
      );
      try {
        const last = await group.run({ seconds });
        let psnrSum = 0;
        let ssimSum = 0;
        let inferMs = 0;
        for (const { frame, truth } of pairs) {
          const started = performance.now();
          const styled = await stylize(group.trainer.generator, frame);
          inferMs += performance.now() - started;
          const score = scoreFrame(styled, truth);
          psnrSum += score.psnr;
          ssimSum += score.ssim;
        }
        results.push({ ...candidate, steps: last.step, psnr: psnrSum / pairs.length, ssim: ssimSum / pairs.length, inferMs: inferMs / pairs.length });
      } finally {
        await group.dispose();
      }
      bar.update(index + 1);
    }
  } finally {
    bar.stop();
  }
  output.out(formatTuneTable(results));
}
