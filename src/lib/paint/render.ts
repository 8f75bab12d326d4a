import { getStroke, type StrokeOptions } from 'perfect-freehand';
import type { RgbaImage } from '$lib/ml/types';
import { hasLayerContent, type PaintDocument, type Stroke } from './document';

/** A 2D context of an on-screen or offscreen canvas. */
export type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** A canvas that can be drawn into and drawn from. */
export type LayerCanvas = HTMLCanvasElement | OffscreenCanvas;

/** What a painting is painted over: the captured keyframe (ImageData or any RGBA image), or nothing (transparent). */
export type PaintBackground = RgbaImage | ImageBitmap | null;

/** How much pressure changes a stroke's width: pressure 0 → ¼ of the size, 1 → 1.5× the size. */
const THINNING = 0.5;

/** perfect-freehand settings for one stroke; `complete` is false while the stroke is still being drawn. */
function strokeOptions(stroke: Stroke, complete: boolean): StrokeOptions {
  return {
    size: stroke.size,
    thinning: THINNING,
    smoothing: 0.5,
    streamline: 0.4,
    // Only a pen reports real pressure; for fingers and mice, speed stands in for it (fast = thin).
    simulatePressure: stroke.pointerType !== 'pen',
    start: { cap: true },
    end: { cap: true },
    last: complete
  };
}

/** The polygon around a stroke (image pixels), as perfect-freehand draws it. */
export function strokeOutline(stroke: Stroke, complete = true): [number, number][] {
  return getStroke(stroke.points, strokeOptions(stroke, complete)) as [number, number][];
}

/** A canvas of `width × height` pixels: an OffscreenCanvas where there is one, else a detached <canvas>. */
export function createLayerCanvas(width: number, height: number): LayerCanvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

/** The 2D context of a layer canvas (throws when the browser refuses one). */
export function context2d(canvas: LayerCanvas, options?: CanvasRenderingContext2DSettings): Context2D {
  const ctx = canvas.getContext('2d', options) as Context2D | null;
  if (!ctx) throw new Error('This browser could not create a 2D canvas for painting');
  return ctx;
}

/**
 * Draws one stroke onto its layer's canvas. Brushes lay colour down; erasers cut the layer away
 * (so the keyframe below shows through once the layer is composited). The mask layer is always
 * drawn in opaque white, whatever the stroke's colour and opacity.
 */
export function drawStroke(ctx: Context2D, stroke: Stroke, complete = true): void {
  const outline = strokeOutline(stroke, complete);
  if (outline.length < 3) return;
  const path = new Path2D();
  path.moveTo(outline[0][0], outline[0][1]);
  for (let index = 1; index < outline.length; index++) path.lineTo(outline[index][0], outline[index][1]);
  path.closePath();
  ctx.save();
  ctx.globalCompositeOperation = stroke.tool === 'eraser' ? 'destination-out' : 'source-over';
  ctx.globalAlpha = stroke.layer === 'mask' ? 1 : stroke.opacity;
  ctx.fillStyle = stroke.layer === 'mask' ? '#ffffff' : stroke.color;
  ctx.fill(path, 'nonzero');
  ctx.restore();
}

/** Draws the keyframe over the whole context (cleared first), scaled to the canvas when sizes differ. */
export function drawBackground(ctx: Context2D, background: PaintBackground): void {
  const { width, height } = ctx.canvas;
  ctx.clearRect(0, 0, width, height);
  if (!background) return;
  if (background instanceof ImageBitmap) {
    ctx.drawImage(background, 0, 0, width, height);
    return;
  }
  const pixels = asImageData(background);
  if (pixels.width === width && pixels.height === height) {
    ctx.putImageData(pixels, 0, 0);
    return;
  }
  const staging = createLayerCanvas(pixels.width, pixels.height);
  context2d(staging).putImageData(pixels, 0, 0);
  ctx.drawImage(staging, 0, 0, width, height);
}

/** The image as an ImageData (itself when it already is one; otherwise a view on the same bytes when possible). */
function asImageData(image: RgbaImage): ImageData {
  if (image instanceof ImageData) return image;
  const bytes =
    image.data.buffer instanceof ArrayBuffer ? image.data : new Uint8ClampedArray(image.data);
  return new ImageData(bytes as Uint8ClampedArray<ArrayBuffer>, image.width, image.height);
}

/** Decodes the document's imported painting (null when it has none) for the render functions. */
export async function loadImportedPainting(doc: PaintDocument): Promise<ImageBitmap | null> {
  if (!doc.importedPainting) return null;
  return createImageBitmap(dataUrlToBlob(doc.importedPainting.dataUrl));
}

/**
 * The bytes of a base64 `data:` URL as a Blob, decoded here rather than fetched: the
 * Content-Security-Policy's connect-src allows the app's own origin only, not `data:`.
 */
