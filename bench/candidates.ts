/**
 * The network and training configurations compared on the development set (docs/network.md).
 * A candidate is named ARCHITECTURE/TRAINING (e.g. `sep16/b8`), or `mobile` for the presets as
 * committed. Everything is spelled out in full rather than relative to the presets, which change as
 * a result of this comparison, so each name keeps meaning the same thing.
 */
import { CliError } from '../cli/errors.ts';
import { networkWithShape } from '../cli/network-shape.ts';
import { DEFAULT_TRAINING, NETWORKS, type NetworkConfig, type TrainingConfig } from '../src/lib/ml/config.ts';
import { DEFAULT_GUIDE } from '../src/lib/ml/guides.ts';

/** The training settings a candidate fixes (the rest are DEFAULT_TRAINING's). */
export type CandidateTraining = Pick<
  TrainingConfig,
  'patchSize' | 'batchSize' | 'learningRate' | 'perceptual' | 'weightAveraging' | 'lossWeights' | 'strokeSampling' | 'strokeWeight'
>;

/** One configuration under test: a network and its training settings. */
export interface Candidate {
  network: NetworkConfig;
  training: CandidateTraining;
}

/** The starting point of the sweep: the ML core's first `mobile` preset (≈10k multiply-adds per pixel). */
const SEP16: NetworkConfig = {
  name: 'sep16',
  inputChannels: 3,
  stemFilters: 16,
  stemKernel: 3,
  downFilters: [32, 64],
  residualBlocks: 3,
  upFilters: [48, 24],
  headFilters: 24,
  headKernel: 3,
  smoothers: true,
  separable: true
};

const widened = (base: NetworkConfig, width: number) => networkWithShape(base, { width, residualBlocks: base.residualBlocks });
const DENSE16: NetworkConfig = { ...SEP16, separable: false };

/** Architectures by name: what changes from SEP16. */
export const ARCHITECTURES: Record<string, NetworkConfig> = Object.fromEntries(
  Object.entries({
    reference: NETWORKS.reference,
    sep16: SEP16,
    sep8: widened(SEP16, 8),
    sep24: widened(SEP16, 24),
    sep32: widened(SEP16, 32),
    dense8: widened(DENSE16, 8),
    dense12: widened(DENSE16, 12),
    'sep16-r1': { ...SEP16, residualBlocks: 1 },
    'sep16-r6': { ...SEP16, residualBlocks: 6 },
    'sep16-down1': { ...SEP16, downFilters: [32], upFilters: [24] },
    'sep16-down3': { ...SEP16, downFilters: [32, 64, 96], upFilters: [64, 48, 24] },
    'sep16-nosmooth': { ...SEP16, smoothers: false },
    'dense8-full16': { ...widened(DENSE16, 8), stemFilters: 16, headFilters: 16 },
    'dense8-full24': { ...widened(DENSE16, 8), stemFilters: 24, headFilters: 24 },
    'dense8-full24-r1': { ...widened(DENSE16, 8), stemFilters: 24, headFilters: 24, residualBlocks: 1 },
    'dense8-full32-r1': { ...widened(DENSE16, 8), stemFilters: 32, headFilters: 32, residualBlocks: 1 },
    'dense8-full24-r1-aux': { ...widened(DENSE16, 8), stemFilters: 24, headFilters: 24, residualBlocks: 1, inputChannels: 6 as const },
    // Guide channels moved by the motion estimated from the keyframe to each frame (src/lib/ml/guides.ts).
    'dense8-full24-r1-guide': { ...widened(DENSE16, 8), stemFilters: 24, headFilters: 24, residualBlocks: 1, inputChannels: 6 as const, guide: DEFAULT_GUIDE },
    'reference-guide': { ...NETWORKS.reference, inputChannels: 6 as const, guide: DEFAULT_GUIDE },
    'dense8-full24-r0': { ...widened(DENSE16, 8), stemFilters: 24, headFilters: 24, residualBlocks: 0 },
    'dense8-full16-r1': { ...widened(DENSE16, 8), stemFilters: 16, headFilters: 16, residualBlocks: 1 },
    'dense8-r1': { ...widened(DENSE16, 8), residualBlocks: 1 },
    'dense8-r5': { ...widened(DENSE16, 8), residualBlocks: 5 }
  }).map(([name, network]) => [name, { ...network, name }])
);

const NO_ADVERSARIAL = { l1: 4, perceptual: 6, adversarial: 0 };
const REFERENCE_TRAINING: CandidateTraining = {
  patchSize: 32,
  batchSize: 40,
  learningRate: 4e-4,
  perceptual: 'ssim-gradient',
  weightAveraging: 0,
  lossWeights: { l1: 4, perceptual: 6, adversarial: 0.5 },
  strokeSampling: 0,
  strokeWeight: 0
};
/** The dense default's training (8 patches, lr 1e-3, averaging 0.99, no discriminator) before stroke emphasis. */
const EMA_NOADV: CandidateTraining = { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 1e-3, weightAveraging: 0.99, lossWeights: NO_ADVERSARIAL };

