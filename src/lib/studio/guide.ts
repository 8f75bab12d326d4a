// The first-run guide: three steps shown in place (capture, paint, watch), remembered on the device.

/** One step of the guide and the part of the studio it points at. */
export interface GuideStep {
  title: string;
  text: string;
  target: 'capture' | 'paint' | 'preview';
}

/** The steps, in order. */
export const GUIDE_STEPS: readonly GuideStep[] = [
  { title: 'Capture a frame', text: 'Press “Capture keyframe”.', target: 'capture' },
  { title: 'Paint over it', text: 'Use a finger or a pen; training starts at once.', target: 'paint' },
  { title: 'Watch the preview', text: 'It takes on your style in seconds.', target: 'preview' }
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

/** The localStorage of this page, or null where reading it throws (some private modes). */
export function deviceStorage(): GuideStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
