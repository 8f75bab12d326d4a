// Options read from the page URL: the debug API and forced backends (benchmarks, tests).
import type { BackendName } from '$lib/ml/types';
import type { InitOptions } from '$lib/worker/api';

const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** What the URL asks of the studio. */
export interface UrlOptions {
  /** `?debug`: expose `window.__livebrush` (tests and benchmarks only). */
  debug: boolean;
  /** `?backend=webgl,wasm`, `?allowSoftwareGpu`, `?engine=single`, `?gpuCalls`: how the engine starts. */
  init: InitOptions;
}

/**
 * Parses `?debug`, `?backend=a,b`, `?allowSoftwareGpu`, `?engine=single` (the one-worker engine, for
 * comparison), `?gpuCalls` (count WebGPU readbacks and submits), `?forceGpuFrames` (skip the WebGPU canvas check), `?cores=N` (split threads as for N cores) and `?side=N` (a fixed preview working
 * side); unknown backend names are ignored.
 */
export function readUrlOptions(search: string): UrlOptions {
  const params = new URLSearchParams(search);
  const preference = (params.get('backend') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name): name is BackendName => (BACKENDS as readonly string[]).includes(name));
  const init: InitOptions = {};
  if (preference.length > 0) init.preference = preference;
  if (params.has('allowSoftwareGpu')) init.allowSoftwareGpu = true;
  if (params.get('engine') === 'single') init.engine = 'single';
  if (params.has('gpuCalls')) init.countGpuCalls = true;
  if (params.has('forceGpuFrames')) init.forceGpuFrames = true;
  const cores = Number(params.get('cores'));
  if (Number.isInteger(cores) && cores >= 1 && cores <= 64) init.cores = cores;
  const side = Number(params.get('side'));
  if (Number.isInteger(side) && side >= 16 && side <= 4096) init.previewSide = side;
  return { debug: params.has('debug'), init };
}
