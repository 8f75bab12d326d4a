import { describe, expect, it } from 'vitest';
import { addStroke, clearLayer, createDocument, importPainting, type Stroke } from '../../src/lib/paint/document';
import { canRedo, canUndo, commit, createHistory, MAX_UNDO_STEPS, redo, undo } from '../../src/lib/paint/history';

const dot = (x: number): Stroke => ({
  layer: 'paint',
  tool: 'brush',
  color: '#000000',
  size: 4,
  opacity: 1,
  points: [[x, x, 0.5]],
  pointerType: 'mouse'
});

describe('paint history', () => {
  it('undoes and redoes strokes in order', () => {
    const empty = createDocument(32, 32);
    let history = createHistory(empty);
    expect(canUndo(history)).toBe(false);
    const one = addStroke(empty, dot(1));
    const two = addStroke(one, dot(2));
    history = commit(commit(history, one), two);
    history = undo(history);
    expect(history.present).toBe(one);
    history = undo(history);
    expect(history.present).toBe(empty);
    expect(canUndo(history)).toBe(false);
    expect(undo(history)).toBe(history);
    history = redo(redo(history));
    expect(history.present).toBe(two);
    expect(canRedo(history)).toBe(false);
    expect(redo(history)).toBe(history);
  });

  it('forgets the undone strokes once a new stroke is drawn', () => {
    const empty = createDocument(32, 32);
    const one = addStroke(empty, dot(1));
    let history = undo(commit(createHistory(empty), one));
    expect(canRedo(history)).toBe(true);
    const other = addStroke(empty, dot(9));
    history = commit(history, other);
    expect(canRedo(history)).toBe(false);
    expect(history.present.strokes[0].points[0][0]).toBe(9);
    expect(undo(history).present).toBe(empty);
  });

  it('makes clear and import undoable', () => {
    const painted = addStroke(createDocument(32, 32), dot(1));
    const cleared = clearLayer(painted, 'paint');
    const imported = importPainting(cleared, 'data:image/png;base64,AAAA');
    let history = commit(commit(createHistory(painted), cleared), imported);
    expect(history.present.importedPainting).not.toBeNull();
    history = undo(history);
    expect(history.present.importedPainting).toBeNull();
    expect(history.present.strokes).toHaveLength(0);
    history = undo(history);
    expect(history.present.strokes).toHaveLength(1);
  });

  it('ignores a commit of the document it already holds', () => {
    const history = createHistory(createDocument(4, 4));
    expect(commit(history, history.present)).toBe(history);
  });

  it('keeps at most the last MAX_UNDO_STEPS steps', () => {
    let doc = createDocument(4, 4);
    let history = createHistory(doc);
    for (let index = 0; index < MAX_UNDO_STEPS + 20; index++) {
      doc = addStroke(doc, dot(index));
      history = commit(history, doc);
    }
    let steps = 0;
    while (canUndo(history)) {
      history = undo(history);
      steps++;
    }
    expect(steps).toBe(MAX_UNDO_STEPS);
    expect(history.present.strokes).toHaveLength(20);
  });
});
