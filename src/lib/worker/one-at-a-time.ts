// A queue of one for a worker's frames: its canvases and stroke tracking serve one frame at a time.
import { yieldToEventLoop } from '$lib/ml/trainer';

/**
 * Runs pieces of work one after another in the order they came, each once the one before it has
 * settled. Before each piece, the messages waiting for the worker go first: new weights or a new
 * painting that arrived while the frame before ran apply to this frame, not to the next one.
 */
export class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** Whether a piece of work is running or waiting (checked synchronously, e.g. before reading tfjs memory). */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** Runs `work` after every piece queued before it. */
  run<T>(work: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const result = this.tail
      .then(yieldToEventLoop)
      .then(work)
      .finally(() => (this.pending -= 1));
    this.tail = result.catch(() => {});
    return result;
  }

  /** Resolves once nothing is running or waiting. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }
}
