import { describe, expect, it } from 'vitest';
import { GUIDE_DONE_KEY, GUIDE_STEPS, guideDone, guideStepAfter, reachedStep, rememberGuideDone } from '../../src/lib/studio/guide';

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value)
  } as Storage;
}

describe('first-run guide', () => {
  it('has the three steps in order: capture, paint, watch the preview', () => {
    expect(GUIDE_STEPS.map((step) => step.target)).toEqual(['capture', 'paint', 'preview']);
  });

  it('follows the person: a keyframe moves it to painting, a painting to the preview', () => {
    expect(reachedStep(false, false)).toBe(0);
    expect(reachedStep(true, false)).toBe(1);
    expect(reachedStep(true, true)).toBe(2);
  });

  it('follows the person one step at a time, not a saved session arriving with painted keyframes', () => {
    // Capturing, then painting: the guide moves on each time.
    expect(guideStepAfter(0, 0, 1)).toBe(1);
    expect(guideStepAfter(1, 1, 2)).toBe(2);
    // Already further on (the person pressed Next): it does not go back.
    expect(guideStepAfter(2, 0, 1)).toBe(2);
    // "Help" reopened it at the first step, then the restored session arrived: it stays where the person is reading.
    expect(guideStepAfter(0, 0, 2)).toBe(0);
    expect(guideStepAfter(1, 0, 2)).toBe(1);
    // Deleting the keyframes does not move it.
    expect(guideStepAfter(2, 2, 0)).toBe(2);
  });

  it('is remembered as done once finished or skipped', () => {
    const storage = memoryStorage();
    expect(guideDone(storage)).toBe(false);
    rememberGuideDone(storage);
    expect(guideDone(storage)).toBe(true);
    expect(storage.getItem(GUIDE_DONE_KEY)).toBe('1');
  });

  it('shows again rather than failing where storage is blocked', () => {
    const blocked = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('denied', 'SecurityError');
      }
    };
    expect(() => rememberGuideDone(blocked)).not.toThrow();
    expect(guideDone(blocked)).toBe(false);
    expect(guideDone(null)).toBe(false);
  });
});
