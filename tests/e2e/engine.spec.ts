// The live engine's threads: on a host that sends no isolation headers, the first visit runs
// single-threaded and still stylizes; once the service worker serves the app it is cross-origin
// isolated and WASM runs more than one thread.
import { expect, test, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { fakeCameraArgs, fakeCameraFile } from '../fixtures/camera/fake-camera.ts';
import { paintRegion, trainingStep } from './painting.ts';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeCameraArgs(fakeCameraFile())] } });

const ISOLATION_HEADERS = ['cross-origin-opener-policy', 'cross-origin-embedder-policy', 'cross-origin-resource-policy'];

interface EngineState {
  isolated: boolean;
  backend: { backend: string; notes: string[]; threads?: { preview: number; training: number } } | null;
  shownStep: number;
  cores: number;
}

function engineState(page: Page): Promise<EngineState> {
  return page.evaluate(() => {
    // Undefined while the page is still loading (after a reload).
    const studio = (window as unknown as { __livebrush?: { studio: { backend: EngineState['backend']; preview: { shownStep: number } } } }).__livebrush?.studio;
    return { isolated: crossOriginIsolated, backend: studio?.backend ?? null, shownStep: studio?.preview.shownStep ?? -1, cores: navigator.hardwareConcurrency };
  });
}

test('a host without isolation headers: single-threaded at first, threaded once the service worker serves the app', async ({ page, context }) => {
  test.setTimeout(600_000);
  // A static host that sends no COOP/COEP (the preview server does): strip them from every response
  // that reaches the network. The service worker's own responses are not routed here.
  await context.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = Object.fromEntries(Object.entries(response.headers()).filter(([name]) => !ISOLATION_HEADERS.includes(name.toLowerCase())));
    await route.fulfill({ response, headers });
  });

  await page.goto('/?debug');
  await expect.poll(async () => (await engineState(page)).backend?.backend, { timeout: 120_000 }).toBe('wasm');
  const first = await engineState(page);
  expect(first.isolated).toBe(false);
  expect(first.backend?.threads).toEqual({ preview: 1, training: 1 });
  // The status tooltip says why.
  await expect(page.getByLabel('Status').locator('[title]').first()).toHaveAttribute('title', /single-threaded: this page is not cross-origin isolated/);

  // It still stylizes: a painted keyframe trains and the preview shows frames from the new weights.
  await page.getByRole('button', { name: 'Capture keyframe' }).click();
  await paintRegion(page, { left: 0.1, right: 0.6, top: 0.2, bottom: 0.5 }, 0.1);
  await expect.poll(async () => (await engineState(page)).shownStep, { timeout: 120_000 }).toBeGreaterThan(0);

  // Enough steps for the session to checkpoint the weights (the studio announces them every 25 steps).
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __livebrush: { studio: { training: { step: number } } } }).__livebrush.studio.training.step), { timeout: 300_000 })
    .toBeGreaterThanOrEqual(26);
  await page.waitForTimeout(6_000);

  // The next visit is served by the service worker, with the headers.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(async () => (await engineState(page)).backend?.backend, { timeout: 120_000 }).toBe('wasm');
  const second = await engineState(page);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  expect(second.isolated).toBe(true);
  // One thread per side on 2 cores (each side its own core); more where there are cores to spare.
  if (second.cores > 2) expect(second.backend!.threads!.preview).toBeGreaterThan(1);
  await expect(page.getByLabel('Status').locator('[title]').first()).toHaveAttribute('title', /WASM threads: \d+ for the preview, \d+ for training/);
  // The threaded build stylizes too: the restored session's weights reach the preview.
  await expect.poll(async () => (await engineState(page)).shownStep, { timeout: 120_000 }).toBeGreaterThanOrEqual(0);
  test.info().annotations.push({ type: 'threads', description: JSON.stringify(second.backend?.threads) });

  // The threaded WASM build really runs threads: split as for 4 cores, each side gets 2 and stylizes.
  await page.goto('/?debug&cores=4');
  await expect.poll(async () => (await engineState(page)).backend?.threads, { timeout: 120_000 }).toEqual({ preview: 2, training: 2 });
  expect((await engineState(page)).isolated).toBe(true);
  await expect.poll(async () => (await engineState(page)).shownStep, { timeout: 120_000 }).toBeGreaterThanOrEqual(0);
});

test('training never waits for frames, and while it is paused the training worker stylizes preview frames too', async ({ page }) => {
  test.setTimeout(300_000);
  const lanes = () =>
    page.evaluate(() => (window as unknown as { __livebrush: { studio: { preview: { trainingLaneShare: number; shownStep: number } } } }).__livebrush.studio.preview);
  await page.goto('/?debug&backend=wasm');
  await expect.poll(async () => (await engineState(page)).backend?.backend, { timeout: 120_000 }).toBe('wasm');
  await page.getByRole('button', { name: 'Capture keyframe' }).click();
  await paintRegion(page, { left: 0.1, right: 0.6, top: 0.2, bottom: 0.5 }, 0.1);
  await expect.poll(async () => (await lanes()).shownStep, { timeout: 120_000 }).toBeGreaterThan(0);

  // Training: every frame of the last two seconds came from the stylizing worker, sampled for 4 s.
  for (let sample = 0; sample < 8; sample++) {
    expect((await lanes()).trainingLaneShare).toBe(0);
    await page.waitForTimeout(500);
  }

  // Paused: the idle training worker takes frames as well, with the weights training stopped at.
  await page.getByRole('button', { name: 'Pause training' }).click();
  await expect(page.getByRole('button', { name: 'Resume training' })).toBeVisible();
  await expect.poll(async () => (await lanes()).trainingLaneShare, { timeout: 60_000 }).toBeGreaterThan(0);
  // Both workers show the weights training stopped at (the stylizing worker was handed the last step).
  await expect.poll(async () => (await lanes()).shownStep, { timeout: 30_000 }).toBe(await trainingStep(page));
  for (let sample = 0; sample < 4; sample++) {
    await page.waitForTimeout(500);
    expect((await lanes()).shownStep).toBe(await trainingStep(page));
  }

  // Resumed: back to the stylizing worker alone once the paused frames are out of the 2-s window.
  await page.getByRole('button', { name: 'Resume training' }).click();
  await expect.poll(async () => (await lanes()).trainingLaneShare, { timeout: 60_000 }).toBe(0);
});
