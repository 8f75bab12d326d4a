// Preview speed in headless Chromium with the fake camera, per backend: `npx tsx bench/preview.ts`
// (after `npm run build`; it serves a private copy of build/, so rebuilding meanwhile is harmless). Prints preview fps while training and the stroke-to-preview latency:
// the time from a painting change to the first preview frame made by weights that trained on it.
// Stroke recall: after the strokes, the preview frame (static camera, so the strokes belong where they were
// painted) scored inside the painted pixels as score_doodle.py does: 1 − |preview − painting| / |keyframe − painting|.
// Flags: --backends=wasm,webgl,webgpu  --seconds=N (fps window)  --strokes=N  --budget=N (s per stroke)
//        --recall-after=N (s after the last stroke, default 10).
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type Page } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/chromium.ts';
import { fakeCameraArgs, fakeCameraFile } from '../tests/fixtures/camera/fake-camera.ts';

const flags = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value = ''] = arg.replace(/^--/, '').split('=');
    return [key, value] as const;
  })
);
const backends = (flags.get('backends') || 'wasm,webgl,webgpu').split(',');
const fpsSeconds = Number(flags.get('seconds') || 20);
const strokes = Number(flags.get('strokes') || 3);
const strokeBudgetSeconds = Number(flags.get('budget') || 120);
const recallAfterSeconds = Number(flags.get('recall-after') || 10);
// BENCH_PORT lets several checkouts run the bench side by side.
const PORT = Number(process.env.BENCH_PORT ?? 4190);

interface Row {
  backend: string;
  started: string;
  fps: string;
  workingSide: string;
  stepsPerSec: string;
  latency: string;
  recall: string;
}

interface DebugStudio {
  backend: { backend: string } | null;
  computeError: string | null;
  preview: { fps: number; workingSide: number };
  training: { step: number; stepsPerSec: number };
  strokeLatencies: number[];
}

const studio = <T>(page: Page, read: (studio: DebugStudio) => T): Promise<T> =>
  page.evaluate(`(${read.toString()})(window.__livebrush.studio)`) as Promise<T>;

/** Draws one horizontal stroke across the paint canvas at height `fy` (fraction) in `colour`. */
async function stroke(page: Page, fy: number, colour: string): Promise<void> {
  await page.getByLabel('Colour').fill(colour);
  const box = (await page.getByLabel('Painting', { exact: true }).boundingBox())!;
  await page.mouse.move(box.x + 0.15 * box.width, box.y + fy * box.height);
  await page.mouse.down();
  for (let fx = 0.15; fx <= 0.6; fx += 0.05) await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height);
  await page.mouse.up();
}

