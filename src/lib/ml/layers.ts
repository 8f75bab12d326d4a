import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from './random';

/** How a tensor of a network is initialised and whether the optimiser trains it. */
export interface TensorSpec {
  name: string;
  shape: number[];
  trainable: boolean;
  /** 'fan-in': uniform in ±1/√fanIn (PyTorch's default for conv weights and biases). */
  init: { kind: 'fan-in'; fanIn: number } | { kind: 'ones' } | { kind: 'zeros' };
}

/** One convolution of a network plan: dense k×k, or depthwise k×k followed by pointwise 1×1. */
export interface ConvSpec {
  name: string;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  /** Zero padding on every side. */
  pad: number;
  bias: boolean;
  separable: boolean;
  /** Output pixels per input-image pixel (1, 1/4, 1/16, …): scales the multiply-adds. */
  pixelFraction: number;
}

/** The tensors a conv owns, with their initialisers. */
export function convTensorSpecs(conv: ConvSpec): TensorSpec[] {
  const { name, inChannels: cin, outChannels: cout, kernel: k } = conv;
  const specs: TensorSpec[] = [];
  if (conv.separable) {
    specs.push({ name: `${name}/depthwise`, shape: [k, k, cin, 1], trainable: true, init: { kind: 'fan-in', fanIn: k * k } });
    specs.push({ name: `${name}/pointwise`, shape: [1, 1, cin, cout], trainable: true, init: { kind: 'fan-in', fanIn: cin } });
  } else {
    specs.push({ name: `${name}/kernel`, shape: [k, k, cin, cout], trainable: true, init: { kind: 'fan-in', fanIn: k * k * cin } });
  }
  if (conv.bias) {
    const fanIn = conv.separable ? cin : k * k * cin;
    specs.push({ name: `${name}/bias`, shape: [cout], trainable: true, init: { kind: 'fan-in', fanIn } });
  }
  return specs;
}

/** The tensors of a BatchNorm layer: trainable gamma/beta and the running statistics. */
export function batchNormTensorSpecs(name: string, channels: number): TensorSpec[] {
  return [
    { name: `${name}/gamma`, shape: [channels], trainable: true, init: { kind: 'ones' } },
    { name: `${name}/beta`, shape: [channels], trainable: true, init: { kind: 'zeros' } },
    { name: `${name}/runningMean`, shape: [channels], trainable: false, init: { kind: 'zeros' } },
    { name: `${name}/runningVar`, shape: [channels], trainable: false, init: { kind: 'ones' } }
  ];
}

