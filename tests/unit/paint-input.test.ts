import { describe, expect, it } from 'vitest';
import {
  clampView,
  fitView,
  imageToScreen,
  PaintGestures,
  PALM_CONTACT_SIZE,
  pinchView,
  screenToImage,
  touchMayPaint,
  createPalmState,
  viewAnchoredAt,
  wheelView,
  ZOOM_RANGE,
  type GestureAction,
  type PointerSample,
  type Point
} from '../../src/lib/paint/input';

const viewport = { width: 400, height: 800 };
const image = { width: 1280, height: 720 };

function sample(overrides: Partial<PointerSample>): PointerSample {
  return { pointerId: 1, pointerType: 'touch', x: 200, y: 400, pressure: 0.5, width: 20, height: 20, time: 0, ...overrides };
}

const types = (actions: GestureAction[]) => actions.map((action) => action.type);

describe('view transform', () => {
  it('fits the whole image centred at zoom 1', () => {
    const view = fitView(viewport, image);
    expect(view.zoom).toBe(1);
    expect(imageToScreen(view, [0, 0])[0]).toBeCloseTo(0);
    expect(imageToScreen(view, [1280, 720])[0]).toBeCloseTo(400);
    const [, top] = imageToScreen(view, [0, 0]);
    const [, bottom] = imageToScreen(view, [0, 720]);
    expect((top + bottom) / 2).toBeCloseTo(400);
  });

  it('maps screen → image → screen back to the same point at any zoom', () => {
    for (const zoom of [1, 2.5, 8]) {
      const view = viewAnchoredAt(viewport, image, zoom, [640, 360], [200, 400]);
      for (const point of [[0, 0], [37.5, 512], [399, 799]] as Point[]) {
        const [x, y] = imageToScreen(view, screenToImage(view, point));
        expect(x).toBeCloseTo(point[0], 9);
        expect(y).toBeCloseTo(point[1], 9);
      }
    }
  });

  it('keeps the image point under the fingers fixed while pinching', () => {
    const start = viewAnchoredAt(viewport, image, 2, [640, 360], [200, 400]);
    const fingers: [Point, Point] = [
      [150, 380],
      [250, 420]
    ];
    const underFingers = screenToImage(start, [200, 400]);
    // Spread the fingers apart and move them together 10 px right and down.
    const spread: [Point, Point] = [
      [110, 370],
      [310, 450]
    ];
    const view = pinchView(viewport, image, start, fingers, spread);
    expect(view.zoom).toBeCloseTo(4, 6);
    const stillUnder = screenToImage(view, [210, 410]);
    expect(stillUnder[0]).toBeCloseTo(underFingers[0], 6);
    expect(stillUnder[1]).toBeCloseTo(underFingers[1], 6);
  });

  it('clamps the zoom to 1–8×', () => {
    const start = fitView(viewport, image);
    const fingers: [Point, Point] = [
      [190, 400],
      [210, 400]
    ];
    const huge = pinchView(viewport, image, start, fingers, [
      [0, 400],
      [400, 400]
    ]);
    expect(huge.zoom).toBe(ZOOM_RANGE.max);
    const tiny = pinchView(viewport, image, huge, [
      [0, 400],
      [400, 400]
    ], fingers);
    expect(tiny.zoom).toBe(ZOOM_RANGE.min);
    expect(wheelView(viewport, image, start, [200, 400], 10_000).zoom).toBe(ZOOM_RANGE.min);
    expect(wheelView(viewport, image, start, [200, 400], -10_000).zoom).toBe(ZOOM_RANGE.max);
  });

  it('never pans the zoomed image away from the viewport edges', () => {
    const view = clampView(viewport, image, 4, 5000, -99_999);
    expect(view.offsetX).toBe(0);
    const [right] = imageToScreen(view, [1280, 0]);
    expect(right).toBeGreaterThanOrEqual(viewport.width);
    const [, bottom] = imageToScreen(view, [0, 720]);
    expect(bottom).toBeCloseTo(viewport.height);
  });
});

describe('palm rejection', () => {
  it('lets fingers paint until a pen is seen, then only the pen', () => {
    const palm = createPalmState();
    expect(touchMayPaint(palm, sample({}))).toBe(true);
    palm.penSeen = true;
    expect(touchMayPaint(palm, sample({}))).toBe(false);
    expect(touchMayPaint(palm, sample({ pointerType: 'pen' }))).toBe(true);
  });

  it('ignores palm-sized contacts', () => {
    expect(touchMayPaint(createPalmState(), sample({ width: PALM_CONTACT_SIZE + 1 }))).toBe(false);
  });

  it('cancels a palm stroke that started before the pen touched down', () => {
    const gestures = new PaintGestures(viewport, image);
    expect(types(gestures.down(sample({ pointerId: 1, time: 0 })))).toEqual(['stroke-start']);
    const penDown = gestures.down(sample({ pointerId: 2, pointerType: 'pen', pressure: 0.7, time: 40 }));
    expect(types(penDown)).toEqual(['stroke-cancel', 'stroke-start']);
    expect(types(gestures.move(sample({ pointerId: 1, x: 260, time: 60 })))).toEqual([]);
    expect(types(gestures.move(sample({ pointerId: 2, pointerType: 'pen', x: 260, time: 60 })))).toEqual([
      'stroke-extend'
    ]);
    expect(types(gestures.up(sample({ pointerId: 2, pointerType: 'pen', time: 80 })))).toEqual(['stroke-end']);
    // The pen has been seen: a later finger alone does not paint.
    expect(types(gestures.down(sample({ pointerId: 3, time: 5000 })))).toEqual([]);
  });

  it('never starts a stroke from a palm contact or a right-click', () => {
    const gestures = new PaintGestures(viewport, image);
    expect(gestures.down(sample({ width: 90, height: 70 }))).toEqual([]);
    expect(gestures.down(sample({ pointerId: 4, pointerType: 'mouse', width: 1, height: 1 }), false)).toEqual([]);
    expect(gestures.isDrawing).toBe(false);
  });
});

