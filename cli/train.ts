import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_TRAINING, initBackend, type TrainerOptions, type TrainProgress } from '../src/lib/ml/index.ts';
import { EXAMPLE_FLAGS, exampleGroups, parseFlags, positiveNumber, trainingBudget, type ParsedFlags } from './args.ts';
import { resolveConfig } from './config.ts';
import { CliError } from './errors.ts';
import { loadExamples } from './examples.ts';
import { defaultReplicaCount, ReplicaGroup } from './replicas.ts';
import type { CliOutput } from './livebrush.ts';
import { writeFileAtomic } from './png.ts';
import { startProgress } from './progress.ts';

/** Parses the shared example/config flags of `train` and `tune` and loads the examples. */
export async function loadTrainingInputs(flags: ParsedFlags) {
  const config = await resolveConfig(flags.get('config'));
  const patchSize = config.training.patchSize ?? DEFAULT_TRAINING.patchSize;
  const examples = await loadExamples(exampleGroups(flags), patchSize);
  return { config, examples };
}

/** Starts `replicas` Trainers (1: a plain one, no threads), turning the ML core's input errors (sizes, masks) into one-line CLI errors. */
export function startTraining(options: Omit<TrainerOptions, 'replica'>, replicas: number): Promise<ReplicaGroup> {
  return ReplicaGroup.start(options, replicas).catch((error: Error) => {
    throw new CliError(`cannot train: ${error.message}`);
  });
}

/** More threads than this cost more memory and gradient traffic than any machine here gains. */
const MAX_REPLICAS = 16;

/** One-line summary of a training run. */
function describeProgress(progress: TrainProgress): string {
  return `step ${progress.step}, ${(progress.elapsedMs / 1000).toFixed(1)} s, ${progress.stepsPerSec.toFixed(2)} steps/s, loss ${progress.losses.total.toFixed(4)}`;
}

/** `livebrush train`: learns a style from keyframe examples and writes the model file. */
export async function runTrain(argv: readonly string[], output: CliOutput): Promise<void> {
  const flags = parseFlags(argv, {
    ...EXAMPLE_FLAGS, seconds: 'value', steps: 'value',
    config: 'value', seed: 'value', model: 'value', replicas: 'value'
  });
  const budget = trainingBudget(flags);
  const modelPath = flags.get('model');
  if (!modelPath) throw new CliError('give --model OUT.lbw (where to write the trained model)');
  if (!existsSync(dirname(resolve(modelPath)))) throw new CliError(`folder for --model does not exist: ${dirname(resolve(modelPath))}`);
  const replicas = positiveNumber(flags, 'replicas', true) ?? defaultReplicaCount();
  if (replicas > MAX_REPLICAS) throw new CliError(`--replicas must be at most ${MAX_REPLICAS}, got ${replicas}`);
  const { config, examples } = await loadTrainingInputs(flags);

  const { backend } = await initBackend(['wasm']);
  const options = { network: config.network, training: config.training, examples, seed: positiveNumber(flags, 'seed', true) ?? 1 };
  const group = await startTraining(options, replicas);
  const interrupt = new AbortController();
  const onInterrupt = () => interrupt.abort();
  process.once('SIGINT', onInterrupt);
  const bar = 'steps' in budget ? startProgress('training', budget.steps, 'steps') : startProgress('training', Math.round(budget.seconds), 's');
  try {
    const last = await group.run({
      ...budget,
      signal: interrupt.signal,
      onProgress: (p) => bar.update('steps' in budget ? p.step : Math.round(p.elapsedMs / 1000), `loss ${p.losses.total.toFixed(4)}`)
    });
    bar.stop();
    await writeFileAtomic(modelPath, await group.trainer.snapshot());
    const threads = replicas > 1 ? ` × ${replicas} threads` : '';
    output.err(`trained ${config.label} on ${backend}${threads} (${examples.length} keyframe${examples.length > 1 ? 's' : ''}): ${describeProgress(last)}${interrupt.signal.aborted ? ' (interrupted)' : ''} → ${modelPath}`);
  } finally {
    bar.stop();
    process.off('SIGINT', onInterrupt);
    await group.dispose();
  }
}
