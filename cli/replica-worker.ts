/**
 * A training replica in a Node worker thread (started by cli/replicas.ts): its own WASM backend and
 * Trainer, gradients averaged with the other replicas through the exchange the main thread passes in.
 * The thread is terminated when training ends, which frees everything.
 */
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import { initBackend, Trainer, type GradientExchange, type TrainerOptions } from '../src/lib/ml/index.ts';

let trainer: Trainer | null = null;

/** What the main thread can ask a replica worker to do. */
export interface ReplicaWorkerApi {
  /** Starts the backend and this replica's Trainer (options without `replica`; `index` ≥ 1). */
  start(options: Omit<TrainerOptions, 'replica'>, index: number, exchange: GradientExchange): Promise<void>;
  /** One training step (its gradients go through the exchange). */
  step(): Promise<void>;
}

const api: ReplicaWorkerApi = {
  async start(options, index, exchange) {
    await initBackend(['wasm']);
    trainer = new Trainer({ ...options, replica: { index, exchange } });
  },
  async step() {
    if (!trainer) throw new Error('The replica has not started');
    await trainer.trainStep();
  }
};

if (!parentPort) throw new Error('cli/replica-worker.ts runs only as a worker thread');
Comlink.expose(api, nodeEndpoint(parentPort));
