import type { PaintDocument } from './document';

/** Undo/redo over whole documents; documents share their stroke objects, so each step is cheap. */
export interface PaintHistory {
  /** Older documents, oldest first. */
  past: PaintDocument[];
  present: PaintDocument;
  /** Undone documents, the next one to redo first. */
  future: PaintDocument[];
}

/** How many steps back undo can go; older steps are forgotten. */
export const MAX_UNDO_STEPS = 200;

/** A history whose only state is `doc`. */
export function createHistory(doc: PaintDocument): PaintHistory {
  return { past: [], present: doc, future: [] };
}

/** Records `doc` (a stroke, a clear, an import) as the new present; it empties the redo list. */
export function commit(history: PaintHistory, doc: PaintDocument): PaintHistory {
  if (doc === history.present) return history;
  const past = [...history.past, history.present].slice(-MAX_UNDO_STEPS);
  return { past, present: doc, future: [] };
}

/** Whether there is a step to undo. */
export function canUndo(history: PaintHistory): boolean {
  return history.past.length > 0;
}

/** Whether there is an undone step to redo. */
export function canRedo(history: PaintHistory): boolean {
  return history.future.length > 0;
}

/** The history one step back (unchanged when there is nothing to undo). */
export function undo(history: PaintHistory): PaintHistory {
  const previous = history.past.at(-1);
  if (!previous) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

/** The history one undone step forward again (unchanged when there is nothing to redo). */
export function redo(history: PaintHistory): PaintHistory {
  const [next, ...rest] = history.future;
  if (!next) return history;
  return { past: [...history.past, history.present], present: next, future: rest };
}
