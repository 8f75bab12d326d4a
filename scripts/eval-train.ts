/**
 * What devset-eval.ts and doodle-eval.ts share: train a candidate (bench/candidates.ts) on one
 * painted keyframe within a budget (--steps N | --seconds S | --cpu-seconds S, --replicas N, --seed N),
 * then stylize frames the way the app does, guide channels included (src/lib/ml/guides.ts), and
 * report training and per-frame cost figures.
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { positiveNumber, type ParsedFlags } from '../cli/args.ts';
import { CliError } from '../cli/errors.ts';
import { ReplicaGroup } from '../cli/replicas.ts';
import { candidateByName } from '../bench/candidates.ts';
import * as ml from '../src/lib/ml/index.ts';

/** The budget and training flags both evaluators accept. */
export const TRAIN_FLAGS = {
  candidate: 'value', seconds: 'value', steps: 'value', 'cpu-seconds': 'value', seed: 'value', replicas: 'value',
  'stroke-layer': 'value', weights: 'value', 'save-weights': 'value'
} as const;

/** A trained candidate, ready to stylize frames of the keyframe's scene. */
export interface TrainedCandidate {
  /** Stylizes one frame (placing its guide first when the network has guide channels). */
  stylize(frame: ml.RgbaImage): Promise<ml.RgbaImage>;
  /** Training figures plus the mean cost of the frames stylized so far. */
  figures(): Record<string, unknown>;
  dispose(): Promise<void>;
}

const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const cpu = process.cpuUsage(start);
  return (cpu.user + cpu.system) / 1000;
};

/** The same network with another stroke-layer threshold (the weights are shared, not copied). */
function withStrokeLayer(generator: ml.Generator, threshold: number): ml.Generator {
  return Object.assign(Object.create(generator) as ml.Generator, { config: { ...generator.config, strokeLayer: { threshold } } });
}

/** What `trainCandidate` does beyond one keyframe and the budget flags. */
export interface TrainOptions {
  /** More keyframes (or the same one at other sizes), trained on together: patches drawn round-robin over all. */
  moreExamples?: ml.KeyframeExample[];
  /** Frames carry the strokes of every keyframe trained on, the best-matching each frame (the studio's way); default: the first's. */
  strokesFromAll?: boolean;
  /** A change of keyframes part-way (one replica, a --steps or --cpu-seconds budget): after `fraction` of the budget the patches come from `examples`. */
  switchTo?: { fraction: number; examples: ml.KeyframeExample[] };
}

