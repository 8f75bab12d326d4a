import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_TRAINING, NETWORKS, sizeMultiple, type NetworkConfig, type TrainingConfig } from './config';
import { createDiscriminator, type Discriminator } from './discriminator';
import { buildGenerator, createGenerator, type Generator } from './generator';
import { sizeOf } from './layers';
import { createPerceptualLoss, l1Loss, lsganLoss, type PerceptualLossFunction } from './losses';
import { AdamWithDecay } from './optimizer';
import { withGuides } from './guides';
import { PatchSampler } from './sampler';
import type { KeyframeExample, RgbaImage } from './types';
import { encodeWeightArrays, generatorFromWeights } from './weights';

/** Where training stands after a step. */
export interface TrainProgress {
  /** Optimisation steps this trainer has done. */
  step: number;
  /** Time spent inside training steps, in milliseconds. */
  elapsedMs: number;
  /** Recent training speed. */
  stepsPerSec: number;
  /** The last step's losses: the generator's weighted total and its terms (unweighted), and the discriminator's. */
  losses: { total: number; l1: number; perceptual: number; adversarial: number; discriminator: number };
}

/** What a Trainer is built from. */
export interface TrainerOptions {
  /** The architecture (default: NETWORKS.mobile); ignored-but-checked when `weights` are given. */
  network?: NetworkConfig;
  /** Overrides of DEFAULT_TRAINING (lossWeights may be partial too). */
  training?: Partial<Omit<TrainingConfig, 'lossWeights'>> & { lossWeights?: Partial<TrainingConfig['lossWeights']> };
  /** Painted keyframes; 6-channel networks need `aux` on each (see AuxKeyframeExample). */
  examples: KeyframeExample[];
  /** Seed of initialisation and sampling. */
  seed?: number;
  /** A `.lbw` file to continue training from (the optimiser starts fresh). */
  weights?: Uint8Array;
  /** Data-parallel training: this Trainer is one replica and averages its gradients with the others' every step. */
  replica?: ReplicaOptions;
}

/**
 * Averages gradients across data-parallel replicas: takes this replica's gradients (every variable,
 * flattened in a fixed order) and resolves with the element-wise mean over all replicas.
 */
export type GradientExchange = (gradients: Float32Array) => Promise<Float32Array>;

/** One of several Trainers that learn together: same seed and options, different patches, averaged gradients. */
export interface ReplicaOptions {
  /** 0 for the first replica; offsets the patch sampling so each replica draws different patches. */
  index: number;
  exchange: GradientExchange;
}

/** Limits of Trainer.run. */
export interface TrainBudget {
  /** Stop after this many more steps. */
  steps?: number;
  /** Stop once this many seconds have passed (checked between steps). */
  seconds?: number;
  /** Stop when aborted (run resolves normally with the last progress). */
  signal?: AbortSignal;
  /** Called after every step. */
  onProgress?: (progress: TrainProgress) => void;
}

const SPEED_WINDOW = 10;

/** Few-shot patch-based training of a generator (with a PatchGAN discriminator when the adversarial weight is above 0) on painted keyframes. */
export class Trainer {
  /** The network to stylize with between steps and to save: the weight average when enabled, else the trained network. */
  readonly generator: Generator;
  /** The network the optimiser updates (the same object as `generator` without weight averaging). */
  private readonly trained: Generator;
  /** The effective hyper-parameters. */
  readonly training: TrainingConfig;
  private readonly discriminator: Discriminator | null;
  private readonly generatorOptimizer: AdamWithDecay;
  private readonly discriminatorOptimizer: AdamWithDecay | null;
  private readonly perceptual: PerceptualLossFunction | null;
  private readonly seed: number;
  private readonly replica: ReplicaOptions | null;
  private sampler: PatchSampler;
  private samplerGeneration = 0;
  private steps = 0;
  private trainingMs = 0;
  private readonly recentStepMs: number[] = [];
  private lastProgress: TrainProgress | null = null;
  private disposed = false;

