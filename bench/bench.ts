/**
 * Speed figures of the built-in network configurations on this machine (Node, WASM backend):
 * parameters, multiply-adds per pixel, inference ms per frame at 256² and 512², training steps/s.
 *
 *   npm run bench                 human-readable table
 *   npm run bench -- --json       the last stdout line is one JSON object (see docs/network.md)
 *   npm run bench -- --only mobile --candidate m12-b2 …   other configurations (bench/candidates.ts)
 *   npm run bench -- --only video  only the full-size figures (bench/video.ts: video render, 1280×720 photo)
 *
 * Timings are medians of a few repetitions. Each also has a CPU-time rate (work per CPU-second of
 * this single-threaded process), which estimates the uncontended speed on a shared, loaded machine.
 * On a multi-core machine it also times the default network trained by one replica per core (as
 * `livebrush train` does) against one replica, in the same run.
 */
import { cpus, loadavg } from 'node:os';
import { parseFlags } from '../cli/args.ts';
import { CliError } from '../cli/errors.ts';
import { createGenerator, DEFAULT_TRAINING, initBackend, NETWORKS, stylize, type NetworkConfig, type TrainingConfig } from '../src/lib/ml/index.ts';
import type { RgbaImage } from '../src/lib/ml/types.ts';
import { defaultReplicaCount, ReplicaGroup } from '../cli/replicas.ts';
import { candidateByName } from './candidates.ts';
import { measureVideo, printVideoFigures, type VideoFigures } from './video.ts';

/** The figures of one configuration. */
export interface ConfigFigures {
  params: number;
  macsPerPixel: number;
  /** Median ms per 256×256 frame (wall clock). */
  inferMs256: number;
  /** Median ms per 512×512 frame (wall clock). */
  inferMs512: number;
  /** Training steps per second (wall clock). */
  trainStepsPerSec: number;
  /** Training steps per CPU-second of this process: the rate with one uncontended core. */
  trainStepsPerCpuSec: number;
  batch: number;
  patch: number;
  backend: string;
}

/** A deterministic test card: smooth gradients plus a checker, so convolutions see real structure. */
function testImage(size: number, phase: number): RgbaImage {
  const data = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const checker = ((x >> 3) + (y >> 3) + phase) % 2 === 0 ? 40 : 0;
      data[i] = (x * 255) / size + checker;
      data[i + 1] = (y * 255) / size;
      data[i + 2] = 128 + 100 * Math.sin((x + y + phase) / 9) - checker;
      data[i + 3] = 255;
    }
  }
  return { width: size, height: size, data };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Median wall-clock ms of `reps` stylizations of a size×size frame, after one warm-up. */
async function inferMs(network: NetworkConfig, size: number, reps: number): Promise<number> {
  const generator = createGenerator(network, 1);
  const frame = testImage(size, 0);
  try {
    await stylize(generator, frame);
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      const started = performance.now();
      await stylize(generator, frame);
      times.push(performance.now() - started);
    }
    return median(times);
  } finally {
    generator.dispose();
  }
}

/** Training steps per second (wall and CPU time) of `replicas` data-parallel replicas over `steps` steps, after two warm-up steps. */
async function trainRate(network: NetworkConfig, training: Partial<TrainingConfig>, steps: number, replicas = 1) {
  const size = 128;
  const group = await ReplicaGroup.start({ network, training, examples: [{ input: testImage(size, 0), styled: testImage(size, 3) }], seed: 1 }, replicas);
  try {
    await group.run({ steps: 2 });
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    await group.run({ steps });
    const wallSec = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSec = (cpu.user + cpu.system) / 1e6;
    return { wall: steps / wallSec, cpu: steps / cpuSec };
  } finally {
    await group.dispose();
  }
}

