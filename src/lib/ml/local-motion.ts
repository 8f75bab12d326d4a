import { applyAffine, gradients, halve, invertAffine, sample, type Affine, type GrayImage } from './motion';

// The global motion (motion.ts) follows the larger part of the picture: a face that turns in front of
// a still background leaves the strokes painted on it behind. After it, a coarse grid of shifts says
// where parts move on their own, and the stroke layer follows them: a stroke at keyframe point q shows
// at frame point M·q + shift, the shift interpolated between the grid's nodes. Measurements:
// docs/network.md, "Parts that move on their own".

/** Shifts of a coarse grid of nodes, in frame pixels, added to the global motion where parts move on their own. */
export interface ShiftField {
  columns: number;
  rows: number;
  /** Frame pixels of node (0, 0)'s centre, and the spacing between nodes. */
  x0: number;
  y0: number;
  spacingX: number;
  spacingY: number;
  /** Shift of each node (row-major), frame pixels. */
  dx: Float32Array;
  dy: Float32Array;
}

/** Nodes along the long side of the picture (the short side gets as many as keep the cells square). */
const SHIFT_GRID_COLUMNS = 6;
/** A node's shift is kept only where it leaves at most this share of the window's error the global motion leaves. */
const KEEP_ERROR_RATIO = 0.6;
/** A window whose mean squared error (grey levels²) under the global motion is below this already fits. */
const MIN_ERROR = 1;
/** Shifts shorter than this (pixels of the tracking grid) are left to the global motion. */
const MIN_SHIFT = 0.25;
/** Below this mean smallest eigenvalue of the window's gradient matrix (grey levels² per pixel) a node has too little texture to track. */
const MIN_TEXTURE = 4;
/** Shifts below this (tracking pixels: what is left of the global motion's own error) need no neighbours' agreement. */
const SMALL_SHIFT = 1.5;
/** Neighbours that must move alike for a node to keep a larger shift. */
const MIN_AGREEING = 3;
/** Gauss–Newton iterations per node on each coarser pyramid level (the finest only polishes, with 2). */
const ITERATIONS = 8;

/** True when no node moves (the global motion explains the whole picture). */
export function isStill(field: ShiftField | null): boolean {
  return !field || (field.dx.every((value) => value === 0) && field.dy.every((value) => value === 0));
}

/** The shift at frame point (x, y): bilinear between the nodes, the nearest nodes' outside them. */
export function shiftAt(field: ShiftField, x: number, y: number): [number, number] {
  const gx = Math.min(field.columns - 1, Math.max(0, (x - field.x0) / field.spacingX));
  const gy = Math.min(field.rows - 1, Math.max(0, (y - field.y0) / field.spacingY));
  const i0 = Math.min(Math.floor(gx), Math.max(0, field.columns - 2));
  const j0 = Math.min(Math.floor(gy), Math.max(0, field.rows - 2));
  const i1 = Math.min(i0 + 1, field.columns - 1);
  const j1 = Math.min(j0 + 1, field.rows - 1);
  const fx = gx - i0;
  const fy = gy - j0;
  const at = (values: Float32Array) => {
    const top = values[j0 * field.columns + i0] + (values[j0 * field.columns + i1] - values[j0 * field.columns + i0]) * fx;
    const bottom = values[j1 * field.columns + i0] + (values[j1 * field.columns + i1] - values[j1 * field.columns + i0]) * fx;
    return top + (bottom - top) * fy;
  };
  return [at(field.dx), at(field.dy)];
}

/** The grid's size for a picture of `width`×`height`. */
function gridFor(width: number, height: number): { columns: number; rows: number } {
  const cell = Math.max(width, height) / SHIFT_GRID_COLUMNS;
  return { columns: Math.max(1, Math.round(width / cell)), rows: Math.max(1, Math.round(height / cell)) };
}

/** The keyframe moved onto the frame's grid by `motion` (keyframe → frame): NaN where it does not reach. */
function warpGray(keyframe: GrayImage, motion: Affine, width: number, height: number): GrayImage {
  const inverse = invertAffine(motion);
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [u, v] = applyAffine(inverse, x + 0.5, y + 0.5);
      data[y * width + x] = sample(keyframe, u, v);
    }
  return { width, height, data };
}

