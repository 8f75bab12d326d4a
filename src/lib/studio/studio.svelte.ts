// The studio's state: glues the camera, the paint canvas, the compute worker and storage together.
import * as Comlink from 'comlink';
import { listCameras, nextCameraId, openCamera, stopStream, toCameraError } from '$lib/camera/camera';
import { FrameGrabber, type FrameSource } from '$lib/camera/frames';
import type { RgbaImage } from '$lib/ml/types';
import { createDocument, parsePaintDocument, type PaintDocument } from '$lib/paint/document';
import { context2d, createLayerCanvas, loadImportedPainting, renderMaskAtSize, renderPaintingAtSize } from '$lib/paint/render';
import type { PaintHistory } from '$lib/paint/history';
import type { BackendReport, ComputeApi, GpuCallCounts, InitOptions, MemoryReport, PhotoKeyframe, TrainingStatus } from '$lib/worker/api';
import { progressProxy, startComputeWorker, type ComputeWorker } from '$lib/worker/client';
import { PreviewLoop, type PreviewStats } from './preview';
import { activeAfterRemoval, paintingDiffers } from './keyframe-edits';
import { SettleDetector } from './settle';
import { toaster } from './toasts.svelte';
import {
  INITIAL_GOVERNOR,
  canResume,
  governTraining,
  shouldTrain,
  withTrainedBefore,
  type GovernorEvent,
  type GovernorState,
  type TrainedBefore
} from './training-governor';
import type { StudioChange, StudioHost, StyleKeyframe, StyleSnapshot } from './types';
import { m } from '$lib/paraglide/messages';
import { renderFrame } from '$lib/video/render-frame';

/** The most frames per second a stream of the preview takes (it gets one per stylized frame drawn). */
const PREVIEW_STREAM_FPS = 30;
/** Keyframes are captured (and trained on) at this long side; the preview stylizes at this or less. */
export const KEYFRAME_SIDE = 256;
/**
 * Each keyframe is also kept at the size it was captured at, up to this long side: the photo network
 * (src/lib/ml/photo-network.ts) learns the style's detail from it for full-size photos and videos.
 */
export const PHOTO_KEYFRAME_SIDE = 1280;
/** The most keyframes one style holds. */
export const MAX_KEYFRAMES = 3;
/** Announce new weights for autosave every this many training steps. */
const WEIGHTS_CHANGE_EVERY = 25;
/** Losses kept for the progress sparkline. */
const LOSS_HISTORY = 240;
/** The battery as the Battery Status API reports it (Chromium-based browsers only). */
interface BatteryManager extends EventTarget {
  level: number;
  charging: boolean;
}

/** One keyframe as the studio edits it; `painted` is false while its painting shows no paint. */
export interface StudioKeyframe extends StyleKeyframe {
  strokes: PaintDocument;
  painted: boolean;
  /** Its undo history, kept while other keyframes are edited (null: starts fresh from `strokes`). */
  history: PaintHistory | null;
}

/** A fresh, unpainted keyframe on `frame`, captured at the size of `full`. */
function newKeyframe({ frame, full }: CapturedFrame): StudioKeyframe {
  return { input: frame, full, painting: copyImage(frame), mask: null, strokes: createDocument(frame.width, frame.height), painted: false, history: null };
}

/** A captured frame: at the keyframe size, and at the size it was captured at (at most PHOTO_KEYFRAME_SIDE). */
interface CapturedFrame {
  frame: ImageData;
  full: ImageData;
}

/** What the photo network learns from a painted keyframe: its painting and mask drawn at the keyframe's capture size. */
async function photoKeyframe(keyframe: StudioKeyframe & { full: RgbaImage }): Promise<PhotoKeyframe> {
  const { full, strokes } = keyframe;
  const context = context2d(createLayerCanvas(full.width, full.height), { willReadFrequently: true });
  const imported = await loadImportedPainting(strokes);
  try {
    renderPaintingAtSize(context, full, strokes, imported);
  } finally {
    imported?.close();
  }
  const painting = context.getImageData(0, 0, full.width, full.height);
  return { input: copyImage(full), painting, mask: renderMaskAtSize(context, strokes) };
}

/** The stroke document saved with a style, or an empty one when it is missing or unreadable. */
function restoreDocument(strokes: unknown, width: number, height: number): PaintDocument {
  try {
    return parsePaintDocument(strokes);
  } catch {
    return createDocument(width, height);
  }
}

/** Copies an image (ImageData when the DOM has it) so callers may keep or transfer theirs. */
function copyImage(image: RgbaImage): ImageData {
  return new ImageData(new Uint8ClampedArray(image.data), image.width, image.height);
}