  constructor(options: TrainerOptions) {
    const overrides = options.training ?? {};
    this.training = {
      ...DEFAULT_TRAINING,
      ...overrides,
      lossWeights: { ...DEFAULT_TRAINING.lossWeights, ...overrides.lossWeights }
    };
    this.seed = options.seed ?? 1;
    this.replica = options.replica ?? null;
    if (options.weights) {
      this.trained = generatorFromWeights(options.weights);
      if (options.network && JSON.stringify(canonical(options.network)) !== JSON.stringify(canonical(this.trained.config))) {
        this.trained.dispose();
        throw new Error(`The weights are for network "${this.trained.config.name}", not the requested "${options.network.name}"`);
      }
    } else {
      this.trained = createGenerator(options.network ?? NETWORKS.mobile, this.seed);
    }
    try {
      const multiple = sizeMultiple(this.trained.config);
      if (this.training.patchSize % multiple !== 0) {
        throw new Error(`Patch size ${this.training.patchSize} must be a multiple of ${multiple} for network "${this.trained.config.name}"`);
      }
      this.sampler = this.createSampler(options.examples);
    } catch (error) {
      this.trained.dispose();
      throw error;
    }
    const { learningRate, adamEpsilon: epsilon, weightDecay, lossWeights } = this.training;
    this.generator = this.training.weightAveraging > 0 ? averagedCopy(this.trained) : this.trained;
    this.generatorOptimizer = new AdamWithDecay(trainable(this.trained.variables), { learningRate, epsilon, weightDecay });
    this.discriminator = lossWeights.adversarial > 0 ? createDiscriminator(this.seed + 1) : null;
    this.discriminatorOptimizer = this.discriminator
      ? new AdamWithDecay(trainable(this.discriminator.variables), { learningRate, epsilon, weightDecay })
      : null;
    this.perceptual = lossWeights.perceptual > 0 ? createPerceptualLoss(this.training.perceptual, this.seed + 3) : null;
  }

  /** Optimisation steps done so far. */
  get step(): number {
    return this.steps;
  }

  private createSampler(given: KeyframeExample[]): PatchSampler {
    // Guided networks place their guide channels themselves (the first keyframe is the reference).
    const examples = withGuides(this.trained.config, given);
    let aux: RgbaImage[] | null = null;
    if (this.trained.config.inputChannels === 6) {
      aux = examples.map((example, i) => {
        const image = (example as KeyframeExample & { aux?: RgbaImage }).aux;
        if (!image) throw new Error(`Keyframe ${i + 1} has no aux image, which network "${this.trained.config.name}" needs`);
        return image;
      });
    }
    this.samplerGeneration += 1;
    const samplingSeed = this.seed + 2 + 7919 * this.samplerGeneration + 104729 * (this.replica?.index ?? 0);
    const emphasis = { sampling: this.training.strokeSampling, weight: this.training.strokeWeight };
    return new PatchSampler(examples, this.training.patchSize, this.training.batchSize, samplingSeed, aux, emphasis);
  }

  /** Replaces the keyframes (a changed painting, a new keyframe) between steps; weights and optimiser state stay. */
  setExamples(examples: KeyframeExample[]): void {
    this.assertAlive();
    this.sampler = this.createSampler(examples);
  }

