// How the studio screen shapes keyframes to the space it gives the painting.

/** The narrowest and widest shapes (width / height) a keyframe is cropped to. */
export const KEYFRAME_ASPECT_RANGE = { min: 3 / 4, max: 16 / 9 } as const;

/**
 * The keyframe shape that fills a paint area of `width × height` CSS pixels, within
 * KEYFRAME_ASPECT_RANGE (a tall phone gets a squarer frame than its camera's, so the painting can
 * use the whole width and still leave room for the preview); null while the area has no size.
 */
export function keyframeAspectFor(width: number, height: number): number | null {
  if (!(width > 0 && height > 0)) return null;
  return Math.min(KEYFRAME_ASPECT_RANGE.max, Math.max(KEYFRAME_ASPECT_RANGE.min, width / height));
}