/** The studio: one instance per page. Implements the StudioHost contract for presets and sessions. */
export class Studio implements StudioHost {
  /** A message for the person when the camera cannot be used (the photo picker is offered then). */
  cameraError = $state<string | null>(null);
  /** True once the camera (or a photo) is delivering frames. */
  sourceReady = $state(false);
  /** True while the live camera (not a photo or a video file) is the source: "Record" records it. */
  cameraLive = $state(false);
  /** The cameras this device has (more than one enables "Switch camera"). */
  cameraCount = $state(0);
  /** Whether the view is mirrored (front camera or a photo taken with one). */
  mirrored = $state(true);
  /** The backend the worker runs on, once known. */
  backend = $state<BackendReport | null>(null);
  /** A message when the compute worker failed entirely. */
  computeError = $state<string | null>(null);
  /** Set while preview frames keep failing (the engine runs but cannot stylize them): what to tell the person. */
  previewError = $state<string | null>(null);
  /** Training progress as last reported by the worker. */
  training = $state<TrainingStatus>({ running: false, step: 0, elapsedMs: 0, stepsPerSec: 0, loss: null });
  /** What holds training back (Pause, convergence, a loaded style, a hidden page, a low battery). */
  governor = $state.raw<GovernorState>(INITIAL_GOVERNOR);
  /** The latest losses (one per step, the newest last), for the progress sparkline. */
  lossHistory = $state.raw<number[]>([]);
  /** Preview figures (fps, working size). */
  preview = $state<PreviewStats>({ fps: 0, inferenceMs: 0, workingSide: KEYFRAME_SIDE, shownStep: -1, trainingLaneShare: 0 });
  /**
   * Keyframes, in capture order. The array is replaced only when keyframes are captured, added or
   * restored; paintings and strokes update the objects in place, so the paint canvas (which depends on
   * the active keyframe) is not re-rendered by its own output.
   */
  keyframes = $state.raw<StudioKeyframe[]>([]);
  /** The stroke document of the active keyframe, what the paint editor edits. */
  activeDocument = $state.raw<PaintDocument | null>(null);
  /** How many keyframes have been painted on. */
  paintedCount = $state(0);
  /** Counts painting changes (thumbnails redraw on it; the paint canvas does not depend on it). */
  paintingRevision = $state(0);
  /** The keyframe shown on the paint canvas. */
  activeIndex = $state(0);
  /**
   * The photo network (src/lib/ml/photo-network.ts): `none` (photos come from the preview network,
   * upscaled), `tuning` (learning while training rests; `photoProgress` 0–1) or `ready` (in use).
   */
  photoNetwork = $state<'none' | 'tuning' | 'ready'>('none');
  /** How far the photo network's fine-tune is, 0–1. */
  photoProgress = $state(0);
  /** Seconds left of a capture countdown, or null. */
  countdown = $state<number | null>(null);
  /** True while the compare gesture shows the original camera. */
  showOriginal = $state(false);
  /** True while a pointer is down on the paint canvas. */
  painting = $state(false);
  /**
   * The shape (width / height) new keyframes are cropped to, so the painting fills the space the
   * layout gives it; null keeps the camera's own shape. Set by the studio screen before a capture.
   */
  keyframeAspect: number | null = null;
  /**
   * Milliseconds from each painting change to the first preview frame made by weights trained on it
   * (see docs/app.md, "stroke-to-preview latency").
   */
  readonly strokeLatencies: number[] = [];

  private readonly listeners = new Set<(change: StudioChange) => void>();
  private readonly grabber = new FrameGrabber();
  private readonly video: HTMLVideoElement;
  private stream: MediaStream | null = null;
  private deviceId: string | null = null;
  private photo: ImageBitmap | null = null;
  /** A video file playing in place of the camera (src/lib/studio/video.svelte.ts), or null. */
  private fileVideo: HTMLVideoElement | null = null;
  /** True while a video renders: the preview waits, and so does training, so the style stays the same throughout. */
  rendering = $state(false);
  private compute: ComputeWorker | null = null;
  /** Resolves to the worker's API once its backend is up, or null when it could not start (replaced when a lost GPU restarts the engine). */
  private computeReady: Promise<ComputeApi | null>;
  private previewLoop: PreviewLoop | null = null;
  /** The canvas the preview draws on (recorded where WebCodecs is missing), or null while none is attached. */
  private previewCanvas: HTMLCanvasElement | null = null;
  private lastWeightsChangeStep = 0;
  /** True while the debug API runs frames through the worker; the preview waits meanwhile. */
  private benchmarking = false;
  /** The latest painting change still waiting for its first preview frame: when, and the step then. */
  private pendingLatency: { at: number; step: number } | null = null;
  /** Steps and time the loaded weights had: the worker counts from 0 after a load, the person sees one count. */
  private trainedBefore: TrainedBefore = { steps: 0, ms: 0 };
  /** Bumped by every change that makes the photo network out of date (paintings, keyframes, a loaded style). */
  private photoRevision = 0;
  /** The training step the photo network was last tuned from (a later rest tunes it again). */
  private photoTunedFrom = -1;
  /** Whether the worker was last told to train (true) or to pause (false). */
  private trainingRequested = false;
  /** The worker's step count at its last report (a report without a new step adds no loss). */
  private lastWorkerStep = -1;
  private readonly settle = new SettleDetector();
  private readonly onVisibilityChange = () => this.govern({ type: 'visibility', hidden: document.hidden });
  private battery: BatteryManager | null = null;
  private readonly onBatteryChange = () =>
    this.battery && this.govern({ type: 'battery', level: this.battery.level, charging: this.battery.charging });

