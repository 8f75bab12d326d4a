// The live engine in headless Chromium with the fake camera: `npx tsx bench/preview.ts` (after
// `npm run build`; it serves a private copy of build/ with the cross-origin isolation headers, as
// `npm start` does, so rebuilding meanwhile is harmless). In one run it measures, on WASM at a fixed
// working side, the parallel engine and the single-worker engine (`?engine=single`), each in a fresh
// browser: preview fps while training and paused, training steps per wall-clock second while the
// preview runs, stroke → preview (median), and cold start offline (navigation → first camera frame,
// → first stylized frame of the saved style), the time from a stroke to the preview showing it, and
// the stroke recall of the preview after the strokes
// (the camera is still, so strokes belong where they were painted). On WebGPU (SwiftShader) it counts readbacks (mapAsync)
// and queue submits per preview frame and per training step in the parallel engine's workers.
// Flags: --backends=wasm,webgpu  --engines=parallel,single  --seconds=N (fps windows)  --strokes=N
//        --budget=N (s per stroke)  --side=N (working side, 256)  --gpu-budget=N (s)  --json
//        --recall-after=N (s after the last stroke, default 10)
//        --keyframes=2 (a second painted keyframe of the same still view: every frame then also
//        measures it against the first, src/lib/ml/live.ts; the strokes that follow go on the first)
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/chromium.ts';
import { fakeCameraArgs, fakeCameraFile } from '../tests/fixtures/camera/fake-camera.ts';
import { APP_HEADERS } from '../service-worker/isolation.ts';
import { openBrushSettings } from '../tests/e2e/painting.ts';

const flags = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value = ''] = arg.replace(/^--/, '').split('=');
    return [key, value] as const;
  })
);
const backends = (flags.get('backends') || 'wasm,webgpu').split(',');
const engines = (flags.get('engines') || 'parallel,single').split(',') as Engine[];
const fpsSeconds = Number(flags.get('seconds') || 15);
const strokes = Number(flags.get('strokes') || 3);
const strokeBudgetSeconds = Number(flags.get('budget') || 120);
const recallAfterSeconds = Number(flags.get('recall-after') || 10);
const side = Number(flags.get('side') || 256);
const paintedKeyframes = Number(flags.get('keyframes') || 1);
const gpuBudgetSeconds = Number(flags.get('gpu-budget') || 240);
const json = flags.has('json');
// BENCH_PORT lets several checkouts run the bench side by side.
const PORT = Number(process.env.BENCH_PORT ?? 4190);
const ORIGIN = `http://localhost:${PORT}`;

/** `parallel`, `single`, or `parallel:cores=N` (threads split as for N cores). */
type Engine = string;

/** The figures of one engine on WASM (null: not measured, e.g. it failed). */
interface EngineFigures {
  previewFpsTraining: number | null;
  previewFpsPaused: number | null;
  trainStepsPerSec: number | null;
  strokeToPreviewMs: number | null;
  /** From a stroke's pointerup to the preview showing half of it (the stroke layer can, before any step). */
  strokeSeenMs: number | null;
  coldStartCameraMs: number | null;
  /** Stroke recall of the preview `recallAfterSeconds` after the last stroke (see strokeRecall). */
  strokeRecall: number | null;
}

interface EngineRow extends EngineFigures {
  started: string;
  threads: string;
  coldStartStylizedMs: number | null;
  strokesSeen: string;
  /** Paused: the share of preview frames the training worker stylized (its second preview lane). */
  pausedTrainingLaneShare: number | null;
}

interface GpuRow {
  started: string;
  readbacksPerFrame: number | null;
  submitsPerFrame: number | null;
  readbacksPerStep: number | null;
  submitsPerStep: number | null;
  frames: number;
  steps: number;
}

interface DebugStudio {
  backend: { backend: string; threads?: { preview: number; training: number } } | null;
  computeError: string | null;
  preview: { fps: number; workingSide: number; shownStep: number; trainingLaneShare: number };
  training: { step: number; stepsPerSec: number; running: boolean };
  strokeLatencies: number[];
  previewTimings(): { camera: number | null; stylized: number | null };
  gpuCalls(): Promise<{ preview: Counts; training: Counts }>;
}
interface Counts {
  readbacks: number;
  submits: number;
  work: number;
}

const studio = <T>(page: Page, read: (studio: DebugStudio) => T): Promise<T> =>
  page.evaluate(`(${read.toString()})(window.__livebrush.studio)`) as Promise<T>;