/** Stroke recall of the preview on screen against the first keyframe's painting (see the header). */
function strokeRecall(): number {
  type Keyframe = { input: ImageData; painting: ImageData };
  const keyframe = (window as unknown as { __livebrush: { studio: { keyframes: Keyframe[] } } }).__livebrush.studio.keyframes[0];
  const { width, height } = keyframe.input;
  const preview = document.querySelector<HTMLCanvasElement>('canvas[aria-label="Stylized preview"]')!;
  const context = new OffscreenCanvas(width, height).getContext('2d')!;
  context.drawImage(preview, 0, 0, width, height);
  const shown = context.getImageData(0, 0, width, height).data;
  const key = keyframe.input.data;
  const paint = keyframe.painting.data;
  let previewError = 0;
  let keyError = 0;
  for (let i = 0; i < key.length; i += 4) {
    const difference = (a: Uint8ClampedArray) => Math.abs(a[i] - paint[i]) + Math.abs(a[i + 1] - paint[i + 1]) + Math.abs(a[i + 2] - paint[i + 2]);
    const painted = difference(key);
    if (painted <= 30) continue;
    keyError += painted;
    previewError += difference(shown);
  }
  return keyError > 0 ? 1 - previewError / keyError : Number.NaN;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(backend: string): Promise<Row> {
  const row: Row = { backend, started: '–', fps: '–', workingSide: '–', stepsPerSec: '–', latency: '–', recall: '–' };
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeCameraArgs(fakeCameraFile())] });
  try {
    const page = await browser.newPage({ viewport: { width: 412, height: 915 } });
    const software = backend === 'wasm' ? '' : '&allowSoftwareGpu';
    await page.goto(`http://localhost:${PORT}/?debug&backend=${backend}${software}`);
    await page.waitForFunction('window.__livebrush?.studio.backend || window.__livebrush?.studio.computeError', null, { timeout: 120_000 });
    row.started = (await studio(page, (s) => s.backend?.backend ?? `failed: ${s.computeError}`)) ?? '–';
    if (row.started !== backend) return row;

    await page.getByRole('button', { name: 'Capture keyframe' }).click();
    await page.getByLabel('Brush size').fill('30');
    await stroke(page, 0.35, '#ff00ff');
    await page.waitForFunction('window.__livebrush.studio.training.step > 0', null, { timeout: strokeBudgetSeconds * 1000 });

    const fpsSamples: number[] = [];
    for (let second = 0; second < fpsSeconds; second++) {
      await page.waitForTimeout(1000);
      fpsSamples.push(await studio(page, (s) => s.preview.fps));
    }
    row.fps = (fpsSamples.reduce((a, b) => a + b, 0) / fpsSamples.length).toFixed(2);
    row.workingSide = String(await studio(page, (s) => s.preview.workingSide));
    row.stepsPerSec = (await studio(page, (s) => s.training.stepsPerSec)).toFixed(3);

    const latencies: number[] = [];
    for (let i = 0; i < strokes; i++) {
      const known = await studio(page, (s) => s.strokeLatencies.length);
      await stroke(page, 0.5 + 0.08 * i, i % 2 ? '#ffff00' : '#00ffff');
      try {
        await page.waitForFunction(`window.__livebrush.studio.strokeLatencies.length > ${known}`, null, { timeout: strokeBudgetSeconds * 1000 });
        latencies.push((await studio(page, (s) => s.strokeLatencies)).at(-1)!);
      } catch {
        latencies.push(Number.POSITIVE_INFINITY);
      }
    }
    const finite = latencies.filter(Number.isFinite);
    row.latency =
      finite.length === 0
        ? `> ${strokeBudgetSeconds} s`
        : `${(median(finite) / 1000).toFixed(2)} s (${finite.length}/${latencies.length})`;
    await page.waitForTimeout(recallAfterSeconds * 1000);
    row.recall = `${(await page.evaluate(strokeRecall)).toFixed(2)} (step ${await studio(page, (s) => s.training.step)})`;
  } catch (error) {
    row.started = `${row.started} (${(error as Error).message.split('\n')[0]})`;
  } finally {
    await browser.close();
  }
  return row;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json'
};

/** Serves a snapshot of build/ (the deployable static site) on PORT, with the SPA fallback. */
function serveBuild(root: string) {
  return createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, path);
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
    } catch {
      file = join(root, 'index.html');
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  }).listen(PORT);
}

const snapshot = mkdtempSync(join(tmpdir(), 'livebrush-bench-'));
cpSync('build', snapshot, { recursive: true });
const server = serveBuild(snapshot);
try {
  const rows: Row[] = [];
  for (const backend of backends) {
    process.stderr.write(`measuring ${backend}…\n`);
    rows.push(await measure(backend));
  }
  console.log(`Preview in headless Chromium, fake camera; fps averaged over ${fpsSeconds} s while training; latency = median of ${strokes} strokes; recall ${recallAfterSeconds} s after the last.`);
  console.log('| backend | started | preview fps | working side | train steps/s | stroke→preview | stroke recall |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) {
    console.log(`| ${row.backend} | ${row.started} | ${row.fps} | ${row.workingSide} | ${row.stepsPerSec} | ${row.latency} | ${row.recall} |`);
  }
} finally {
  server.close();
  rmSync(snapshot, { recursive: true, force: true });
}