  /** Starts the compute worker at once (restored styles may arrive before the camera is up). */
  constructor(private readonly options: InitOptions = {}) {
    this.computeReady = this.startCompute(options);
    this.video = document.createElement('video');
    this.video.muted = true;
    this.video.playsInline = true;
    this.video.autoplay = true;
    this.watchDevice();
  }

  /** Training waits while the page is hidden and while a discharging battery is low. */
  private watchDevice(): void {
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    if (document.hidden) this.onVisibilityChange();
    const nav = navigator as Navigator & { getBattery?: () => Promise<BatteryManager> };
    nav.getBattery?.().then(
      (battery) => {
        this.battery = battery;
        battery.addEventListener('levelchange', this.onBatteryChange);
        battery.addEventListener('chargingchange', this.onBatteryChange);
        this.onBatteryChange();
      },
      () => undefined
    );
  }

  /** Whether training is held by something "Resume training" lifts (a pause, convergence, a loaded style, the battery). */
  get paused(): boolean {
    return canResume(this.governor);
  }

  /** Whether the active keyframe has a painting that a re-capture would replace. */
  get activeKeyframePainted(): boolean {
    return this.activeKeyframe?.painted ?? false;
  }

  /** Whether training is running or a stroke is in progress (the update prompt waits for neither). */
  get busy(): boolean {
    return this.training.running || this.painting;
  }

  /** The keyframe on the paint canvas, if any. */
  get activeKeyframe(): StudioKeyframe | null {
    return this.keyframes[this.activeIndex] ?? null;
  }

  /** Starts the engine; `note` leads the backend notes (why it runs where it does). */
  private async startCompute(options: InitOptions, note?: string): Promise<ComputeApi | null> {
    try {
      const compute = startComputeWorker(options.engine);
      this.compute = compute;
      const report = await Promise.race([compute.api.init(options), compute.failed]);
      this.backend = note ? { ...report, notes: [note, ...report.notes] } : report;
      void compute.api.gpuLost().then((reason) => this.recoverFromLostGpu(compute, reason));
      return compute.api;
    } catch (error) {
      this.computeError = m.engine_failed({ reason: error instanceof Error ? error.message : String(error) });
      return null;
    }
  }

  /**
   * The GPU was lost (a driver reset, the GPU process restarting): its tensors are gone. Restarts the
   * engine on WASM with the keyframes and the latest weights the workers kept in CPU memory, and goes
   * on training where it was asked to; the person is told, and loses at most the last handoff's steps.
   */
  private async recoverFromLostGpu(lost: ComputeWorker, reason: string): Promise<void> {
    if (this.compute !== lost) return;
    toaster.error(m.gpu_lost({ reason }));
    const rescued = await lost.api.survivingWeights().catch(() => null);
    lost.terminate();
    this.backend = null;
    this.trainingRequested = false;
    this.computeReady = this.startCompute({ ...this.options, preference: ['wasm'] }, m.gpu_lost_note({ reason }));
    const api = await this.computeReady;
    if (!api || this.compute === lost) return;
    await this.sendKeyframes();
    if (rescued) {
      await api.loadWeights(rescued.weights);
      this.trainedBefore = { steps: this.trainedBefore.steps + rescued.step, ms: this.training.elapsedMs };
    } else {
      this.trainedBefore = { steps: 0, ms: 0 };
    }
    this.lastWorkerStep = 0;
    this.lastWeightsChangeStep = 0;
    this.training = { ...this.training, running: false, step: this.trainedBefore.steps, error: undefined };
    // The session keeps the rescued weights from now on, not only from the next checkpoint.
    if (rescued) this.notify('weights');
    await this.syncTraining();
  }

