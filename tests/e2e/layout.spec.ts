// The studio on phone and tablet screens: preview and painting both in view while painting, no page
// scrolling, the painting the larger share, every control a thumb can reach; rotating keeps the work.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { fakeCameraArgs, fakeCameraFile } from '../fixtures/camera/fake-camera.ts';
import { skipGuide } from './guide.ts';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeCameraArgs(fakeCameraFile())] } });

/** Phones in both orientations, and a tablet. */
const SCREENS = [
  { width: 360, height: 640, phone: true },
  { width: 640, height: 360, phone: true },
  { width: 915, height: 412, phone: true },
  { width: 412, height: 915, phone: true },
  { width: 1024, height: 768, phone: false }
];

/** The smallest share of the screen the painting gets on a phone. */
const PAINTING_SHARE = 0.4;
/** The smallest tap target, in CSS pixels. */
const TAP_TARGET = 44;

const SCREENSHOTS = 'tests/.artifacts/screens';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The two canvases by their labels; every other name is a button's. */
function locate(page: Page, name: string) {
  return name === 'Painting' || name === 'Stylized preview'
    ? page.getByLabel(name, { exact: true })
    : page.getByRole('button', { name, exact: true });
}

async function box(page: Page, label: string): Promise<Box> {
  const found = await locate(page, label).boundingBox();
  expect(found, `${label} is on screen`).not.toBeNull();
  return found!;
}

/** Asserts that `label`'s box lies wholly inside the viewport (half a pixel of rounding allowed). */
async function expectInViewport(page: Page, label: string): Promise<Box> {
  const { width, height } = page.viewportSize()!;
  const found = await box(page, label);
  expect(found.x, `${label} left edge`).toBeGreaterThanOrEqual(-0.5);
  expect(found.y, `${label} top edge`).toBeGreaterThanOrEqual(-0.5);
  expect(found.x + found.width, `${label} right edge`).toBeLessThanOrEqual(width + 0.5);
  expect(found.y + found.height, `${label} bottom edge`).toBeLessThanOrEqual(height + 0.5);
  return found;
}

/** The page's scroll extent against its viewport. */
function scrollExtent(page: Page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    scrollHeight: document.documentElement.scrollHeight,
    innerWidth: window.innerWidth,
    innerHeight: window.innerHeight
  }));
}

/** Paints one stroke across the middle of the painting, with the mouse. */
async function paintStroke(page: Page): Promise<void> {
  const painting = await box(page, 'Painting');
  const y = painting.y + painting.height * 0.5;
  await page.mouse.move(painting.x + painting.width * 0.2, y);
  await page.mouse.down();
  for (let f = 0.25; f <= 0.8; f += 0.05) await page.mouse.move(painting.x + painting.width * f, y);
  await page.mouse.up();
}

/** Every visible button, checkbox label and slider: [name, width, height] where smaller than a tap target. */
function smallTargets(page: Page) {
  return page.evaluate((minimum) => {
    const small: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>('button, label:has(input[type=checkbox]), input[type=color]')) {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      if (rect.width < minimum - 0.5 || rect.height < minimum - 0.5) {
        small.push(`${element.getAttribute('aria-label') ?? element.textContent?.trim()} ${rect.width.toFixed(0)}×${rect.height.toFixed(0)}`);
      }
    }
    return small;
  }, TAP_TARGET);
}

