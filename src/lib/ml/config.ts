import * as v from 'valibot';
import { GuideConfigSchema, type GuideConfig } from './guides';

/**
 * A generator architecture in the family of the reference's GeneratorJ (a U-Net with residual blocks):
 * stem conv → stride-2 downsampling convs → residual blocks → (concat skip, nearest ×2, conv) per level →
 * head conv over concat(decoder, stem, input) → optional smoothers → 1×1 conv to RGB with tanh.
 */
export interface NetworkConfig {
  /** A human-readable name, stored in weights files. */
  name: string;
  /** 3 for RGB input, 6 for RGB plus three auxiliary (Gaussian-mixture) channels. */
  inputChannels: 3 | 6;
  /** Filters of the full-resolution stem conv (reference: 32). */
  stemFilters: number;
  /** Kernel size of the stem conv (reference: 7). */
  stemKernel: number;
  /** Filters of each stride-2 3×3 conv, shallowest first; its length is the number of ×2 downsamplings (reference: [64, 128]). */
  downFilters: number[];
  /** Number of residual blocks at the deepest level (reference: 7). */
  residualBlocks: number;
  /** Filters of each upsampling conv, deepest first; same length as downFilters (reference: [128, 128]). */
  upFilters: number[];
  /** Filters of the full-resolution head conv over concat(decoder, stem, input) (reference: 64). */
  headFilters: number;
  /** Kernel size of the head conv (reference: 7; about half of the reference's compute). */
  headKernel: number;
  /** Whether two 3×3 smoothing convs follow the head (reference: true). */
  smoothers: boolean;
  /** Use depthwise-separable convs (depthwise k×k + pointwise 1×1) for every k>1 conv after the stem. */
  separable: boolean;
  /**
   * What the three auxiliary channels of a 6-channel network hold: a pattern moved with the content
   * (src/lib/ml/guides.ts). Absent on 6-channel networks saved before guides moved: a static pattern.
   */
  guide?: GuideConfig;
  /**
   * Carry what the network does not reproduce on a painted keyframe into each frame by the motion
   * from that keyframe (src/lib/ml/strokes.ts; live.ts picks the keyframe the frame matches best): the difference counts fully above `threshold` (RGB sum,
   * 0–765) and not at all below half of it. Absent: the network's output alone.
   */
  strokeLayer?: { threshold: number };
}

/** The patch-level perceptual-loss substitutes (no pretrained VGG is available offline). */
export type PerceptualLoss = 'none' | 'random-features' | 'ssim-gradient';

/** Every perceptual substitute, for menus and validation. */
export const PERCEPTUAL_LOSSES: readonly PerceptualLoss[] = ['none', 'random-features', 'ssim-gradient'];

/** Hyper-parameters of few-shot patch training. */
export interface TrainingConfig {
  /** Side of the square training patches in pixels (reference: 32). */
  patchSize: number;
  /** Patches per optimisation step, drawn round-robin over keyframes (reference: 40). */
  batchSize: number;
  /** Adam learning rate for generator and discriminator (reference: 4e-4). */
  learningRate: number;
  /** L2 weight decay added to the gradient (reference: 1e-5). */
  weightDecay: number;
  /** Adam epsilon, always explicit (tfjs would otherwise pick 1e-4 on WebGL). */
  adamEpsilon: number;
  /** Weights of the generator's loss terms (reference: 4, 6, 0.5). */
  lossWeights: { l1: number; perceptual: number; adversarial: number };
  /** Which perceptual substitute to use. */
  perceptual: PerceptualLoss;
  /** Decay of the exponential moving average of the weights that stylizes and is saved (0: the raw trained weights). */
  weightAveraging: number;
  /** Share of patch centres drawn near painted pixels (where the painting differs from the frame); 0: uniform, as the reference. */
  strokeSampling: number;
  /** Extra L1 weight of painted pixels (0: none); per-pixel weights are scaled to mean 1 per batch. */
  strokeWeight: number;
}

/** The paper's GeneratorJ exactly (3,267,523 parameters with RGB input). */
const REFERENCE: NetworkConfig = {
  name: 'reference',
  inputChannels: 3,
  stemFilters: 32,
  stemKernel: 7,
  downFilters: [64, 128],
  residualBlocks: 7,
  upFilters: [128, 128],
  headFilters: 64,
  headKernel: 7,
  smoothers: true,
  separable: false
};

