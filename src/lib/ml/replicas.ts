import type { GradientExchange } from './trainer';

/** The meeting point of data-parallel replicas: each step, every replica hands in its gradients once. */
export interface GradientAverager {
  /** The exchange each replica's Trainer calls; resolves once all `replicas` have contributed to this step. */
  readonly exchange: GradientExchange;
  /** Rejects the waiting replicas (a replica died); later calls reject too. */
  fail(error: Error): void;
}

/** Averages the gradients of `replicas` Trainers step by step (each must call `exchange` exactly once per step). */
export function createGradientAverager(replicas: number): GradientAverager {
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`Replica count must be a positive integer, got ${replicas}`);
  let sum: Float64Array | null = null;
  let waiting: { resolve: (mean: Float32Array) => void; reject: (error: Error) => void }[] = [];
  let failure: Error | null = null;
  return {
    exchange(gradients) {
      if (failure) return Promise.reject(failure);
      if (sum && sum.length !== gradients.length) {
        return Promise.reject(new Error(`Replicas disagree on the gradient size: ${sum.length} vs ${gradients.length}`));
      }
      sum ??= new Float64Array(gradients.length);
      for (let i = 0; i < gradients.length; i++) sum[i] += gradients[i];
      const done = new Promise<Float32Array>((resolve, reject) => waiting.push({ resolve, reject }));
      if (waiting.length === replicas) {
        const mean = Float32Array.from(sum, (total) => total / replicas);
        for (const waiter of waiting) waiter.resolve(mean.slice());
        sum = null;
        waiting = [];
      }
      return done;
    },
    fail(error) {
      failure = error;
      for (const waiter of waiting) waiter.reject(error);
      waiting = [];
      sum = null;
    }
  };
}