/** Reused buffers for one window's samples. */
let scratch = { t: new Float32Array(0), f: new Float32Array(0), gx: new Float32Array(0), gy: new Float32Array(0) };

/** One pyramid level: the moved keyframe, the frame and the frame's gradients. */
interface Level {
  template: GrayImage;
  frame: GrayImage;
  gx: GrayImage;
  gy: GrayImage;
}

/**
 * The window's error after moving the frame by (dx, dy), each side's mean removed (lighting), and the
 * Gauss–Newton step that lowers it; null where the window holds too few pixels.
 */
function windowStep(level: Level, cx: number, cy: number, rx: number, ry: number, dx: number, dy: number) {
  const { template, frame, gx, gy } = level;
  const x0 = Math.max(0, Math.floor(cx - rx));
  const x1 = Math.min(template.width, Math.ceil(cx + rx));
  const y0 = Math.max(0, Math.floor(cy - ry));
  const y1 = Math.min(template.height, Math.ceil(cy + ry));
  const area = Math.max(0, (x1 - x0) * (y1 - y0));
  if (scratch.t.length < area) scratch = { t: new Float32Array(area), f: new Float32Array(area), gx: new Float32Array(area), gy: new Float32Array(area) };
  const { t: ts, f: fs, gx: gxs, gy: gys } = scratch;
  let n = 0;
  let sumT = 0;
  let sumF = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const t = template.data[y * template.width + x];
      if (Number.isNaN(t)) continue;
      const f = sample(frame, x + 0.5 + dx, y + 0.5 + dy);
      if (Number.isNaN(f)) continue;
      ts[n] = t;
      fs[n] = f;
      gxs[n] = sample(gx, x + 0.5 + dx, y + 0.5 + dy);
      gys[n] = sample(gy, x + 0.5 + dx, y + 0.5 + dy);
      sumT += t;
      sumF += f;
      n += 1;
    }
  if (n < 0.5 * area || n < 9) return null;
  const meanT = sumT / n;
  const meanF = sumF / n;
  let hxx = 0;
  let hxy = 0;
  let hyy = 0;
  let bx = 0;
  let by = 0;
  let error = 0;
  for (let k = 0; k < n; k++) {
    const e = ts[k] - meanT - (fs[k] - meanF);
    error += e * e;
    hxx += gxs[k] * gxs[k];
    hxy += gxs[k] * gys[k];
    hyy += gys[k] * gys[k];
    bx += gxs[k] * e;
    by += gys[k] * e;
  }
  const det = hxx * hyy - hxy * hxy;
  const trace = hxx + hyy;
  const smallest = (trace - Math.sqrt(Math.max(0, trace * trace - 4 * det))) / 2;
  const step = det > 1e-9 ? [(hyy * bx - hxy * by) / det, (hxx * by - hxy * bx) / det] : [0, 0];
  return { error: error / n, texture: smallest / n, step };
}

/**
 * Estimates the shifts of parts of `frame` that the global motion `tracked` (keyframe → frame, both
 * images on one tracking grid) does not explain, starting from `previous` (the last frame's field on
 * the same grid). Pyramidal Lucas–Kanade per node on a window of one cell, lighting removed; a node
 * keeps its shift only where it clearly lowers the window's error and the window has texture.
 * Returns the field on the tracking grid; `scaleShiftField` takes it to frame pixels.
 */
