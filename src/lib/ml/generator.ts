import * as tf from '@tensorflow/tfjs-core';
import type { NetworkConfig } from './config';
import {
  applyBatchNorm,
  BN_MOMENTUM,
  convBlock,
  batchNormTensorSpecs,
  convMacsPerPixel,
  convTensorSpecs,
  createVariables,
  initialValues,
  sizeOf,
  upsampleNearest2x,
  type ConvSpec,
  type TensorSpec
} from './layers';
import { SeededRandom } from './random';

/** An image-to-image network: NHWC input in [-1, 1] (RGB or RGB+aux) → NHWC RGB in [-1, 1]. */
export interface Generator {
  readonly config: NetworkConfig;
  /** Every tensor of the network by name, BatchNorm running statistics included (non-trainable). */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** Runs the network; `training` uses batch statistics and updates the running ones. H, W must be multiples of 2^levels. */
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D;
  /** Trainable parameters (BatchNorm gamma/beta included, running statistics excluded). */
  paramCount(): number;
  /** Multiply-adds per input pixel of one forward pass. */
  macsPerPixel(): number;
  /** Frees every variable. */
  dispose(): void;
}

/** The layers of a generator, derived from its configuration (shared by the builder, counts and weights files). */
export interface GeneratorPlan {
  stem: ConvSpec;
  down: ConvSpec[];
  residual: { first: ConvSpec; second: ConvSpec; norm: string }[];
  up: ConvSpec[];
  head: ConvSpec;
  smoothers: { first: ConvSpec; norm: string; second: ConvSpec } | null;
  out: ConvSpec;
  /** Names of the BatchNorm layers with their channel counts. */
  norms: { name: string; channels: number }[];
}

/** Lays out the layers of a configuration, following the reference's GeneratorJ. */
export function planGenerator(config: NetworkConfig): GeneratorPlan {
  const conv = (
    name: string,
    inChannels: number,
    outChannels: number,
    kernel: number,
    options: { stride?: number; bias?: boolean; level: number; separable?: boolean }
  ): ConvSpec => ({
    name,
    inChannels,
    outChannels,
    kernel,
    stride: options.stride ?? 1,
    pad: (kernel - 1) / 2,
    bias: options.bias ?? true,
    separable: kernel > 1 && (options.separable ?? config.separable),
    pixelFraction: 1 / 4 ** options.level
  });
  const norms: { name: string; channels: number }[] = [];
  const stem = conv('stem', config.inputChannels, config.stemFilters, config.stemKernel, { level: 0, separable: false });
  norms.push({ name: 'stem/bn', channels: config.stemFilters });
  const skipChannels = [config.stemFilters];
  const down: ConvSpec[] = [];
  let channels = config.stemFilters;
  config.downFilters.forEach((filters, i) => {
    down.push(conv(`down${i + 1}`, channels, filters, 3, { stride: 2, level: i + 1 }));
    norms.push({ name: `down${i + 1}/bn`, channels: filters });
    skipChannels.push(filters);
    channels = filters;
  });
  const levels = config.downFilters.length;
  const residual = Array.from({ length: config.residualBlocks }, (_, i) => {
    const norm = `res${i + 1}/bn`;
    norms.push({ name: norm, channels });
    return {
      first: conv(`res${i + 1}/conv1`, channels, channels, 3, { level: levels }),
      second: conv(`res${i + 1}/conv2`, channels, channels, 3, { level: levels }),
      norm
    };
  });
  const up: ConvSpec[] = [];
  config.upFilters.forEach((filters, i) => {
    const level = levels - i;
    const inChannels = channels + skipChannels[level];
    up.push(conv(`up${level}`, inChannels, filters, 3, { level: level - 1, bias: false }));
    norms.push({ name: `up${level}/bn`, channels: filters });
    channels = filters;
  });
  const head = conv('head', channels + config.stemFilters + config.inputChannels, config.headFilters, config.headKernel, { level: 0 });
  let smoothers: GeneratorPlan['smoothers'] = null;
  if (config.smoothers) {
    smoothers = {
      first: conv('smooth1', config.headFilters, config.headFilters, 3, { level: 0 }),
      norm: 'smooth/bn',
      second: conv('smooth2', config.headFilters, config.headFilters, 3, { level: 0 })
    };
    norms.push({ name: 'smooth/bn', channels: config.headFilters });
  }
  const out = conv('out', config.headFilters, 3, 1, { level: 0 });
  return { stem, down, residual, up, head, smoothers, out, norms };
}

/** Every conv of a plan in a fixed order. */
function planConvs(plan: GeneratorPlan): ConvSpec[] {
  return [
    plan.stem,
    ...plan.down,
    ...plan.residual.flatMap((block) => [block.first, block.second]),
    ...plan.up,
    plan.head,
    ...(plan.smoothers ? [plan.smoothers.first, plan.smoothers.second] : []),
    plan.out
  ];
}

