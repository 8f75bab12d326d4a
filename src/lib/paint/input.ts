import type { StrokePoint, StrokePointerType } from './document';

/** A width and a height, in whatever unit the caller says. */
export interface Size {
  width: number;
  height: number;
}

/** A point as [x, y]. */
export type Point = [x: number, y: number];

/**
 * Where the image sits on screen: image pixel (x, y) is drawn at screen (x·scale + offsetX,
 * y·scale + offsetY), in CSS pixels relative to the viewport's top-left corner. `zoom` is the
 * magnification over "whole image fits the viewport" (1–8).
 */
export interface ViewTransform {
  zoom: number;
  scale: number;
  offsetX: number;
  offsetY: number;
}

/** The zoom range a pinch or wheel can reach, relative to the whole image fitting the viewport. */
export const ZOOM_RANGE = { min: 1, max: 8 } as const;

/** The scale at which the whole image just fits the viewport. */
export function fitScale(viewport: Size, image: Size): number {
  return Math.min(viewport.width / image.width, viewport.height / image.height);
}

/**
 * The view at `zoom` with its offsets clamped: along an axis where the image is smaller than the
 * viewport it is centred, otherwise it always covers the viewport (no empty space can be panned in).
 */
export function clampView(viewport: Size, image: Size, zoom: number, offsetX: number, offsetY: number): ViewTransform {
  const clampedZoom = Math.min(ZOOM_RANGE.max, Math.max(ZOOM_RANGE.min, zoom));
  const scale = fitScale(viewport, image) * clampedZoom;
  const clampAxis = (offset: number, viewportSide: number, imageSide: number) => {
    const shown = imageSide * scale;
    if (shown <= viewportSide) return (viewportSide - shown) / 2;
    return Math.min(0, Math.max(viewportSide - shown, offset));
  };
  return {
    zoom: clampedZoom,
    scale,
    offsetX: clampAxis(offsetX, viewport.width, image.width),
    offsetY: clampAxis(offsetY, viewport.height, image.height)
  };
}

/** The whole image fitted and centred in the viewport. */
export function fitView(viewport: Size, image: Size): ViewTransform {
  return clampView(viewport, image, 1, 0, 0);
}

/** Screen point (CSS pixels in the viewport) → image pixel coordinates. */
export function screenToImage(view: ViewTransform, [x, y]: Point): Point {
  return [(x - view.offsetX) / view.scale, (y - view.offsetY) / view.scale];
}

/** Image pixel coordinates → screen point (CSS pixels in the viewport). */
export function imageToScreen(view: ViewTransform, [x, y]: Point): Point {
  return [x * view.scale + view.offsetX, y * view.scale + view.offsetY];
}

/**
 * The view that keeps image point `anchor` (image pixels) under screen point `screen` at `zoom`
 * (clamped to 1–8×, and panned no further than the image's edges).
 */
export function viewAnchoredAt(viewport: Size, image: Size, zoom: number, anchor: Point, screen: Point): ViewTransform {
  const clampedZoom = Math.min(ZOOM_RANGE.max, Math.max(ZOOM_RANGE.min, zoom));
  const scale = fitScale(viewport, image) * clampedZoom;
  return clampView(viewport, image, clampedZoom, screen[0] - anchor[0] * scale, screen[1] - anchor[1] * scale);
}

/** Where two fingers are: their midpoint and the distance between them. */
function pinchGeometry(a: Point, b: Point): { mid: Point; distance: number } {
  return { mid: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], distance: Math.hypot(a[0] - b[0], a[1] - b[1]) };
}

/**
 * The view during a two-finger pinch: zoom follows the change of distance between the fingers
 * and the image point that was under their midpoint at the start stays under their midpoint now
 * (so pinching also pans).
 */
export function pinchView(
  viewport: Size,
  image: Size,
  startView: ViewTransform,
  start: [Point, Point],
  now: [Point, Point]
): ViewTransform {
  const before = pinchGeometry(start[0], start[1]);
  const after = pinchGeometry(now[0], now[1]);
  const ratio = before.distance > 0 ? after.distance / before.distance : 1;
  const anchor = screenToImage(startView, before.mid);
  return viewAnchoredAt(viewport, image, startView.zoom * ratio, anchor, after.mid);
}

/** The view after a mouse wheel turn over screen point `at`: zooms about that point. */
export function wheelView(viewport: Size, image: Size, view: ViewTransform, at: Point, deltaY: number): ViewTransform {
  const zoom = view.zoom * Math.exp(-deltaY * 0.002);
  return viewAnchoredAt(viewport, image, zoom, screenToImage(view, at), at);
}

