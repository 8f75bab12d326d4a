import { hasLayerContent, type PaintDocument, type Stroke } from './document';
import {
  composeMask,
  context2d,
  createLayerCanvas,
  drawBackground,
  drawStroke,
  loadImportedPainting,
  renderPaintLayer,
  type Context2D,
  type LayerCanvas,
  type PaintBackground
} from './render';

/** A snapshot of both layers is kept every this many strokes, so undo replays at most this many. */
export const CHECKPOINT_EVERY = 25;

/** How many layer snapshots are kept (the most recent ones). */
const MAX_CHECKPOINTS = 6;

/** Both layers as they were after the first `strokes.length` strokes of some document. */
interface Checkpoint {
  strokes: Stroke[];
  importedDataUrl: string | null;
  paint: LayerCanvas;
  mask: LayerCanvas;
}

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
 * Keeps a document rendered into layer canvases, so that a new stroke costs one stroke to draw and
 * an undo replays at most `CHECKPOINT_EVERY` strokes from a snapshot (clear, import and loading
 * re-render everything), and composes them for the screen, with the stroke being drawn previewed
 * live, and for the network at full resolution.
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
  private checkpoints: Checkpoint[] = [];
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
    const importedDataUrl = doc.importedPainting?.dataUrl ?? null;
    const previous = this.rendered;
    let drawnStrokes: number;
    if (previous && this.isPrefixOf(previous.strokes, previous.importedPainting?.dataUrl ?? null, doc)) {
      drawnStrokes = previous.strokes.length;
    } else {
      const checkpoint = this.checkpoints.findLast((each) => this.isPrefixOf(each.strokes, each.importedDataUrl, doc));
      if (checkpoint) {
        copyInto(this.paintLayer.ctx, checkpoint.paint);
        copyInto(this.maskLayer.ctx, checkpoint.mask);
        drawnStrokes = checkpoint.strokes.length;
      } else {
        const imported = doc.importedPainting ? (this.imported?.image ?? null) : null;
        renderPaintLayer(this.paintLayer.ctx, { ...doc, strokes: [] }, imported);
        this.maskLayer.ctx.clearRect(0, 0, this.width, this.height);
        drawnStrokes = 0;
      }
    }
    for (let index = drawnStrokes; index < doc.strokes.length; index++) {
      this.drawCommitted(doc.strokes[index]);
      if ((index + 1) % CHECKPOINT_EVERY === 0) this.saveCheckpoint(doc.strokes.slice(0, index + 1), importedDataUrl);
    }
    this.rendered = doc;
  }

  /** Whether `doc` starts with exactly these strokes (same objects) on the same imported painting. */
  private isPrefixOf(strokes: Stroke[], importedDataUrl: string | null, doc: PaintDocument): boolean {
    return (
      (doc.importedPainting?.dataUrl ?? null) === importedDataUrl &&
      strokes.length <= doc.strokes.length &&
      strokes.every((stroke, index) => doc.strokes[index] === stroke)
    );
  }

  private saveCheckpoint(strokes: Stroke[], importedDataUrl: string | null): void {
    if (this.checkpoints.some((each) => each.strokes.length === strokes.length && this.samePrefix(each, strokes, importedDataUrl))) {
      return;
    }
    const reused = this.checkpoints.length >= MAX_CHECKPOINTS ? this.checkpoints.shift() : undefined;
    const paint = reused?.paint ?? createLayerCanvas(this.width, this.height);
    const mask = reused?.mask ?? createLayerCanvas(this.width, this.height);
    copyInto(context2d(paint), this.paintLayer.canvas);
    copyInto(context2d(mask), this.maskLayer.canvas);
    this.checkpoints.push({ strokes, importedDataUrl, paint, mask });
  }

  private samePrefix(checkpoint: Checkpoint, strokes: Stroke[], importedDataUrl: string | null): boolean {
    return (
      checkpoint.importedDataUrl === importedDataUrl &&
      checkpoint.strokes.every((stroke, index) => strokes[index] === stroke)
    );
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
    const hasMask = (this.rendered !== null && hasLayerContent(this.rendered, 'mask')) || live?.layer === 'mask';
    if (!hasMask) return null;
    return composeMask(this.output.ctx, this.layerWith('mask', live));
  }

  /** Frees the decoded imported painting and the layer snapshots. */
  dispose(): void {
    this.imported?.image.close();
    this.imported = null;
    this.checkpoints = [];
  }
}

/** Replaces everything on `ctx` with the pixels of `source` (same size). */
function copyInto(ctx: Context2D, source: LayerCanvas): void {
  ctx.save();
  ctx.globalCompositeOperation = 'copy';
  ctx.globalAlpha = 1;
  ctx.drawImage(source, 0, 0);
  ctx.restore();
}
