// Video in the studio: a video file opened, scrubbed, painted, rendered to MP4 and decoded again; the
// camera recorded and rendered; and the bad inputs, each with its message.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { fakeCameraArgs } from '../fixtures/camera/fake-camera.ts';
import { skipGuide } from './guide.ts';
import { meanOverPixels, openBrushSettings, paintRegion, previewPixels, type Region } from './painting.ts';

/** A small fake camera (the street clip at 160×120), so rendering a recording stays short on a slow machine. */
function smallCameraFile(): string {
  const file = resolve('tests/.artifacts/fake-camera-160.y4m');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    execFileSync('ffmpeg', ['-y', '-v', 'error', '-i', 'tests/fixtures/camera/street.mp4', '-vf', 'scale=160:120,hue=s=0,format=yuv420p', '-r', '15', file]);
  }
  return file;
}
const cameraArgs = fakeCameraArgs(smallCameraFile());
test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...cameraArgs] }, actionTimeout: 30_000 });

/** The committed clip (tests/fixtures/video/make-fixtures.sh): 2 s, 320×240, 15 fps, H.264 + AAC. */
const CLIP = 'tests/fixtures/video/clip.mp4';
const CLIP_FRAMES = 30;
const ARTIFACTS = resolve('tests/.artifacts/video');
/** The frame the keyframe is taken from. */
const KEY_FRAME = 10;
/** The magenta box of the imported painting, in clip pixels, and its inside as fractions of the frame. */
const BOX = { x: 96, y: 72, width: 128, height: 96 };
const INSIDE: Region = { left: 0.36, right: 0.64, top: 0.37, bottom: 0.63 };
/** The whole box as fractions: outside it (and a margin) the painting is the clip itself. */
const PAINTED: Region = { left: BOX.x / 320, right: (BOX.x + BOX.width) / 320, top: BOX.y / 240, bottom: (BOX.y + BOX.height) / 240 };
/**
 * How magenta (mean of (R + B) / 2 − G) the preview's box must become; the clip is under 5 everywhere.
 * The rendered box must be twice that, and the frame outside the box (the network's tint after brief
 * training, about 26 measured) under it.
 */
const MAGENTA = 50;

/** How magenta (mean of (R + B) / 2 − G: 0 grey, 255 pure magenta) the pixels of an RGB24 frame are where `where(x, y)` holds. */
function magentaWhere(rgb: Uint8Array, width: number, height: number, where: (x: number, y: number) => boolean): number {
  let sum = 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!where(x / width, y / height)) continue;
      const i = (y * width + x) * 3;
      sum += (rgb[i] + rgb[i + 2]) / 2 - rgb[i + 1];
      count += 1;
    }
  }
  return sum / count;
}

/** Whether (fx, fy) lies in `region`, grown by `margin` on every side. */
const within = (region: Region, fx: number, fy: number, margin = 0) =>
  fx >= region.left - margin && fx < region.right + margin && fy >= region.top - margin && fy < region.bottom + margin;

/** Streams, frame count and duration of a video file, as ffprobe reads them. */
function probe(file: string): { streams: { codec_type: string; width?: number; height?: number; nb_read_frames?: string }[]; format: { duration: string } } {
  const json = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_type,width,height,nb_read_frames:format=duration', '-of', 'json', file]);
  return JSON.parse(json.toString());
}

/** Frame `index` of `file`, decoded by ffmpeg to RGB24. */
function decodeFrame(file: string, index: number, width: number, height: number): Uint8Array {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', `select=eq(n\\,${index})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  expect(raw.length).toBe(width * height * 3);
  return raw;
}

/** The download a click on `button` (or whatever else `start` does) produces, saved under the artifacts. */
async function downloadAfter(page: Page, start: () => Promise<void>, timeout: number): Promise<string> {
  const download = page.waitForEvent('download', { timeout });
  await start();
  const file = resolve(ARTIFACTS, (await download).suggestedFilename());
  await (await download).saveAs(file);
  return file;
}

/**
 * Records for 3 s, clicks Stop recording, runs `afterStop` and waits up to `timeout` ms for the
 * download; `held` is the time between the two clicks in seconds (a loaded machine is slow to click).
 */
async function recordThreeSeconds(page: Page, afterStop: () => Promise<void>, timeout: number): Promise<{ output: string; held: number }> {
  const clicked = Date.now();
  await page.getByRole('button', { name: 'Record' }).click();
  await expect(page.getByRole('button', { name: 'Stop recording' })).toBeVisible();
  await page.waitForTimeout(3_000);
  let held = 0;
  const output = await downloadAfter(
    page,
    async () => {
      held = (Date.now() - clicked) / 1000;
      await page.getByRole('button', { name: 'Stop recording' }).click();
      await afterStop();
    },
    timeout
  );
  return { output, held };
}