export function estimateShiftField(keyframe: GrayImage, frame: GrayImage, tracked: Affine, previous: ShiftField | null = null): ShiftField {
  const { width, height } = frame;
  const { columns, rows } = gridFor(width, height);
  const spacingX = width / columns;
  const spacingY = height / rows;
  const field: ShiftField = { columns, rows, x0: spacingX / 2, y0: spacingY / 2, spacingX, spacingY, dx: new Float32Array(columns * rows), dy: new Float32Array(columns * rows) };
  const levels: Level[] = [];
  let template = warpGray(keyframe, tracked, width, height);
  let image = frame;
  for (;;) {
    const [gx, gy] = gradients(image);
    levels.unshift({ template, frame: image, gx, gy });
    if (Math.min(image.width, image.height) < 2 * 24) break;
    template = halve(template);
    image = halve(image);
  }
  const warm = previous && previous.columns === columns && previous.rows === rows ? previous : null;
  const limit = 0.3 * Math.min(width, height);
  for (let j = 0; j < rows; j++)
    for (let i = 0; i < columns; i++) {
      const node = j * columns + i;
      let dx = warm ? warm.dx[node] : 0;
      let dy = warm ? warm.dy[node] : 0;
      let scale = 2 ** (levels.length - 1);
      dx /= scale;
      dy /= scale;
      for (let l = 0; l < levels.length; l++) {
        if (l > 0) {
          dx *= 2;
          dy *= 2;
          scale /= 2;
        }
        const cx = (field.x0 + i * spacingX) / scale;
        const cy = (field.y0 + j * spacingY) / scale;
        // The finest level only polishes what the coarser ones found.
        for (let iteration = 0; iteration < (l === levels.length - 1 ? 2 : ITERATIONS); iteration++) {
          const result = windowStep(levels[l], cx, cy, spacingX / scale / 2, spacingY / scale / 2, dx, dy);
          if (!result) break;
          dx += result.step[0];
          dy += result.step[1];
          if (Math.abs(result.step[0]) + Math.abs(result.step[1]) < 0.05) break;
        }
      }
      const fine = levels[levels.length - 1];
      const cx = field.x0 + i * spacingX;
      const cy = field.y0 + j * spacingY;
      const still = windowStep(fine, cx, cy, spacingX / 2, spacingY / 2, 0, 0);
      const moved = Number.isFinite(dx + dy) && Math.hypot(dx, dy) < limit ? windowStep(fine, cx, cy, spacingX / 2, spacingY / 2, dx, dy) : null;
      const kept = still && moved && still.texture >= MIN_TEXTURE && still.error >= MIN_ERROR && moved.error < KEEP_ERROR_RATIO * still.error;
      if (kept && Math.hypot(dx, dy) >= MIN_SHIFT) {
        field.dx[node] = dx;
        field.dy[node] = dy;
      }
    }
  return keepAgreeing(field);
}

/**
 * Keeps a node's shift of SMALL_SHIFT or more only where at least MIN_AGREEING of its 8 neighbours
 * moved alike (within a quarter of the shift, at least half a pixel): a face spans several cells, a
 * person walking through one cell does not move the strokes around them.
 */
function keepAgreeing(field: ShiftField): ShiftField {
  const { columns, rows, dx, dy } = field;
  const kept = { dx: new Float32Array(dx.length), dy: new Float32Array(dy.length) };
  for (let j = 0; j < rows; j++)
    for (let i = 0; i < columns; i++) {
      const node = j * columns + i;
      if (dx[node] === 0 && dy[node] === 0) continue;
      if (Math.hypot(dx[node], dy[node]) < SMALL_SHIFT) {
        kept.dx[node] = dx[node];
        kept.dy[node] = dy[node];
        continue;
      }
      const tolerance = Math.max(0.5, 0.25 * Math.hypot(dx[node], dy[node]));
      let agreeing = 0;
      for (let nj = Math.max(0, j - 1); nj <= Math.min(rows - 1, j + 1); nj++)
        for (let ni = Math.max(0, i - 1); ni <= Math.min(columns - 1, i + 1); ni++) {
          const other = nj * columns + ni;
          if (other !== node && Math.hypot(dx[other] - dx[node], dy[other] - dy[node]) <= tolerance) agreeing += 1;
        }
      if (agreeing >= MIN_AGREEING) {
        kept.dx[node] = dx[node];
        kept.dy[node] = dy[node];
      }
    }
  return { ...field, ...kept };
}

/** A field on the tracking grid in frame pixels: scaled by `scale` and moved by the crop's corner (`offsetX`, `offsetY`). */
export function scaleShiftField(field: ShiftField, scale: number, offsetX = 0, offsetY = 0): ShiftField {
  return {
    ...field,
    x0: field.x0 * scale + offsetX,
    y0: field.y0 * scale + offsetY,
    spacingX: field.spacingX * scale,
    spacingY: field.spacingY * scale,
    dx: field.dx.map((value) => value * scale),
    dy: field.dy.map((value) => value * scale)
  };
}
