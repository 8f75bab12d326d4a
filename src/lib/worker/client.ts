// Starts the compute worker and wraps it in its typed comlink API.
import * as Comlink from 'comlink';
import type { ComputeApi } from './api';

/** A running compute worker: its API and a way to stop it. */
export interface ComputeWorker {
  api: Comlink.Remote<ComputeApi>;
  /** Rejects if the worker script fails to load or throws outside a call (it never resolves). */
  failed: Promise<never>;
  terminate(): void;
}

/** Starts the one compute worker. */
export function startComputeWorker(): ComputeWorker {
  const worker = new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module', name: 'livebrush-compute' });
  const api = Comlink.wrap<ComputeApi>(worker);
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => reject(new Error(event.message || 'the compute worker failed to load')));
  });
  failed.catch(() => {});
  return {
    api,
    failed,
    terminate() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    }
  };
}

/** Wraps a progress callback so the worker can call it across the boundary. */
export function progressProxy<T extends (...args: never[]) => void>(callback: T): T & Comlink.ProxyMarked {
  return Comlink.proxy(callback);
}
