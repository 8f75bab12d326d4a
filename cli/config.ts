import { readFile } from 'node:fs/promises';
import { NETWORKS, parseNetworkConfig, type NetworkConfig, type TrainingConfig } from '../src/lib/ml/index.ts';
import { CliError } from './errors.ts';

/** A network plus optional training overrides, as chosen by `--config`. */
export interface ResolvedConfig {
  /** What the user called it: a preset name or the file path. */
  label: string;
  network: NetworkConfig;
  training: Partial<TrainingConfig>;
}

/** Whether a name is one of the built-in presets. */
function isPreset(name: string): name is keyof typeof NETWORKS {
  return Object.hasOwn(NETWORKS, name);
}

/**
 * Resolves `--config`: a preset name (`mobile`, `reference`), a JSON file holding a network
 * configuration, or a JSON file `{ "network": <preset name or configuration>, "training": {...} }`.
 */
export async function resolveConfig(arg: string | undefined): Promise<ResolvedConfig> {
  const name = arg ?? 'mobile';
  if (isPreset(name)) return { label: name, network: NETWORKS[name], training: {} };
  if (!name.endsWith('.json')) {
    throw new CliError(`unknown --config "${name}": use ${Object.keys(NETWORKS).join(', ')} or a .json file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(name, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `file not found: ${name}` : `cannot read config ${name}: ${(error as Error).message}`);
  }
  try {
    if (json !== null && typeof json === 'object' && 'network' in json) {
      const { network, training } = json as { network: unknown; training?: unknown };
      const resolvedNetwork = typeof network === 'string' && isPreset(network) ? NETWORKS[network] : parseNetworkConfig(network);
      if (training !== undefined && (training === null || typeof training !== 'object')) throw new Error('"training" must be an object');
      return { label: name, network: resolvedNetwork, training: (training ?? {}) as Partial<TrainingConfig> };
    }
    return { label: name, network: parseNetworkConfig(json), training: {} };
  } catch (error) {
    throw new CliError(`invalid config ${name}: ${(error as Error).message}`);
  }
}
