// The Content-Security-Policy: in the built index.html, as a header where a <meta> cannot say it, and
// never in the way: a whole studio walk (camera, paint, train, preview, photo, styles, export, import,
// an imported painting, an offline reload from the service worker) raises not one violation.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { fakeCameraArgs, fakeCameraFile } from '../fixtures/camera/fake-camera.ts';
import { skipGuide } from './guide.ts';
import { captureAndPaint, openStudio, trainingStep } from './helpers-presets.ts';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeCameraArgs(fakeCameraFile())] } });

/** The policy's directives, each with its sources, as a page's `<meta>` states them. */
function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name, sources])
  );
}

test('the built index.html carries the policy, and the server adds frame-ancestors', async ({ request }) => {
  const html = readFileSync('build/index.html', 'utf8');
  const meta = /<meta http-equiv="content-security-policy" content="([^"]+)"/.exec(html);
  expect(meta, 'a CSP <meta> in build/index.html').not.toBeNull();
  const policy = directives(meta![1]);
  expect(policy['default-src']).toEqual(["'self'"]);
  expect(policy['script-src'].slice(0, 2)).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  // Every inline script of the page is allowed by its hash, and nothing else inline is.
  const inlineScripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].length;
  expect(policy['script-src'].filter((source) => source.startsWith("'sha256-"))).toHaveLength(inlineScripts);
  expect(policy['script-src']).not.toContain("'unsafe-inline'");
  expect(policy['worker-src']).toEqual(["'self'", 'blob:']);
  expect(policy['img-src']).toEqual(["'self'", 'blob:', 'data:']);
  expect(policy['media-src']).toEqual(["'self'", 'blob:', 'mediastream:']);
  expect(policy['connect-src']).toEqual(["'self'"]);
  expect(policy['object-src']).toEqual(["'none'"]);
  expect(policy['base-uri']).toEqual(["'none'"]);
  expect(policy['form-action']).toEqual(["'none'"]);
  // Styles: own files, and by hash the one style attribute SvelteKit's route announcer has; never any inline style.
  expect(policy['style-src'].slice(0, 2)).toEqual(["'self'", "'unsafe-hashes'"]);
  expect(policy['style-src'].slice(2)).toEqual([expect.stringMatching(/^'sha256-[\w+/]+=*'$/)]);
  expect(policy['style-src']).not.toContain("'unsafe-inline'");
  expect(html).not.toMatch(/\sstyle="/);

  expect(policy['frame-ancestors'], 'ignored in a <meta>, so not written there').toBeUndefined();

  // `npm start`'s server sends the policy as a header, with frame-ancestors; its other files carry frame-ancestors too.
  const page = directives((await request.get('/')).headers()['content-security-policy']);
  expect(page['frame-ancestors']).toEqual(["'none'"]);
  expect(page['script-src'].slice(0, 2)).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  expect((await request.get('/manifest.webmanifest')).headers()['content-security-policy']).toBe("frame-ancestors 'none'");
});

/** Every CSP violation the page (and its workers) report, and the browser's "Refused to …" console lines. */
function watchViolations(page: Page): { console: string[] } {
  const seen = { console: [] as string[] };
  const note = (text: string) => {
    if (/Content.Security.Policy|Refused to/i.test(text)) seen.console.push(text);
  };
  page.on('console', (message) => note(message.text()));
  page.on('worker', (worker) => worker.on('console', (message) => note(message.text())));
  return seen;
}

/** The violations the page's own listener stored since it loaded. */
function pageViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}

test('a studio walk under the policy raises no violation', async ({ page, context }) => {
  test.setTimeout(600_000);
  await skipGuide(page);
  await page.addInitScript(() => {
    const violations: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = violations;
    document.addEventListener('securitypolicyviolation', (event) =>
      violations.push(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`)
    );
  });
  const seen = watchViolations(page);

  // Camera, WASM engine in its workers, paint, train, and the preview stylized by the new weights.
  await openStudio(page);
  await expect(page.getByLabel('Status')).toContainText('WASM', { timeout: 90_000 });
  await captureAndPaint(page);
  await expect.poll(() => trainingStep(page), { timeout: 240_000 }).toBeGreaterThan(0);
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __livebrush: { studio: { preview: { shownStep: number } } } }).__livebrush.studio.preview.shownStep), {
      timeout: 240_000
    })
    .toBeGreaterThan(0);

  // A photo (an object URL download).
  const photo = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Take photo' }).click();
  expect((await photo).suggestedFilename()).toMatch(/\.png$/);

  // Save, see it in the gallery (its thumbnail is a blob: image), export and import it back.
  await page.getByRole('button', { name: 'Pause training' }).click();
  await page.getByRole('button', { name: 'Save style', exact: true }).click();
  await page.getByLabel('Style name').fill('Policy walk');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved “Policy walk”.' })).toBeVisible();
  await page.getByRole('button', { name: 'Styles', exact: true }).click();
  const gallery = page.getByRole('dialog', { name: 'Your styles' });
  await expect
    .poll(() => gallery.locator('img').first().evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth))
    .toBeGreaterThan(0);
  const exported = page.waitForEvent('download');
  await gallery.getByRole('button', { name: 'Export Policy walk' }).click();
  const archive = readFileSync((await (await exported).path())!);
  await gallery.getByRole('button', { name: 'Close' }).click();
  await page.getByLabel('Style file to import').setInputFiles({ name: 'walk.livebrush', mimeType: 'application/zip', buffer: archive });
  await expect(page.getByRole('status').filter({ hasText: 'Imported “Policy walk”' })).toBeVisible();

  // A painting made elsewhere (decoded, scaled, drawn through a data: URL).
  const revision = () => page.evaluate(() => (window as unknown as { __livebrush: { studio: { paintingRevision: number } } }).__livebrush.studio.paintingRevision);
  const before = await revision();
  await page.getByRole('toolbar', { name: 'Paint tools' }).locator('input[type=file]').setInputFiles('static/icons/icon-192.png');
  await expect.poll(revision).toBeGreaterThan(before);
  await expect(page.getByRole('alert')).toHaveCount(0);

  expect(await pageViolations(page)).toEqual([]);
  expect(seen.console).toEqual([]);

  // Offline, the service worker serves everything (shell, scripts, workers, .wasm): still no violation.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeEnabled({ timeout: 90_000 });
  await expect(page.getByLabel('Status')).toContainText('WASM', { timeout: 90_000 });
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // The shell from the service worker keeps its policy and frame-ancestors.
  const served = await page.evaluate(async () => (await fetch('/')).headers.get('content-security-policy'));
  expect(served).toContain("default-src 'self'");
  expect(served).toContain("frame-ancestors 'none'");
  await page.waitForTimeout(3_000);
  expect(await pageViolations(page)).toEqual([]);
  expect(seen.console).toEqual([]);
  await context.setOffline(false);
});