/** Checks the layout as it is now; returns the painting's share of the screen and both boxes. */
async function checkLayout(page: Page, phone: boolean) {
  const { width, height } = page.viewportSize()!;
  const painting = await expectInViewport(page, 'Painting');
  const preview = await expectInViewport(page, 'Stylized preview');
  const extent = await scrollExtent(page);
  expect(extent.scrollHeight).toBeLessThanOrEqual(extent.innerHeight);
  expect(extent.scrollWidth).toBeLessThanOrEqual(extent.innerWidth);
  const share = (painting.width * painting.height) / (width * height);
  if (phone) expect(share).toBeGreaterThanOrEqual(PAINTING_SHARE);
  // The two never overlap: the preview hides none of the painting.
  const overlapX = Math.min(painting.x + painting.width, preview.x + preview.width) - Math.max(painting.x, preview.x);
  const overlapY = Math.min(painting.y + painting.height, preview.y + preview.height) - Math.max(painting.y, preview.y);
  expect(overlapX <= 0.5 || overlapY <= 0.5).toBe(true);
  // Every control is on screen and big enough for a thumb.
  for (const name of CONTROLS) await expectInViewport(page, name);
  expect(await smallTargets(page)).toEqual([]);
  return { share, painting, preview };
}

const CONTROLS = ['Capture keyframe', 'Add keyframe', 'Pause training', 'Take photo', 'Brush', 'Eraser', 'Eyedropper', 'Mask', 'Undo', 'Redo', 'Save style', 'Styles', 'Export style', 'Import style', 'Help'];

for (const screen of SCREENS) {
  test(`at ${screen.width}×${screen.height} the preview and the painting are both in view while painting`, async ({ page }) => {
    await page.setViewportSize({ width: screen.width, height: screen.height });
    // A first visit: the guide is on screen too, and must fit beside both.
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeEnabled({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Capture keyframe' }).click();
    await expect(page.getByLabel('Painting', { exact: true })).toBeVisible();
    await paintStroke(page);
    await expect(page.getByRole('complementary', { name: 'Guide' })).toContainText('Watch the preview');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await checkLayout(page, screen.phone);
    await page.screenshot({ path: `${SCREENSHOTS}/studio-${screen.width}x${screen.height}-guide.png` });

    await page.getByRole('button', { name: 'Done' }).click();
    const { share, painting, preview } = await checkLayout(page, screen.phone);
    test.info().annotations.push({
      type: 'layout',
      description: `painting ${painting.width.toFixed(0)}×${painting.height.toFixed(0)} (${(share * 100).toFixed(1)} % of the screen), preview ${preview.width.toFixed(0)}×${preview.height.toFixed(0)}`
    });
    await page.screenshot({ path: `${SCREENSHOTS}/studio-${screen.width}x${screen.height}.png` });
  });
}

test('turning the phone keeps the painting, the zoom and the tool', async ({ page }) => {
  await page.setViewportSize({ width: 412, height: 915 });
  await skipGuide(page);
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeEnabled({ timeout: 90_000 });
  await page.getByRole('button', { name: 'Capture keyframe' }).click();
  await paintStroke(page);
  await page.getByRole('button', { name: 'Eraser', exact: true }).click();
  const painting = await box(page, 'Painting');
  // Zoom in with the wheel over the painting: "Fit" appears.
  await page.mouse.move(painting.x + painting.width / 2, painting.y + painting.height / 2);
  await page.mouse.wheel(0, -400);
  await expect(page.getByRole('button', { name: 'Fit painting to screen' })).toBeVisible();
  const strokes = () =>
    page.evaluate(() => document.querySelector<HTMLCanvasElement>('canvas[aria-label="Painting"]')!.getContext('2d')!.getImageData(0, 0, 64, 64).data.join());
  const before = await strokes();

  await page.setViewportSize({ width: 915, height: 412 });
  await expect(page.getByRole('button', { name: 'Eraser', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('button', { name: 'Fit painting to screen' })).toBeVisible();
  expect(await strokes()).toBe(before);
  await expect(page.getByRole('button', { name: 'Undo', exact: true })).toBeEnabled();

  // "Fit" shows the whole painting again, inside the screen.
  await page.getByRole('button', { name: 'Fit painting to screen' }).click();
  await expect(page.getByRole('button', { name: 'Fit painting to screen' })).toBeHidden();
  await expectInViewport(page, 'Painting');
});
