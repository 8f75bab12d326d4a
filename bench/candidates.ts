/**
 * The network and training configurations compared on the development set (docs/network.md).
 * Every candidate is spelled out in full (not relative to the presets, which change as a result of
 * this comparison), so each name keeps meaning the same thing.
 */
import { CliError } from '../cli/errors.ts';
import { networkWithShape } from '../cli/network-shape.ts';
import { DEFAULT_TRAINING, NETWORKS, type NetworkConfig, type TrainingConfig } from '../src/lib/ml/config.ts';

/** One configuration under test: a network and the training settings that matter for the comparison. */
export interface Candidate {
  network: NetworkConfig;
  training: Pick<TrainingConfig, 'patchSize' | 'batchSize' | 'learningRate' | 'perceptual'>;
  /** What distinguishes it, for tables. */
  note: string;
}

/** The starting point of the sweep: the first `mobile` preset of the ML core (≈10k multiply-adds per pixel). */
const BASE: NetworkConfig = {
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

/** The reference's training settings with the given perceptual substitute. */
const REFERENCE_TRAINING: Candidate['training'] = { patchSize: 32, batchSize: 40, learningRate: 4e-4, perceptual: 'ssim-gradient' };

const variant = (name: string, network: Partial<NetworkConfig>, note: string, training: Partial<Candidate['training']> = {}): [string, Candidate] => [
  name,
  { network: { ...BASE, ...network, name }, training: { ...REFERENCE_TRAINING, ...training }, note }
];
const widened = (width: number): Partial<NetworkConfig> => networkWithShape(BASE, { width, residualBlocks: BASE.residualBlocks });

/** Every candidate by name. */
export const CANDIDATES: Record<string, Candidate> = Object.fromEntries([
  ['reference', { network: NETWORKS.reference, training: REFERENCE_TRAINING, note: 'the paper’s GeneratorJ' }],
  [
    'mobile',
    {
      network: NETWORKS.mobile,
      training: { patchSize: DEFAULT_TRAINING.patchSize, batchSize: DEFAULT_TRAINING.batchSize, learningRate: DEFAULT_TRAINING.learningRate, perceptual: DEFAULT_TRAINING.perceptual },
      note: 'the mobile preset with the training defaults, as committed'
    }
  ],
  variant('sep16', {}, 'base: separable 3×3, 16/32/64 filters, 3 blocks'),
  variant('sep8', widened(8), 'half width'),
  variant('sep24', widened(24), '1.5× width'),
  variant('sep32', widened(32), '2× width'),
  variant('sep16-r1', { residualBlocks: 1 }, '1 residual block'),
  variant('sep16-r6', { residualBlocks: 6 }, '6 residual blocks'),
  variant('dense8', { ...widened(8), separable: false }, 'plain (not separable) convs, half width'),
  variant('sep16-down1', { downFilters: [32], upFilters: [24] }, 'one ×2 downsampling instead of two'),
  variant('sep16-down3', { downFilters: [32, 64, 96], upFilters: [64, 48, 24] }, 'three ×2 downsamplings'),
  variant('sep16-l1', {}, 'no perceptual term (L1 + GAN only)', { perceptual: 'none' }),
  variant('sep16-randfeat', {}, 'random-feature perceptual term', { perceptual: 'random-features' }),
  variant('sep16-b16', {}, '16 patches per step', { batchSize: 16 }),
  variant('sep16-b8', {}, '8 patches per step', { batchSize: 8 }),
  variant('sep16-p48b16', {}, '16 patches of 48²', { patchSize: 48, batchSize: 16 }),
  variant('sep16-lr1e-3', {}, 'learning rate 1e-3', { learningRate: 1e-3 })
]);

/** Looks a candidate up by name; throws a CliError listing the names otherwise. */
export function candidateByName(name: string): Candidate {
  const candidate = CANDIDATES[name];
  if (!candidate) throw new CliError(`unknown candidate "${name}": ${Object.keys(CANDIDATES).join(', ')}`);
  return candidate;
}
