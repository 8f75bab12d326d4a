// Pure parts of the studio's training state: convergence, holds (Pause, settled, loaded, hidden page,
// battery), one honest step count, what counts as painted, and the status wording.
import { describe, expect, it } from 'vitest';
import { SETTLE_DEFAULTS, SettleDetector } from '$lib/studio/settle';
import {
  INITIAL_GOVERNOR,
  canResume,
  governTraining,
  shouldTrain,
  trainingNote,
  withTrainedBefore,
  type GovernorEvent,
  type GovernorState
} from '$lib/studio/training-governor';
import { activeAfterRemoval, paintingDiffers } from '$lib/studio/keyframe-edits';
import { previewRateLabel } from '$lib/studio/status';

/** A noisy loss curve: falls like 1/√step to `floor`, with ±`noise` deterministic jitter. */
function lossCurve(steps: number, floor: number, noise = 0.04): number[] {
  let seed = 7;
  const jitter = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2 * noise;
  return Array.from({ length: steps }, (_, i) => (floor + 2 / Math.sqrt(1 + i / 20)) * (1 + jitter()));
}

function firstSettled(losses: number[], detector = new SettleDetector()): number | null {
  for (let i = 0; i < losses.length; i++) if (detector.add(losses[i])) return i + 1;
  return null;
}

describe('convergence', () => {
  it('says nothing before two full windows', () => {
    const detector = new SettleDetector({ window: 10 });
    for (let i = 0; i < 19; i++) expect(detector.add(1)).toBe(false);
    expect(detector.improvement).toBeNull();
    expect(detector.add(1)).toBe(true);
  });

  it('does not settle while the loss still falls, and settles once it flattens', () => {
    const falling = Array.from({ length: 2000 }, (_, i) => 3 - i / 1000);
    expect(firstSettled(falling)).toBeNull();
    const settledAt = firstSettled(lossCurve(4000, 0.8));
    expect(settledAt).not.toBeNull();
    expect(settledAt!).toBeGreaterThan(2 * SETTLE_DEFAULTS.window);
    expect(settledAt!).toBeLessThan(4000);
  });

  it('ignores the noise of single steps (a noisy flat curve settles, a noisy falling one does not)', () => {
    const noisyFlat = Array.from({ length: 600 }, (_, i) => 1 + 0.3 * Math.sin(i * 1.7));
    expect(firstSettled(noisyFlat)).toBe(2 * SETTLE_DEFAULTS.window);
    const noisyFalling = Array.from({ length: 600 }, (_, i) => (3 - i / 300) * (1 + 0.3 * Math.sin(i * 1.7)));
    expect(firstSettled(noisyFalling)).toBeNull();
  });

  it('starts a new watch after reset, and skips losses that are not numbers', () => {
    const detector = new SettleDetector({ window: 5 });
    for (let i = 0; i < 10; i++) detector.add(1);
    expect(detector.settled).toBe(true);
    detector.reset();
    expect(detector.settled).toBe(false);
    detector.add(Number.NaN);
    detector.add(null);
    expect(detector.count).toBe(0);
  });
});

