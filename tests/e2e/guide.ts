// The first-run guide in the end-to-end walks.
import type { Page } from '@playwright/test';

/** Marks the first-run guide as already seen on this device (as after "Skip guide"), before the page loads. */
export async function skipGuide(page: Page): Promise<void> {
  await page.addInitScript(() => localStorage.setItem('livebrush:guide-done', '1'));
}
