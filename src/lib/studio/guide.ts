// The first-run guide: three steps shown in place (capture, paint, watch), remembered on the device.
import { m } from '$lib/paraglide/messages';

/** One step of the guide (its words in the page's language) and the part of the studio it points at. */
export interface GuideStep {
  title: () => string;
  text: () => string;
  target: 'capture' | 'paint' | 'preview';
}

/** The steps, in order. */
export const GUIDE_STEPS: readonly GuideStep[] = [
  { title: m.guide_capture_title, text: m.guide_capture_text, target: 'capture' },
  { title: m.guide_paint_title, text: m.guide_paint_text, target: 'paint' },
  { title: m.guide_preview_title, text: m.guide_preview_text, target: 'preview' }
];

/** The localStorage key that remembers the guide was finished or skipped on this device. */
export const GUIDE_DONE_KEY = 'livebrush:guide-done';

/** The part of Storage the guide uses (localStorage, or a stand-in in tests). */
export type GuideStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** Whether the guide was already finished or skipped here (storage that cannot be read counts as not). */
export function guideDone(storage: GuideStorage | null): boolean {
  try {
    return storage?.getItem(GUIDE_DONE_KEY) === '1';
  } catch {
    return false;
  }
}

/** Remembers that the guide is done (silently does nothing where storage is blocked). */
export function rememberGuideDone(storage: GuideStorage | null): void {
  try {
    storage?.setItem(GUIDE_DONE_KEY, '1');
  } catch {
    // Private modes may refuse storage; the guide then simply shows again next time.
  }
}

/** The step the person's own progress has reached: capture first, then paint, then watch. */
export function reachedStep(hasKeyframe: boolean, hasPainted: boolean): number {
  return hasPainted ? 2 : hasKeyframe ? 1 : 0;
}

/**
 * The guide's step once the person's progress went from `before` to `reached` (reachedStep): one step
 * further is the person doing the step, so the guide follows; a jump of two (a saved session or style
 * arriving with painted keyframes, possibly after "Help" reopened the guide) is not, so it stays.
 */
export function guideStepAfter(step: number, before: number, reached: number): number {
  return reached === before + 1 ? Math.max(step, reached) : step;
}

/** The localStorage of this page, or null where reading it throws (some private modes). */
export function deviceStorage(): GuideStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
