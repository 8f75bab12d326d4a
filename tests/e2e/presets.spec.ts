// Saved styles walked like a person: save, reload offline, load without training, export/import
// between browser profiles, a crash mid-training, and a corrupt import.
import { expect, test, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { fakeCameraArgs, fakeCameraFile } from '../fixtures/camera/fake-camera.ts';
import { captureAndPaint, forgetSession, openStudio, previewDistance, sha256, storedState, trainingStep } from './helpers-presets.ts';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeCameraArgs(fakeCameraFile())] } });

const STYLE = 'Magenta test';

/** The studio's state through the `?debug` API. */
function studioState(page: Page): Promise<{ running: boolean; step: number; strokes: unknown }> {
  return page.evaluate(() => {
    const { studio } = (window as unknown as { __livebrush: { studio: { training: { running: boolean; step: number }; keyframes: { strokes: unknown }[] } } })
      .__livebrush;
    return { running: studio.training.running, step: studio.training.step, strokes: JSON.parse(JSON.stringify(studio.keyframes[0]?.strokes ?? null)) };
  });
}

test('a saved style survives an offline reload, stylizes at once without training, and moves to a fresh profile byte for byte', async ({
  page,
  context,
  browser
}) => {
  test.setTimeout(600_000);
  await openStudio(page);
  const unpainted = await previewDistance(page);
  await captureAndPaint(page);
  // Train until the preview visibly follows the painting, then stop training.
  await expect.poll(() => previewDistance(page), { timeout: 240_000, intervals: [5_000] }).toBeLessThan(unpainted * 0.8);
  await page.getByRole('button', { name: 'Pause training' }).click();
  await expect.poll(async () => (await studioState(page)).running).toBe(false);
  const trainedDistance = await previewDistance(page);

  await page.getByRole('button', { name: 'Save style', exact: true }).click();
  await page.getByLabel('Style name').fill(STYLE);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved “${STYLE}”.` })).toBeVisible();
  const [saved] = (await storedState(page)).presets;
  expect(saved.name).toBe(STYLE);
  expect(saved.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
  const savedStep = await trainingStep(page);

  // Export: the file carries exactly the saved weights.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export style', exact: true }).click();
  await expect(page.getByLabel('Style name')).toHaveValue(STYLE);
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('Magenta-test.livebrush');
  const archive = readFileSync((await download.path())!);
  expect(sha256(unzipSync(new Uint8Array(archive))['weights.lbw'])).toBe(saved.weightsSha256);

  // Offline, a fresh start (no session): the saved style is still there and loads without training.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.waitForTimeout(1_000);
  await forgetSession(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeEnabled({ timeout: 90_000 });
  expect(await trainingStep(page)).toBe(0);
  await page.waitForTimeout(2_000);
  const beforeLoad = await previewDistance(page);
  expect(beforeLoad).toBeGreaterThan(trainedDistance * 1.1);

  await page.getByRole('button', { name: 'Styles', exact: true }).click();
  await page.getByRole('button', { name: STYLE, exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: `Loaded “${STYLE}”.` })).toBeVisible();
  await expect.poll(() => previewDistance(page), { timeout: 30_000 }).toBeLessThan(beforeLoad * 0.9);
  const afterLoad = await previewDistance(page);
  // No training ran: the step counter shows the saved step and does not move.
  await page.waitForTimeout(3_000);
  expect(await studioState(page)).toMatchObject({ running: false, step: savedStep });
  expect(await trainingStep(page)).toBe(savedStep);
  test.info().annotations.push({
    type: 'preview',
    description: `distance to magenta: unpainted ${unpainted.toFixed(1)}, trained ${trainedDistance.toFixed(1)}, after offline reload ${beforeLoad.toFixed(1)}, after loading the style ${afterLoad.toFixed(1)} (step ${savedStep}, no training)`
  });
  await context.setOffline(false);

  // A fresh browser profile imports the file: byte-equal weights; a corrupt file changes nothing.
  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await openStudio(other);
    const picker = other.getByLabel('Style file to import');
    await picker.setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/zip', buffer: archive });
    await expect(other.getByRole('status').filter({ hasText: `Imported “${STYLE}”` })).toBeVisible();
    await picker.setInputFiles({ name: 'broken.livebrush', mimeType: 'application/zip', buffer: archive.subarray(0, archive.length >> 1) });
    await expect(other.getByRole('alert')).toContainText("This file can't be imported: the file is damaged or incomplete");
    const imported = (await storedState(other)).presets;
    expect(imported).toEqual([saved]);
    await other.getByRole('button', { name: 'Styles', exact: true }).click();
    const gallery = other.getByRole('dialog', { name: 'Your styles' });
    await expect(gallery.getByRole('listitem')).toHaveCount(1);
    await expect(gallery.getByRole('button', { name: STYLE, exact: true })).toBeVisible();
  } finally {
    await fresh.close();
  }
});

test('closing the page in the middle of training keeps the painting and a weights checkpoint', async ({ context }) => {
  test.setTimeout(540_000);
  const page = await context.newPage();
  await openStudio(page);
  await captureAndPaint(page);
  // Autosave keeps up on its own: within moments the session holds every stroke and trained weights.
  const painted = (await studioState(page)).strokes;
  await expect
    .poll(
      async () => {
        const session = (await storedState(page)).session;
        return Boolean(session?.weightsSha256 && session.steps > 0 && JSON.stringify(session.strokes) === JSON.stringify(painted));
      },
      { timeout: 300_000, intervals: [1_000] }
    )
    .toBe(true);
  // Close the page while training runs.
  const before = await studioState(page);
  expect(before.running).toBe(true);
  const checkpoint = (await storedState(page)).session!;
  await page.close();

  const reopened = await context.newPage();
  await openStudio(reopened);
  await expect(reopened.getByRole('status').filter({ hasText: 'Your last session is back.' })).toBeVisible();
  await expect(reopened.getByLabel('Painting', { exact: true })).toBeVisible();
  const after = await studioState(reopened);
  expect(after.strokes).toEqual(before.strokes);
  expect(after.step).toBeGreaterThanOrEqual(checkpoint.steps);
  expect(after.step).toBeGreaterThan(0);
});