  /** Opens the camera (again), e.g. after permission was granted. */
  async startCamera(deviceId: string | null = null): Promise<void> {
    try {
      const camera = await openCamera(deviceId);
      if (this.fileVideo) {
        // A video file was opened meanwhile: it stays the source.
        stopStream(camera.stream);
        return;
      }
      stopStream(this.stream);
      this.stream = camera.stream;
      this.deviceId = camera.deviceId;
      this.mirrored = camera.mirrored;
      this.video.srcObject = camera.stream;
      await this.video.play();
      this.photo?.close();
      this.photo = null;
      this.cameraError = null;
      this.sourceReady = true;
      this.cameraLive = true;
      this.cameraCount = (await listCameras()).length;
    } catch (error) {
      this.cameraError = toCameraError(error).message;
      this.sourceReady = this.photo !== null || this.fileVideo !== null;
    }
  }

  /** Switches to the next camera. */
  async switchCamera(): Promise<void> {
    const next = nextCameraId(await listCameras(), this.deviceId);
    if (next) await this.startCamera(next);
  }

  /** Uses a still photo instead of the camera. */
  async usePhoto(file: Blob): Promise<void> {
    try {
      const bitmap = await createImageBitmap(file);
      stopStream(this.stream);
      this.stream = null;
      this.photo?.close();
      this.photo = bitmap;
      this.cameraLive = false;
      this.mirrored = false;
      this.sourceReady = true;
    } catch {
      this.cameraError = m.photo_unreadable();
    }
  }

  /** Shows frames of `video` (a video file) instead of the camera, which stops; null leaves the source to startCamera. */
  useVideoElement(video: HTMLVideoElement | null): void {
    this.fileVideo = video;
    if (!video) return;
    stopStream(this.stream);
    this.stream = null;
    this.video.srcObject = null;
    this.cameraLive = false;
    this.photo?.close();
    this.photo = null;
    this.mirrored = false;
    this.sourceReady = true;
    this.previewLoop?.clearStylized();
  }

  /** The running camera's stream (what "Record" records), or null while a photo or a video file is shown. */
  get cameraStream(): MediaStream | null {
    return this.fileVideo || this.photo ? null : this.stream;
  }

  /**
   * Runs `render` with a function that stylizes whole frames, while the preview and training wait (the
   * video gets one style from its first frame to its last); both continue afterwards.
   */
  async withRenderer<T>(render: (stylize: (frame: ImageBitmap) => Promise<ImageBitmap | null>) => Promise<T>): Promise<T> {
    const api = await this.computeReady;
    if (!api || !this.compute) throw new Error(this.computeError ?? 'The style engine is not running');
    const compute = this.compute;
    this.rendering = true;
    const wasTraining = this.trainingRequested;
    if (wasTraining) await api.pauseTraining();
    // One network paints the whole video: a photo network tuned meanwhile would take over part-way.
    await this.syncPhotoNetwork();
    try {
      // Full-size frames queue behind any preview frame still in the worker; null means no weights yet.
      // An engine stopped meanwhile (a lost GPU) never answers: the render fails instead of hanging.
      return await render((frame) => Promise.race([renderFrame(compute.api, frame), compute.failed]));
    } finally {
      this.rendering = false;
      if (wasTraining) {
        this.trainingRequested = false;
        void this.syncTraining();
      }
      void this.syncPhotoNetwork();
    }
  }

  private source(): FrameSource | null {
    if (this.fileVideo) return this.fileVideo.readyState >= 2 ? this.fileVideo : null;
    if (this.photo) return this.photo;
    return this.stream && this.video.readyState >= 2 ? this.video : null;
  }

  /** Starts drawing the preview on `canvas`; returns the function that stops it. */
  attachPreview(canvas: HTMLCanvasElement): () => void {
    const loop = new PreviewLoop(canvas, {
      source: () => this.source(),
      mirrored: () => this.mirrored,
      showOriginal: () => this.showOriginal,
      stylizing: () => !this.benchmarking && !this.rendering,
      fixedSide: this.options.previewSide,
      stylize: async (frame) => {
        if (!this.compute || !this.backend) {
          frame.close();
          return null;
        }
        // A stopped engine (a lost GPU restarts it) never answers: stop waiting for it.
        return Promise.race([this.compute.api.stylize(Comlink.transfer(frame, [frame])), this.compute.failed]);
      },
      maxInFlight: () => this.compute?.previewLanes ?? 1,
      onFailure: (reason) => (this.previewError = reason === null ? null : m.preview_failed({ reason })),
      onFrame: (stats) => {
        this.preview = stats;
        if (this.pendingLatency && stats.shownStep > this.pendingLatency.step) {
          this.strokeLatencies.push(performance.now() - this.pendingLatency.at);
          this.pendingLatency = null;
        }
      }
    });
    loop.start();
    this.previewLoop = loop;
    this.previewCanvas = canvas;
    return () => {
      loop.stop();
      if (this.previewLoop === loop) this.previewLoop = null;
      if (this.previewCanvas === canvas) this.previewCanvas = null;
    };
  }