/** Multiply-adds per input-image pixel of one conv. */
export function convMacsPerPixel(conv: ConvSpec): number {
  const perOutputPixel = conv.separable
    ? conv.kernel * conv.kernel * conv.inChannels + conv.inChannels * conv.outChannels
    : conv.kernel * conv.kernel * conv.inChannels * conv.outChannels;
  return perOutputPixel * conv.pixelFraction;
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Draws the initial values of a tensor from the seeded generator. */
export function initialValues(spec: TensorSpec, random: SeededRandom): Float32Array {
  const values = new Float32Array(sizeOf(spec.shape));
  if (spec.init.kind === 'ones') values.fill(1);
  else if (spec.init.kind === 'fan-in') {
    const bound = 1 / Math.sqrt(spec.init.fanIn);
    for (let i = 0; i < values.length; i++) values[i] = (random.next() * 2 - 1) * bound;
  }
  return values;
}

/** Creates unnamed tf.Variables (names would collide between models) keyed by our own names. */
export function createVariables(
  specs: readonly TensorSpec[],
  valueOf: (spec: TensorSpec) => Float32Array
): Map<string, tf.Variable> {
  const variables = new Map<string, tf.Variable>();
  for (const spec of specs) {
    const initial = tf.tensor(valueOf(spec), spec.shape, 'float32');
    variables.set(spec.name, tf.variable(initial, spec.trainable));
    initial.dispose();
  }
  return variables;
}

/** Looks a variable up, failing loudly on a programming error. */
export function requireVariable(variables: ReadonlyMap<string, tf.Variable>, name: string): tf.Variable {
  const variable = variables.get(name);
  if (!variable) throw new Error(`Missing network variable ${name}`);
  return variable;
}

/** Applies one planned conv (zero padding, optional bias) to an NHWC tensor. */
export function applyConv(variables: ReadonlyMap<string, tf.Variable>, conv: ConvSpec, x: tf.Tensor4D): tf.Tensor4D {
  return convBlock(variables, conv, [x], { activation: 'linear', training: true });
}

/** Activations a conv block can end with (LeakyReLU uses slope 0.2, as the reference). */
export type Activation = 'linear' | 'relu' | 'leakyrelu';

/** How convBlock runs: which BatchNorm follows the conv, the activation, train/eval mode. */
export interface ConvBlockOptions {
  /** Name of the BatchNorm layer after the conv, if any. */
  norm?: string;
  activation: Activation;
  training: boolean;
  /** Training only: momentum of the running-statistics update (default BN_MOMENTUM). */
  momentum?: number;
  /** Eval mode only: fold the BatchNorm into the filters and fuse bias + activation into the conv (default true). */
  fuse?: boolean;
  /** Applied to each input part first (e.g. upsampling); must act per channel. */
  transform?: (x: tf.Tensor4D) => tf.Tensor4D;
}

const activate = (x: tf.Tensor4D, activation: Activation): tf.Tensor4D =>
  activation === 'relu' ? tf.relu(x) : activation === 'leakyrelu' ? tf.leakyRelu(x, 0.2) : x;

/**
 * conv → optional BatchNorm → activation over the channel-wise concatenation of `parts`, without
 * building it: the filters are sliced along their input channels and the per-part results summed
 * (tfjs-backend-wasm concatenates in JavaScript, slower than the convs themselves). In eval mode the
 * BatchNorm folds into the filters (scale) and bias (shift) and, for a single part, bias and
 * activation fuse into the conv: one pass over the activations instead of four.
 */
export function convBlock(
  variables: ReadonlyMap<string, tf.Variable>,
  conv: ConvSpec,
  parts: tf.Tensor4D[],
  options: ConvBlockOptions
): tf.Tensor4D {
  const channels = parts.reduce((total, part) => total + part.shape[3], 0);
  if (channels !== conv.inChannels) throw new Error(`${conv.name} expects ${conv.inChannels} input channels, got ${channels}`);
  const transform = options.transform ?? ((x: tf.Tensor4D) => x);
  const bias = conv.bias ? requireVariable(variables, `${conv.name}/bias`) : null;
  const folding = !options.training && (options.fuse ?? true);
  let scale: tf.Tensor | null = null;
  let shift: tf.Tensor | null = bias;
  if (folding && options.norm) {
    const gamma = requireVariable(variables, `${options.norm}/gamma`);
    const beta = requireVariable(variables, `${options.norm}/beta`);
    const mean = requireVariable(variables, `${options.norm}/runningMean`);
    const variance = requireVariable(variables, `${options.norm}/runningVar`);
    scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, BN_EPSILON)));
    shift = tf.add(tf.mul(bias ? tf.sub(bias, mean) : tf.neg(mean), scale), beta);
  }
  /** The filter's input channels that meet one part. */
  const inputFilter = (filter: tf.Tensor, begin: number, size: number): tf.Tensor4D =>
    (parts.length === 1 ? filter : tf.slice(filter, [0, 0, begin, 0], [-1, -1, size, -1])) as tf.Tensor4D;
  /** The same, with the folded BatchNorm scale on its output channels. */
  const outputFilter = (filter: tf.Tensor, begin: number, size: number): tf.Tensor4D => {
    const sliced = inputFilter(filter, begin, size);
    return scale ? (tf.mul(sliced, scale) as tf.Tensor4D) : sliced;
  };
  const fuseSingle = folding && parts.length === 1;
  const outputs: tf.Tensor4D[] = [];
  let begin = 0;
  for (const part of parts) {
    const size = part.shape[3];
    let x = transform(part);
    let filter: tf.Tensor4D;
    let stride = conv.stride;
    let pad = conv.pad;
    if (conv.separable) {
      x = tf.depthwiseConv2d(x, inputFilter(requireVariable(variables, `${conv.name}/depthwise`), begin, size), conv.stride, conv.pad);
      filter = outputFilter(requireVariable(variables, `${conv.name}/pointwise`), begin, size);
      stride = 1;
      pad = 0;
    } else {
      filter = outputFilter(requireVariable(variables, `${conv.name}/kernel`), begin, size);
    }
    if (fuseSingle) {
      return tf.fused.conv2d({
        x,
        filter,
        strides: stride,
        pad,
        bias: shift ?? undefined,
        activation: options.activation,
        leakyreluAlpha: 0.2
      });
    }
    outputs.push(tf.conv2d(x, filter, stride, pad));
    begin += size;
  }
  let y = outputs.length === 1 ? outputs[0] : (tf.addN(outputs) as tf.Tensor4D);
  if (folding) {
    if (shift) y = tf.add(y, shift);
  } else {
    if (bias) y = tf.add(y, bias);
    if (options.norm) y = applyBatchNorm(variables, options.norm, y, options.training, options.momentum);
  }
  return activate(y, options.activation);
}