describe('pointer gestures', () => {
  it('turns a drag into a stroke in image coordinates, coalesced samples included', () => {
    const gestures = new PaintGestures(viewport, image);
    const view = gestures.view;
    const [start] = gestures.down(sample({ pointerType: 'mouse', x: 100, y: 400 }));
    expect(start).toMatchObject({ type: 'stroke-start', pointerType: 'mouse', scale: view.scale });
    const extend = gestures.move(sample({ pointerType: 'mouse', x: 130, y: 400 }), [
      sample({ pointerType: 'mouse', x: 110, y: 400 }),
      sample({ pointerType: 'mouse', x: 120, y: 400 }),
      sample({ pointerType: 'mouse', x: 130, y: 400 })
    ]);
    expect(extend).toHaveLength(1);
    const points = extend[0].type === 'stroke-extend' ? extend[0].points : [];
    expect(points.map(([x]) => x)).toEqual([110, 120, 130].map((x) => Math.round(screenToImage(view, [x, 400])[0] * 100) / 100));
    expect(points.every(([, , pressure]) => pressure === 0.5)).toBe(true);
    expect(types(gestures.up(sample({ pointerType: 'mouse' })))).toEqual(['stroke-end']);
  });

  it('keeps real pen pressure, never zero', () => {
    const gestures = new PaintGestures(viewport, image);
    const [start] = gestures.down(sample({ pointerType: 'pen', pressure: 0 }));
    expect(start.type === 'stroke-start' && start.point[2]).toBe(0.5);
    const [extend] = gestures.move(sample({ pointerType: 'pen', x: 220, pressure: 0.83 }));
    expect(extend.type === 'stroke-extend' && extend.points[0][2]).toBe(0.83);
  });

  it('turns a quick second finger into a pinch that zooms, cancelling the first finger’s stroke', () => {
    const gestures = new PaintGestures(viewport, image);
    expect(types(gestures.down(sample({ pointerId: 1, x: 180, time: 0 })))).toEqual(['stroke-start']);
    expect(types(gestures.down(sample({ pointerId: 2, x: 220, time: 100 })))).toEqual(['stroke-cancel']);
    const zoom = gestures.move(sample({ pointerId: 2, x: 260, time: 120 }));
    expect(types(zoom)).toEqual(['view']);
    expect(gestures.view.zoom).toBeCloseTo(2, 6);
    expect(gestures.up(sample({ pointerId: 2 }))).toEqual([]);
    expect(gestures.up(sample({ pointerId: 1 }))).toEqual([]);
  });

  it('"Fit" brings a pinched-in view back to the whole image, but never mid-stroke', () => {
    const gestures = new PaintGestures(viewport, image);
    gestures.down(sample({ pointerId: 1, x: 180, time: 0 }));
    gestures.down(sample({ pointerId: 2, x: 220, time: 100 }));
    gestures.move(sample({ pointerId: 2, x: 260, time: 120 }));
    gestures.up(sample({ pointerId: 2 }));
    gestures.up(sample({ pointerId: 1 }));
    expect(gestures.view.zoom).toBeCloseTo(2, 6);
    gestures.down(sample({ pointerId: 3, time: 200 }));
    expect(gestures.fit()).toEqual([]);
    expect(gestures.view.zoom).toBeCloseTo(2, 6);
    gestures.up(sample({ pointerId: 3, time: 210 }));
    expect(gestures.fit()).toEqual([{ type: 'view', view: fitView(viewport, image) }]);
    expect(gestures.view).toEqual(fitView(viewport, image));
  });

  it('keeps a long stroke when a second finger lands late', () => {
    const gestures = new PaintGestures(viewport, image);
    gestures.down(sample({ pointerId: 1, time: 0 }));
    expect(gestures.down(sample({ pointerId: 2, x: 300, time: 2000 }))).toEqual([]);
    expect(types(gestures.move(sample({ pointerId: 1, x: 210, time: 2010 })))).toEqual(['stroke-extend']);
    expect(types(gestures.up(sample({ pointerId: 1, time: 2020 })))).toEqual(['stroke-end']);
  });

  it('keeps what was drawn when the browser takes the pointer away mid-stroke', () => {
    const gestures = new PaintGestures(viewport, image);
    gestures.down(sample({}));
    gestures.move(sample({ x: 240 }));
    expect(types(gestures.cancel(sample({ x: 240 })))).toEqual(['stroke-end']);
    expect(gestures.isDrawing).toBe(false);
    expect(gestures.cancel(sample({ x: 240 }))).toEqual([]);
  });
});
