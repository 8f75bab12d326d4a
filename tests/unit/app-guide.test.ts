import { describe, expect, it } from 'vitest';
import { GUIDE_DONE_KEY, GUIDE_STEPS, guideDone, reachedStep, rememberGuideDone } from '../../src/lib/studio/guide';

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