/** The named tensors (shapes, initialisers) of a configuration, in the order weights files store them. */
export function generatorTensorSpecs(config: NetworkConfig): TensorSpec[] {
  const plan = planGenerator(config);
  return [
    ...planConvs(plan).flatMap(convTensorSpecs),
    ...plan.norms.flatMap((norm) => batchNormTensorSpecs(norm.name, norm.channels))
  ];
}

/** Trainable parameters of a configuration (BatchNorm gamma/beta counted, running statistics not). */
export function countParameters(config: NetworkConfig): number {
  return generatorTensorSpecs(config)
    .filter((spec) => spec.trainable)
    .reduce((total, spec) => total + sizeOf(spec.shape), 0);
}

/** Multiply-adds per input pixel of one forward pass of a configuration. */
export function countMacsPerPixel(config: NetworkConfig): number {
  return planConvs(planGenerator(config)).reduce((total, conv) => total + convMacsPerPixel(conv), 0);
}

/** Builds a generator whose tensors take the given initial values (by name). */
export function buildGenerator(
  config: NetworkConfig,
  valueOf: (spec: TensorSpec) => Float32Array,
  options: {
    /** Eval mode: fold BatchNorm into the convs and fuse bias + activation (false only to check the folding). */
    fuse?: boolean;
    /** Whether the running statistics already hold trained values (loaded weights) rather than the initial 0/1. */
    trainedStatistics?: boolean;
  } = {}
): Generator {
  const fuse = options.fuse ?? true;
  // Fresh statistics are averaged cumulatively (momentum 1/n) until n reaches 1/BN_MOMENTUM, so an
  // eval-mode preview after a few steps does not still carry the initial mean 0 / variance 1.
  let statisticUpdates = options.trainedStatistics ? Infinity : 0;
  const plan = planGenerator(config);
  const variables = createVariables(generatorTensorSpecs(config), valueOf);
  const params = countParameters(config);
  const macs = countMacsPerPixel(config);
  let disposed = false;

  const apply = (x: tf.Tensor4D, training: boolean): tf.Tensor4D =>
    tf.tidy(() => {
      if (disposed) throw new Error('This generator has been disposed');
      if (x.shape[3] !== config.inputChannels) {
        throw new Error(`The generator expects ${config.inputChannels} input channels, got ${x.shape[3]}`);
      }
      const momentum = Math.max(BN_MOMENTUM, 1 / (statisticUpdates + 1));
      if (training) statisticUpdates += 1;
      const mode = { training, fuse, momentum };
      const stem = convBlock(variables, plan.stem, [x], { ...mode, norm: 'stem/bn', activation: 'leakyrelu' });
      const skips: tf.Tensor4D[] = [stem];
      let current = stem;
      plan.down.forEach((conv, i) => {
        current = convBlock(variables, conv, [current], { ...mode, norm: `down${i + 1}/bn`, activation: 'leakyrelu' });
        skips.push(current);
      });
      for (const block of plan.residual) {
        const inner = convBlock(variables, block.first, [tf.relu(current)], { ...mode, norm: block.norm, activation: 'relu' });
        current = tf.add(current, convBlock(variables, block.second, [inner], { ...mode, activation: 'linear' }));
      }
      const levels = plan.down.length;
      plan.up.forEach((conv, i) => {
        const level = levels - i;
        current = convBlock(variables, conv, [current, skips[level]], { ...mode, norm: `up${level}/bn`, activation: 'relu', transform: upsampleNearest2x });
      });
      current = convBlock(variables, plan.head, [current, stem, x], { ...mode, activation: 'relu' });
      if (plan.smoothers) {
        // The reference normalises after the ReLU here, so this BatchNorm cannot fold into a conv.
        const smoothed = applyBatchNorm(variables, plan.smoothers.norm, convBlock(variables, plan.smoothers.first, [current], { ...mode, activation: 'relu' }), training, momentum);
        current = convBlock(variables, plan.smoothers.second, [smoothed], { ...mode, activation: 'relu' });
      }
      return tf.tanh(convBlock(variables, plan.out, [current], { ...mode, activation: 'linear' }));
    });

  return {
    config,
    variables,
    apply,
    paramCount: () => params,
    macsPerPixel: () => macs,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const variable of variables.values()) variable.dispose();
    }
  };
}

/** A freshly initialised generator (PyTorch's default uniform fan-in init), repeatable by `seed`. */
export function createGenerator(config: NetworkConfig, seed = 1): Generator {
  const random = new SeededRandom(seed);
  return buildGenerator(config, (spec) => initialValues(spec, random));
}