/**
 * The phone-sized default, chosen on the devset (docs/network.md): the reference's layout with 3×3
 * kernels, a thin low-resolution path (16/32 filters, one residual block) and the width spent at full
 * resolution (stem, head and smoothers of 24), where the painted texture is made. Its stroke layer
 * carries what it has not learnt of the painting into each frame by the camera motion (doodle set:
 * stroke recall 0.06 → 0.90 after 60 s; dense devset mean +1.6 dB).
 */
const MOBILE: NetworkConfig = {
  name: 'mobile',
  inputChannels: 3,
  stemFilters: 24,
  stemKernel: 3,
  downFilters: [16, 32],
  residualBlocks: 1,
  upFilters: [24, 12],
  headFilters: 24,
  headKernel: 3,
  smoothers: true,
  separable: false,
  strokeLayer: { threshold: 60 }
};

/** The built-in network presets; `mobile` is the default. */
export const NETWORKS: { reference: NetworkConfig; mobile: NetworkConfig } = {
  reference: REFERENCE,
  mobile: MOBILE
};

/**
 * The reference's training hyper-parameters except these, each chosen on the devset at equal CPU time
 * (docs/network.md): 8 patches per step instead of 40, learning rate 1e-3 instead of 4e-4, the
 * SSIM + gradient substitute for the VGG perceptual term, no adversarial term (the discriminator
 * costs a fifth of each step and never scored higher within a minute), and a moving average of the
 * weights for stylizing (+0.35 dB after 60 s, +0.9 dB after 15 s).
 */
export const DEFAULT_TRAINING: TrainingConfig = {
  patchSize: 32,
  batchSize: 8,
  learningRate: 1e-3,
  weightDecay: 1e-5,
  adamEpsilon: 1e-8,
  lossWeights: { l1: 4, perceptual: 6, adversarial: 0 },
  perceptual: 'ssim-gradient',
  weightAveraging: 0.99,
  strokeSampling: 0,
  strokeWeight: 0
};

const count = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const oddKernel = v.pipe(
  count(1, 9),
  v.check((k) => k % 2 === 1, 'kernel sizes must be odd')
);

const NetworkConfigSchema = v.pipe(
  v.strictObject({
    name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
    inputChannels: v.picklist([3, 6]),
    stemFilters: count(1, 1024),
    stemKernel: oddKernel,
    downFilters: v.pipe(v.array(count(1, 1024)), v.maxLength(5)),
    residualBlocks: count(0, 32),
    upFilters: v.pipe(v.array(count(1, 1024)), v.maxLength(5)),
    headFilters: count(1, 1024),
    headKernel: oddKernel,
    smoothers: v.boolean(),
    separable: v.boolean(),
    guide: v.optional(GuideConfigSchema),
    strokeLayer: v.optional(v.strictObject({ threshold: v.pipe(v.number(), v.minValue(1), v.maxValue(765)) }))
  }),
  v.check((c) => c.upFilters.length === c.downFilters.length, 'upFilters must have as many entries as downFilters'),
  v.check((c) => c.guide === undefined || c.inputChannels === 6, 'guide needs inputChannels 6')
);

/** Validates an untrusted network configuration (e.g. from a weights file); throws an Error naming the bad field. */
export function parseNetworkConfig(json: unknown): NetworkConfig {
  const result = v.safeParse(NetworkConfigSchema, json);
  if (!result.success) {
    const problems = result.issues.map((issue) => {
      const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
      return path ? `${path}: ${issue.message}` : issue.message;
    });
    throw new Error(`Invalid network configuration: ${problems.join('; ')}`);
  }
  const config = result.output;
  const { guide, strokeLayer, ...rest } = config;
  return {
    ...rest,
    inputChannels: config.inputChannels as 3 | 6,
    downFilters: [...config.downFilters],
    upFilters: [...config.upFilters],
    ...(guide ? { guide: { ...guide } } : {}),
    ...(strokeLayer ? { strokeLayer: { ...strokeLayer } } : {})
  };
}

/** The side length every input's height and width must be a multiple of (2^number of downsamplings). */
export function sizeMultiple(config: NetworkConfig): number {
  return 2 ** config.downFilters.length;
}
