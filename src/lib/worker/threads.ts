// How many WASM threads each side of the parallel engine gets (pure: no tfjs, no DOM).

/** tfjs's threaded WASM build starts a pool of 8 workers; asking XNNPACK for more threads would wait on them forever. */
const MAX_THREADS = 4;

/**
 * Splits the cores between the stylizing and the training worker. Without cross-origin isolation
 * there are no WASM threads: one each. Otherwise training gets half the cores and the preview all of
 * them (up to 4 each): while both run they share the machine; when training is paused, the preview
 * alone has every core.
 */
export function splitThreads(hardwareConcurrency: number, isolated: boolean): { preview: number; training: number } {
  const cores = Math.max(1, Math.floor(hardwareConcurrency || 1));
  if (!isolated || cores === 1) return { preview: 1, training: 1 };
  return { preview: Math.min(MAX_THREADS, cores), training: Math.min(MAX_THREADS, Math.max(1, Math.floor(cores / 2))) };
}

/** The status line's tooltip sentence about threads. */
export function threadsNote(threads: { preview: number; training: number }, isolated: boolean): string {
  if (!isolated) {
    return 'WASM runs single-threaded: this page is not cross-origin isolated (it will be from the next visit, when the offline copy serves it)';
  }
  return `WASM threads: ${threads.preview} for the preview, ${threads.training} for training`;
}
