import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { page } from 'vitest/browser';
import PaintCanvas from '../../src/lib/components/paint/PaintCanvas.svelte';
import PaintEditor from '../../src/lib/components/paint/PaintEditor.svelte';
import PaintToolbar from '../../src/lib/components/paint/PaintToolbar.svelte';
import { addStroke, createDocument, importPainting, type PaintDocument, type Stroke } from '../../src/lib/paint/document';
import { scaleImageFileToDataUrl } from '../../src/lib/paint/import';
import { loadImportedPainting, renderMask, renderMaskAtSize, renderPainting, renderPaintingAtSize } from '../../src/lib/paint/render';
import { PaintRenderer } from '../../src/lib/paint/renderer';
import { DEFAULT_TOOL } from '../../src/lib/paint/tools';

const WIDTH = 64;
const HEIGHT = 48;
const KEYFRAME_RGB = [90, 120, 150] as const;

/** A keyframe with a horizontal gradient, so that a wrong pixel shows as a wrong value. */
function keyframe(): ImageData {
  const image = new ImageData(WIDTH, HEIGHT);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const offset = (y * WIDTH + x) * 4;
      image.data.set([KEYFRAME_RGB[0] + x, KEYFRAME_RGB[1], KEYFRAME_RGB[2] + y, 255], offset);
    }
  }
  return image;
}

function pixel(image: ImageData, x: number, y: number): number[] {
  const offset = (y * image.width + x) * 4;
  return Array.from(image.data.subarray(offset, offset + 4));
}

function horizontal(overrides: Partial<Stroke>, y = 24, from = 12, to = 52): Stroke {
  const points: Stroke['points'] = [];
  for (let x = from; x <= to; x += 2) points.push([x, y, 0.5]);
  return { layer: 'paint', tool: 'brush', color: '#ff0000', size: 10, opacity: 1, points, pointerType: 'mouse', ...overrides };
}

function paintingOf(doc: PaintDocument, imported: ImageBitmap | null = null): ImageData {
  const ctx = new OffscreenCanvas(doc.width, doc.height).getContext('2d')!;
  renderPainting(ctx, keyframe(), doc, imported);
  return ctx.getImageData(0, 0, doc.width, doc.height);
}

function maskOf(doc: PaintDocument): ImageData | null {
  return renderMask(new OffscreenCanvas(doc.width, doc.height).getContext('2d')!, doc);
}

