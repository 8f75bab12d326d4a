import { describe, expect, it } from 'vitest';
import {
  addStroke,
  clearLayer,
  createDocument,
  documentsEqual,
  hasLayerContent,
  importPainting,
  parsePaintDocument,
  PaintDocumentError,
  type Stroke
} from '../../src/lib/paint/document';

const stroke = (overrides: Partial<Stroke> = {}): Stroke => ({
  layer: 'paint',
  tool: 'brush',
  color: '#ff8800',
  size: 12,
  opacity: 1,
  points: [
    [10, 10, 0.5],
    [20, 15, 0.5]
  ],
  pointerType: 'touch',
  ...overrides
});

describe('paint document', () => {
  it('survives a JSON round trip unchanged (what the session store does)', () => {
    let doc = createDocument(64, 48);
    doc = addStroke(doc, stroke());
    doc = addStroke(doc, stroke({ layer: 'mask', tool: 'eraser', pointerType: 'pen' }));
    doc = importPainting(doc, 'data:image/png;base64,AAAA');
    expect(parsePaintDocument(JSON.stringify(doc))).toEqual(doc);
    expect(parsePaintDocument(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
  });

  it('rejects text that is not JSON', () => {
    expect(() => parsePaintDocument('{"version": 1,')).toThrow(/not JSON/);
  });

  it.each([
    ['null', null, /document: Invalid type/],
    ['a wrong version', { version: 2, width: 4, height: 4, strokes: [] }, /version/],
    ['a fractional width', { version: 1, width: 4.5, height: 4, strokes: [] }, /width/],
    ['a missing stroke list', { version: 1, width: 4, height: 4 }, /strokes/]
  ])('rejects %s with a message naming the field', (_, value, field) => {
    expect(() => parsePaintDocument(value)).toThrow(PaintDocumentError);
    expect(() => parsePaintDocument(value)).toThrow(field);
  });

  it('names the exact bad stroke field', () => {
    const bad = { ...addStroke(createDocument(8, 8), stroke()), strokes: [stroke(), stroke({ color: 'red' })] };
    expect(() => parsePaintDocument(bad)).toThrow('strokes.1.color: expected a colour like #ff8800');
    const noPoints = { ...createDocument(8, 8), strokes: [stroke({ points: [] })] };
    expect(() => parsePaintDocument(noPoints)).toThrow(/strokes\.0\.points: a stroke needs at least one point/);
    const nanPoint = { ...createDocument(8, 8), strokes: [stroke({ points: [[1, Number.NaN, 0.5]] })] };
    expect(() => parsePaintDocument(nanPoint)).toThrow(/strokes\.0\.points\.0\.1/);
    const badLayer = { ...createDocument(8, 8), strokes: [{ ...stroke(), layer: 'sky' }] };
    expect(() => parsePaintDocument(badLayer)).toThrow(/strokes\.0\.layer/);
  });

  it('refuses an imported painting that is not an image data URL', () => {
    const doc = { ...createDocument(8, 8), importedPainting: { dataUrl: 'https://example.com/a.png' } };
    expect(() => parsePaintDocument(doc)).toThrow(/importedPainting\.dataUrl/);
  });

  it('edits without touching the original document', () => {
    const empty = createDocument(8, 8);
    const painted = addStroke(empty, stroke());
    expect(empty.strokes).toHaveLength(0);
    expect(painted.strokes).toHaveLength(1);
  });

  it('clears one layer and keeps the other', () => {
    let doc = addStroke(createDocument(8, 8), stroke());
    doc = addStroke(doc, stroke({ layer: 'mask' }));
    doc = importPainting(doc, 'data:image/png;base64,AAAA');
    expect(doc.strokes.map((each) => each.layer)).toEqual(['mask']);
    doc = addStroke(doc, stroke());
    const withoutMask = clearLayer(doc, 'mask');
    expect(hasLayerContent(withoutMask, 'mask')).toBe(false);
    expect(withoutMask.importedPainting).not.toBeNull();
    const withoutPaint = clearLayer(doc, 'paint');
    expect(hasLayerContent(withoutPaint, 'paint')).toBe(false);
    expect(withoutPaint.strokes.map((each) => each.layer)).toEqual(['mask']);
  });

  it('refuses to create a document with no pixels', () => {
    expect(() => createDocument(0, 10)).toThrow(RangeError);
  });

  it('tells documents that draw the same thing from ones that differ by a single point', () => {
    const doc = addStroke(createDocument(8, 8), stroke());
    const copy = JSON.parse(JSON.stringify(doc));
    expect(documentsEqual(doc, copy)).toBe(true);
    copy.strokes[0].points[1][1] += 0.01;
    expect(documentsEqual(doc, copy)).toBe(false);
    expect(documentsEqual(doc, addStroke(doc, stroke()))).toBe(false);
    expect(documentsEqual(doc, importPainting(doc, 'data:image/png;base64,AAAA'))).toBe(false);
  });
});