  /** The preview as it is drawn, as a video stream (stop its track when done), or null without a preview. */
  previewStream(): MediaStream | null {
    return this.previewCanvas?.captureStream(PREVIEW_STREAM_FPS) ?? null;
  }

  /** Counts down three seconds when asked (the timer), showing the seconds left in `countdown`. */
  private async countDown(withCountdown: boolean): Promise<void> {
    if (!withCountdown) return;
    for (let left = 3; left > 0; left--) {
      this.countdown = left;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    this.countdown = null;
  }

  /**
   * Freezes the current frame as the paint canvas background (replacing the active keyframe, if any).
   * A painting it replaces is gone: the screen asks first (see `activeKeyframePainted`).
   */
  async captureKeyframe(withCountdown = false): Promise<void> {
    if (this.countdown !== null) return;
    await this.countDown(withCountdown);
    const frame = this.grabFrame();
    if (!frame) return;
    const keyframe = newKeyframe(frame);
    const replaced = this.activeKeyframe;
    if (this.keyframes.length === 0) {
      this.keyframes = [keyframe];
      this.selectKeyframe(0);
    } else {
      this.keyframes = this.keyframes.map((existing, index) => (index === this.activeIndex ? keyframe : existing));
      this.selectKeyframe(this.activeIndex);
    }
    this.countPainted();
    await this.sendKeyframes();
    if (replaced?.painted) this.govern({ type: 'painting-changed', painted: this.paintedCount > 0 });
    this.notify('keyframes');
  }

  /** Captures another keyframe; once painted, its painting trains together with the others. */
  async addKeyframe(withCountdown = false): Promise<void> {
    if (this.keyframes.length >= MAX_KEYFRAMES || this.countdown !== null) return;
    await this.countDown(withCountdown);
    const frame = this.grabFrame();
    if (!frame) return;
    this.keyframes = [...this.keyframes, newKeyframe(frame)];
    this.selectKeyframe(this.keyframes.length - 1);
    await this.sendKeyframes();
    this.notify('keyframes');
    toaster.info(m.keyframe_added({ number: this.keyframes.length }));
  }

  /** Deletes keyframe `index` (its painting too); the toast offers Undo. */
  async deleteKeyframe(index: number): Promise<void> {
    const removed = this.keyframes[index];
    if (!removed || this.keyframes.length < 2) return;
    const active = activeAfterRemoval(this.activeIndex, index, this.keyframes.length);
    this.keyframes = this.keyframes.filter((_, i) => i !== index);
    this.selectKeyframe(active);
    this.countPainted();
    await this.sendKeyframes();
    if (removed.painted) this.govern({ type: 'painting-changed', painted: this.paintedCount > 0 });
    this.notify('keyframes');
    toaster.info(m.keyframe_deleted({ number: index + 1 }), { label: m.undo(), run: () => void this.restoreKeyframe(removed, index) });
  }

  /** Puts a deleted keyframe back at `index` (Undo). */
  private async restoreKeyframe(keyframe: StudioKeyframe, index: number): Promise<void> {
    if (this.keyframes.length >= MAX_KEYFRAMES || this.keyframes.includes(keyframe)) return;
    const at = Math.min(index, this.keyframes.length);
    this.keyframes = [...this.keyframes.slice(0, at), keyframe, ...this.keyframes.slice(at)];
    this.selectKeyframe(at);
    this.countPainted();
    await this.sendKeyframes();
    if (keyframe.painted) this.govern({ type: 'painting-changed', painted: true });
    this.notify('keyframes');
  }

  /** Shows keyframe `index` on the paint canvas. */
  selectKeyframe(index: number): void {
    if (index < 0 || index >= this.keyframes.length) return;
    this.activeIndex = index;
    this.activeDocument = this.keyframes[index].strokes;
  }

  private countPainted(): void {
    this.paintedCount = this.keyframes.filter((keyframe) => keyframe.painted).length;
  }

  /**
   * The current frame, cropped to `keyframeAspect`, at the keyframe size and at its capture size: both
   * drawn in one task, so from one video frame, and the keyframe drawn as preview frames are (tracking
   * compares the two).
   */
  private grabFrame(): CapturedFrame | null {
    const source = this.source();
    if (!source) return null;
    const frame = this.grabber.imageData(source, KEYFRAME_SIDE, this.mirrored, this.keyframeAspect);
    const full = this.grabber.imageData(source, PHOTO_KEYFRAME_SIDE, this.mirrored, this.keyframeAspect);
    return frame && full && { frame, full };
  }

  private async sendKeyframes(): Promise<void> {
    this.forgetPhotoNetwork();
    const api = await this.computeReady;
    if (!api) return;
    const copies = this.keyframes.map((keyframe) => ({
      input: copyImage(keyframe.input),
      painting: keyframe.painted ? copyImage(keyframe.painting) : null,
      mask: keyframe.mask ? copyImage(keyframe.mask) : null
    }));
    const buffers = copies.flatMap((copy) =>
      [copy.input, copy.painting, copy.mask].filter((image) => image !== null).map((image) => image.data.buffer)
    );
    await api.setKeyframes(Comlink.transfer(copies, buffers));
  }

  /** The paint editor changed the stroke document of the active keyframe. */
  documentChanged(strokes: PaintDocument): void {
    const index = this.activeIndex;
    const keyframe = this.keyframes[index];
    if (!keyframe || keyframe.strokes === strokes) return;
    keyframe.strokes = strokes;
    this.activeDocument = strokes;
    this.notify('strokes');
  }

  /**
   * The paint canvas's painting changed: train on it (starting training on the first stroke). A painting
   * that shows no paint (a fresh or re-captured frame, everything erased) leaves its keyframe out of training.
   */
  async paintingChanged(painting: ImageData, mask: ImageData | null): Promise<void> {
    const index = this.activeIndex;
    const keyframe = this.keyframes[index];
    const api = await this.computeReady;
    if (!keyframe || !api || this.keyframes[index] !== keyframe) return;
    const painted = paintingDiffers(painting, keyframe.input);
    this.forgetPhotoNetwork();
    keyframe.painting = copyImage(painting);
    keyframe.mask = mask ? copyImage(mask) : null;
    this.paintingRevision += 1;
    if (painted !== keyframe.painted) {
      keyframe.painted = painted;
      this.countPainted();
      await this.sendKeyframes();
    } else if (painted) {
      const paintingCopy = copyImage(painting);
      const maskCopy = mask ? copyImage(mask) : null;
      const buffers = [paintingCopy.data.buffer, ...(maskCopy ? [maskCopy.data.buffer] : [])];
      const at = performance.now();
      const updated = api.updatePainting(index, Comlink.transfer(paintingCopy, buffers), maskCopy);
      void this.echoStrokes(api);
      const step = await updated;
      this.pendingLatency = { at, step };
    } else {
      return;
    }
    this.govern({ type: 'painting-changed', painted: this.paintedCount > 0 });
  }

  /** Shows the new strokes on the frame on screen at once, where the engine can (ComputeApi.echoStrokes). */
  private async echoStrokes(api: ComputeApi): Promise<void> {
    const echo = await api.echoStrokes().catch(() => null);
    if (!echo) return;
    if (this.previewLoop) this.previewLoop.showEcho(echo);
    else echo.image.close();
  }

  /** Applies a training event and starts or pauses the worker to match. */
  private govern(event: GovernorEvent): void {
    const wasSettled = this.governor.holds.includes('settled');
    this.governor = governTraining(this.governor, event);
    if (event.type === 'painting-changed' || event.type === 'resume' || event.type === 'loaded') this.settle.reset();
    if (event.type === 'settled' && !wasSettled) {
      toaster.info(m.style_settled_toast());
    }
    void this.syncTraining().then(() => this.syncPhotoNetwork());
  }

  /** The photo network no longer matches the paintings (the engine drops it too): photos come from the preview network. */
  private forgetPhotoNetwork(): void {
    this.photoRevision += 1;
    this.photoNetwork = 'none';
    this.photoTunedFrom = -1;
  }

  /**
   * Tunes the photo network while training rests because the style settled or was loaded (not while
   * the person paused it, the page is hidden, the battery is low or a video renders), once per
   * training step reached; stops a tune when that no longer holds.
   */
  private async syncPhotoNetwork(): Promise<void> {
    const { painted, holds } = this.governor;
    const resting = painted && !this.rendering && holds.length > 0 && holds.every((hold) => hold === 'settled' || hold === 'loaded');
    const api = await this.computeReady;
    if (!api) return;
    if (!resting && this.photoNetwork === 'tuning') await api.stopPhotoTuning();
    const keyframes = this.keyframes.filter((keyframe) => keyframe.painted);
    if (!resting || this.photoNetwork === 'tuning' || this.photoTunedFrom === this.training.step) return;
    if (keyframes.length === 0 || !keyframes.every((keyframe) => keyframe.full)) return;
    const revision = this.photoRevision;
    const current = () => revision === this.photoRevision;
    this.photoNetwork = 'tuning';
    this.photoProgress = 0;
    this.photoTunedFrom = this.training.step;
    try {
      const examples = await Promise.all(keyframes.map((keyframe) => photoKeyframe(keyframe as StudioKeyframe & { full: RgbaImage })));
      const buffers = examples.flatMap(({ input, painting, mask }) => [input, painting, ...(mask ? [mask] : [])].map((image) => image.data.buffer));
      const progress = ({ done, steps }: { done: number; steps: number }) => current() && (this.photoProgress = done / steps);
      const tuned = current() && (await api.tunePhotoNetwork(Comlink.transfer(examples, buffers), progressProxy(progress)));
      if (current()) this.photoNetwork = tuned ? 'ready' : 'none';
    } catch {
      // Photos keep coming from the preview network; the next rest tries again.
      if (current()) this.photoNetwork = 'none';
    }
    if (current() && this.photoNetwork === 'none') this.photoTunedFrom = -1;
  }

  private async syncTraining(): Promise<void> {
    const wanted = shouldTrain(this.governor);
    if (wanted === this.trainingRequested) return;
    this.trainingRequested = wanted;
    const api = await this.computeReady;
    if (!api) return;
    if (wanted) await this.runTraining(api);
    else await api.pauseTraining();
  }

  private async runTraining(api: ComputeApi): Promise<void> {
    await api.startTraining(
      progressProxy((status: TrainingStatus) => {
        const stepped = status.step !== this.lastWorkerStep;
        this.lastWorkerStep = status.step;
        // New weights are on their way to the preview (the first ones end its wait for any).
        if (stepped) this.previewLoop?.retryNow();
        this.training = withTrainedBefore(status, this.trainedBefore);
        // Stopped by an error: the next stroke or Resume starts it again.
        if (!status.running && status.error) this.trainingRequested = false;
        if (status.running && stepped && status.loss !== null) {
          this.lossHistory = [...this.lossHistory.slice(1 - LOSS_HISTORY), status.loss];
          if (this.settle.add(status.loss) && shouldTrain(this.governor)) this.govern({ type: 'settled' });
        }
        if (status.step - this.lastWeightsChangeStep >= WEIGHTS_CHANGE_EVERY) {
          this.lastWeightsChangeStep = status.step;
          this.notify('weights');
        }
      })
    );
  }

  /** Pauses training (the preview keeps the weights it has); strokes do not restart it until Resume. */
  async pauseTraining(): Promise<void> {
    this.govern({ type: 'pause' });
  }

  /** Resumes training on the current paintings (also after it settled, after a load, or on a low battery). */
  async resumeTraining(): Promise<void> {
    this.govern({ type: 'resume' });
  }

  /**
   * The current frame at the camera's (or photo's) own resolution, mirrored as the preview shows it,
   * stylized at that size (ComputeApi.stylizeFullSize), as a PNG file; the frame itself while there
   * are no weights yet (the preview shows the camera then). Null when there is no frame.
   */
  async photoBlob(): Promise<Blob | null> {
    const source = this.source();
    const frame = source ? new FrameGrabber().bitmap(source, Infinity, this.mirrored) : null;
    if (!frame) return null;
    const canvas = new OffscreenCanvas(frame.width, frame.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('This browser has no 2D canvas');
    const raw = await createImageBitmap(frame);
    const api = await this.computeReady;
    const compute = this.compute;
    const stylized = api && compute ? await Promise.race([api.stylizeFullSize(Comlink.transfer(frame, [frame])), compute.failed]) : (frame.close(), null);
    const image = stylized?.image ?? raw;
    context.drawImage(image, 0, 0);
    image.close();
    raw.close();
    return canvas.convertToBlob({ type: 'image/png' });
  }

  /** tfjs memory in the worker (debug API). */
  async memory(): Promise<MemoryReport> {
    const api = await this.computeReady;
    if (!api) throw new Error('The compute worker is not running');
    return api.memory();
  }

  /** performance.now() of the first camera frame and the first stylized frame on the preview (debug API). */
  previewTimings(): { camera: number | null; stylized: number | null } {
    return { ...(this.previewLoop?.firstDrawn ?? { camera: null, stylized: null }) };
  }

  /** WebGPU readbacks and submits counted in the workers (debug API, with `?gpuCalls`). */
  async gpuCalls(): Promise<{ preview: GpuCallCounts; training: GpuCallCounts }> {
    const api = await this.computeReady;
    if (!api) throw new Error('The compute worker is not running');
    return api.gpuCalls();
  }

  /** Destroys the workers' WebGPU devices, as a driver reset would (debug API, for the recovery test). */
  async destroyGpuDevice(): Promise<void> {
    await (await this.computeReady)?.destroyGpuDevice();
  }

  /**
   * Stylizes `count` frames of the current source at long side `side`, one after another, while the
   * live preview waits (debug API for the leak tests). Resolves to the number of frames produced.
   */
  async stylizeRepeatedly(count: number, side: number): Promise<number> {
    this.benchmarking = true;
    try {
      return await this.stylizeFrames(count, side);
    } finally {
      this.benchmarking = false;
    }
  }

  private async stylizeFrames(count: number, side: number): Promise<number> {
    let produced = 0;
    for (let attempts = 0; produced < count && attempts < count * 4; attempts++) {
      const source = this.source();
      const frame = source && this.grabber.bitmap(source, side, this.mirrored);
      if (!frame || !this.compute || !this.backend) break;
      // Null when the preview's own frame was in the worker at that moment: try again.
      const result = await this.compute.api.stylize(Comlink.transfer(frame, [frame]));
      if (result) {
        result.image.close();
        produced += 1;
      } else {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    return produced;
  }

  // StudioHost

  /** The current style (painted keyframes, weights, statistics), copied. */
  async captureStyle(): Promise<StyleSnapshot> {
    const weights = (await (await this.computeReady)?.exportWeights()) ?? null;
    return {
      keyframes: this.keyframes
        .filter((keyframe) => keyframe.painted)
        .map((keyframe) => ({
          input: copyImage(keyframe.input),
          // Never changed once captured, so shared, not copied: autosave writes it only when it is new.
          full: keyframe.full ?? null,
          painting: copyImage(keyframe.painting),
          mask: keyframe.mask ? copyImage(keyframe.mask) : null,
          strokes: structuredClone(keyframe.strokes)
        })),
      weights: weights ? new Uint8Array(weights) : null,
      stats: { steps: this.training.step, trainingMs: this.training.elapsedMs, lastLoss: this.training.loss }
    };
  }

  /** Replaces keyframes, paintings and weights; the preview switches to the weights at once. */
  async applyStyle(style: StyleSnapshot): Promise<void> {
    const api = await this.computeReady;
    this.trainingRequested = false;
    await api?.pauseTraining();
    this.keyframes = style.keyframes.map((keyframe) => ({
      input: copyImage(keyframe.input),
      full: keyframe.full ?? null,
      painting: copyImage(keyframe.painting),
      mask: keyframe.mask ? copyImage(keyframe.mask) : null,
      strokes: restoreDocument(keyframe.strokes, keyframe.input.width, keyframe.input.height),
      painted: true,
      history: null
    }));
    this.selectKeyframe(0);
    this.countPainted();
    // A style without weights starts from a fresh network, not from whatever was trained before.
    if (api && !style.weights) await api.reset();
    await this.sendKeyframes();
    if (api && style.weights) await api.loadWeights(new Uint8Array(style.weights));
    this.previewLoop?.clearStylized();
    this.previewLoop?.retryNow();
    // The worker counts from 0 again; the person keeps seeing the style's own count, continued.
    this.trainedBefore = style.weights ? { steps: style.stats.steps, ms: style.stats.trainingMs } : { steps: 0, ms: 0 };
    this.training = {
      running: false,
      step: this.trainedBefore.steps,
      elapsedMs: this.trainedBefore.ms,
      stepsPerSec: 0,
      loss: style.stats.lastLoss
    };
    this.lossHistory = [];
    this.lastWorkerStep = 0;
    this.lastWeightsChangeStep = 0;
    this.govern({ type: 'loaded', painted: this.paintedCount > 0 });
    this.notify('keyframes');
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: (change: StudioChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(change: StudioChange): void {
    for (const listener of this.listeners) listener(change);
  }

  /** Stops the camera, the preview and the worker. */
  destroy(): void {
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    this.battery?.removeEventListener('levelchange', this.onBatteryChange);
    this.battery?.removeEventListener('chargingchange', this.onBatteryChange);
    this.previewLoop?.stop();
    stopStream(this.stream);
    this.photo?.close();
    this.compute?.terminate();
  }
}