/** Training settings by name: what changes from the reference's (32² patches, 40 per step, lr 4e-4). */
export const TRAININGS: Record<string, CandidateTraining> = {
  b40: REFERENCE_TRAINING,
  b16: { ...REFERENCE_TRAINING, batchSize: 16 },
  b8: { ...REFERENCE_TRAINING, batchSize: 8 },
  b4: { ...REFERENCE_TRAINING, batchSize: 4 },
  'b8-l1': { ...REFERENCE_TRAINING, batchSize: 8, perceptual: 'none' },
  'b8-randfeat': { ...REFERENCE_TRAINING, batchSize: 8, perceptual: 'random-features' },
  'b8-lr1e-3': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 1e-3 },
  'b8-lr2e-3': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 2e-3 },
  'b8-lr2e-3-randfeat': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 2e-3, perceptual: 'random-features' },
  'b8-lr2e-3-l1': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 2e-3, perceptual: 'none' },
  'b4-p48': { ...REFERENCE_TRAINING, batchSize: 4, patchSize: 48 },
  'b16-p16': { ...REFERENCE_TRAINING, batchSize: 16, patchSize: 16 },
  'b8-lr1e-3-ema99': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 1e-3, weightAveraging: 0.99 },
  'b8-lr2e-3-ema99': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 2e-3, weightAveraging: 0.99 },
  'b8-lr1e-3-noadv': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 1e-3, lossWeights: NO_ADVERSARIAL },
  'b8-lr1e-3-ema99-noadv': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 1e-3, weightAveraging: 0.99, lossWeights: NO_ADVERSARIAL },
  'b8-lr2e-3-ema99-noadv': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 2e-3, weightAveraging: 0.99, lossWeights: NO_ADVERSARIAL },
  'b4-lr1e-3-ema99-noadv': { ...REFERENCE_TRAINING, batchSize: 4, learningRate: 1e-3, weightAveraging: 0.99, lossWeights: NO_ADVERSARIAL },
  'b4-p48-lr1e-3-ema99-noadv': { ...REFERENCE_TRAINING, batchSize: 4, patchSize: 48, learningRate: 1e-3, weightAveraging: 0.99, lossWeights: NO_ADVERSARIAL },
  'b8-lr2e-3-noadv': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 2e-3, lossWeights: NO_ADVERSARIAL },
  'b8-lr3e-3-ema99-noadv': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 3e-3, weightAveraging: 0.99, lossWeights: NO_ADVERSARIAL },
  'b8-lr2e-3-ema995-noadv': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 2e-3, weightAveraging: 0.995, lossWeights: NO_ADVERSARIAL },
  'b8-lr1e-3-ema99-noadv-ssim8': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 1e-3, weightAveraging: 0.99, lossWeights: { l1: 2, perceptual: 8, adversarial: 0 } },
  'b8-lr1e-3-ema99-noadv-l1x2': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 1e-3, weightAveraging: 0.99, lossWeights: { l1: 8, perceptual: 6, adversarial: 0 } },
  'b8-lr1e-3-ema995-noadv': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 1e-3, weightAveraging: 0.995, lossWeights: NO_ADVERSARIAL },
  'b16-lr1e-3-ema99-noadv': { ...REFERENCE_TRAINING, batchSize: 16, learningRate: 1e-3, weightAveraging: 0.99, lossWeights: NO_ADVERSARIAL },
  'b8-lr1e-3-ema99-noadv-l1': { ...REFERENCE_TRAINING, batchSize: 8, learningRate: 1e-3, weightAveraging: 0.99, lossWeights: NO_ADVERSARIAL, perceptual: 'none' },
  // Stroke emphasis (issue 9): sN draws N % of the patch centres near painted pixels, wN weighs painted pixels 1 + N in the L1 term.
  'b8-lr1e-3-ema99-noadv-s50': { ...EMA_NOADV, strokeSampling: 0.5 },
  'b8-lr1e-3-ema99-noadv-s50-w3': { ...EMA_NOADV, strokeSampling: 0.5, strokeWeight: 3 },
  'b8-lr1e-3-ema99-noadv-w3': { ...EMA_NOADV, strokeWeight: 3 }
};

/** Looks a candidate up by name (ARCHITECTURE/TRAINING or `mobile`); throws a CliError listing the choices otherwise. */
export function candidateByName(name: string): Candidate {
  if (name === 'mobile') {
    const { patchSize, batchSize, learningRate, perceptual, weightAveraging, lossWeights, strokeSampling, strokeWeight } = DEFAULT_TRAINING;
    return { network: NETWORKS.mobile, training: { patchSize, batchSize, learningRate, perceptual, weightAveraging, lossWeights, strokeSampling, strokeWeight } };
  }
  const [architecture, training = 'b40', extra] = name.split('/');
  const network = ARCHITECTURES[architecture];
  const settings = TRAININGS[training];
  if (!network || !settings || extra !== undefined) {
    throw new CliError(
      `unknown candidate "${name}": use mobile or ARCHITECTURE/TRAINING with ARCHITECTURE one of ${Object.keys(ARCHITECTURES).join(', ')} and TRAINING one of ${Object.keys(TRAININGS).join(', ')}`
    );
  }
  return { network, training: settings };
}