/** One pointer event, reduced to what the painting logic needs (coordinates in viewport CSS pixels). */
export interface PointerSample {
  pointerId: number;
  pointerType: StrokePointerType;
  x: number;
  y: number;
  /** 0–1 as the browser reports it (0.5 for a pressed mouse button, 0 for a hovering pen). */
  pressure: number;
  /** Contact size in CSS pixels (1 for pens and mice). */
  width: number;
  height: number;
  /** Milliseconds, e.g. `event.timeStamp`. */
  time: number;
}

/** Contacts wider or taller than this (CSS pixels) are a palm or the side of a hand, not a finger. */
export const PALM_CONTACT_SIZE = 60;

/** What palm rejection remembers: whether a pen has ever been used here, and whether one is down. */
export interface PalmState {
  penSeen: boolean;
  penDown: boolean;
}

/** Palm rejection state for a fresh canvas: no pen seen yet. */
export function createPalmState(): PalmState {
  return { penSeen: false, penDown: false };
}

/**
 * Whether a new contact may paint. Pens and mice always may. A touch may not when its contact area
 * is palm-sized, nor at all once a pen has been seen (a person with a pen paints with the pen;
 * their fingers only pinch and pan).
 */
export function touchMayPaint(state: PalmState, sample: PointerSample): boolean {
  if (sample.pointerType !== 'touch') return true;
  return !isPalmContact(sample) && !state.penSeen;
}

/** Whether a touch is too large to be a fingertip. */
export function isPalmContact(sample: PointerSample): boolean {
  return sample.pointerType === 'touch' && Math.max(sample.width, sample.height) > PALM_CONTACT_SIZE;
}

/** What the canvas should do in answer to a pointer event. */
export type GestureAction =
  | { type: 'stroke-start'; pointerType: StrokePointerType; point: StrokePoint; scale: number }
  | { type: 'stroke-extend'; points: StrokePoint[] }
  | { type: 'stroke-end' }
  | { type: 'stroke-cancel' }
  | { type: 'view'; view: ViewTransform };

/** A second finger landing this soon (ms) after the first turns its stroke into a pinch. */
export const PINCH_GRACE_MS = 300;

/**
 * Pointer handling as a pure state machine: feed it pointer samples (viewport CSS pixels), get back
 * stroke and view actions (image pixels). One pointer draws at a time; two touches pinch and pan;
 * palms and, once a pen is in use, fingers never draw.
 */
export class PaintGestures {
  /** The current view; every change is also reported as a 'view' action. */
  view: ViewTransform;
  private viewport: Size;
  private image: Size;
  private palm = createPalmState();
  private touches = new Map<number, Point>();
  private drawing: { pointerId: number; pointerType: StrokePointerType; startTime: number; last: StrokePoint } | null =
    null;
  private pinch: { ids: [number, number]; start: [Point, Point]; startView: ViewTransform } | null = null;

  /** Gestures over a `viewport` (CSS pixels) showing an image of `image` pixels, fitted. */
  constructor(viewport: Size, image: Size) {
    this.viewport = viewport;
    this.image = image;
    this.view = fitView(viewport, image);
  }

  /** Adopts a new viewport or image size; the view is re-clamped, keeping the centre of the view. */
  resize(viewport: Size, image: Size): GestureAction[] {
    const sameImage = image.width === this.image.width && image.height === this.image.height;
    const centre = screenToImage(this.view, [this.viewport.width / 2, this.viewport.height / 2]);
    this.viewport = viewport;
    this.image = image;
    this.view = sameImage
      ? viewAnchoredAt(viewport, image, this.view.zoom, centre, [viewport.width / 2, viewport.height / 2])
      : fitView(viewport, image);
    return [{ type: 'view', view: this.view }];
  }

  /** Back to the whole image fitted (the "Fit" button after pinching); ignored mid-stroke or mid-pinch. */
  fit(): GestureAction[] {
    if (this.drawing || this.pinch) return [];
    this.view = fitView(this.viewport, this.image);
    return [{ type: 'view', view: this.view }];
  }

  /** Whether a stroke is being drawn right now. */
  get isDrawing(): boolean {
    return this.drawing !== null;
  }

