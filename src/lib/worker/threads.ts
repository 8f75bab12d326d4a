// How many WASM threads each side of the parallel engine gets (pure: no tfjs, no DOM).

/** tfjs's threaded WASM build starts a pool of 8 workers; asking XNNPACK for more threads would wait on them forever. */
const MAX_THREADS = 4;

/**
 * Splits the cores between the stylizing and the training worker, never asking for more threads than
 * cores: training gets half (up to 4), the preview the rest (up to 4). Without cross-origin isolation
 * there are no WASM threads: one each. Oversubscribing costs more than it gives: with 2 preview
 * threads beside 1 training thread on 2 cores, every operator's thread barrier waits for a
 * descheduled thread, and the preview ran at 0.58× the single-worker engine (docs/app.md).
 */
export function splitThreads(hardwareConcurrency: number, isolated: boolean): { preview: number; training: number } {
  const cores = Math.max(1, Math.floor(hardwareConcurrency || 1));
  if (!isolated || cores === 1) return { preview: 1, training: 1 };
  const training = Math.min(MAX_THREADS, Math.max(1, Math.floor(cores / 2)));
  return { preview: Math.min(MAX_THREADS, Math.max(1, cores - training)), training };
}

/** The status line's tooltip sentence about threads. */
export function threadsNote(threads: { preview: number; training: number }, isolated: boolean): string {
  if (!isolated) {
    return 'WASM runs single-threaded: this page is not cross-origin isolated (it will be from the next visit, when the offline copy serves it)';
  }
  return `WASM threads: ${threads.preview} for the preview, ${threads.training} for training`;
}
