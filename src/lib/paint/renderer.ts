import type { PaintDocument, Stroke } from './document';
import {
  composeMask,
  context2d,
  createLayerCanvas,
  drawBackground,
  drawStroke,
  loadImportedPainting,
  renderMaskLayer,
  renderPaintLayer,
  type Context2D,
  type LayerCanvas,
  type PaintBackground
} from './render';

/** The tint the mask layer is shown in while it is being edited. */
const MASK_TINT = 'rgba(64, 200, 255, 0.5)';

/** One canvas and its context. */
interface Surface {
  canvas: LayerCanvas;
  ctx: Context2D;
}

function surface(width: number, height: number, readBack = false): Surface {
  const canvas = createLayerCanvas(width, height);
  return { canvas, ctx: context2d(canvas, readBack ? { willReadFrequently: true } : undefined) };
}

/**
 * Keeps a document rendered into layer canvases, so that a new stroke costs one stroke to draw
 * (undo, clear, import and loading re-render everything), and composes them for the screen, with
 * the stroke being drawn previewed live, and for the network at full resolution.
 */
export class PaintRenderer {
  readonly width: number;
  readonly height: number;
  private background: Surface;
  private paintLayer: Surface;
  private maskLayer: Surface;
  private scratch: Surface;
  private output: Surface;
  private rendered: PaintDocument | null = null;
  private imported: { dataUrl: string; image: ImageBitmap } | null = null;

  /** Layer canvases for documents of `width × height` pixels. */
  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.background = surface(width, height);
    this.paintLayer = surface(width, height);
    this.maskLayer = surface(width, height);
    this.scratch = surface(width, height);
    this.output = surface(width, height, true);
  }

  /** Draws the keyframe the painting sits on (null: nothing, transparent). */
  setBackground(background: PaintBackground): void {
    drawBackground(this.background.ctx, background);
  }

  /**
   * Brings the layers up to date with `doc`: only the new strokes when `doc` extends the document
   * rendered last, everything otherwise (decoding an imported painting when it changed).
   */
  async setDocument(doc: PaintDocument): Promise<void> {
    if (doc.width !== this.width || doc.height !== this.height) {
      throw new RangeError(`This renderer is ${this.width}×${this.height}; the document is ${doc.width}×${doc.height}`);
    }
    const dataUrl = doc.importedPainting?.dataUrl ?? null;
    if (dataUrl && this.imported?.dataUrl !== dataUrl) {
      const image = await loadImportedPainting(doc);
      this.imported?.image.close();
      this.imported = image ? { dataUrl, image } : null;
    }
    this.sync(doc);
  }

  private sync(doc: PaintDocument): void {
    const previous = this.rendered;
    const extendsPrevious =
      previous !== null &&
      (previous.importedPainting?.dataUrl ?? null) === (doc.importedPainting?.dataUrl ?? null) &&
      previous.strokes.length <= doc.strokes.length &&
      previous.strokes.every((stroke, index) => doc.strokes[index] === stroke);
    if (extendsPrevious) {
      for (const stroke of doc.strokes.slice(previous.strokes.length)) this.drawCommitted(stroke);
    } else {
      const imported = doc.importedPainting ? (this.imported?.image ?? null) : null;
      renderPaintLayer(this.paintLayer.ctx, doc, imported);
      renderMaskLayer(this.maskLayer.ctx, doc);
    }
    this.rendered = doc;
  }

  private drawCommitted(stroke: Stroke): void {
    drawStroke(stroke.layer === 'mask' ? this.maskLayer.ctx : this.paintLayer.ctx, stroke);
  }

  /** The layer canvas with `live` (a stroke still being drawn) applied on a scratch copy when it is on that layer. */
  private layerWith(layer: 'paint' | 'mask', live: Stroke | null): LayerCanvas {
    const committed = layer === 'mask' ? this.maskLayer : this.paintLayer;
    if (!live || live.layer !== layer) return committed.canvas;
    const { ctx, canvas } = this.scratch;
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.drawImage(committed.canvas, 0, 0);
    drawStroke(ctx, live, false);
    return canvas;
  }

  /** Draws the painting (plus `live`) onto `ctx`, and the mask tinted over it when `showMask`. */
  compose(ctx: Context2D, live: Stroke | null, showMask: boolean): void {
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.drawImage(this.background.canvas, 0, 0);
    ctx.drawImage(this.layerWith('paint', live), 0, 0);
    if (!showMask) return;
    const mask = this.layerWith('mask', live);
    if (mask !== this.scratch.canvas) {
      this.scratch.ctx.clearRect(0, 0, this.width, this.height);
      this.scratch.ctx.drawImage(mask, 0, 0);
    }
    const tint = this.scratch.ctx;
    tint.save();
    tint.globalCompositeOperation = 'source-in';
    tint.fillStyle = MASK_TINT;
    tint.fillRect(0, 0, this.width, this.height);
    tint.restore();
    ctx.drawImage(this.scratch.canvas, 0, 0);
  }

  /** The full-resolution painting (keyframe + paint layer, plus `live`): what the network learns. */
  painting(live: Stroke | null = null): ImageData {
    this.compose(this.output.ctx, live, false);
    return this.output.ctx.getImageData(0, 0, this.width, this.height);
  }

  /** The full-resolution mask (plus `live`), or null when nothing is marked ("learn everywhere"). */
  mask(live: Stroke | null = null): ImageData | null {
    const hasMask = this.rendered?.strokes.some((stroke) => stroke.layer === 'mask') || live?.layer === 'mask';
    if (!hasMask) return null;
    return composeMask(this.output.ctx, this.layerWith('mask', live));
  }

  /** Frees the decoded imported painting. */
  dispose(): void {
    this.imported?.image.close();
    this.imported = null;
  }
}
