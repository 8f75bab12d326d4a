// A lost GPU (a driver reset, the GPU process restarting) must not stop the studio: it says so,
// moves to WASM with the keyframes and the weights trained so far, and goes on training and previewing.
// SwiftShader's WebGPU stands in for the GPU; the debug API destroys its device as a reset would.
import { expect, test, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { fakeCameraArgs, fakeCameraFile } from '../fixtures/camera/fake-camera.ts';
import { paintRegion } from './painting.ts';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeCameraArgs(fakeCameraFile())] } });

interface Engine {
  backend: string | null;
  step: number;
  fps: number;
  painted: number;
}

interface DebugStudio {
  backend: { backend: string } | null;
  training: { step: number };
  preview: { fps: number };
  paintedCount: number;
  destroyGpuDevice(): Promise<void>;
}

function engine(page: Page): Promise<Engine | null> {
  return page.evaluate(() => {
    // Undefined while the page is still loading.
    const studio = (window as unknown as { __livebrush?: { studio: DebugStudio } }).__livebrush?.studio;
    if (!studio) return null;
    return { backend: studio.backend?.backend ?? null, step: studio.training.step, fps: studio.preview.fps, painted: studio.paintedCount };
  });
}

test('a lost GPU: the studio says so, moves to WASM and goes on from the weights trained so far', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/?debug&backend=webgpu&allowSoftwareGpu&side=32');
  await expect.poll(async () => (await engine(page))?.backend, { timeout: 120_000 }).toBeTruthy();
  test.skip((await engine(page))?.backend !== 'webgpu', 'this Chromium offers no WebGPU adapter');

  await page.getByRole('button', { name: 'Capture keyframe' }).click();
  await paintRegion(page, { left: 0.1, right: 0.6, top: 0.2, bottom: 0.5 }, 0.1);
  // SwiftShader takes seconds per step, so each step is handed to the stylizing worker (which keeps a
  // CPU copy); two steps are enough to have weights worth keeping. Its preview frames are slower
  // still (the first builds the stroke layer at 256 px), so the test does not wait for one.
  await expect.poll(async () => (await engine(page))?.step, { timeout: 240_000 }).toBeGreaterThanOrEqual(2);
  const before = (await engine(page))!;

  await page.evaluate(() => (window as unknown as { __livebrush: { studio: DebugStudio } }).__livebrush.studio.destroyGpuDevice());

  await expect(page.getByRole('alert').filter({ hasText: 'The GPU stopped working' })).toBeVisible({ timeout: 60_000 });
  // The browser's reason sits inside the sentence, without a second full stop.
  await expect(page.getByRole('alert').filter({ hasText: 'The GPU stopped working' })).not.toContainText('.).');
  await expect.poll(async () => (await engine(page))?.backend, { timeout: 120_000 }).toBe('wasm');
  // The count goes on from the weights kept (at most the last handoff behind), never from 0, and keeps going.
  const counts: number[] = [];
  await expect
    .poll(
      async () => {
        const step = (await engine(page))?.step ?? 0;
        counts.push(step);
        return step;
      },
      { timeout: 240_000 }
    )
    .toBeGreaterThanOrEqual(before.step + 10);
  expect(Math.min(...counts)).toBeGreaterThanOrEqual(before.step - 1);
  // The preview runs again on the new engine, the painting is still there, and the tooltip says why WASM.
  await expect.poll(async () => (await engine(page))?.fps, { timeout: 60_000 }).toBeGreaterThan(0);
  expect((await engine(page))?.painted).toBe(1);
  await expect(page.getByLabel('Status').locator('[title]').first()).toHaveAttribute('title', /WebGPU was lost/);
});
