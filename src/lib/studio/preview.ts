// The live preview: draws the camera (or the stylized camera) and keeps the engine's preview lanes busy.
import { FrameGrabber, drawFrame, fitLongSide, sourceSize, type FrameSource } from '$lib/camera/frames';
import type { StylizedFrame } from '$lib/worker/api';

/**
 * Long sides the preview stylizes at, largest first. The largest is the keyframes' side, the scale the
 * network is trained at: growing past it (up to the camera's resolution) would show the network a
 * scale it never saw, which is unmeasured, so the preview does not.
 */
export const WORKING_SIDES = [256, 192, 160, 128, 96] as const;

/** The preview aims at 30 stylized frames per second. */
const TARGET_FRAME_MS = 1000 / 30;
/** Shrink only when frames take this much longer than the target (hysteresis). */
const SHRINK_ABOVE = 1.25;

/**
 * The next working side given the smoothed time per frame (steps one size at a time): smaller while
 * frames take well over 1/30 s, larger when the larger size (cost grows with its area) would still
 * make 30 fps.
 */
export function nextWorkingSide(current: number, inferenceMs: number): number {
  const index = Math.max(0, WORKING_SIDES.indexOf(current as (typeof WORKING_SIDES)[number]));
  if (inferenceMs > TARGET_FRAME_MS * SHRINK_ABOVE && index < WORKING_SIDES.length - 1) return WORKING_SIDES[index + 1];
  if (index > 0) {
    const larger = WORKING_SIDES[index - 1];
    const predictedMs = inferenceMs * (larger / WORKING_SIDES[index]) ** 2;
    if (predictedMs < TARGET_FRAME_MS) return larger;
  }
  return WORKING_SIDES[index];
}

/** What the preview reports after each stylized frame. */
export interface PreviewStats {
  /** Stylized frames per second over the last two seconds. */
  fps: number;
  /** Smoothed worker time per frame. */
  inferenceMs: number;
  /** Long side the frames are stylized at. */
  workingSide: number;
  /** The training step of the weights behind the frame on screen (-1: the raw camera is shown). */
  shownStep: number;
  /** The share of those frames the training worker stylized (it helps while training is paused). */
  trainingLaneShare: number;
}

/** Everything the preview needs from the studio. */
export interface PreviewDeps {
  source(): FrameSource | null;
  mirrored(): boolean;
  /** Whether to draw the original camera instead of the stylized frame (the compare gesture). */
  showOriginal(): boolean;
  /** Whether to offer frames to the worker now (false while something else needs it exclusively). */
  stylizing(): boolean;
  stylize(frame: ImageBitmap): Promise<StylizedFrame | null>;
  /**
   * How many frames may be in the engine at once: 1 waits for each frame; 2 keeps a frame queued
   * behind the one being stylized (or lets two workers stylize side by side).
   */
  maxInFlight(): number;
  onFrame(stats: PreviewStats): void;
  /**
   * Frames keep failing (FAILURES_BEFORE_REPORT in a row): the engine's message; null once a frame
   * comes back again. Without it the preview would stand still with no word why.
   */
  onFailure(message: string | null): void;
  /** A fixed working side (benchmarks); adaptive when absent. */
  fixedSide?: number;
}

/** The canvas's long side before it has a layout size. */
const FALLBACK_DISPLAY_SIDE = 640;
/** After "no weights yet", wait this long before offering the worker another frame. */
const IDLE_RETRY_MS = 300;
/** Failed frames in a row before the preview reports the failure (one can fail in a handover). */
export const FAILURES_BEFORE_REPORT = 3;

