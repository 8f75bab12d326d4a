import { context2d, createLayerCanvas, type LayerCanvas } from './render';
import { m } from '$lib/paraglide/messages';

/** The part of a source image that "cover" scaling keeps: centred, the target's aspect ratio. */
export function coverCrop(
  source: { width: number; height: number },
  target: { width: number; height: number }
): { x: number; y: number; width: number; height: number } {
  const scale = Math.max(target.width / source.width, target.height / source.height);
  const width = target.width / scale;
  const height = target.height / scale;
  return { x: (source.width - width) / 2, y: (source.height - height) / 2, width, height };
}

/**
 * Decodes an image file painted elsewhere and scales it to cover a `width × height` keyframe
 * (centred, cropping what overflows, never letterboxing: every painted pixel must line up with a
 * keyframe pixel). Returns a PNG data URL for `importPainting`. Rejects with a readable message
 * when the file is not an image the browser can decode.
 */
export async function scaleImageFileToDataUrl(file: Blob, width: number, height: number): Promise<string> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(m.image_unreadable());
  }
  try {
    const canvas = createLayerCanvas(width, height);
    const ctx = context2d(canvas);
    const crop = coverCrop(bitmap, { width, height });
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, crop.x, crop.y, crop.width, crop.height, 0, 0, width, height);
    const blob = await encodePng(canvas);
    return await blobToDataUrl(blob);
  } finally {
    bitmap.close();
  }
}

function encodePng(canvas: LayerCanvas): Promise<Blob> {
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type: 'image/png' });
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(m.png_encoding_failed()))), 'image/png')
  );
}

function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error(m.image_read_failed()));
    reader.readAsDataURL(blob);
  });
}
