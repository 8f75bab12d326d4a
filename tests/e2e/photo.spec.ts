// "Take photo" saves the stylized camera frame at the camera's own resolution, not the preview's.
import { expect, test } from '@playwright/test';
import { decode } from 'fast-png';
import { readFileSync } from 'node:fs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { fakeCameraArgs, fakeCameraFile } from '../fixtures/camera/fake-camera.ts';
import { skipGuide } from './guide.ts';
import { captureAndPaint, openStudio, previewDistance, trainingStep } from './helpers-presets.ts';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeCameraArgs(fakeCameraFile())] } });

/** The fake camera's frame size (tests/fixtures/camera/fake-camera.ts scales the clip to 480×360). */
const CAMERA = { width: 480, height: 360 };

/** Mean absolute Laplacian of a PNG's luminance: how much fine detail it holds (an upscaled image holds little). */
function detail(png: ReturnType<typeof decode>): number {
  const { width, height, data, channels } = png;
  const luma = (x: number, y: number) => {
    const i = (y * width + x) * channels;
    return 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
  };
  let sum = 0;
  for (let y = 1; y < height - 1; y++)
    for (let x = 1; x < width - 1; x++) sum += Math.abs(4 * luma(x, y) - luma(x - 1, y) - luma(x + 1, y) - luma(x, y - 1) - luma(x, y + 1));
  return sum / ((width - 2) * (height - 2));
}

/** Share of a PNG's pixels that are clearly the painted magenta (the grey camera has none). */
function magentaShare(png: ReturnType<typeof decode>): number {
  const { width, height, data, channels } = png;
  let count = 0;
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = [data[i * channels], data[i * channels + 1], data[i * channels + 2]];
    if (r > 150 && b > 150 && g < 100) count++;
  }
  return count / (width * height);
}

test('a photo has the camera resolution and shows the painted style', async ({ page }) => {
  test.setTimeout(600_000);
  await skipGuide(page);
  await openStudio(page);
  const takePhoto = async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Take photo' }).click();
    return decode(readFileSync((await (await download).path())!));
  };

  // Before any painting the photo is the camera frame itself, at its full size: no magenta.
  const raw = await takePhoto();
  expect([raw.width, raw.height]).toEqual([CAMERA.width, CAMERA.height]);
  expect(magentaShare(raw)).toBe(0);

  const unpainted = await previewDistance(page);
  await captureAndPaint(page);
  await expect.poll(() => previewDistance(page), { timeout: 300_000, intervals: [5_000] }).toBeLessThan(unpainted * 0.8);

  // Stylized, still at the camera's 480×360 (the preview stylizes at 256 at most), the painting in it.
  const photo = await takePhoto();
  expect([photo.width, photo.height]).toEqual([CAMERA.width, CAMERA.height]);
  expect(magentaShare(photo)).toBeGreaterThan(0.03);
  await expect(page.getByRole('status').filter({ hasText: /Photo saved: livebrush-.*\.png\./ })).toBeVisible();

  // Once training rests (settled here on demand), a copy of the network learns the keyframe at the
  // camera's size; photos then come from it, with the detail an upscaled 256-px frame lacks. Compared
  // once the network has learnt enough to replace the camera picture (early on the photo is mostly the
  // camera frame itself, sharp at any size).
  await expect.poll(() => trainingStep(page), { timeout: 300_000, intervals: [2_000] }).toBeGreaterThanOrEqual(120);
  const upscaled = await takePhoto();
  await page.evaluate(() => (window as unknown as { __livebrush: { studio: { govern(event: { type: string }): void } } }).__livebrush.studio.govern({ type: 'settled' }));
  const note = page.getByTestId('training-note');
  await expect(note).toContainText('Learning full-size detail for photos');
  await expect(note).toContainText('Photos come out at full size.', { timeout: 400_000 });
  const sharp = await takePhoto();
  expect([sharp.width, sharp.height]).toEqual([CAMERA.width, CAMERA.height]);
  expect(magentaShare(sharp)).toBeGreaterThan(0.03);
  expect(detail(sharp)).toBeGreaterThan(1.15 * detail(upscaled));
});