  /** A pointer went down (`primaryButton`: false for a mouse's right or middle button). */
  down(sample: PointerSample, primaryButton = true): GestureAction[] {
    const actions: GestureAction[] = [];
    if (sample.pointerType === 'pen') {
      this.palm.penSeen = true;
      this.palm.penDown = true;
      // A palm that landed before the pen: its stroke is not what the person meant.
      if (this.drawing && this.drawing.pointerType === 'touch') {
        this.drawing = null;
        actions.push({ type: 'stroke-cancel' });
      }
      this.pinch = null;
    }
    if (sample.pointerType === 'touch') {
      if (isPalmContact(sample)) return actions;
      this.touches.set(sample.pointerId, [sample.x, sample.y]);
      if (this.touches.size === 2 && !this.pinch && !this.palm.penDown) {
        const drawingTouch = this.drawing?.pointerType === 'touch' ? this.drawing : null;
        if (drawingTouch && sample.time - drawingTouch.startTime > PINCH_GRACE_MS) return actions;
        if (drawingTouch) {
          this.drawing = null;
          actions.push({ type: 'stroke-cancel' });
        }
        if (!this.drawing) this.startPinch();
        return actions;
      }
      if (this.touches.size > 1 || this.pinch) return actions;
    }
    if (this.drawing || !primaryButton || !touchMayPaint(this.palm, sample)) return actions;
    const point = this.strokePoint(sample);
    this.drawing = { pointerId: sample.pointerId, pointerType: sample.pointerType, startTime: sample.time, last: point };
    actions.push({ type: 'stroke-start', pointerType: sample.pointerType, point, scale: this.view.scale });
    return actions;
  }

  /** A pointer moved; `coalesced` are the browser's in-between samples (oldest first, may be empty). */
  move(sample: PointerSample, coalesced: PointerSample[] = []): GestureAction[] {
    if (sample.pointerType === 'touch' && this.touches.has(sample.pointerId)) {
      this.touches.set(sample.pointerId, [sample.x, sample.y]);
    }
    if (this.pinch && this.pinch.ids.includes(sample.pointerId)) {
      const now = this.pinch.ids.map((id) => this.touches.get(id)!) as [Point, Point];
      this.view = pinchView(this.viewport, this.image, this.pinch.startView, this.pinch.start, now);
      return [{ type: 'view', view: this.view }];
    }
    if (!this.drawing || this.drawing.pointerId !== sample.pointerId) return [];
    const points: StrokePoint[] = [];
    for (const each of coalesced.length > 0 ? coalesced : [sample]) {
      const point = this.strokePoint(each);
      const last = this.drawing.last;
      if (point[0] === last[0] && point[1] === last[1]) continue;
      points.push(point);
      this.drawing.last = point;
    }
    return points.length > 0 ? [{ type: 'stroke-extend', points }] : [];
  }

  /** A pointer lifted. */
  up(sample: PointerSample): GestureAction[] {
    return this.release(sample);
  }

  /**
   * The browser took the pointer away (pointercancel, lost capture): what was drawn so far is kept
   * as a finished stroke, since the person did not lift on purpose and never loses paint.
   */
  cancel(sample: PointerSample): GestureAction[] {
    return this.release(sample);
  }

  /** A mouse wheel turned over screen point (x, y). */
  wheel(x: number, y: number, deltaY: number): GestureAction[] {
    if (this.drawing) return [];
    this.view = wheelView(this.viewport, this.image, this.view, [x, y], deltaY);
    return [{ type: 'view', view: this.view }];
  }

  private release(sample: PointerSample): GestureAction[] {
    if (sample.pointerType === 'pen') this.palm.penDown = false;
    this.touches.delete(sample.pointerId);
    if (this.pinch && this.pinch.ids.includes(sample.pointerId)) {
      this.pinch = null;
      return [];
    }
    if (this.drawing?.pointerId !== sample.pointerId) return [];
    this.drawing = null;
    return [{ type: 'stroke-end' }];
  }

  private startPinch(): void {
    const [first, second] = [...this.touches.entries()];
    this.pinch = { ids: [first[0], second[0]], start: [first[1], second[1]], startView: this.view };
  }

  private strokePoint(sample: PointerSample): StrokePoint {
    const [x, y] = screenToImage(this.view, [sample.x, sample.y]);
    // A pen touching down can report 0 for its first sample; perfect-freehand reads that as hairline.
    const pressure = sample.pointerType === 'pen' ? Math.min(1, Math.max(0.05, sample.pressure || 0.5)) : 0.5;
    return [round2(x), round2(y), round2(pressure)];
  }
}

/** Rounds to hundredths: keeps stored strokes compact without visible loss. */
function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
