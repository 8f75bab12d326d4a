// The app as an installed PWA: installable, and it keeps working with no server at all.
import { chromium, expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { fakeCameraArgs, fakeCameraFile } from '../fixtures/camera/fake-camera.ts';

const args = [...CHROMIUM_ARGS, ...fakeCameraArgs(fakeCameraFile())];

test('Chromium finds nothing that stops installing the app', async ({ baseURL }) => {
  // Installability is only computed for a real (persistent) profile.
  const profile = mkdtempSync(join(tmpdir(), 'livebrush-install-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args, headless: true });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${baseURL}/`);
    await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeVisible();
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('after the first visit the studio loads and runs with the network gone', async ({ baseURL }) => {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${baseURL}/`);
    await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeVisible();
    // The service worker precaches the whole build (wasm included) before it activates.
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return registration.active?.state;
    });

    // No network and no server: every request that reaches the network fails.
    await context.setOffline(true);
    await context.route('**/*', (route) => route.abort('internetdisconnected'));
    await page.reload();

    await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeEnabled();
    // The compute worker and its WASM binaries came from the precache.
    await expect(page.getByLabel('Status')).toContainText('WASM', { timeout: 60_000 });
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    // The camera runs: the preview keeps changing.
    const fingerprint = () =>
      page.getByLabel('Stylized preview').evaluate((canvas: HTMLCanvasElement) => {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let hash = 0;
        for (let i = 0; i < data.length; i += 97) hash = (hash * 31 + data[i]) % 1_000_000_007;
        return hash;
      });
    const first = await fingerprint();
    await expect.poll(fingerprint, { timeout: 15_000 }).not.toBe(first);
    await page.getByRole('button', { name: 'Capture keyframe' }).click();
    await expect(page.getByLabel('Painting', { exact: true })).toBeVisible();
  } finally {
    await browser.close();
  }
});
