/**
 * What devset-eval.ts and doodle-eval.ts share: train a candidate (bench/candidates.ts) on one
 * painted keyframe within a budget (--steps N | --seconds S | --cpu-seconds S, --replicas N, --seed N),
 * then stylize frames the way the app does, guide channels included (src/lib/ml/guides.ts), and
 * report training and per-frame cost figures.
 */
import { readFile, writeFile } from 'node:fs/promises';
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

/** Trains `--candidate` on one painted keyframe within the budget the flags give. */
export async function trainCandidate(flags: ParsedFlags, input: ml.RgbaImage, styled: ml.RgbaImage): Promise<TrainedCandidate> {
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
  // Guided networks: the keyframe's pattern, moved into each frame by the motion estimated to it.
  // 6-channel networks without a guide setting get the static pattern (the earlier aux candidate).
  const reference = network.guide || strokeThreshold ? ml.createGuideReference(input, network.guide) : null;
  const staticAux = network.inputChannels === 6 && !reference ? ml.createAuxImage(input.width, input.height).image : undefined;
  const aux = network.guide && reference ? ml.keyframeGuide(reference) : staticAux;
  const examples = [{ input, styled, ...(aux ? { aux } : {}) }];
  const replicas = positiveNumber(flags, 'replicas', true) ?? 1;
  const seed = positiveNumber(flags, 'seed', true) ?? 1;
  const weights = weightsFile ? new Uint8Array(await readFile(weightsFile)) : undefined;
  const group = await ReplicaGroup.start({ network, training: candidate.training, examples, seed, weights }, replicas);
  const trainer = group.trainer;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  let last: ml.TrainProgress;
  if (weights) {
    last = await group.run({ steps: 0 });
  } else if (cpuSecondsBudget !== undefined) {
    do last = await group.trainStep();
    while (cpuMsSince(cpuStart) < cpuSecondsBudget * 1000);
  } else {
    last = await group.run(steps !== undefined ? { steps } : { seconds });
  }
  const trainSeconds = (performance.now() - wallStart) / 1000;
  const cpuSeconds = cpuMsSince(cpuStart) / 1000;
  const saveTo = flags.get('save-weights');
  if (saveTo) await writeFile(saveTo, await trainer.snapshot());
  const strokes = strokeThreshold ? ml.createStrokeLayer(styled, await ml.stylize(trainer.generator, input, aux), strokeThreshold) : null;
  let frames = 0;
  let inferMs = 0;
  let inferCpuMs = 0;
  let guideMs = 0;
  let guideCpuMs = 0;
  return {
    async stylize(frame) {
      const guideStart = performance.now();
      const guideCpu = process.cpuUsage();
      const placed = reference ? ml.frameGuide(reference, frame) : null;
      guideCpuMs += cpuMsSince(guideCpu);
      const started = performance.now();
      const cpu = process.cpuUsage();
      let output = await ml.stylize(trainer.generator, frame, network.guide ? placed?.guide : staticAux);
      inferCpuMs += cpuMsSince(cpu);
      inferMs += performance.now() - started;
      guideMs += started - guideStart;
      if (strokes && placed) {
        const layerCpu = process.cpuUsage();
        output = ml.applyStrokeLayer(output, strokes, placed.motion);
        guideCpuMs += cpuMsSince(layerCpu);
      }
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
        ...(reference ? { guideMs: +(guideMs / Math.max(1, frames)).toFixed(2), guideCpuMs: +(guideCpuMs / Math.max(1, frames)).toFixed(2) } : {}),
        ...(strokeThreshold ? { strokeLayer: strokeThreshold } : {}),
        lastLoss: +last.losses.total.toFixed(4)
      };
    },
    dispose: () => group.dispose()
  };
}
