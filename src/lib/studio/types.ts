import type { RgbaImage } from '$lib/ml/types';

/** One keyframe of a style as the studio holds it: the frame, the painting on it, the optional mask. */
export interface StyleKeyframe {
  /** The captured camera frame, at the keyframe size (the preview network learns from it). */
  input: RgbaImage;
  /**
   * The same frame at the size it was captured at (at most PHOTO_KEYFRAME_SIDE on its long side), what
   * the photo network learns from; null or absent in styles kept before it existed.
   */
  full?: RgbaImage | null;
  /** The full painted image (keyframe with strokes composited), what the network learns to produce. */
  painting: RgbaImage;
  /** Where to learn from (red ≥ 128), or null for everywhere. */
  mask: RgbaImage | null;
  /** The editable stroke document behind `painting` (src/lib/paint), JSON-serialisable. */
  strokes: unknown;
}

/** Everything that makes a style: what presets save, sessions checkpoint and exports carry. */
export interface StyleSnapshot {
  keyframes: StyleKeyframe[];
  /** Trained weights in the ML core's `.lbw` format, or null before the first training step. */
  weights: Uint8Array | null;
  /** Training statistics at the moment of the snapshot. */
  stats: { steps: number; trainingMs: number; lastLoss: number | null };
}

/** What changed in the studio, for autosave. */
export type StudioChange = 'strokes' | 'keyframes' | 'weights';

/** The studio as the presets and session features see it (implemented by src/lib/studio). */
export interface StudioHost {
  /** The current style, copied (safe to keep and store). */
  captureStyle(): Promise<StyleSnapshot>;
  /** Replaces the studio's style: keyframes, paintings and weights; the preview uses the weights at once. */
  applyStyle(style: StyleSnapshot): Promise<void>;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: (change: StudioChange) => void): () => void;
  /** Whether training is running right now (the update prompt never reloads under it). */
  readonly busy: boolean;
}