describe('rendering a paint document', () => {
  it('puts the brush colour where the stroke went and the keyframe everywhere else', () => {
    const painting = paintingOf(addStroke(createDocument(WIDTH, HEIGHT), horizontal({})));
    expect(pixel(painting, 32, 24)).toEqual([255, 0, 0, 255]);
    expect(pixel(painting, 32, 5)).toEqual(pixel(keyframe(), 32, 5));
    expect(pixel(painting, 2, 24)).toEqual(pixel(keyframe(), 2, 24));
  });

  it('blends a half-opaque stroke with the keyframe', () => {
    const painting = paintingOf(addStroke(createDocument(WIDTH, HEIGHT), horizontal({ opacity: 0.5 })));
    const [red, green] = pixel(painting, 32, 24);
    expect(red).toBeGreaterThan(150);
    expect(red).toBeLessThan(250);
    expect(green).toBeGreaterThan(45);
    expect(green).toBeLessThan(75);
  });

  it('restores the keyframe under the eraser, not transparency', () => {
    let doc = createDocument(WIDTH, HEIGHT);
    doc = addStroke(doc, horizontal({ size: 30 }));
    doc = addStroke(doc, { ...horizontal({ tool: 'eraser', size: 8 }, 24, 30, 40) });
    const painting = paintingOf(doc);
    expect(pixel(painting, 35, 24)).toEqual(pixel(keyframe(), 35, 24));
    expect(pixel(painting, 15, 24)).toEqual([255, 0, 0, 255]);
  });

  it('renders the mask white only under mask strokes, and null when there are none', () => {
    let doc = addStroke(createDocument(WIDTH, HEIGHT), horizontal({}));
    expect(maskOf(doc)).toBeNull();
    doc = addStroke(doc, horizontal({ layer: 'mask', color: '#123456', opacity: 0.2 }, 10));
    const mask = maskOf(doc)!;
    expect(pixel(mask, 32, 10)).toEqual([255, 255, 255, 255]);
    expect(pixel(mask, 32, 40)).toEqual([0, 0, 0, 255]);
    expect(pixel(mask, 32, 24)).toEqual([0, 0, 0, 255]);
    // Mask strokes never show in the painting.
    expect(pixel(paintingOf(doc), 32, 10)).toEqual(pixel(keyframe(), 32, 10));
    // A mask erased away is no mask: learn everywhere.
    const erased = addStroke(doc, horizontal({ layer: 'mask', tool: 'eraser', size: 40 }, 10, 0, 64));
    expect(maskOf(erased)).toBeNull();
  });

  it('renders the same document to identical pixels, whether all at once or stroke by stroke', async () => {
    let doc = createDocument(WIDTH, HEIGHT);
    const strokes = [
      horizontal({ size: 14, color: '#33aa55', opacity: 0.7 }, 12),
      horizontal({ size: 6, pointerType: 'pen' }, 20),
      horizontal({ tool: 'eraser', size: 5 }, 16, 20, 30),
      horizontal({ layer: 'mask' }, 30)
    ];
    const renderer = new PaintRenderer(WIDTH, HEIGHT);
    renderer.setBackground(keyframe());
    for (const stroke of strokes) {
      doc = addStroke(doc, stroke);
      await renderer.setDocument(doc);
    }
    const once = paintingOf(doc);
    expect(Array.from(paintingOf(doc).data)).toEqual(Array.from(once.data));
    expect(Array.from(renderer.painting().data)).toEqual(Array.from(once.data));
    expect(Array.from(renderer.mask()!.data)).toEqual(Array.from(maskOf(doc)!.data));
    renderer.dispose();
  });

  it('renders undo and redo (replayed from layer snapshots) to exactly the pixels of a full render', async () => {
    const strokes = Array.from({ length: 60 }, (_, index) =>
      horizontal(
        {
          color: `#${(index * 40503).toString(16).padStart(6, '0').slice(-6)}`,
          tool: index % 9 === 8 ? 'eraser' : 'brush',
          layer: index % 11 === 10 ? 'mask' : 'paint',
          opacity: 0.5 + (index % 5) / 10,
          size: 3 + (index % 7)
        },
        4 + (index % 40),
        index % 20,
        30 + (index % 34)
      )
    );
    const docs = [createDocument(WIDTH, HEIGHT)];
    for (const stroke of strokes) docs.push(addStroke(docs.at(-1)!, stroke));
    const renderer = new PaintRenderer(WIDTH, HEIGHT);
    renderer.setBackground(keyframe());
    for (const doc of docs) await renderer.setDocument(doc);
    const branch = addStroke(docs[40], horizontal({ color: '#00ffff', size: 12 }, 20));
    for (const doc of [docs[40], docs[60], docs[3], docs[52], branch]) {
      await renderer.setDocument(doc);
      expect(Array.from(renderer.painting().data)).toEqual(Array.from(paintingOf(doc).data));
      expect(renderer.mask()?.data).toEqual(maskOf(doc)?.data);
    }
    renderer.dispose();
  });

  it('imports a painting scaled to cover the keyframe, under later strokes, erasable to the keyframe', async () => {
    // 200×100: red side bands around a blue centre; covering a 64×48 keyframe keeps the centre.
    const source = new OffscreenCanvas(200, 100);
    const sourceCtx = source.getContext('2d')!;
    sourceCtx.fillStyle = '#ff0000';
    sourceCtx.fillRect(0, 0, 200, 100);
    sourceCtx.fillStyle = '#0000ff';
    sourceCtx.fillRect(30, 0, 140, 100);
    const dataUrl = await scaleImageFileToDataUrl(await source.convertToBlob(), WIDTH, HEIGHT);
    let doc = importPainting(createDocument(WIDTH, HEIGHT), dataUrl);
    doc = addStroke(doc, horizontal({ tool: 'eraser', size: 6 }, 40));
    const imported = await loadImportedPainting(doc);
    const painting = paintingOf(doc, imported);
    expect(pixel(painting, 1, 1)).toEqual([0, 0, 255, 255]);
    expect(pixel(painting, 62, 10)).toEqual([0, 0, 255, 255]);
    expect(pixel(painting, 32, 40)).toEqual(pixel(keyframe(), 32, 40));
    expect(() => paintingOf(doc, null)).toThrow(/loadImportedPainting/);
  });

  it('draws the painting and the mask at the keyframe capture size: strokes scaled and sharp, an imported painting kept at that size', async () => {
    // A keyframe captured at 4× the document's size, with a fine 1-px checker an imported painting keeps.
    const scale = 4;
    const [width, height] = [WIDTH * scale, HEIGHT * scale];
    const source = new OffscreenCanvas(width, height);
    const sourceCtx = source.getContext('2d')!;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      sourceCtx.fillStyle = (x + y) % 2 ? '#00ff00' : '#0000ff';
      sourceCtx.fillRect(x, y, 1, 1);
    }
    const dataUrl = await scaleImageFileToDataUrl(await source.convertToBlob(), width, height);
    let doc = importPainting(createDocument(WIDTH, HEIGHT), dataUrl);
    doc = addStroke(doc, horizontal({ size: 10 }));
    doc = addStroke(doc, horizontal({ layer: 'mask' }, 10));
    const imported = await loadImportedPainting(doc);
    const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
    renderPaintingAtSize(ctx, null, doc, imported);
    const painting = ctx.getImageData(0, 0, width, height);
    // The stroke (document y 24, 10 px wide) covers the same place scaled; its edge is sharp (one pixel, not four).
    expect(pixel(painting, 32 * scale, 24 * scale)).toEqual([255, 0, 0, 255]);
    expect(pixel(painting, 32 * scale, 24 * scale - 4 * scale + 2)).toEqual([255, 0, 0, 255]);
    const column = Array.from({ length: 12 * scale }, (_, i) => pixel(painting, 32 * scale, 18 * scale + i));
    expect(column.filter(([red]) => red > 0 && red < 255).length).toBeLessThanOrEqual(2);
    // Away from the stroke the imported checker comes through pixel for pixel.
    expect(pixel(painting, 8, 5)).toEqual([0, 255, 0, 255]);
    expect(pixel(painting, 8, 6)).toEqual([0, 0, 255, 255]);
    const mask = renderMaskAtSize(ctx, doc)!;
    expect([mask.width, mask.height]).toEqual([width, height]);
    expect(pixel(mask, 32 * scale, 10 * scale)).toEqual([255, 255, 255, 255]);
    expect(pixel(mask, 32 * scale, 24 * scale)).toEqual([0, 0, 0, 255]);
  });

  it('refuses a file that is not an image with a readable message', async () => {
    await expect(scaleImageFileToDataUrl(new Blob(['hello']), WIDTH, HEIGHT)).rejects.toThrow(/not an image/);
  });
});