/** Momentum of the running statistics (PyTorch's 0.1). */
export const BN_MOMENTUM = 0.1;
/** Variance epsilon of BatchNorm (PyTorch's). */
const BN_EPSILON = 1e-5;

/**
 * BatchNorm over N, H, W. Training: normalises with the batch statistics and updates the running
 * statistics with `momentum` (unbiased variance, as PyTorch); evaluation: uses the running statistics.
 */
export function applyBatchNorm(
  variables: ReadonlyMap<string, tf.Variable>,
  name: string,
  x: tf.Tensor4D,
  training: boolean,
  momentum = BN_MOMENTUM
): tf.Tensor4D {
  const gamma = requireVariable(variables, `${name}/gamma`);
  const beta = requireVariable(variables, `${name}/beta`);
  const runningMean = requireVariable(variables, `${name}/runningMean`);
  const runningVar = requireVariable(variables, `${name}/runningVar`);
  if (!training) {
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(runningVar, BN_EPSILON)));
    const shift = tf.sub(beta, tf.mul(runningMean, scale));
    return tf.add(tf.mul(x, scale), shift);
  }
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const normalised = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, BN_EPSILON)));
  const count = x.shape[0] * x.shape[1] * x.shape[2];
  const unbiased = count > 1 ? count / (count - 1) : 1;
  tf.tidy(() => {
    const batchMean = mean;
    const batchVar = tf.mul(variance, unbiased);
    runningMean.assign(tf.add(tf.mul(runningMean, 1 - momentum), tf.mul(batchMean, momentum)));
    runningVar.assign(tf.add(tf.mul(runningVar, 1 - momentum), tf.mul(batchVar, momentum)));
  });
  return tf.add(tf.mul(normalised, gamma), beta) as tf.Tensor4D;
}

/** Instance norm without affine parameters, written from moments (tf.batchNorm with keep-dims has no gradient). */
export function instanceNorm(x: tf.Tensor4D, epsilon = 1e-5): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [1, 2], true);
  return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
}

/**
 * Nearest-neighbour ×2 upsampling. Its gradient (each input pixel collects its 2×2 block) is a 2×2
 * sum pooling, much faster on WASM than the generic ResizeNearestNeighborGrad kernel.
 */
export const upsampleNearest2x = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const input = args[0] as tf.Tensor4D;
  return {
    value: tf.image.resizeNearestNeighbor(input, [input.shape[1] * 2, input.shape[2] * 2], false, false),
    gradFunc: (dy: tf.Tensor) => tf.mul(tf.avgPool(dy as tf.Tensor4D, 2, 2, 'valid'), 4)
  };
}) as (x: tf.Tensor4D) => tf.Tensor4D;
