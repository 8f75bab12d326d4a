// Notices when training has converged: the loss stopped improving over a window of steps.
// The window and threshold were chosen on the development set (docs/app.md, "Training that settles").

/** How the detector decides. */
export interface SettleOptions {
  /** Steps per window: the mean loss of the latest window is compared with the window before it. */
  window: number;
  /** Settled when the latest window's mean loss is less than this fraction below the previous window's. */
  minImprovement: number;
}

/** The defaults the studio uses (measured: docs/app.md). */
export const SETTLE_DEFAULTS: SettleOptions = { window: 150, minImprovement: 0.01 };

/** Feeds on one loss per training step; says when the last two windows no longer differ enough. */
export class SettleDetector {
  private readonly options: SettleOptions;
  private losses: number[] = [];

  constructor(options: Partial<SettleOptions> = {}) {
    this.options = { ...SETTLE_DEFAULTS, ...options };
    if (!(this.options.window >= 1) || !Number.isInteger(this.options.window)) throw new Error('window must be a positive whole number of steps');
  }

  /** Steps recorded since the last reset. */
  get count(): number {
    return this.losses.length;
  }

  /** Forgets the history (a new stroke, keyframe or Resume starts a new watch). */
  reset(): void {
    this.losses = [];
  }

  /** Records the loss of one step (non-finite losses are ignored); returns whether training has settled. */
  add(loss: number | null): boolean {
    if (loss !== null && Number.isFinite(loss)) {
      this.losses.push(loss);
      if (this.losses.length > 2 * this.options.window) this.losses.shift();
    }
    return this.settled;
  }

  /** How far the latest window improved on the one before it (a fraction), or null before two windows. */
  get improvement(): number | null {
    const { window } = this.options;
    if (this.losses.length < 2 * window) return null;
    const previous = mean(this.losses.slice(0, window));
    const latest = mean(this.losses.slice(window));
    return previous > 0 ? (previous - latest) / previous : 0;
  }

  /** True once two full windows exist and the latest improved by less than `minImprovement`. */
  get settled(): boolean {
    const improvement = this.improvement;
    return improvement !== null && improvement < this.options.minImprovement;
  }
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
