import * as tf from '@tensorflow/tfjs-core';
import { applyConv, convTensorSpecs, createVariables, initialValues, instanceNorm, type ConvSpec } from './layers';
import { SeededRandom } from './random';

/** The reference's unconditional PatchGAN: a map of real/fake scores for a batch of stylized patches. */
export interface Discriminator {
  /** Its conv weights and biases by name. */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** NHWC RGB patches in [-1, 1] → NHWC score map (6×6 for 32×32 patches). */
  apply(x: tf.Tensor4D): tf.Tensor4D;
  /** Frees every variable. */
  dispose(): void;
}

const conv = (name: string, inChannels: number, outChannels: number, stride: number): ConvSpec => ({
  name,
  inChannels,
  outChannels,
  kernel: 4,
  stride,
  pad: 1,
  bias: true,
  separable: false,
  pixelFraction: 1
});

/** conv4×4 s2 → 12, LReLU; conv4×4 s2 → 24, IN, LReLU; conv4×4 s1 → 48, IN, LReLU; conv4×4 s1 → 1 (24,469 parameters). */
const LAYERS: { conv: ConvSpec; norm: boolean; activation: boolean }[] = [
  { conv: conv('d1', 3, 12, 2), norm: false, activation: true },
  { conv: conv('d2', 12, 24, 2), norm: true, activation: true },
  { conv: conv('d3', 24, 48, 1), norm: true, activation: true },
  { conv: conv('d4', 48, 1, 1), norm: false, activation: false }
];

/** A freshly initialised PatchGAN discriminator, repeatable by `seed`. */
export function createDiscriminator(seed = 2): Discriminator {
  const random = new SeededRandom(seed);
  const variables = createVariables(
    LAYERS.flatMap((layer) => convTensorSpecs(layer.conv)),
    (spec) => initialValues(spec, random)
  );
  return {
    variables,
    apply: (x) =>
      tf.tidy(() => {
        let current = x;
        for (const layer of LAYERS) {
          current = applyConv(variables, layer.conv, current);
          if (layer.norm) current = instanceNorm(current);
          if (layer.activation) current = tf.leakyRelu(current, 0.2);
        }
        return current;
      }),
    dispose() {
      for (const variable of variables.values()) variable.dispose();
    }
  };
}