const now = (page: Page) => page.evaluate(() => performance.now());
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
/** Stroke recall of the preview on screen against the first keyframe's painting (see the header). */
function strokeRecall(): number {
  type Keyframe = { input: ImageData; painting: ImageData };
  const keyframe = (window as unknown as { __livebrush: { studio: { keyframes: Keyframe[] } } }).__livebrush.studio.keyframes[0];
  const { width, height } = keyframe.input;
  const preview = document.querySelector<HTMLCanvasElement>('canvas[aria-label="Stylized preview"]')!;
  const context = new OffscreenCanvas(width, height).getContext('2d')!;
  // The keyframe is the centred crop of the camera frame of the paint area's shape; the preview shows the whole frame.
  const cropWidth = Math.min(preview.width, Math.round((preview.height * width) / height));
  const cropHeight = Math.min(preview.height, Math.round((preview.width * height) / width));
  context.drawImage(preview, (preview.width - cropWidth) / 2, (preview.height - cropHeight) / 2, cropWidth, cropHeight, 0, 0, width, height);
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

/**
 * Starts watching for the next stroke to show in the preview: from the stroke's pointerup to the first
 * animation frame whose preview shows at least half of what the stroke changed in the first keyframe's
 * painting (the recall above, over the stroke's own pixels). Resolves `window.__strokeSeenMs` (0 when
 * it showed before the pointer was lifted).
 */
function watchStrokeInPreview(): void {
  type Keyframe = { input: ImageData; painting: ImageData };
  type Watched = typeof window & { __strokeSeenMs?: number; __livebrush: { studio: { keyframes: Keyframe[] } } };
  const page = window as Watched;
  const keyframes = () => page.__livebrush.studio.keyframes;
  const before = keyframes()[0].painting;
  const preview = document.querySelector<HTMLCanvasElement>('canvas[aria-label="Stylized preview"]')!;
  let upAt: number | null = null;
  let seenAt: number | null = null;
  delete page.__strokeSeenMs;
  document.addEventListener('pointerup', () => (upAt = performance.now()), { capture: true, once: true });
  const check = () => {
    const painting = keyframes()[0].painting;
    if (painting !== before && seenAt === null) {
      const { width, height } = painting;
      const context = new OffscreenCanvas(width, height).getContext('2d')!;
      const cropWidth = Math.min(preview.width, Math.round((preview.height * width) / height));
      const cropHeight = Math.min(preview.height, Math.round((preview.width * height) / width));
      context.drawImage(preview, (preview.width - cropWidth) / 2, (preview.height - cropHeight) / 2, cropWidth, cropHeight, 0, 0, width, height);
      const shown = context.getImageData(0, 0, width, height).data;
      let previewError = 0;
      let strokeChange = 0;
      for (let i = 0; i < shown.length; i += 4) {
        const difference = (a: Uint8ClampedArray) =>
          Math.abs(a[i] - painting.data[i]) + Math.abs(a[i + 1] - painting.data[i + 1]) + Math.abs(a[i + 2] - painting.data[i + 2]);
        const changed = difference(before.data);
        if (changed <= 30) continue;
        strokeChange += changed;
        previewError += difference(shown);
      }
      if (strokeChange > 0 && previewError / strokeChange <= 0.5) seenAt = performance.now();
    }
    if (seenAt !== null && upAt !== null) page.__strokeSeenMs = Math.max(0, seenAt - upAt);
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Draws one horizontal stroke across the paint canvas at height `fy` (fraction) in `colour`. */
async function stroke(page: Page, fy: number, colour: string): Promise<void> {
  await openBrushSettings(page);
  await page.getByLabel('Colour').fill(colour);
  const box = (await page.getByLabel('Painting', { exact: true }).boundingBox())!;
  await page.mouse.move(box.x + 0.15 * box.width, box.y + fy * box.height);
  await page.mouse.down();
  for (let fx = 0.15; fx <= 0.6; fx += 0.05) await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height);
  await page.mouse.up();
}

/** Mean preview fps over `seconds`, sampled every second. */
async function sampleFps(page: Page, seconds: number): Promise<number> {
  const samples: number[] = [];
  for (let second = 0; second < seconds; second++) {
    await page.waitForTimeout(1000);
    samples.push(await studio(page, (s) => s.preview.fps));
  }
  return mean(samples);
}

async function openStudio(context: BrowserContext, query: string): Promise<{ page: Page; started: string }> {
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/?debug&${query}`);
  await page.waitForFunction('window.__livebrush?.studio.backend || window.__livebrush?.studio.computeError', null, { timeout: 120_000 });
  const started = await studio(page, (s) => s.backend?.backend ?? `failed: ${s.computeError}`);
  return { page, started };
}

async function launch() {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeCameraArgs(fakeCameraFile())] });
  // The policy forbids eval, which waitForFunction's string predicates need; the bench measures the engine, not the policy.
  const context = await browser.newContext({ viewport: { width: 412, height: 915 }, bypassCSP: true });
  // tsx names inner functions with a `__name` helper that functions sent to page.evaluate take along.
  await context.addInitScript('window.__name = (target) => target;');
  return { browser, context };
}

async function measureEngine(engine: Engine): Promise<EngineRow> {
  const row: EngineRow = {
    started: '–',
    threads: '–',
    previewFpsTraining: null,
    previewFpsPaused: null,
    trainStepsPerSec: null,
    strokeToPreviewMs: null,
    strokeSeenMs: null,
    coldStartCameraMs: null,
    coldStartStylizedMs: null,
    strokesSeen: '–',
    pausedTrainingLaneShare: null,
    strokeRecall: null
  };
  const [kind, option] = engine.split(':');
  const query = `backend=wasm&side=${side}${kind === 'single' ? '&engine=single' : ''}${option ? `&${option}` : ''}`;
  const { browser, context } = await launch();
  try {
    const { page, started } = await openStudio(context, query);
    row.started = started;
    if (started !== 'wasm') return row;
    const threads = await studio(page, (s) => s.backend?.threads ?? null);
    row.threads = threads ? `${threads.preview}+${threads.training}` : '1 (one worker)';
    await page.evaluate(() => navigator.serviceWorker.ready);

    await page.getByRole('button', { name: 'Capture keyframe' }).click();
    await openBrushSettings(page);
    await page.getByLabel('Brush size').fill('30');
    await stroke(page, 0.35, '#ff00ff');
    if (paintedKeyframes > 1) {
      await page.getByRole('button', { name: 'Add keyframe' }).click();
      await stroke(page, 0.2, '#00ff00');
      await page.getByRole('button', { name: 'Keyframe 1' }).click();
    }
    await page.waitForFunction('window.__livebrush.studio.preview.shownStep > 0', null, { timeout: strokeBudgetSeconds * 1000 });

    // Training and previewing together.
    const startStep = await studio(page, (s) => s.training.step);
    const startAt = await now(page);
    row.previewFpsTraining = await sampleFps(page, fpsSeconds);
    row.trainStepsPerSec = ((await studio(page, (s) => s.training.step)) - startStep) / (((await now(page)) - startAt) / 1000);

    const latencies: number[] = [];
    const seen: number[] = [];
    for (let i = 0; i < strokes; i++) {
      const known = await studio(page, (s) => s.strokeLatencies.length);
      await page.evaluate(watchStrokeInPreview);
      await stroke(page, 0.5 + 0.08 * i, i % 2 ? '#ffff00' : '#00ffff');
      try {
        await page.waitForFunction(`window.__livebrush.studio.strokeLatencies.length > ${known}`, null, { timeout: strokeBudgetSeconds * 1000 });
        latencies.push((await studio(page, (s) => s.strokeLatencies)).at(-1)!);
      } catch {
        latencies.push(Number.POSITIVE_INFINITY);
      }
      const seenMs = await page
        .waitForFunction('window.__strokeSeenMs !== undefined', null, { timeout: strokeBudgetSeconds * 1000 })
        .then(() => page.evaluate('window.__strokeSeenMs') as Promise<number>)
        .catch(() => null);
      if (seenMs !== null) seen.push(seenMs);
    }
    row.strokeSeenMs = seen.length > 0 ? median(seen) : null;
    const finite = latencies.filter(Number.isFinite);
    row.strokeToPreviewMs = finite.length > 0 ? median(finite) : null;
    row.strokesSeen = `${finite.length}/${latencies.length}`;
    await page.waitForTimeout(recallAfterSeconds * 1000);
    row.strokeRecall = await page.evaluate(strokeRecall);

    // Paused: the preview alone (and the session checkpoints the weights meanwhile).
    await page.getByRole('button', { name: 'Pause training' }).click();
    await page.waitForTimeout(2000);
    row.previewFpsPaused = await sampleFps(page, Math.max(6, Math.round(fpsSeconds / 2)));
    row.pausedTrainingLaneShare = await studio(page, (s) => s.preview.trainingLaneShare);
    await page.close();

    // Cold start with no network: the service worker serves everything, the session brings the style back.
    await context.setOffline(true);
    const cold = await context.newPage();
    await cold.goto(`${ORIGIN}/?debug&${query}`);
    await cold.waitForFunction('(window.__livebrush?.studio.previewTimings().camera ?? null) !== null', null, { timeout: 60_000 });
    row.coldStartCameraMs = (await studio(cold, (s) => s.previewTimings())).camera;
    await cold.waitForFunction('(window.__livebrush?.studio.previewTimings().stylized ?? null) !== null', null, { timeout: 60_000 }).catch(() => {});
    row.coldStartStylizedMs = (await studio(cold, (s) => s.previewTimings())).stylized;
  } catch (error) {
    row.started = `${row.started} (${(error as Error).message.split('\n')[0]})`;
  } finally {
    await browser.close();
  }
  return row;
}

/** WebGPU (SwiftShader) readbacks and submits per preview frame and per training step, parallel engine. */
async function measureGpuCalls(): Promise<GpuRow> {
  const row: GpuRow = { started: '–', readbacksPerFrame: null, submitsPerFrame: null, readbacksPerStep: null, submitsPerStep: null, frames: 0, steps: 0 };
  const { browser, context } = await launch();
  try {
    // Weights first (a short WASM training, kept by the session), so the WebGPU page stylizes at once.
    const { page: wasmPage } = await openStudio(context, 'backend=wasm');
    await wasmPage.getByRole('button', { name: 'Capture keyframe' }).click();
    await stroke(wasmPage, 0.35, '#ff00ff');
    await wasmPage.waitForFunction('window.__livebrush.studio.training.step >= 30', null, { timeout: 180_000 });
    await wasmPage.getByRole('button', { name: 'Pause training' }).click();
    await wasmPage.waitForTimeout(6000);
    await wasmPage.close();

    // Training on WebGPU, with the preview reading frames back (which SwiftShader survives), first:
    // after a lost device Chromium may block WebGPU for the site. The step count goes on from the
    // restored session's, so count relative to it, over the steps that finish within the budget
    // (SwiftShader is slow).
    const { page: trainingPage, started } = await openStudio(context, 'backend=webgpu&allowSoftwareGpu&gpuCalls&side=32');
    row.started = started;
    if (started !== 'webgpu') return row;
    // Steps counted by the training worker itself (the studio's count jumps when the session is restored).
    await trainingPage.getByRole('button', { name: 'Resume training' }).click({ timeout: 120_000 });
    const trainingWork = async () => (await studio(trainingPage, (s) => s.gpuCalls())).training.work;
    const stepsAfter = async (work: number, seconds: number) => {
      for (const until = Date.now() + seconds * 1000; Date.now() < until && (await trainingWork()) < work; ) await trainingPage.waitForTimeout(500);
    };
    await stepsAfter(1, gpuBudgetSeconds);
    const first = await studio(trainingPage, (s) => s.gpuCalls());
    await stepsAfter(first.training.work + 10, gpuBudgetSeconds);
    const end = await studio(trainingPage, (s) => s.gpuCalls());
    row.steps = end.training.work - first.training.work;
    if (row.steps > 0) {
      row.readbacksPerStep = (end.training.readbacks - first.training.readbacks) / row.steps;
      row.submitsPerStep = (end.training.submits - first.training.submits) / row.steps;
    }
    await trainingPage.close();

    // Preview frames kept on the GPU. SwiftShader cannot present the worker's canvas in headless
    // Chromium and loses the device after a few frames (docs/app.md), whereupon the studio moves to
    // WASM: count only the frames made while the page still ran on WebGPU.
    const { page, started: framesStarted } = await openStudio(context, 'backend=webgpu&allowSoftwareGpu&gpuCalls&forceGpuFrames&side=32');
    if (framesStarted !== 'webgpu') {
      row.started += `; frames: ${framesStarted}`;
      return row;
    }
    const onGpu = () => studio(page, (s) => s.backend?.backend === 'webgpu');
    // From before the first frame (a warm-up frame compiles shaders but reads nothing back either).
    const before = await studio(page, (s) => s.gpuCalls());
    let last = before;
    for (const until = Date.now() + 20_000; Date.now() < until; ) {
      await page.waitForTimeout(100);
      const counts = await studio(page, (s) => s.gpuCalls()).catch(() => null);
      if (!counts || !(await onGpu())) {
        row.started += ' (frames: device lost, counted until then)';
        break;
      }
      last = counts;
    }
    row.frames = last.preview.work - before.preview.work;
    if (row.frames > 0) {
      row.readbacksPerFrame = (last.preview.readbacks - before.preview.readbacks) / row.frames;
      row.submitsPerFrame = (last.preview.submits - before.preview.submits) / row.frames;
    }
    await page.close();
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

/** Serves a snapshot of build/ (the deployable static site) on PORT, with the SPA fallback and the isolation headers. */
function serveBuild(root: string) {
  return createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, path);
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
    } catch {
      file = join(root, 'index.html');
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', ...APP_HEADERS });
    response.end(readFileSync(file));
  }).listen(PORT);
}

const fixed = (value: number | null, digits: number) => (value === null ? '–' : value.toFixed(digits));
const seconds = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(2)} s`);
const figures = (row: EngineRow): EngineFigures => ({
  previewFpsTraining: row.previewFpsTraining,
  previewFpsPaused: row.previewFpsPaused,
  trainStepsPerSec: row.trainStepsPerSec,
  strokeToPreviewMs: row.strokeToPreviewMs,
  strokeSeenMs: row.strokeSeenMs,
  coldStartCameraMs: row.coldStartCameraMs,
  strokeRecall: row.strokeRecall
});

const snapshot = mkdtempSync(join(tmpdir(), 'livebrush-bench-'));
cpSync('build', snapshot, { recursive: true });
const server = serveBuild(snapshot);
try {
  const loadBefore = loadavg()[0];
  const rows = new Map<Engine, EngineRow>();
  if (backends.includes('wasm')) {
    for (const engine of engines) {
      process.stderr.write(`measuring the ${engine} engine on WASM…\n`);
      rows.set(engine, await measureEngine(engine));
    }
  }
  let gpu: GpuRow | null = null;
  if (backends.includes('webgpu')) {
    process.stderr.write('counting WebGPU calls…\n');
    gpu = await measureGpuCalls();
  }
  const loadAfter = loadavg()[0];

  console.log(`Live engine in headless Chromium, fake camera, WASM at working side ${side}, ${paintedKeyframes} painted keyframe(s); fps over ${fpsSeconds} s while training; stroke→preview = median of ${strokes}; load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} on ${availableParallelism()} cores.`);
  console.log(`Stroke recall: the preview ${recallAfterSeconds} s after the last stroke, scored inside the painted pixels (1 − |preview − painting| / |keyframe − painting|, as score_doodle.py).`);
  console.log('| engine | started | WASM threads (preview+training) | fps training | fps paused | train steps/s | stroke→preview (trained) | stroke seen | stroke recall | cold start → camera | → stylized | paused frames by the training worker |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [engine, row] of rows) {
    console.log(
      `| ${engine} | ${row.started} | ${row.threads} | ${fixed(row.previewFpsTraining, 2)} | ${fixed(row.previewFpsPaused, 2)} | ${fixed(row.trainStepsPerSec, 2)} | ${seconds(row.strokeToPreviewMs)} (${row.strokesSeen}) | ${seconds(row.strokeSeenMs)} | ${fixed(row.strokeRecall, 2)} | ${seconds(row.coldStartCameraMs)} | ${seconds(row.coldStartStylizedMs)} | ${fixed(row.pausedTrainingLaneShare, 2)} |`
    );
  }
  const parallel = rows.get('parallel');
  const single = rows.get('single');
  if (parallel && single) {
    const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? '–' : `${(a / b).toFixed(2)}×`);
    console.log(
      `| parallel ÷ single | | | ${ratio(parallel.previewFpsTraining, single.previewFpsTraining)} | ${ratio(parallel.previewFpsPaused, single.previewFpsPaused)} | ${ratio(parallel.trainStepsPerSec, single.trainStepsPerSec)} | | | | | | |`
    );
  }
  if (gpu) {
    console.log('');
    console.log(`WebGPU (SwiftShader), parallel engine, counted by wrapping GPUBuffer.mapAsync and GPUQueue.submit in the workers (${gpu.frames} frames, ${gpu.steps} steps):`);
    console.log('| started | readbacks/frame | submits/frame | readbacks/step | submits/step |');
    console.log('|---|---|---|---|---|');
    console.log(`| ${gpu.started} | ${fixed(gpu.readbacksPerFrame, 2)} | ${fixed(gpu.submitsPerFrame, 2)} | ${fixed(gpu.readbacksPerStep, 2)} | ${fixed(gpu.submitsPerStep, 2)} |`);
  }
  if (json) {
    const result: Record<string, unknown> = {};
    if (rows.size > 0) {
      result.wasm = {
        ...(parallel ? { engine: figures(parallel) } : {}),
        ...(single ? { single: figures(single) } : {})
      };
    }
    if (gpu) result.webgpu = { readbacksPerFrame: gpu.readbacksPerFrame, submitsPerFrame: gpu.submitsPerFrame, readbacksPerStep: gpu.readbacksPerStep };
    console.log(JSON.stringify(result));
  }
} finally {
  server.close();
  rmSync(snapshot, { recursive: true, force: true });
}

