// The studio in Chinese: a browser set to zh-CN gets the whole walk in Chinese (controls found by their
// Chinese names, the status line and an error in Chinese), and the language switch is remembered.
import { expect, test, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { fakeCameraArgs, fakeCameraFile } from '../fixtures/camera/fake-camera.ts';
import { skipGuide } from './guide.ts';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeCameraArgs(fakeCameraFile())] } });

/** Paints a magenta band across the middle of the keyframe, using the Chinese names of the paint tools. */
async function paintInChinese(page: Page): Promise<void> {
  const settings = page.getByRole('button', { name: '画笔设置' });
  if ((await settings.count()) > 0 && (await settings.getAttribute('aria-expanded')) === 'false') await settings.click();
  await page.getByLabel('颜色').fill('#ff00ff');
  await page.getByLabel('画笔大小').fill('40');
  const box = (await page.getByLabel('画作', { exact: true }).boundingBox())!;
  for (let fy = 0.3; fy <= 0.6; fy += 0.06) {
    await page.mouse.move(box.x + box.width * 0.15, box.y + box.height * fy);
    await page.mouse.down();
    for (let fx = 0.15; fx <= 0.75; fx += 0.05) await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
    await page.mouse.up();
  }
}

test.describe('a browser that speaks Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test('walks the studio in Chinese: capture, paint, training in the status line, the preview, an error', async ({ page }) => {
    test.setTimeout(600_000);
    await page.goto('/?debug');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    // The first-run guide speaks Chinese too.
    await expect(page.getByRole('complementary', { name: '引导' })).toContainText('拍一帧');
    await page.getByRole('button', { name: '跳过引导' }).click();

    const capture = page.getByRole('button', { name: '拍摄关键帧' });
    await expect(capture).toBeEnabled({ timeout: 90_000 });
    const status = page.getByLabel('状态');
    await expect(status).toContainText('WASM', { timeout: 90_000 });
    await capture.click();
    await expect(page.getByTestId('training-note')).toHaveText('在关键帧上作画即可开始训练。');
    await paintInChinese(page);

    // Training shows in the status line, in Chinese: "第 N 步" (step N) and the loss.
    await expect(status).toContainText(/第 [\d,]+ 步/);
    await expect.poll(async () => Number((await page.getByTestId('training-step').textContent())!.replace(/\D+/g, '')), { timeout: 240_000 }).toBeGreaterThan(0);
    await expect(status).toContainText(/损失 \d/);
    // The preview shows frames stylized by the trained network, and says so.
    await expect(page.getByRole('region', { name: '预览' })).toContainText('风格化', { timeout: 240_000 });
    await expect(page.getByRole('button', { name: '暂停训练' })).toBeEnabled();

    // A broken style file is refused with a message in Chinese.
    await page.getByLabel('要导入的风格文件').setInputFiles({ name: 'broken.livebrush', mimeType: 'application/zip', buffer: Buffer.from('PK\u0003\u0004 not really a zip') });
    await expect(page.getByRole('alert')).toContainText('无法导入这个文件：它不是 Livebrush 风格文件');
  });

  test('a denied camera is explained in Chinese', async ({ browser }) => {
    // No fake camera in this context's permission: access is refused.
    const context = await browser.newContext({ locale: 'zh-CN', permissions: [] });
    try {
      const page = await context.newPage();
      await page.addInitScript(() => {
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
      });
      await page.goto('/');
      await expect(page.getByRole('alert').filter({ hasText: '摄像头权限被拒绝' })).toBeVisible();
      await expect(page.getByLabel('改用照片')).toBeAttached();
    } finally {
      await context.close();
    }
  });
});

test('the language switch changes every word in place, is remembered on reload and sets <html lang>', async ({ page }) => {
  await skipGuide(page);
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeVisible();

  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('button', { name: '拍摄关键帧' })).toBeVisible();
  await expect(page.getByRole('button', { name: '保存风格' })).toBeVisible();

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('button', { name: '拍摄关键帧' })).toBeVisible();

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save style', exact: true })).toBeVisible();
});