describe('training holds', () => {
  const run = (...events: GovernorEvent[]): GovernorState => events.reduce(governTraining, INITIAL_GOVERNOR);
  const painted: GovernorEvent = { type: 'painting-changed', painted: true };

  it('trains once something is painted, and not before', () => {
    expect(shouldTrain(INITIAL_GOVERNOR)).toBe(false);
    expect(shouldTrain(run(painted))).toBe(true);
    expect(shouldTrain(run(painted, { type: 'painting-changed', painted: false }))).toBe(false);
  });

  it('after a loaded style: stopped, Resume offered, and a stroke or Resume continues', () => {
    const loaded = run({ type: 'loaded', painted: true });
    expect(shouldTrain(loaded)).toBe(false);
    expect(canResume(loaded)).toBe(true);
    expect(trainingNote(loaded, 1, false)).toBe('Training stopped. Paint to continue training, or resume training.');
    expect(shouldTrain(governTraining(loaded, painted))).toBe(true);
    expect(shouldTrain(governTraining(loaded, { type: 'resume' }))).toBe(true);
  });

  it('settles into a pause that a stroke or Resume lifts', () => {
    const settled = run(painted, { type: 'settled' });
    expect(shouldTrain(settled)).toBe(false);
    expect(canResume(settled)).toBe(true);
    expect(trainingNote(settled, 1, false)).toMatch(/^Style settled/);
    expect(shouldTrain(governTraining(settled, painted))).toBe(true);
    expect(shouldTrain(governTraining(settled, { type: 'resume' }))).toBe(true);
  });

  it('says training waits while a video renders, not that it is starting', () => {
    const training = run(painted);
    expect(trainingNote(training, 1, false)).toBe('Starting training…');
    expect(trainingNote(training, 1, false, true)).toBe('Training waits while the video renders.');
    expect(trainingNote(training, 1, true)).toBe('Training on your painting…');
  });

  it("keeps a person's Pause through new strokes", () => {
    const paused = run(painted, { type: 'pause' }, painted);
    expect(shouldTrain(paused)).toBe(false);
    expect(trainingNote(paused, 1, false)).toMatch(/^Training paused/);
    expect(shouldTrain(governTraining(paused, { type: 'resume' }))).toBe(true);
  });

  it('pauses while the page is hidden and goes on when it is shown, without offering Resume', () => {
    const hidden = run(painted, { type: 'visibility', hidden: true });
    expect(shouldTrain(hidden)).toBe(false);
    expect(canResume(hidden)).toBe(false);
    expect(shouldTrain(governTraining(hidden, { type: 'visibility', hidden: false }))).toBe(true);
    // Paused by the person before hiding: still paused when shown.
    const both = run(painted, { type: 'pause' }, { type: 'visibility', hidden: true }, { type: 'visibility', hidden: false });
    expect(shouldTrain(both)).toBe(false);
  });

  it('pauses on a low, discharging battery with a note; Resume overrides until it charges', () => {
    const low = run(painted, { type: 'battery', level: 0.15, charging: false });
    expect(shouldTrain(low)).toBe(false);
    expect(trainingNote(low, 1, false)).toMatch(/^Battery low/);
    expect(shouldTrain(run(painted, { type: 'battery', level: 0.15, charging: true }))).toBe(true);
    expect(shouldTrain(run(painted, { type: 'battery', level: 0.5, charging: false }))).toBe(true);
    const overridden = governTraining(low, { type: 'resume' });
    expect(shouldTrain(overridden)).toBe(true);
    expect(shouldTrain(governTraining(overridden, { type: 'battery', level: 0.14, charging: false }))).toBe(true);
    const charged = governTraining(governTraining(overridden, { type: 'battery', level: 0.14, charging: true }), {
      type: 'battery',
      level: 0.13,
      charging: false
    });
    expect(shouldTrain(charged)).toBe(false);
  });

  it('tells a person with a keyframe but no paint what to do', () => {
    expect(trainingNote(INITIAL_GOVERNOR, 0, false)).toBeNull();
    expect(trainingNote(INITIAL_GOVERNOR, 1, false)).toBe('Paint on the keyframe to start training.');
  });
});

describe('one step count', () => {
  it('continues the loaded style’s count instead of starting again', () => {
    // A style trained 1760 steps is loaded; the worker then trains 17 more.
    const shown = withTrainedBefore({ running: true, step: 17, elapsedMs: 2000, loss: 1 }, { steps: 1760, ms: 90_000 });
    expect(shown).toEqual({ running: true, step: 1777, elapsedMs: 92_000, loss: 1 });
  });
});

describe('keyframes', () => {
  const image = (fill: number, width = 4, height = 3) => ({ width, height, data: new Uint8ClampedArray(width * height * 4).fill(fill) });

  it('counts a painting as painted only where it differs from its frame', () => {
    const frame = image(100);
    expect(paintingDiffers(image(100), frame)).toBe(false);
    expect(paintingDiffers(image(101), frame)).toBe(false);
    const stroke = image(100);
    stroke.data[20] = 255;
    expect(paintingDiffers(stroke, frame)).toBe(true);
    const alphaOnly = image(100);
    alphaOnly.data[3] = 0;
    expect(paintingDiffers(alphaOnly, frame)).toBe(false);
  });

  it('keeps the active keyframe (or its neighbour) after a deletion', () => {
    expect(activeAfterRemoval(2, 0, 3)).toBe(1);
    expect(activeAfterRemoval(0, 2, 3)).toBe(0);
    expect(activeAfterRemoval(2, 2, 3)).toBe(1);
    expect(activeAfterRemoval(1, 1, 2)).toBe(0);
  });
});

describe('status line', () => {
  const stats = { fps: 0, inferenceMs: 0, workingSide: 256, shownStep: -1, trainingLaneShare: 0 };
  it('says the camera is live before any stylized frame, not "0.0 fps"', () => {
    expect(previewRateLabel(stats, true)).toBe('camera live');
    expect(previewRateLabel(stats, false)).toBe('no camera');
    expect(previewRateLabel({ ...stats, fps: 2.5, shownStep: 10 }, true)).toBe('2.5 fps');
  });
});