test.beforeAll(() => mkdirSync(ARTIFACTS, { recursive: true }));
test.beforeEach(({ page }) => skipGuide(page));

test('a video file: scrub, capture, import a painting, train, render to MP4 with its audio; cancel keeps everything', async ({ page }) => {
  test.setTimeout(600_000);
  // The painting: frame KEY_FRAME of the clip with a magenta box, as painted in another app.
  const painting = resolve(ARTIFACTS, 'painting.png');
  execFileSync('ffmpeg', ['-y', '-v', 'error', '-i', CLIP, '-vf', `select=eq(n\\,${KEY_FRAME}),drawbox=x=${BOX.x}:y=${BOX.y}:w=${BOX.width}:h=${BOX.height}:color=0xFF00FF@1:t=fill`, '-frames:v', '1', painting]);

  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeEnabled();
  await page.getByLabel('Open video').setInputFiles(CLIP);
  const frame = page.getByRole('slider', { name: 'Frame' });
  await expect(frame).toHaveAttribute('max', String(CLIP_FRAMES - 1));
  await frame.fill(String(KEY_FRAME));
  await expect(frame).toHaveValue(String(KEY_FRAME));
  await expect(page.getByText(`${KEY_FRAME + 1}/${CLIP_FRAMES}`)).toBeVisible();

  await page.getByRole('button', { name: 'Capture keyframe' }).click();
  await expect(page.getByLabel('Painting', { exact: true })).toBeVisible();
  await openBrushSettings(page);
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import painting' }).click({ timeout: 10_000 });
  await (await chooser).setFiles(painting);

  // Training brings the box into the stylized preview of the paused frame.
  await expect
    .poll(async () => meanOverPixels(await previewPixels(page, INSIDE), (r, g, b) => (r + b) / 2 - g), { timeout: 240_000, intervals: [3_000] })
    .toBeGreaterThan(MAGENTA);

  // Render: the progress bar counts frames, and the MP4 downloads.
  const output = await downloadAfter(
    page,
    async () => {
      await page.getByRole('button', { name: 'Render video' }).click();
      await expect(page.getByRole('progressbar', { name: 'Rendering' })).toBeVisible();
      await expect(page.getByTestId('render-figures')).toContainText(`of ${CLIP_FRAMES}`);
    },
    300_000
  );
  expect(output).toMatch(/\.mp4$/);
  const info = probe(output);
  const video = info.streams.find((stream) => stream.codec_type === 'video')!;
  expect({ width: video.width, height: video.height, frames: Number(video.nb_read_frames) }).toEqual({ width: 320, height: 240, frames: CLIP_FRAMES });
  expect(Number(info.format.duration)).toBeGreaterThan(1.9);
  expect(Number(info.format.duration)).toBeLessThan(2.2);
  expect(info.streams.some((stream) => stream.codec_type === 'audio')).toBe(true);
  // The painted colour is where it was painted, and only there.
  const rgb = decodeFrame(output, KEY_FRAME, 320, 240);
  expect(magentaWhere(rgb, 320, 240, (fx, fy) => within(INSIDE, fx, fy))).toBeGreaterThan(2 * MAGENTA);
  expect(magentaWhere(rgb, 320, 240, (fx, fy) => !within(PAINTED, fx, fy, 0.05))).toBeLessThan(MAGENTA);

  // A render cancelled halfway says so, saves nothing, and leaves the keyframe and its painting.
  let downloads = 0;
  page.on('download', () => (downloads += 1));
  await page.getByRole('button', { name: 'Render video' }).click();
  await expect(page.getByRole('progressbar', { name: 'Rendering' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Rendering cancelled' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Render video' })).toBeEnabled();
  await expect(page.getByLabel('Painting', { exact: true })).toBeVisible();
  expect(downloads).toBe(0);

  // Back to the camera.
  await page.getByRole('button', { name: 'Video options' }).click();
  await expect(page.getByRole('combobox', { name: 'Video size' })).toHaveValue('320');
  await page.getByRole('button', { name: 'Use camera' }).click();
  await expect(page.getByRole('button', { name: 'Record' })).toBeEnabled();
});