/** Measures one configuration; heavier networks get fewer repetitions to keep the run short. */
async function measure(network: NetworkConfig, training: Partial<TrainingConfig>, backend: string): Promise<ConfigFigures> {
  const probe = createGenerator(network, 1);
  const params = probe.paramCount();
  const macsPerPixel = probe.macsPerPixel();
  probe.dispose();
  const heavy = macsPerPixel > 300_000;
  const resolved = { ...DEFAULT_TRAINING, ...training };
  const rate = await trainRate(network, training, heavy ? 2 : 8);
  return {
    params,
    macsPerPixel,
    inferMs256: round(await inferMs(network, 256, heavy ? 3 : 7)),
    inferMs512: round(await inferMs(network, 512, heavy ? 1 : 3)),
    trainStepsPerSec: round(rate.wall, 3),
    trainStepsPerCpuSec: round(rate.cpu, 3),
    batch: resolved.batchSize,
    patch: resolved.patchSize,
    backend
  };
}

const round = (value: number, digits = 1) => +value.toFixed(digits);

/** Prints the figures as an aligned table. */
function printTable(configs: Record<string, ConfigFigures>): void {
  const header = ['config', 'params', 'MACs/px', 'ms@256²', 'ms@512²', 'steps/s', 'steps/cpu-s', 'batch×patch²', 'backend'];
  const rows = Object.entries(configs).map(([name, f]) => [
    name, f.params.toLocaleString('en'), f.macsPerPixel.toLocaleString('en'), String(f.inferMs256), String(f.inferMs512),
    String(f.trainStepsPerSec), String(f.trainStepsPerCpuSec), `${f.batch}×${f.patch}²`, f.backend
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
}

async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, { json: 'switch', only: 'repeated', candidate: 'repeated' });
  const { backend } = await initBackend(['wasm']);
  const selected: [string, NetworkConfig, Partial<TrainingConfig>][] = [];
  const only = flags.all('only');
  for (const [name, network] of Object.entries(NETWORKS)) {
    if (only.length === 0 || only.includes(name)) selected.push([name, network, {}]);
  }
  for (const name of flags.all('candidate')) {
    const candidate = candidateByName(name);
    selected.push([name, candidate.network, candidate.training]);
  }
  const withVideo = only.length === 0 || only.includes('video');
  if (selected.length === 0 && !withVideo) throw new CliError(`nothing to measure: --only takes ${[...Object.keys(NETWORKS), 'video'].join(', ')}`);
  const configs: Record<string, ConfigFigures> = {};
  for (const [name, network, training] of selected) {
    process.stderr.write(`measuring ${name}…\n`);
    configs[name] = await measure(network, training, backend);
  }
  const ratio = configs.reference && configs.mobile ? round(configs.reference.inferMs256 / configs.mobile.inferMs256, 2) : null;
  const replicas = defaultReplicaCount();
  let threads: { replicas: number; patchesPerSecOne: number; patchesPerSec: number; speedup: number } | null = null;
  if (replicas > 1 && (only.length === 0 || only.includes('mobile'))) {
    process.stderr.write(`measuring mobile training on ${replicas} threads…\n`);
    const patchesPerSec = async (count: number) => (await trainRate(NETWORKS.mobile, {}, 8, count)).wall * count * DEFAULT_TRAINING.batchSize;
    const one = await patchesPerSec(1);
    const many = await patchesPerSec(replicas);
    threads = { replicas, patchesPerSecOne: round(one), patchesPerSec: round(many), speedup: round(many / one, 2) };
  }
  let video: VideoFigures | null = null;
  if (withVideo) {
    process.stderr.write('measuring full-size video rendering and a 1280×720 photo…\n');
    video = await measureVideo();
  }
  const machine = { cpus: cpus().length, loadavg1m: round(loadavg()[0], 2) };
  if (flags.has('json')) {
    console.log(JSON.stringify({ configs, referenceOverMobileInfer256: ratio, ...(threads ? { threads } : {}), ...(video ? { video } : {}), machine }));
    return;
  }
  if (selected.length > 0) printTable(configs);
  if (video) printVideoFigures(video);
  if (ratio !== null) console.log(`reference/mobile inference time at 256²: ${ratio}× (same run)`);
  if (threads) {
    console.log(`mobile training on ${threads.replicas} threads: ${threads.patchesPerSec} patches/s vs ${threads.patchesPerSecOne} on one, ${threads.speedup}× (same run)`);
  }
  console.log(`machine: ${machine.cpus} cores, 1-minute load average ${machine.loadavg1m}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof CliError ? 2 : 1);
});
