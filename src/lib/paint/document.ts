import * as v from 'valibot';

/** The two layers of a painting: what the network learns to produce, and where it learns from. */
export type PaintLayer = 'paint' | 'mask';

/** What a stroke does: lay colour down, or take the layer away (revealing the keyframe). */
export type StrokeTool = 'brush' | 'eraser';

/** The device that drew a stroke; only a pen reports real pressure. */
export type StrokePointerType = 'pen' | 'touch' | 'mouse';

/** One sampled point of a stroke in image pixels, with pen pressure in [0, 1] (0.5 when unknown). */
export type StrokePoint = [x: number, y: number, pressure: number];

/** One finished stroke, in image-space coordinates. */
export interface Stroke {
  layer: PaintLayer;
  tool: StrokeTool;
  /** `#rrggbb`; ignored on the mask layer, which is always white. */
  color: string;
  /** Brush diameter in image pixels at medium pressure. */
  size: number;
  /** 0–1; ignored on the mask layer. */
  opacity: number;
  points: StrokePoint[];
  pointerType: StrokePointerType;
}

/** An image painted elsewhere, already scaled to the document's size, under the paint strokes. */
export interface ImportedPainting {
  /** A `data:image/...` URL of the document's shape: at its `width × height`, or larger (the keyframe's capture size, kept for full-size photos). */
  dataUrl: string;
}

/** The editable painting of one keyframe: plain JSON, rendered deterministically by render.ts. */
export interface PaintDocument {
  version: 1;
  width: number;
  height: number;
  strokes: Stroke[];
  importedPainting?: ImportedPainting | null;
}

/** The largest keyframe side a document accepts, in pixels. */
export const MAX_DOCUMENT_SIDE = 8192;

const finiteNumber = v.pipe(v.number(), v.finite());

const strokePointSchema = v.tuple([
  finiteNumber,
  finiteNumber,
  v.pipe(v.number(), v.minValue(0), v.maxValue(1))
]);

const strokeSchema = v.object({
  layer: v.picklist(['paint', 'mask']),
  tool: v.picklist(['brush', 'eraser']),
  color: v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour like #ff8800')),
  size: v.pipe(finiteNumber, v.gtValue(0), v.maxValue(MAX_DOCUMENT_SIDE)),
  opacity: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  points: v.pipe(v.array(strokePointSchema), v.minLength(1, 'a stroke needs at least one point')),
  pointerType: v.picklist(['pen', 'touch', 'mouse'])
});

const sideSchema = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_DOCUMENT_SIDE));

const paintDocumentSchema = v.object({
  version: v.literal(1),
  width: sideSchema,
  height: sideSchema,
  strokes: v.array(strokeSchema),
  importedPainting: v.optional(
    v.nullable(
      v.object({
        dataUrl: v.pipe(v.string(), v.startsWith('data:image/', 'expected a data:image/… URL'))
      })
    )
  )
});

/** Thrown by `parsePaintDocument` with every problem found, each prefixed by where it is. */
export class PaintDocumentError extends Error {
  override name = 'PaintDocumentError';
}

/**
 * Validates untrusted data (a JSON string or an already parsed value) as a `PaintDocument`.
 * Throws `PaintDocumentError` naming each bad field, e.g. `strokes.2.color: expected a colour like #ff8800`.
 */
export function parsePaintDocument(json: unknown): PaintDocument {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new PaintDocumentError(`Not a paint document: the text is not JSON (${(error as Error).message})`);
    }
  }
  const result = v.safeParse(paintDocumentSchema, value);
  if (!result.success) {
    const problems = result.issues.slice(0, 5).map((issue) => {
      const where = v.getDotPath(issue) ?? 'document';
      return `${where}: ${issue.message}`;
    });
    const more = result.issues.length > 5 ? ` (and ${result.issues.length - 5} more)` : '';
    throw new PaintDocumentError(`Not a valid paint document: ${problems.join('; ')}${more}`);
  }
  return result.output as PaintDocument;
}

/** An empty document for a keyframe of `width × height` pixels. */
export function createDocument(width: number, height: number): PaintDocument {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`A paint document needs a positive integer size, got ${width}×${height}`);
  }
  return { version: 1, width, height, strokes: [], importedPainting: null };
}

/** The document with `stroke` drawn last (the input is left unchanged). */
export function addStroke(doc: PaintDocument, stroke: Stroke): PaintDocument {
  return { ...doc, strokes: [...doc.strokes, stroke] };
}

/** The document with a layer wiped: clearing `paint` also drops the imported painting. */
export function clearLayer(doc: PaintDocument, layer: PaintLayer): PaintDocument {
  return {
    ...doc,
    strokes: doc.strokes.filter((stroke) => stroke.layer !== layer),
    importedPainting: layer === 'paint' ? null : (doc.importedPainting ?? null)
  };
}

/**
 * The document with `dataUrl` (already scaled to the document's size) as the new base of the paint
 * layer: earlier paint strokes are replaced by it, mask strokes are kept.
 */
export function importPainting(doc: PaintDocument, dataUrl: string): PaintDocument {
  return { ...clearLayer(doc, 'paint'), importedPainting: { dataUrl } };
}

/** Whether the layer has anything on it (for the mask: whether "learn only here" is in force). */
export function hasLayerContent(doc: PaintDocument, layer: PaintLayer): boolean {
  if (layer === 'paint' && doc.importedPainting) return true;
  return doc.strokes.some((stroke) => stroke.layer === layer);
}

/** Whether two strokes are the same object or draw exactly the same thing. */
export function strokesEqual(a: Stroke, b: Stroke): boolean {
  if (a === b) return true;
  if (
    a.layer !== b.layer ||
    a.tool !== b.tool ||
    a.color !== b.color ||
    a.size !== b.size ||
    a.opacity !== b.opacity ||
    a.pointerType !== b.pointerType ||
    a.points.length !== b.points.length
  ) {
    return false;
  }
  for (let index = 0; index < a.points.length; index++) {
    const [ax, ay, ap] = a.points[index];
    const [bx, by, bp] = b.points[index];
    if (ax !== bx || ay !== by || ap !== bp) return false;
  }
  return true;
}

/** Whether two documents render the same painting (cheap when they share stroke objects). */
export function documentsEqual(a: PaintDocument, b: PaintDocument): boolean {
  if (a === b) return true;
  return (
    a.width === b.width &&
    a.height === b.height &&
    (a.importedPainting?.dataUrl ?? null) === (b.importedPainting?.dataUrl ?? null) &&
    a.strokes.length === b.strokes.length &&
    a.strokes.every((stroke, index) => strokesEqual(stroke, b.strokes[index]))
  );
}