test('recording the camera for 3 s renders an MP4 of about 3 s', async ({ page }) => {
  test.setTimeout(420_000);
  await page.goto('/');
  await page.getByRole('button', { name: 'Capture keyframe' }).click();
  await paintRegion(page, { left: 0.3, right: 0.7, top: 0.3, bottom: 0.6 }, 0.1);
  // Rendering needs a style: wait for the first stylized preview frame.
  await expect(page.getByText(/^Stylized/)).toBeVisible({ timeout: 120_000 });

  const { output, held } = await recordThreeSeconds(page, async () => {
    await expect(page.getByRole('progressbar', { name: 'Rendering' })).toBeVisible();
  }, 240_000);
  const info = probe(output);
  const video = info.streams.find((stream) => stream.codec_type === 'video')!;
  // The camera's own resolution (under the 1280 px cap).
  expect(Math.max(video.width!, video.height!)).toBe(160);
  // About 3 s: at least the 3 s waited, at most what passed between the two clicks (a loaded machine is slow to click).
  expect(Number(info.format.duration)).toBeGreaterThan(2.7);
  expect(Number(info.format.duration)).toBeLessThan(held + 0.5);
  // The rendered recording is no longer kept.
  await expect(page.getByRole('group', { name: 'Recording kept' })).toHaveCount(0);
});

test('without WebCodecs, Record saves the stylized preview as it plays', async ({ page }) => {
  test.setTimeout(300_000);
  // A browser with MediaRecorder but no WebCodecs: nothing could render a camera recording afterwards.
  await page.addInitScript(() => {
    for (const name of ['VideoEncoder', 'VideoDecoder', 'AudioEncoder', 'AudioDecoder']) delete (window as unknown as Record<string, unknown>)[name];
  });
  await page.goto('/');
  await page.getByRole('button', { name: 'Capture keyframe' }).click();
  await paintRegion(page, { left: 0.3, right: 0.7, top: 0.3, bottom: 0.6 }, 0.1);
  // The grey camera turns magenta where painted in the preview.
  await expect
    .poll(async () => meanOverPixels(await previewPixels(page, { left: 0.35, right: 0.65, top: 0.35, bottom: 0.55 }), (r, g, b) => (r + b) / 2 - g), {
      timeout: 120_000,
      intervals: [2_000]
    })
    .toBeGreaterThan(MAGENTA);

  const { output, held } = await recordThreeSeconds(page, async () => {}, 60_000);
  // Saved straight away: no render step, and nothing left to render.
  await expect(page.getByRole('progressbar', { name: 'Rendering' })).toHaveCount(0);
  await expect(page.getByRole('group', { name: 'Recording kept' })).toHaveCount(0);
  expect(output).toMatch(/\.webm$/);
  const info = probe(output);
  const video = info.streams.find((stream) => stream.codec_type === 'video')!;
  // The preview canvas: the camera's 160×120 (the display never upscales it).
  expect({ width: video.width, height: video.height }).toEqual({ width: 160, height: 120 });
  // About 3 s of frames: timestamps from the first to the last packet.
  const times = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', output])
    .toString()
    .split('\n')
    .map((line) => line.replace(/,$/, '').trim())
    .filter((line) => line !== '')
    .map(Number);
  const span = Math.max(...times) - Math.min(...times);
  expect(span).toBeGreaterThan(2.3);
  expect(span).toBeLessThan(held + 0.5);
  // The file says how long it is (MediaRecorder's own WebM does not: players could not seek it).
  expect(Number(info.format.duration)).toBeGreaterThanOrEqual(span);
  // The recording is stylized: the painted magenta is in its last frame (the camera itself is grey).
  const rgb = decodeFrame(output, times.length - 1, 160, 120);
  expect(magentaWhere(rgb, 160, 120, (fx, fy) => fx > 0.35 && fx < 0.65 && fy > 0.35 && fy < 0.55)).toBeGreaterThan(MAGENTA);
});

test('bad inputs each say what went wrong, and the studio stays usable', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeEnabled();
  const openVideo = page.getByLabel('Open video');

  // Not a video at all.
  const notes = resolve(ARTIFACTS, 'notes.mp4');
  writeFileSync(notes, 'These are notes, not a video.\n'.repeat(50));
  await openVideo.setInputFiles(notes);
  await expect(page.getByRole('alert').filter({ hasText: 'not a video Livebrush can open' })).toBeVisible();

  // A real video in a codec browsers do not decode (MPEG-4 Part 2).
  await openVideo.setInputFiles('tests/fixtures/video/mpeg4-part2.mp4');
  await expect(page.getByRole('alert').filter({ hasText: 'cannot decode' })).toBeVisible();
  await expect(page.getByRole('slider', { name: 'Frame' })).toHaveCount(0);

  // No room left for a recording.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: 1 });
  await page.getByRole('button', { name: 'Record' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Storage is full: the recording could not be kept' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('button', { name: 'Record' })).toBeEnabled();

  // Still a working studio: the camera captures a keyframe to paint.
  await page.getByRole('button', { name: 'Capture keyframe' }).click();
  await expect(page.getByLabel('Painting', { exact: true })).toBeVisible();
});
