import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createGradientAverager, Trainer, trainWithin, type TrainBudget, type TrainerOptions, type TrainProgress } from '../src/lib/ml/index.ts';
import type { ReplicaWorkerApi } from './replica-worker.ts';

/** Replicas used when none are asked for: one per core, at most 4 (beyond that the gradient exchange and memory cost more than they give). */
export function defaultReplicaCount(): number {
  return Math.min(4, availableParallelism());
}

/** A worker thread that runs cli/replica-worker.ts under tsx, as the CLI itself runs. */
function startWorker(): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const script = new URL('./replica-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(script)}); })`, { eval: true });
}

/**
 * Data-parallel training on this machine's cores: replica 0 is a Trainer in this thread (its
 * `trainer` snapshots and stylizes), the others run in worker threads; every step each replica
 * trains on its own patches and all apply the mean gradient, so their weights stay identical.
 */
export class ReplicaGroup {
  private constructor(
    /** Replica 0: progress, snapshots and the averaged generator come from here. */
    readonly trainer: Trainer,
    private readonly workers: { thread: Worker; api: Comlink.Remote<ReplicaWorkerApi> }[]
  ) {}

  /** Starts `count` replicas of a Trainer with these options (1 = a plain Trainer, no threads). */
  static async start(options: Omit<TrainerOptions, 'replica'>, count: number): Promise<ReplicaGroup> {
    const averager = createGradientAverager(count);
    const trainer = new Trainer(count > 1 ? { ...options, replica: { index: 0, exchange: averager.exchange } } : options);
    const workers: { thread: Worker; api: Comlink.Remote<ReplicaWorkerApi> }[] = [];
    const group = new ReplicaGroup(trainer, workers);
    try {
      for (let index = 1; index < count; index++) {
        const thread = startWorker();
        thread.on('error', (error) => averager.fail(new Error(`Training replica ${index} failed: ${error.message}`)));
        workers.push({ thread, api: Comlink.wrap<ReplicaWorkerApi>(nodeEndpoint(thread)) });
      }
      await Promise.all(workers.map(({ api }, i) => api.start(options, i + 1, Comlink.proxy(averager.exchange))));
    } catch (error) {
      await group.dispose();
      throw error;
    }
    return group;
  }

  /** One step of every replica; resolves with replica 0's progress. */
  async trainStep(): Promise<TrainProgress> {
    // Post the workers' steps before computing here: the local step runs synchronously until its exchange.
    const remote = this.workers.map(({ api }) => api.step());
    const [progress] = await Promise.all([this.trainer.trainStep(), ...remote]);
    return progress;
  }

  /** Trains until the budget is spent or the signal aborts, as Trainer.run. */
  async run(budget: TrainBudget = {}): Promise<TrainProgress> {
    return (await trainWithin(budget, () => this.trainStep())) ?? this.trainer.run({ steps: 0 });
  }

  /** Stops the worker threads and frees every replica. */
  async dispose(): Promise<void> {
    this.trainer.dispose();
    await Promise.all(this.workers.map(({ thread }) => thread.terminate()));
  }
}