/** Trains `--candidate` on a painted keyframe within the budget the flags give. */
export async function trainCandidate(flags: ParsedFlags, input: ml.RgbaImage, styled: ml.RgbaImage, options: TrainOptions = {}): Promise<TrainedCandidate> {
  const { moreExamples = [], strokesFromAll = false, switchTo } = options;
  const name = flags.get('candidate');
  if (!name) throw new CliError('give --candidate NAME');
  const candidate = candidateByName(name);
  const steps = positiveNumber(flags, 'steps', true);
  const seconds = positiveNumber(flags, 'seconds');
  const cpuSecondsBudget = positiveNumber(flags, 'cpu-seconds');
  const weightsFile = flags.get('weights');
  if ([steps, seconds, cpuSecondsBudget, weightsFile].filter((b) => b !== undefined).length !== 1) {
    throw new CliError('give exactly one of --steps N, --seconds S, --cpu-seconds S or --weights FILE (trained before)');
  }
  const strokeThreshold = positiveNumber(flags, 'stroke-layer');
  const { backend } = await ml.initBackend(['wasm']);
  const { network } = candidate;
  // Guided networks place their guide channels in the Trainer; 6-channel networks without a guide
  // setting get the same static pattern on every frame (the earlier aux candidate).
  const staticAux = network.inputChannels === 6 && !network.guide ? ml.createAuxImage(input.width, input.height).image : undefined;
  const examples = [{ input, styled, ...(staticAux ? { aux: staticAux } : {}) }, ...moreExamples];
  const replicas = positiveNumber(flags, 'replicas', true) ?? 1;
  if (switchTo && (replicas > 1 || seconds !== undefined)) throw new CliError('a keyframe switch needs one replica and a --steps or --cpu-seconds budget');
  const seed = positiveNumber(flags, 'seed', true) ?? 1;
  const weights = weightsFile ? new Uint8Array(await readFile(weightsFile)) : undefined;
  // Weights trained before carry their own network settings (the candidate's may have changed since).
  const group = await ReplicaGroup.start({ ...(weights ? { weights } : { network }), training: candidate.training, examples, seed }, replicas);
  const trainer = group.trainer;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  let last: ml.TrainProgress;
  let switched = false;
  let stepsDone = 0;
  /** The part of the budget spent so far, from 0 to 1. */
  const spent = () => (cpuSecondsBudget !== undefined ? cpuMsSince(cpuStart) / (cpuSecondsBudget * 1000) : stepsDone / steps!);
  if (weights) {
    last = await group.run({ steps: 0 });
  } else if (cpuSecondsBudget !== undefined || switchTo) {
    do {
      if (switchTo && !switched && spent() >= switchTo.fraction) {
        trainer.setExamples(switchTo.examples);
        switched = true;
      }
      last = await group.trainStep();
      stepsDone += 1;
    } while (spent() < 1);
  } else {
    last = await group.run(steps !== undefined ? { steps } : { seconds });
  }
  const trainSeconds = (performance.now() - wallStart) / 1000;
  const cpuSeconds = cpuMsSince(cpuStart) / 1000;
  const saveTo = flags.get('save-weights');
  if (saveTo) await writeFile(saveTo, await trainer.snapshot());
  // The app's live path: tracking from the keyframe, guide channels, stroke layer (--stroke-layer T overrides the network's).
  const generator = strokeThreshold ? withStrokeLayer(trainer.generator, strokeThreshold) : trainer.generator;
  const live = new ml.LiveStylizer();
  const keyframes = strokesFromAll ? examples.map(({ input, styled }) => ({ input, styled })) : { input, styled };
  let frames = 0;
  let inferMs = 0;
  let inferCpuMs = 0;
  let overheadMs = 0;
  return {
    async stylize(frame) {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const output = staticAux ? await ml.stylize(generator, frame, staticAux) : await live.stylize(generator, keyframes, frame, last.step);
      inferCpuMs += cpuMsSince(cpu);
      inferMs += performance.now() - started;
      overheadMs += live.overheadMs;
      frames += 1;
      return output;
    },
    figures() {
      return {
        seed,
        backend,
        ...(replicas > 1 ? { replicas } : {}),
        params: trainer.generator.paramCount(),
        macsPerPixel: trainer.generator.macsPerPixel(),
        steps: last.step,
        trainSeconds: +trainSeconds.toFixed(1),
        stepsPerSec: +(last.step / trainSeconds).toFixed(3),
        trainCpuSeconds: +cpuSeconds.toFixed(1),
        stepsPerCpuSec: +(last.step / cpuSeconds).toFixed(3),
        inferMs: +(inferMs / Math.max(1, frames)).toFixed(1),
        inferCpuMs: +(inferCpuMs / Math.max(1, frames)).toFixed(1),
        overheadMs: +(overheadMs / Math.max(1, frames)).toFixed(2),
        ...(generator.config.strokeLayer ? { strokeLayer: generator.config.strokeLayer.threshold } : {}),
        lastLoss: +last.losses.total.toFixed(4)
      };
    },
    dispose: () => group.dispose()
  };
}

/** Prints an evaluation's JSON line and, with `--record FILE`, appends it to FILE. */
export async function printRecord(record: object, flags: ParsedFlags): Promise<void> {
  const line = JSON.stringify(record);
  console.log(line);
  const recordFile = flags.get('record');
  if (recordFile) await appendFile(recordFile, line + '\n');
}