let host: HTMLDivElement | null = null;
let component: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (component) unmount(component);
  host?.remove();
  component = null;
  host = null;
});

/** Mounts a component in a fixed 320×`height` px box at the top-left of the page. */
function mountInBox(what: typeof PaintCanvas | typeof PaintEditor | typeof PaintToolbar, props: object, height = 240) {
  host = document.createElement('div');
  host.style.cssText = `width: 320px; height: ${height}px; position: fixed; left: 0; top: 0;`;
  document.body.append(host);
  component = mount(what as typeof PaintCanvas, { target: host, props: props as never });
  flushSync();
  return host;
}

/** Sends a pointer event at image pixel (x, y) of a 64×48 keyframe shown 320 px wide (5×). */
function pointer(canvas: HTMLCanvasElement, type: string, x: number, y: number, pointerType = 'mouse', pointerId = 1): void {
  const box = canvas.getBoundingClientRect();
    canvas.dispatchEvent(
      new PointerEvent(type, {
        bubbles: true,
        cancelable: true,
        pointerId,
        pointerType,
        width: pointerType === 'touch' ? 20 : 1,
        height: pointerType === 'touch' ? 20 : 1,
        isPrimary: true,
        button: type === 'pointermove' ? -1 : 0,
        buttons: type === 'pointerup' ? 0 : 1,
        pressure: type === 'pointerup' ? 0 : 0.5,
        clientX: box.left + x * 5,
        clientY: box.top + y * 5
      })
    );
}

