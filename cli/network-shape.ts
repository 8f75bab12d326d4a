import type { NetworkConfig } from '../src/lib/ml/index.ts';

/** The two network axes the paper's search varies: depth (residual blocks) and width (stem filters). */
export interface NetworkShape {
  residualBlocks: number;
  /** The stem's filter count; every other layer's filters scale with it. */
  width: number;
}

/** Reads a network's shape. */
export function networkShape(network: NetworkConfig): NetworkShape {
  return { residualBlocks: network.residualBlocks, width: network.stemFilters };
}

/** A copy of `network` with the given residual blocks and every filter count scaled to the given width. */
export function networkWithShape(network: NetworkConfig, shape: NetworkShape): NetworkConfig {
  const scale = shape.width / network.stemFilters;
  const scaled = (filters: number) => Math.max(1, Math.round(filters * scale));
  return {
    ...network,
    name: `${network.name}-w${shape.width}-r${shape.residualBlocks}`,
    residualBlocks: shape.residualBlocks,
    stemFilters: shape.width,
    downFilters: network.downFilters.map(scaled),
    upFilters: network.upFilters.map(scaled),
    headFilters: scaled(network.headFilters)
  };
}
