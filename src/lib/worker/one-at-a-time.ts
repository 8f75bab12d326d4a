// A queue of one for a worker's frames: its canvases and stroke tracking serve one frame at a time.
import { yieldToEventLoop } from '$lib/ml/trainer';

/**
 * Runs pieces of work one after another in the order they came (`runNext` jumps the queue), each once
 * the one before it has settled. Before each piece, the messages waiting for the worker go first: new
 * weights or a new painting that arrived while the frame before ran apply to this frame, not to the
 * next one.
 */
export class OneAtATime {
  private readonly waiting: (() => Promise<void>)[] = [];
  private draining: Promise<void> | null = null;
  private pending = 0;

  /** Whether a piece of work is running or waiting (checked synchronously, e.g. before reading tfjs memory). */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** Runs `work` after every piece queued before it. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return this.enqueue(work, false);
  }

  /** Runs `work` next: after the piece running now, ahead of every piece waiting. */
  runNext<T>(work: () => Promise<T>): Promise<T> {
    return this.enqueue(work, true);
  }

  /** Resolves once nothing is running or waiting. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private enqueue<T>(work: () => Promise<T>, first: boolean): Promise<T> {
    this.pending += 1;
    return new Promise<T>((resolve, reject) => {
      const piece = async () => {
        try {
          resolve(await work());
        } catch (error) {
          reject(error);
        } finally {
          this.pending -= 1;
        }
      };
      if (first) this.waiting.unshift(piece);
      else this.waiting.push(piece);
      this.draining ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      await yieldToEventLoop();
      await this.waiting.shift()!();
    }
    this.draining = null;
  }
}
