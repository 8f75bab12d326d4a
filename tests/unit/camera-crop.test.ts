import { describe, expect, it } from 'vitest';
import { centreCrop } from '../../src/lib/camera/frames';

describe('centreCrop', () => {
  it('cuts the sides of a wide frame for a narrower shape, centred', () => {
    expect(centreCrop(480, 360, 1)).toEqual({ x: 60, y: 0, width: 360, height: 360 });
  });

  it('cuts top and bottom of a tall frame for a wider shape, centred', () => {
    expect(centreCrop(480, 640, 4 / 3)).toEqual({ x: 0, y: 140, width: 480, height: 360 });
  });

  it('keeps the whole frame when it already has the shape', () => {
    expect(centreCrop(480, 360, 4 / 3)).toEqual({ x: 0, y: 0, width: 480, height: 360 });
  });
});
