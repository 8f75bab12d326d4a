// Two painted keyframes of two views: the live preview carries the strokes of the view the camera shows.
import { expect, test, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { fakeCameraArgs, twoViewCameraFile } from '../fixtures/camera/fake-camera.ts';
import { paintRegion, trainingStep, type Region } from './painting.ts';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeCameraArgs(twoViewCameraFile())] } });

/** Painted on the first view (top left) and on the second (bottom right), as fractions of the keyframe. */
const ON_FIRST: Region = { left: 0.1, right: 0.45, top: 0.15, bottom: 0.4 };
const ON_SECOND: Region = { left: 0.55, right: 0.9, top: 0.6, bottom: 0.85 };
/** The second view (the clip in negative) is brighter on average: about 139 against 119. */
const BRIGHTNESS_BETWEEN_VIEWS = 129;

interface PreviewReading {
  view: 'first' | 'second';
  /** How magenta each painted region is: the mean of (R + B) / 2 − G, 0 for the grey camera, 255 for the paint. */
  onFirst: number;
  onSecond: number;
}

/** One read of the preview canvas: which view it shows and how magenta each painted region is. */
async function readPreview(page: Page): Promise<PreviewReading> {
  return page.getByLabel('Stylized preview').evaluate(
    (canvas: HTMLCanvasElement, { regions, between }) => {
      const { data, width, height } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const magenta = (region: { left: number; right: number; top: number; bottom: number }) => {
        let sum = 0;
        let count = 0;
        for (let y = Math.round(region.top * height); y < Math.round(region.bottom * height); y++)
          for (let x = Math.round(region.left * width); x < Math.round(region.right * width); x++, count++) {
            const i = (y * width + x) * 4;
            sum += (data[i] + data[i + 2]) / 2 - data[i + 1];
          }
        return sum / count;
      };
      // Brightness of what is not paint.
      let sum = 0;
      let count = 0;
      for (let i = 0; i < data.length; i += 16) {
        if ((data[i] + data[i + 2]) / 2 - data[i + 1] > 40) continue;
        sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
        count += 1;
      }
      return { view: sum / count > between ? 'second' : 'first', onFirst: magenta(regions[0]), onSecond: magenta(regions[1]) } as const;
    },
    { regions: [ON_FIRST, ON_SECOND], between: BRIGHTNESS_BETWEEN_VIEWS }
  );
}

/** Waits until the camera shows `view`. */
async function waitForView(page: Page, view: PreviewReading['view']): Promise<void> {
  await expect.poll(async () => (await readPreview(page)).view, { intervals: [100], timeout: 30_000 }).toBe(view);
}

/** Which view keyframe `index` was captured from (its mean brightness, as for the preview). */
async function keyframeView(page: Page, index: number): Promise<PreviewReading['view']> {
  const brightness = await page.evaluate((index) => {
    const { data } = (window as unknown as { __livebrush: { studio: { keyframes: { input: ImageData }[] } } }).__livebrush.studio.keyframes[index].input;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
    return sum / (data.length / 4);
  }, index);
  return brightness > BRIGHTNESS_BETWEEN_VIEWS ? 'second' : 'first';
}

/** Captures the active (unpainted) keyframe from `view`, again if the camera turned at the click. */
async function captureView(page: Page, index: number, view: PreviewReading['view']): Promise<void> {
  await expect
    .poll(
      async () => {
        if ((await keyframeView(page, index)) === view) return true;
        await waitForView(page, view);
        await page.getByRole('button', { name: 'Capture keyframe' }).click();
        return (await keyframeView(page, index)) === view;
      },
      { intervals: [100], timeout: 60_000 }
    )
    .toBe(true);
}

test('each view of the camera carries the strokes painted on its own keyframe', async ({ page }) => {
  test.setTimeout(420_000);
  await page.goto('/?debug');
  await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeEnabled();

  await waitForView(page, 'first');
  await page.getByRole('button', { name: 'Capture keyframe' }).click();
  await captureView(page, 0, 'first');
  await paintRegion(page, ON_FIRST, 0.06);
  await waitForView(page, 'second');
  await page.getByRole('button', { name: 'Add keyframe' }).click();
  await captureView(page, 1, 'second');
  await paintRegion(page, ON_SECOND, 0.06);

  // Each view, once seen: its own strokes where they were painted, the other view's nowhere there.
  const seen: Record<PreviewReading['view'], PreviewReading | null> = { first: null, second: null };
  await expect
    .poll(
      async () => {
        const reading = await readPreview(page);
        const own = reading.view === 'first' ? reading.onFirst : reading.onSecond;
        const other = reading.view === 'first' ? reading.onSecond : reading.onFirst;
        if (own > 100 && other < 20) seen[reading.view] = reading;
        return seen.first !== null && seen.second !== null;
      },
      { intervals: [250], timeout: 180_000 }
    )
    .toBe(true);
  test.info().annotations.push({ type: 'preview', description: `${JSON.stringify(seen)} at step ${await trainingStep(page)}` });
});