  /**
   * Runs exactly one optimisation step of the generator (and of the discriminator when adversarial
   * weight > 0). `readLosses: false` skips reading the losses back (a GPU stall); the progress then
   * repeats the last losses read.
   */
  async trainStep(options: { readLosses?: boolean } = {}): Promise<TrainProgress> {
    this.assertAlive();
    const started = performance.now();
    const batch = this.sampler.nextBatch();
    const { batchSize, patchSize, inputChannels } = batch;
    const { lossWeights } = this.training;
    const computed = tf.tidy(() => {
      const input = tf.tensor4d(batch.input, [batchSize, patchSize, patchSize, inputChannels]);
      const target = tf.tensor4d(batch.target, [batchSize, patchSize, patchSize, 3]);
      const weight = batch.weight ? tf.tensor4d(batch.weight, [batchSize, patchSize, patchSize, 1]) : undefined;
      const kept: tf.Tensor[] = [];
      const keep = <T extends tf.Tensor>(t: T): T => {
        kept.push(tf.keep(t));
        return t;
      };
      let terms: { l1: tf.Scalar; perceptual: tf.Scalar; adversarial: tf.Scalar } | null = null;
      let fake: tf.Tensor4D | null = null;
      const generatorStep = this.generatorOptimizer.computeGradients(() => {
        const output = this.trained.apply(input, true);
        const l1 = l1Loss(output, target, weight);
        const perceptual = this.perceptual ? this.perceptual(output, target) : tf.scalar(0);
        const adversarial = this.discriminator ? lsganLoss(this.discriminator.apply(output), 1) : tf.scalar(0);
        terms = { l1: keep(l1), perceptual: keep(perceptual), adversarial: keep(adversarial) };
        fake = keep(output);
        return tf.addN([tf.mul(l1, lossWeights.l1), tf.mul(perceptual, lossWeights.perceptual), tf.mul(adversarial, lossWeights.adversarial)]) as tf.Scalar;
      });
      const gradients = [...generatorStep.gradients];
      let discriminatorLoss: tf.Scalar = tf.scalar(0);
      const generated = fake as tf.Tensor4D | null;
      const losses = terms as { l1: tf.Scalar; perceptual: tf.Scalar; adversarial: tf.Scalar } | null;
      if (!losses) throw new Error('The generator loss was not evaluated');
      if (this.discriminator && this.discriminatorOptimizer && generated) {
        // The discriminator learns from the output of the generator before this step's update, as the reference.
        const discriminator = this.discriminator;
        const real = tf.tensor4d(batch.real, [batchSize, patchSize, patchSize, 3]);
        const discriminatorStep = this.discriminatorOptimizer.computeGradients(() =>
          tf.add(lsganLoss(discriminator.apply(generated), 0), lsganLoss(discriminator.apply(real), 1))
        );
        gradients.push(...discriminatorStep.gradients);
        discriminatorLoss = discriminatorStep.value;
      }
      const values = tf.stack([generatorStep.value, losses.l1, losses.perceptual, losses.adversarial, discriminatorLoss]);
      tf.dispose(kept);
      return { values, gradients };
    });
    let gradients = computed.gradients;
    try {
      if (this.replica) gradients = await this.averageAcrossReplicas(gradients, this.replica.exchange);
    } catch (error) {
      computed.values.dispose();
      throw error;
    }
    const generatorVariables = this.generatorOptimizer.variableCount;
    this.generatorOptimizer.applyGradients(gradients.slice(0, generatorVariables));
    this.discriminatorOptimizer?.applyGradients(gradients.slice(generatorVariables));
    tf.dispose(gradients);
    if (this.generator !== this.trained) this.updateAverage();
    const values = options.readLosses === false ? null : await computed.values.data();
    computed.values.dispose();
    const stepMs = performance.now() - started;
    this.steps += 1;
    this.trainingMs += stepMs;
    this.recentStepMs.push(stepMs);
    if (this.recentStepMs.length > SPEED_WINDOW) this.recentStepMs.shift();
    const recentMs = this.recentStepMs.reduce((a, b) => a + b, 0);
    this.lastProgress = {
      step: this.steps,
      elapsedMs: this.trainingMs,
      stepsPerSec: (this.recentStepMs.length * 1000) / recentMs,
      losses: values
        ? { total: values[0], l1: values[1], perceptual: values[2], adversarial: values[3], discriminator: values[4] }
        : (this.lastProgress?.losses ?? this.idleProgress().losses)
    };
    return this.lastProgress;
  }

  /** Sends this replica's gradients (flattened, disposed here) through the exchange and returns the mean over all replicas as tensors. */
  private async averageAcrossReplicas(gradients: tf.Tensor[], exchange: GradientExchange): Promise<tf.Tensor[]> {
    const flat = tf.tidy(() => tf.concat(gradients.map((gradient) => tf.reshape(gradient, [-1]))));
    const shapes = gradients.map((gradient) => gradient.shape);
    tf.dispose(gradients);
    const local = (await flat.data()) as Float32Array;
    flat.dispose();
    const averaged = await exchange(local);
    if (averaged.length !== local.length) throw new Error(`The gradient exchange returned ${averaged.length} values for ${local.length}`);
    let offset = 0;
    return shapes.map((shape) => {
      const size = sizeOf(shape);
      const tensor = tf.tensor(averaged.subarray(offset, offset + size), shape, 'float32');
      offset += size;
      return tensor;
    });
  }

