// Pure helpers for editing the studio's keyframes.
import type { RgbaImage } from '$lib/ml/types';

/** Channel differences at or below this are rendering noise, not paint. */
const PAINT_TOLERANCE = 2;

/**
 * Whether `painting` shows any paint over `input`. A keyframe whose painting is still its frame (nothing
 * painted, or everything erased or cleared) is not trained on: it would teach the network to change
 * nothing and fade the style.
 */
export function paintingDiffers(painting: RgbaImage, input: RgbaImage): boolean {
  if (painting.width !== input.width || painting.height !== input.height) return true;
  const a = painting.data;
  const b = input.data;
  for (let i = 0; i < a.length; i++) {
    if ((i & 3) !== 3 && Math.abs(a[i] - b[i]) > PAINT_TOLERANCE) return true;
  }
  return false;
}

/** The active index after keyframe `removed` was deleted from a list that had `count` keyframes. */
export function activeAfterRemoval(active: number, removed: number, count: number): number {
  const next = active > removed ? active - 1 : active;
  return Math.max(0, Math.min(next, count - 2));
}
