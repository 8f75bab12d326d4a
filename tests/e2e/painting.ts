// What a person does on the paint canvas in the end-to-end walks, and what the status line shows.
import type { Page } from '@playwright/test';

/** A rectangle as fractions of the keyframe. */
export interface Region {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Paints `region` of the keyframe with horizontal mouse strokes `rowStep` apart in a 40-px magenta brush. */
export async function paintRegion(page: Page, region: Region, rowStep: number): Promise<void> {
  await openBrushSettings(page);
  await page.getByLabel('Colour').fill('#ff00ff');
  await page.getByLabel('Brush size').fill('40');
  const box = (await page.getByLabel('Painting', { exact: true }).boundingBox())!;
  const at = (fx: number, fy: number) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  for (let fy = region.top + 0.04; fy <= region.bottom - 0.03; fy += rowStep) {
    await page.mouse.move(...at(region.left + 0.03, fy));
    await page.mouse.down();
    for (let fx = region.left + 0.03; fx <= region.right - 0.03; fx += 0.04) await page.mouse.move(...at(fx, fy));
    await page.mouse.up();
  }
}

/** Shows the colour, size and opacity controls (a phone-wide toolbar keeps them behind "Brush settings"). */
export async function openBrushSettings(page: Page): Promise<void> {
  const toggle = page.getByRole('button', { name: 'Brush settings' });
  if ((await toggle.count()) > 0 && (await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
}

/** The training step shown in the status line. */
export async function trainingStep(page: Page): Promise<number> {
  return Number(((await page.getByTestId('training-step').textContent()) ?? '').replace(/\D+/g, ''));
}

/** The RGBA bytes of `region` of the stylized preview canvas, as it shows now. */
export async function previewPixels(page: Page, region: Region): Promise<Uint8ClampedArray> {
  const bytes = await page.getByLabel('Stylized preview').evaluate((canvas: HTMLCanvasElement, region) => {
    const x = Math.round(region.left * canvas.width);
    const y = Math.round(region.top * canvas.height);
    const width = Math.round((region.right - region.left) * canvas.width);
    const height = Math.round((region.bottom - region.top) * canvas.height);
    return Array.from(canvas.getContext('2d')!.getImageData(x, y, width, height).data);
  }, region);
  return Uint8ClampedArray.from(bytes);
}

/** The mean over the pixels of `data` (RGBA) of `perPixel(r, g, b)`. */
export function meanOverPixels(data: Uint8ClampedArray, perPixel: (r: number, g: number, b: number) => number): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += perPixel(data[i], data[i + 1], data[i + 2]);
  return sum / (data.length / 4);
}
