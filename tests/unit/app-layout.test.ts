import { describe, expect, it } from 'vitest';
import { KEYFRAME_ASPECT_RANGE, keyframeAspectFor } from '../../src/lib/studio/layout';

describe('keyframe shape', () => {
  it('takes the shape of the paint area', () => {
    expect(keyframeAspectFor(412, 403)).toBeCloseTo(412 / 403, 9);
    expect(keyframeAspectFor(480, 360)).toBeCloseTo(4 / 3, 9);
  });

  it('is never thinner or wider than the allowed range', () => {
    expect(keyframeAspectFor(300, 900)).toBe(KEYFRAME_ASPECT_RANGE.min);
    expect(keyframeAspectFor(900, 200)).toBe(KEYFRAME_ASPECT_RANGE.max);
  });

  it('keeps the camera shape while the area has no size', () => {
    expect(keyframeAspectFor(0, 300)).toBeNull();
    expect(keyframeAspectFor(300, 0)).toBeNull();
  });
});