/** Runs the preview on a canvas until `stop()`. */
export class PreviewLoop {
  private readonly context: CanvasRenderingContext2D;
  private readonly grabber = new FrameGrabber();
  private stylized: StylizedFrame | null = null;
  /** The stylized image now on the canvas (null: the camera is). */
  private drawnImage: ImageBitmap | null = null;
  /** The camera frame now on the canvas (null: a stylized one is, or the source cannot count its frames). */
  private drawnCamera: { source: FrameSource; frame: number; mirrored: boolean } | null = null;
  /** Frames each video source presented since start (requestVideoFrameCallback), to draw each once. */
  private presented = new WeakMap<HTMLVideoElement, number>();
  /** Sequence number of the frame on screen: a frame that comes back after a newer one is dropped. */
  private shownSequence = -1;
  private nextSequence = 0;
  private inFlight = 0;
  private retryAt = 0;
  /** Frames that failed since the last one that came back. */
  private failures = 0;
  private frameId = 0;
  private running = false;
  private workingSide: number;
  private inferenceMs = 0;
  /** When each frame of the last two seconds came back, and whether the training worker stylized it. */
  private readonly recentFrames: { at: number; trainingLane: boolean }[] = [];
  /** performance.now() when the first camera frame and the first stylized frame were drawn (cold-start figures). */
  readonly firstDrawn: { camera: number | null; stylized: number | null } = { camera: null, stylized: null };

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly deps: PreviewDeps
  ) {
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('This browser has no 2D canvas');
    this.context = context;
    this.workingSide = deps.fixedSide ?? WORKING_SIDES[0];
  }

  /** Starts drawing and stylizing. */
  start(): void {
    if (this.running) return;
    this.running = true;
    // Callbacks of an earlier run stopped with it: count afresh.
    this.presented = new WeakMap();
    this.drawnCamera = null;
    const tick = () => {
      if (!this.running) return;
      this.draw();
      this.requestStylized();
      this.frameId = requestAnimationFrame(tick);
    };
    this.frameId = requestAnimationFrame(tick);
  }

  /** Stops the loop and frees the last frame. */
  stop(): void {
    this.running = false;
    cancelAnimationFrame(this.frameId);
    this.clearStylized();
  }

  /**
   * Asks for a stylized frame at the next animation frame, also where the last request came back empty
   * and the loop would wait IDLE_RETRY_MS: the engine has new weights (the first training step, a
   * loaded style).
   */
  retryNow(): void {
    this.retryAt = 0;
  }

  /** Drops the stylized frame on screen (e.g. after the style was replaced). */
  clearStylized(): void {
    this.stylized?.image.close();
    this.stylized = null;
    this.shownSequence = this.nextSequence;
  }

  private draw(): void {
    const source = this.deps.source();
    if (!source) return;
    const natural = sourceSize(source);
    if (natural.width === 0) return;
    const size = fitLongSide(natural.width, natural.height, this.displaySide());
    let resized = false;
    if (this.canvas.width !== size.width || this.canvas.height !== size.height) {
      this.canvas.width = size.width;
      this.canvas.height = size.height;
      resized = true;
    }
    if (this.stylized && !this.deps.showOriginal()) {
      // A stylized frame is drawn once: redrawing the same one at the display's refresh rate costs the
      // cores the workers need (measured in docs/app.md, "Drawing each frame once").
      if (!resized && this.drawnImage === this.stylized.image) return;
      this.context.imageSmoothingQuality = 'high';
      this.context.drawImage(this.stylized.image, 0, 0, size.width, size.height);
      this.drawnImage = this.stylized.image;
      this.firstDrawn.stylized ??= performance.now();
    } else {
      // The camera likewise, once per frame it presents (about 30 a second, not the display's 60–120).
      const frame = this.presentedFrame(source);
      const mirrored = this.deps.mirrored();
      const drawn = this.drawnCamera;
      if (!resized && frame !== null && drawn?.source === source && drawn.frame === frame && drawn.mirrored === mirrored) return;
      drawFrame(this.context, source, mirrored);
      this.drawnImage = null;
      this.drawnCamera = frame === null ? null : { source, frame, mirrored };
      this.firstDrawn.camera ??= performance.now();
      return;
    }
    this.drawnCamera = null;
  }

  /**
   * How many frames `source` has presented since the loop started (a photo: always 0), or null where
   * the browser cannot tell (no requestVideoFrameCallback): then it is drawn on every animation frame.
   */
  private presentedFrame(source: FrameSource): number | null {
    if (!(source instanceof HTMLVideoElement)) return 0;
    if (typeof source.requestVideoFrameCallback !== 'function') return null;
    const counted = this.presented.get(source);
    if (counted !== undefined) return counted;
    const presented = this.presented;
    const onFrame = () => {
      if (!this.running || this.presented !== presented) return;
      presented.set(source, (presented.get(source) ?? 0) + 1);
      source.requestVideoFrameCallback(onFrame);
    };
    presented.set(source, 0);
    source.requestVideoFrameCallback(onFrame);
    return 0;
  }

  /** The canvas's long side in device pixels (never above the source's: fitLongSide does not upscale). */
  private displaySide(): number {
    const cssSide = Math.max(this.canvas.clientWidth, this.canvas.clientHeight);
    return cssSide > 0 ? Math.round(cssSide * (globalThis.devicePixelRatio || 1)) : FALLBACK_DISPLAY_SIDE;
  }

  private requestStylized(): void {
    if (this.inFlight >= this.deps.maxInFlight() || performance.now() < this.retryAt || !this.deps.stylizing()) return;
    const source = this.deps.source();
    if (!source) return;
    const frame = this.grabber.bitmap(source, this.workingSide, this.deps.mirrored());
    if (!frame) return;
    this.inFlight += 1;
    const sequence = this.nextSequence++;
    this.deps
      .stylize(frame)
      .then((result) => this.accept(result, sequence))
      .catch((error: unknown) => this.fail(error))
      .finally(() => (this.inFlight -= 1));
  }

  /**
   * Shows `echo` (the frame on screen again with new strokes: ComputeApi.echoStrokes) in its place until
   * the next stylized frame comes; it is no new frame, so the frame rate and working side ignore it.
   */
  showEcho(echo: StylizedFrame): void {
    if (!this.running || !this.stylized) {
      echo.image.close();
      return;
    }
    this.stylized.image.close();
    this.stylized = echo;
  }

  /** A frame failed: retry after a pause, and say so once it keeps failing. */
  private fail(error: unknown): void {
    this.retryAt = performance.now() + IDLE_RETRY_MS;
    this.failures += 1;
    if (this.failures === FAILURES_BEFORE_REPORT) this.deps.onFailure(error instanceof Error ? error.message : String(error));
  }

  private accept(result: StylizedFrame | null, sequence: number): void {
    if (this.failures >= FAILURES_BEFORE_REPORT) this.deps.onFailure(null);
    this.failures = 0;
    if (!result) {
      this.retryAt = performance.now() + IDLE_RETRY_MS;
      return;
    }
    if (!this.running || sequence < this.shownSequence) {
      result.image.close();
      return;
    }
    this.stylized?.image.close();
    this.stylized = result;
    this.shownSequence = sequence;
    const now = performance.now();
    this.recentFrames.push({ at: now, trainingLane: result.lane === 'training' });
    while (this.recentFrames.length > 0 && this.recentFrames[0].at < now - 2000) this.recentFrames.shift();
    this.inferenceMs = this.inferenceMs === 0 ? result.inferenceMs : 0.8 * this.inferenceMs + 0.2 * result.inferenceMs;
    const side = this.deps.fixedSide ?? nextWorkingSide(this.workingSide, this.inferenceMs);
    if (side !== this.workingSide) {
      this.workingSide = side;
      this.inferenceMs = 0;
    }
    this.deps.onFrame({
      fps: this.recentFrames.length / 2,
      inferenceMs: this.inferenceMs,
      workingSide: this.workingSide,
      shownStep: result.step,
      trainingLaneShare: this.recentFrames.filter((frame) => frame.trainingLane).length / this.recentFrames.length
    });
  }
}
