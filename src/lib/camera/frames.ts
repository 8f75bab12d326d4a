// Grabbing frames from the camera (or a photo) at a working size, mirrored like the selfie view.

/** Something frames can be drawn from: the camera's video element or a still photo. */
export type FrameSource = HTMLVideoElement | ImageBitmap;

/** The natural size of a source (0×0 while a video has no frame yet). */
export function sourceSize(source: FrameSource): { width: number; height: number } {
  return source instanceof HTMLVideoElement
    ? { width: source.videoWidth, height: source.videoHeight }
    : { width: source.width, height: source.height };
}

/** The size with the same aspect ratio whose long side is at most `maxSide` (never upscaled). */
export function fitLongSide(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** A rectangle of a source, in its pixels. */
export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The largest centred rectangle of a `width × height` source whose width / height is `aspect`. */
export function centreCrop(width: number, height: number, aspect: number): CropRect {
  const cropWidth = Math.min(width, Math.round(height * aspect));
  const cropHeight = Math.min(height, Math.round(width / aspect));
  return { x: Math.round((width - cropWidth) / 2), y: Math.round((height - cropHeight) / 2), width: cropWidth, height: cropHeight };
}

/** Draws `source` (or its `crop`) onto `context` scaled to fill it, mirrored horizontally when asked. */
export function drawFrame(
  context: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D,
  source: CanvasImageSource,
  mirrored: boolean,
  crop: CropRect | null = null
): void {
  const { width, height } = context.canvas;
  context.save();
  if (mirrored) {
    context.translate(width, 0);
    context.scale(-1, 1);
  }
  if (crop) context.drawImage(source, crop.x, crop.y, crop.width, crop.height, 0, 0, width, height);
  else context.drawImage(source, 0, 0, width, height);
  context.restore();
}

/** Reuses one offscreen canvas to grab frames at a working size. */
export class FrameGrabber {
  private context: OffscreenCanvasRenderingContext2D | null = null;

  private canvasFor(width: number, height: number): OffscreenCanvasRenderingContext2D {
    if (!this.context || this.context.canvas.width !== width || this.context.canvas.height !== height) {
      this.context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
      if (!this.context) throw new Error('This browser has no 2D canvas');
    }
    return this.context;
  }

  /** The current frame as an ImageBitmap (for transfer to the worker), or null when there is none yet. */
  bitmap(source: FrameSource, maxSide: number, mirrored: boolean): ImageBitmap | null {
    const natural = sourceSize(source);
    if (natural.width === 0 || natural.height === 0) return null;
    const size = fitLongSide(natural.width, natural.height, maxSide);
    const context = this.canvasFor(size.width, size.height);
    drawFrame(context, source, mirrored);
    return context.canvas.transferToImageBitmap();
  }

  /**
   * The current frame as ImageData (for keyframes), or null when there is none yet; with `aspect`
   * (width / height), its largest centred crop of that shape.
   */
  imageData(source: FrameSource, maxSide: number, mirrored: boolean, aspect: number | null = null): ImageData | null {
    const natural = sourceSize(source);
    if (natural.width === 0 || natural.height === 0) return null;
    const crop = aspect ? centreCrop(natural.width, natural.height, aspect) : null;
    const size = fitLongSide(crop?.width ?? natural.width, crop?.height ?? natural.height, maxSide);
    const context = this.canvasFor(size.width, size.height);
    drawFrame(context, source, mirrored, crop);
    return context.getImageData(0, 0, size.width, size.height);
  }
}