/** Waits until the canvas has been fitted into its box and shown. */
async function shown(canvas: HTMLCanvasElement): Promise<void> {
  await vi.waitFor(() => expect(canvas.style.visibility).toBe('visible'));
}

/** A mouse drag along row y of the image, from x0 to x1. */
function drag(canvas: HTMLCanvasElement, y: number, x0: number, x1: number): void {
  pointer(canvas, 'pointerdown', x0, y);
  for (let x = x0 + 3; x < x1; x += 3) pointer(canvas, 'pointermove', x, y);
  pointer(canvas, 'pointermove', x1, y);
  pointer(canvas, 'pointerup', x1, y);
}

describe('PaintCanvas', () => {
  function mountCanvas(props: Record<string, unknown>) {
    const box = mountInBox(PaintCanvas, {
      background: keyframe(),
      doc: createDocument(WIDTH, HEIGHT),
      tool: { ...DEFAULT_TOOL },
      ...props
    });
    return box.querySelector('canvas[aria-label="Painting"]') as HTMLCanvasElement;
  }

  it('draws a stroke from pointer events and hands out the painting and the new document', async () => {
    const onpaintingchange = vi.fn();
    const onstrokeend = vi.fn();
    const canvas = mountCanvas({ onpaintingchange, onstrokeend, tool: { ...DEFAULT_TOOL, color: '#00ff00', size: 40 } });
    await shown(canvas);
    drag(canvas, 24, 10, 54);

    expect(onstrokeend).toHaveBeenCalledTimes(1);
    const doc = onstrokeend.mock.calls[0][0] as PaintDocument;
    expect(doc.strokes).toHaveLength(1);
    expect(doc.strokes[0]).toMatchObject({ layer: 'paint', tool: 'brush', color: '#00ff00', size: 8 });
    expect(doc.strokes[0].points[0]).toEqual([10, 24, 0.5]);

    await vi.waitFor(() => expect(onpaintingchange).toHaveBeenCalled());
    const [painting, mask] = onpaintingchange.mock.calls.at(-1)! as [ImageData, ImageData | null];
    expect([painting.width, painting.height]).toEqual([WIDTH, HEIGHT]);
    expect(pixel(painting, 32, 24)).toEqual([0, 255, 0, 255]);
    expect(pixel(painting, 32, 4)).toEqual(pixel(keyframe(), 32, 4));
    expect(mask).toBeNull();

    const screen = canvas.getContext('2d')!.getImageData(0, 0, WIDTH, HEIGHT);
    expect(pixel(screen, 32, 24)).toEqual([0, 255, 0, 255]);

    // A second stroke extends the same document, which stays plain data the session store can clone.
    drag(canvas, 40, 10, 30);
    const second = onstrokeend.mock.calls[1][0] as PaintDocument;
    expect(second.strokes).toHaveLength(2);
    expect(second.strokes[0]).toEqual(doc.strokes[0]);
    expect(structuredClone(second)).toEqual(second);
  });

  it('hands out the painting, stroke in progress included, during a long stroke', async () => {
    const onpaintingchange = vi.fn();
    const canvas = mountCanvas({ onpaintingchange, tool: { ...DEFAULT_TOOL, color: '#ffff00', size: 40 } });
    await shown(canvas);
    pointer(canvas, 'pointerdown', 10, 24);
    for (let x = 12; x <= 40; x += 4) {
      pointer(canvas, 'pointermove', x, 24);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await vi.waitFor(() => expect(onpaintingchange).toHaveBeenCalled());
    const [during] = onpaintingchange.mock.calls.at(-1)! as [ImageData];
    expect(pixel(during, 20, 24)).toEqual([255, 255, 0, 255]);
    pointer(canvas, 'pointerup', 40, 24);
  });

  it('zooms with a two-finger pinch without painting', async () => {
    const onstrokeend = vi.fn();
    const canvas = mountCanvas({ onstrokeend });
    await shown(canvas);
    const before = canvas.getBoundingClientRect().width;
    pointer(canvas, 'pointerdown', 28, 24, 'touch', 11);
    pointer(canvas, 'pointerdown', 36, 24, 'touch', 12);
    pointer(canvas, 'pointermove', 40, 24, 'touch', 12);
    pointer(canvas, 'pointermove', 24, 24, 'touch', 11);
    flushSync();
    // The fingers went from 8 to 16 image pixels apart: twice the zoom.
    expect(canvas.getBoundingClientRect().width).toBeCloseTo(before * 2, 0);
    pointer(canvas, 'pointerup', 40, 24, 'touch', 12);
    pointer(canvas, 'pointerup', 24, 24, 'touch', 11);
    expect(onstrokeend).not.toHaveBeenCalled();
  });

  it('picks the colour under the eyedropper from the painting', async () => {
    const oneyedrop = vi.fn();
    const canvas = mountCanvas({ oneyedrop, tool: { ...DEFAULT_TOOL, tool: 'eyedropper' } });
    await shown(canvas);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    pointer(canvas, 'pointerdown', 20, 30);
    pointer(canvas, 'pointerup', 20, 30);
    const [red, green, blue] = pixel(keyframe(), 20, 30);
    const hex = (value: number) => value.toString(16).padStart(2, '0');
    expect(oneyedrop).toHaveBeenLastCalledWith(`#${hex(red)}${hex(green)}${hex(blue)}`);
  });
});

describe('PaintCanvas overlays', () => {
  it('offers "Fit" once zoomed in, shows the brush at its real size while it changes, and says when a mask is on', async () => {
    const box = mountInBox(PaintCanvas, { background: keyframe(), doc: createDocument(WIDTH, HEIGHT), tool: { ...DEFAULT_TOOL } });
    const canvas = box.querySelector('canvas[aria-label="Painting"]') as HTMLCanvasElement;
    await shown(canvas);
    const fit = () => box.querySelector('button[aria-label="Fit painting to screen"]') as HTMLButtonElement | null;
    expect(fit()).toBeNull();
    const viewport = box.querySelector('[role="application"]')!;
    const rect = viewport.getBoundingClientRect();
    viewport.dispatchEvent(new WheelEvent('wheel', { deltaY: -400, clientX: rect.left + 100, clientY: rect.top + 100, bubbles: true, cancelable: true }));
    flushSync();
    expect(canvas.getBoundingClientRect().width).toBeGreaterThan(rect.width);
    fit()!.click();
    flushSync();
    expect(fit()).toBeNull();
    expect(canvas.getBoundingClientRect().width).toBeCloseTo(rect.width, 0);
  });

  it('shows the brush at its real size while it changes, and the mask while painting it and after', async () => {
    const box = mountInBox(PaintEditor, { background: keyframe(), doc: createDocument(WIDTH, HEIGHT) }, 480);
    const canvas = box.querySelector('canvas[aria-label="Painting"]') as HTMLCanvasElement;
    await shown(canvas);
    const button = (name: string) => page.getByRole('button', { name, exact: true }).element() as HTMLButtonElement;
    await vi.waitFor(() => button('Brush settings').click());
    flushSync();
    const size = page.getByRole('slider', { name: 'Brush size' }).element() as HTMLInputElement;
    size.value = '100';
    size.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    // The toolbar's dot stays small; the canvas shows the 100-px brush itself.
    const nominal = box.querySelector('.size-preview .nominal') as HTMLElement;
    expect(nominal.getBoundingClientRect().width).toBeCloseTo(100, 0);
    await vi.waitFor(() => expect(box.querySelector('.size-preview')).toBeNull(), { timeout: 3000 });

    const chip = () => box.querySelector('.mask-chip')?.textContent ?? '';
    expect(chip()).toBe('');
    button('Mask').click();
    flushSync();
    expect(chip()).toContain('paint where the style should learn');
    size.value = '20';
    size.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    drag(canvas, 24, 10, 54);
    flushSync();
    button('Mask').click();
    flushSync();
    expect(button('Brush').getAttribute('aria-pressed')).toBe('true');
    expect(chip()).toContain('Mask on');
    expect(button('Mask').classList.contains('has-mask')).toBe(true);
  });
});

describe('PaintToolbar', () => {
  it('names every control and shows which tool and layer are on', async () => {
    const onundo = vi.fn();
    const onredo = vi.fn();
    mountInBox(PaintToolbar, {
      tool: { ...DEFAULT_TOOL },
      canUndo: true,
      canRedo: false,
      onundo,
      onredo,
      onclear: vi.fn(),
      onimport: vi.fn()
    });
    const button = (name: string) => page.getByRole('button', { name, exact: true }).element() as HTMLButtonElement;
    // A phone-wide toolbar keeps colour, size, opacity, clear and import behind "Brush settings".
    await vi.waitFor(() => expect(button('Brush settings').getAttribute('aria-expanded')).toBe('false'));
    expect(document.querySelector('input[aria-label="Brush size"]')).toBeNull();
    button('Brush settings').click();
    flushSync();
    expect(button('Brush settings').getAttribute('aria-expanded')).toBe('true');
    for (const name of ['Brush', 'Eraser', 'Eyedropper', 'Mask', 'Undo', 'Redo', 'Clear', 'Import painting']) {
      expect(button(name)).toBeTruthy();
    }
    expect(page.getByRole('slider', { name: 'Brush size' }).element()).toBeTruthy();
    expect(page.getByRole('slider', { name: 'Opacity' }).element()).toBeTruthy();
    expect(page.getByLabelText('Colour').element()).toBeTruthy();

    expect(button('Brush').getAttribute('aria-pressed')).toBe('true');
    button('Eraser').click();
    flushSync();
    expect(button('Eraser').getAttribute('aria-pressed')).toBe('true');
    expect(button('Brush').getAttribute('aria-pressed')).toBe('false');
    expect(button('Mask').getAttribute('aria-pressed')).toBe('false');
    button('Mask').click();
    flushSync();
    expect(button('Mask').getAttribute('aria-pressed')).toBe('true');

    const size = page.getByRole('slider', { name: 'Brush size' }).element() as HTMLInputElement;
    size.value = '33';
    size.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    expect(size.value).toBe('33');
    expect((document.querySelector('.dot') as HTMLElement).style.width).toBe('33px');

    button('Undo').click();
    expect(onundo).toHaveBeenCalledTimes(1);
    expect(button('Redo').disabled).toBe(true);
  });
});

describe('PaintEditor', () => {
  it('paints, undoes and redoes, handing out each new painting and document', async () => {
    const onpaintingchange = vi.fn();
    const ondocumentchange = vi.fn();
    const box = mountInBox(
      PaintEditor,
      {
        background: keyframe(),
        doc: createDocument(WIDTH, HEIGHT),
        tool: { ...DEFAULT_TOOL, color: '#0000ff', size: 40 },
        onpaintingchange,
        ondocumentchange
      },
      480
    );
    const canvas = box.querySelector('canvas[aria-label="Painting"]') as HTMLCanvasElement;
    await shown(canvas);
    const lastPainting = () => onpaintingchange.mock.calls.at(-1)![0] as ImageData;
    const lastDocument = () => ondocumentchange.mock.calls.at(-1)![0] as PaintDocument;
    const button = (name: string) => page.getByRole('button', { name, exact: true }).element() as HTMLButtonElement;

    expect(button('Undo').disabled).toBe(true);
    await vi.waitFor(() => button('Brush settings').click());
    flushSync();
    drag(canvas, 24, 10, 54);
    expect(lastDocument().strokes).toHaveLength(1);
    await vi.waitFor(() => expect(pixel(lastPainting(), 32, 24)).toEqual([0, 0, 255, 255]));

    flushSync();
    button('Undo').click();
    flushSync();
    expect(lastDocument().strokes).toHaveLength(0);
    await vi.waitFor(() => expect(pixel(lastPainting(), 32, 24)).toEqual(pixel(keyframe(), 32, 24)));

    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true, shiftKey: true }));
    flushSync();
    expect(lastDocument().strokes).toHaveLength(1);
    await vi.waitFor(() => expect(pixel(lastPainting(), 32, 24)).toEqual([0, 0, 255, 255]));

    button('Clear').click();
    flushSync();
    expect(lastDocument().strokes).toHaveLength(0);
    button('Undo').click();
    flushSync();
    expect(lastDocument().strokes).toHaveLength(1);

    // A colour chosen in the toolbar is the colour of the next stroke.
    const colour = page.getByLabelText('Colour').element() as HTMLInputElement;
    colour.value = '#ff00ff';
    colour.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    drag(canvas, 40, 10, 54);
    expect(lastDocument().strokes.at(-1)!.color).toBe('#ff00ff');
    await vi.waitFor(() => expect(pixel(lastPainting(), 32, 40)).toEqual([255, 0, 255, 255]));
  });
});