  /**
   * Moves the averaged weights toward the trained ones. The decay ramps up as (1 + n) / (10 + n) so
   * that early averages are not dominated by the random initialisation; running statistics are copied.
   */
  private updateAverage(): void {
    const decay = Math.min(this.training.weightAveraging, (1 + this.steps) / (10 + this.steps));
    tf.tidy(() => {
      for (const [name, average] of this.generator.variables) {
        const current = this.trained.variables.get(name)!;
        average.assign(average.trainable ? tf.add(tf.mul(average, decay), tf.mul(current, 1 - decay)) : current);
      }
    });
  }

  /** Trains until the step or time budget is spent or the signal aborts (resolves, never throws, on abort). */
  async run(budget: TrainBudget = {}): Promise<TrainProgress> {
    return (await trainWithin(budget, () => this.trainStep())) ?? this.lastProgress ?? this.idleProgress();
  }

  private idleProgress(): TrainProgress {
    return { step: this.steps, elapsedMs: this.trainingMs, stepsPerSec: 0, losses: { total: NaN, l1: NaN, perceptual: NaN, adversarial: NaN, discriminator: NaN } };
  }

  /**
   * The current generator as `.lbw` bytes, read back in one piece (on a GPU one readback, not one per
   * tensor); consistent even if a step runs while it reads back: the concatenation is taken first.
   */
  async snapshot(): Promise<Uint8Array> {
    this.assertAlive();
    const entries = [...this.generator.variables];
    const meta = { steps: this.steps, trainingMs: Math.round(this.trainingMs) };
    const flat = tf.tidy(() => tf.concat(entries.map(([, variable]) => tf.reshape(variable, [-1]))));
    let values: Float32Array;
    try {
      values = (await flat.data()) as Float32Array;
    } finally {
      flat.dispose();
    }
    const byName = new Map<string, Float32Array>();
    let offset = 0;
    for (const [name, variable] of entries) {
      byName.set(name, values.subarray(offset, offset + variable.size));
      offset += variable.size;
    }
    return encodeWeightArrays(this.generator.config, byName, meta);
  }

  /** Frees every tensor: generator, discriminator, optimiser moments, fixed loss filters. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.generatorOptimizer.dispose();
    this.discriminatorOptimizer?.dispose();
    this.discriminator?.dispose();
    this.perceptual?.dispose();
    if (this.generator !== this.trained) this.generator.dispose();
    this.trained.dispose();
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('This trainer has been disposed');
  }
}

/**
 * Calls `step` until the budget is spent or the signal aborts; resolves with the last step's progress,
 * or null when no step ran (budget already spent, signal already aborted).
 */
export async function trainWithin(budget: TrainBudget, step: () => Promise<TrainProgress>): Promise<TrainProgress | null> {
  const startMs = performance.now();
  let steps = 0;
  let last: TrainProgress | null = null;
  while (!budget.signal?.aborted) {
    if (budget.steps !== undefined && steps >= budget.steps) break;
    if (budget.seconds !== undefined && performance.now() - startMs >= budget.seconds * 1000) break;
    last = await step();
    steps += 1;
    budget.onProgress?.(last);
    // On WASM/CPU a step's read-back resolves as a microtask: let timers and messages (an abort) in.
    await yieldToEventLoop();
  }
  return last;
}

/**
 * Resolves after pending macrotasks (timers, worker messages) had a chance to run: a message to
 * itself, which setTimeout would clamp to 4 ms once nested.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** A second generator holding a copy of another's current weights, for weight averaging. */
function averagedCopy(source: Generator): Generator {
  const copy = buildGenerator(source.config, (spec) => new Float32Array(sizeOf(spec.shape)), { trainedStatistics: true });
  for (const [name, variable] of copy.variables) variable.assign(source.variables.get(name)!);
  return copy;
}

/** Trainable variables of a map, in a stable order. */
function trainable(variables: ReadonlyMap<string, tf.Variable>): tf.Variable[] {
  return [...variables.values()].filter((variable) => variable.trainable);
}

/** A key-order-independent form of a configuration for equality checks. */
function canonical(config: NetworkConfig): [string, unknown][] {
  return Object.entries(config).sort(([a], [b]) => a.localeCompare(b));
}