export function dataUrlToBlob(dataUrl: string): Blob {
  const match = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(dataUrl);
  if (!match) throw new Error('Not a data: URL');
  const [, type, base64, payload] = match;
  const text = base64 ? atob(payload) : decodeURIComponent(payload);
  return new Blob([Uint8Array.from(text, (char) => char.charCodeAt(0))], { type });
}

function assertImportedDecoded(doc: PaintDocument, imported: CanvasImageSource | null): void {
  if (doc.importedPainting && !imported) {
    throw new Error('This document has an imported painting: decode it with loadImportedPainting(doc) first');
  }
}

/**
 * Draws the paint layer alone (transparent where nothing is painted): the imported painting, then
 * every paint-layer stroke in order. `imported` is the decoded `doc.importedPainting`.
 */
export function renderPaintLayer(ctx: Context2D, doc: PaintDocument, imported: CanvasImageSource | null = null): void {
  assertImportedDecoded(doc, imported);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  if (doc.importedPainting && imported) ctx.drawImage(imported, 0, 0, doc.width, doc.height);
  for (const stroke of doc.strokes) if (stroke.layer === 'paint') drawStroke(ctx, stroke);
}

/** Draws the mask layer alone: white where mask strokes went, transparent elsewhere. */
export function renderMaskLayer(ctx: Context2D, doc: PaintDocument): void {
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  for (const stroke of doc.strokes) if (stroke.layer === 'mask') drawStroke(ctx, stroke);
}

function assertDocumentSized(ctx: Context2D, doc: PaintDocument): void {
  if (ctx.canvas.width !== doc.width || ctx.canvas.height !== doc.height) {
    throw new RangeError(
      `The canvas is ${ctx.canvas.width}×${ctx.canvas.height} but the document is ${doc.width}×${doc.height}`
    );
  }
}

/**
 * Renders the painting — the keyframe with the paint layer composited over it — onto a context of
 * the document's size. Erasing the paint layer shows the keyframe again, never transparency.
 */
export function renderPainting(
  ctx: Context2D,
  background: PaintBackground,
  doc: PaintDocument,
  imported: CanvasImageSource | null = null
): void {
  assertDocumentSized(ctx, doc);
  renderPaintingAtSize(ctx, background, doc, imported);
}

/** A layer canvas of `ctx`'s size whose drawing is scaled from the document's pixels to it. */
function scaledLayer(ctx: Context2D, doc: PaintDocument): { layer: LayerCanvas; layerContext: Context2D } {
  const { width, height } = ctx.canvas;
  const layer = createLayerCanvas(width, height);
  const layerContext = context2d(layer);
  layerContext.scale(width / doc.width, height / doc.height);
  return { layer, layerContext };
}

/**
 * `renderPainting` onto a context of any size, e.g. the keyframe kept at the size it was captured
 * at: the strokes and the imported painting are scaled from the document's pixels to the canvas,
 * `background` is drawn at the canvas's size.
 */
export function renderPaintingAtSize(ctx: Context2D, background: PaintBackground, doc: PaintDocument, imported: CanvasImageSource | null = null): void {
  assertImportedDecoded(doc, imported);
  const { layer, layerContext } = scaledLayer(ctx, doc);
  renderPaintLayer(layerContext, doc, imported);
  drawBackground(ctx, background);
  ctx.drawImage(layer, 0, 0);
}

/** Whether a mask image marks any pixel for learning (red ≥ 128, the ML core's rule). */
export function maskMarksAnything(mask: ImageData): boolean {
  for (let offset = 0; offset < mask.data.length; offset += 4) if (mask.data[offset] >= 128) return true;
  return false;
}

/**
 * Renders the mask onto a context of the document's size — white where the mask layer was painted,
 * opaque black elsewhere — and returns its pixels; returns null (meaning "learn everywhere") when
 * the mask layer is empty or fully erased.
 */
export function renderMask(ctx: Context2D, doc: PaintDocument): ImageData | null {
  assertDocumentSized(ctx, doc);
  return renderMaskAtSize(ctx, doc);
}

/** `renderMask` onto a context of any size, the mask strokes scaled from the document's pixels to it. */
export function renderMaskAtSize(ctx: Context2D, doc: PaintDocument): ImageData | null {
  if (!hasLayerContent(doc, 'mask')) return null;
  const { layer, layerContext } = scaledLayer(ctx, doc);
  renderMaskLayer(layerContext, doc);
  return composeMask(ctx, layer);
}

/** Paints a mask layer canvas as white-on-black onto `ctx` and returns the pixels, or null if nothing is marked. */
export function composeMask(ctx: Context2D, maskLayer: LayerCanvas): ImageData | null {
  const { width, height } = ctx.canvas;
  ctx.save();
  ctx.globalCompositeOperation = 'source-over';
  ctx.globalAlpha = 1;
  ctx.fillStyle = '#000000';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(maskLayer, 0, 0);
  ctx.restore();
  const mask = ctx.getImageData(0, 0, width, height);
  return maskMarksAnything(mask) ? mask : null;
}
