import type { RgbaImage } from '$lib/ml/types';
import type { PaintLayer } from './document';

/** The tools a person can hold: two that draw strokes and one that picks a colour. */
export type PaintTool = 'brush' | 'eraser' | 'eyedropper';

/** The current tool settings, shared by the toolbar (which edits them) and the canvas (which uses them). */
export interface ToolState {
  tool: PaintTool;
  /** Which layer strokes go on: the painting, or the "learn only here" mask. */
  layer: PaintLayer;
  /** `#rrggbb`. */
  color: string;
  /** Brush diameter in screen (CSS) pixels, converted to image pixels at the zoom a stroke starts at. */
  size: number;
  /** 0–1. */
  opacity: number;
}

/** The smallest and largest brush diameters offered, in screen pixels. */
export const BRUSH_SIZE_RANGE = { min: 1, max: 120 } as const;

/** Below this width (CSS px) the paint toolbar folds its second row behind "Brush settings". */
export const TOOLBAR_COMPACT_WIDTH = 560;

/** The paint toolbar's height (CSS px) at a given width: one row when compact, two otherwise. */
export function toolbarHeight(width: number): number {
  return width < TOOLBAR_COMPACT_WIDTH ? 60 : 112;
}

/** A medium opaque brush painting on the paint layer. */
export const DEFAULT_TOOL: ToolState = {
  tool: 'brush',
  layer: 'paint',
  color: '#e0457b',
  size: 16,
  opacity: 1
};

/** `#rrggbb` of the pixel at image coordinates (x, y) (clamped to the image), ignoring alpha. */
export function colorAt(image: RgbaImage, x: number, y: number): string {
  const column = Math.min(image.width - 1, Math.max(0, Math.floor(x)));
  const row = Math.min(image.height - 1, Math.max(0, Math.floor(y)));
  const offset = (row * image.width + column) * 4;
  const hex = (value: number) => value.toString(16).padStart(2, '0');
  return `#${hex(image.data[offset])}${hex(image.data[offset + 1])}${hex(image.data[offset + 2])}`;
}
