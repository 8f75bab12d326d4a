// A queue of one for a worker's frames: its canvases and stroke tracking serve one frame at a time.

/** Runs pieces of work one after another, each once the one before it has settled. */
export class OneAtATime {
  private current: Promise<unknown> | null = null;

  /** Whether a piece of work is running now (checked synchronously, e.g. before reading tfjs memory). */
  get busy(): boolean {
    return this.current !== null;
  }

  /** Runs `work` once the work in hand (and any queued before it) has settled. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.idle();
    const running = work();
    this.current = running.catch(() => {});
    try {
      return await running;
    } finally {
      this.current = null;
    }
  }

  /** Resolves once nothing is running. */
  async idle(): Promise<void> {
    while (this.current) await this.current;
  }
}
