// The first-run guide: shown on the first visit, following the person's steps, never covering the
// camera or the canvas; skippable, not shown again, and back from "Help".
import { expect, test, type Locator, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { fakeCameraArgs, fakeCameraFile } from '../fixtures/camera/fake-camera.ts';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeCameraArgs(fakeCameraFile())] } });

/** Whether two elements' boxes share any area. */
async function overlap(a: Locator, b: Locator): Promise<boolean> {
  const [first, second] = [(await a.boundingBox())!, (await b.boundingBox())!];
  const x = Math.min(first.x + first.width, second.x + second.width) - Math.max(first.x, second.x);
  const y = Math.min(first.y + first.height, second.y + second.height) - Math.max(first.y, second.y);
  return x > 0.5 && y > 0.5;
}

function guide(page: Page): Locator {
  return page.getByRole('complementary', { name: 'Guide' });
}

test('the guide walks a first visit through capture, paint and preview, and stays away afterwards', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 640 });
  await page.goto('/');
  await expect(guide(page)).toContainText('Capture a frame');
  await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeEnabled({ timeout: 90_000 });
  expect(await overlap(guide(page), page.getByLabel('Stylized preview'))).toBe(false);

  // Doing the step moves the guide on.
  await page.getByRole('button', { name: 'Capture keyframe' }).click();
  await expect(guide(page)).toContainText('Paint over it');
  const painting = page.getByLabel('Painting', { exact: true });
  expect(await overlap(guide(page), painting)).toBe(false);
  expect(await overlap(guide(page), page.getByLabel('Stylized preview'))).toBe(false);
  const area = (await painting.boundingBox())!;
  await page.mouse.move(area.x + area.width * 0.3, area.y + area.height / 2);
  await page.mouse.down();
  await page.mouse.move(area.x + area.width * 0.7, area.y + area.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(guide(page)).toContainText('Watch the preview');
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(guide(page)).toBeHidden();

  // Not shown again on this device…
  await page.reload();
  await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeVisible();
  await expect(guide(page)).toBeHidden();
  // …until "Help" brings it back, from the first step.
  await page.getByRole('button', { name: 'Help' }).click();
  await expect(guide(page)).toContainText('Capture a frame');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(guide(page)).toContainText('Paint over it');
  await page.getByRole('button', { name: 'Skip guide' }).click();
  await expect(guide(page)).toBeHidden();
});

test('"Skip guide" on the first step is remembered', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Skip guide' }).click();
  await expect(guide(page)).toBeHidden();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeVisible();
  await expect(guide(page)).toBeHidden();
});
