// When training should run, and what the studio tells the person about it. Pure: the studio feeds it
// events (strokes, Pause/Resume, convergence, page visibility, battery) and starts or pauses the worker
// to match `shouldTrain`.
import { m } from '$lib/paraglide/messages';

/** Why training is held back. Several can hold at once; training runs when none does. */
export type TrainingHold =
  /** The person pressed "Pause training". */
  | 'user'
  /** The loss stopped improving (src/lib/studio/settle.ts). */
  | 'settled'
  /** A saved style or the last session was loaded: its weights are in use, training waits to be asked. */
  | 'loaded'
  /** The page is hidden (another tab, the phone locked). */
  | 'hidden'
  /** The battery is low and discharging. */
  | 'battery';

/** What the governor knows. */
export interface GovernorState {
  /** Whether any keyframe is painted (there is something to learn). */
  painted: boolean;
  holds: readonly TrainingHold[];
  /** The person chose Resume on a low battery: the battery no longer holds training until it charges or recovers. */
  batteryOverridden: boolean;
}

/** What happens to training. */
export type GovernorEvent =
  /** A stroke changed what is learned, or the set of painted keyframes changed (`painted`: any painted now). */
  | { type: 'painting-changed'; painted: boolean }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'settled' }
  /** A style was applied (`painted`: it has painted keyframes). */
  | { type: 'loaded'; painted: boolean }
  | { type: 'visibility'; hidden: boolean }
  | { type: 'battery'; level: number; charging: boolean };

/** At or below this charge (0–1), a discharging battery pauses training. */
export const LOW_BATTERY_LEVEL = 0.2;

/** The state before anything is painted. */
export const INITIAL_GOVERNOR: GovernorState = { painted: false, holds: [], batteryOverridden: false };

const without = (holds: readonly TrainingHold[], ...removed: TrainingHold[]) => holds.filter((hold) => !removed.includes(hold));
const withHold = (holds: readonly TrainingHold[], hold: TrainingHold) => (holds.includes(hold) ? holds : [...holds, hold]);

/** The state after `event`. */
export function governTraining(state: GovernorState, event: GovernorEvent): GovernorState {
  switch (event.type) {
    case 'painting-changed':
      // New strokes are worth learning: they wake a settled or loaded style (a person's Pause stays).
      return { ...state, painted: event.painted, holds: without(state.holds, 'settled', 'loaded') };
    case 'pause':
      return { ...state, holds: withHold(state.holds, 'user') };
    case 'resume':
      return {
        ...state,
        holds: without(state.holds, 'user', 'settled', 'loaded', 'battery'),
        batteryOverridden: state.batteryOverridden || state.holds.includes('battery')
      };
    case 'settled':
      return { ...state, holds: withHold(state.holds, 'settled') };
    case 'loaded':
      return { ...state, painted: event.painted, holds: withHold(without(state.holds, 'user', 'settled'), 'loaded') };
    case 'visibility':
      return { ...state, holds: event.hidden ? withHold(state.holds, 'hidden') : without(state.holds, 'hidden') };
    case 'battery': {
      const low = !event.charging && event.level <= LOW_BATTERY_LEVEL;
      if (!low) return { ...state, holds: without(state.holds, 'battery'), batteryOverridden: false };
      return state.batteryOverridden ? state : { ...state, holds: withHold(state.holds, 'battery') };
    }
  }
}

/** Whether the worker should be training now. */
export function shouldTrain(state: GovernorState): boolean {
  return state.painted && state.holds.length === 0;
}

/** Whether the "Resume training" button is the one to show (training is held by something the person can lift). */
export function canResume(state: GovernorState): boolean {
  return state.painted && state.holds.some((hold) => hold !== 'hidden');
}

/**
 * One short sentence on the state of training for the status line, or null when nothing needs saying;
 * `rendering`: a video renders, and training waits for it.
 */
export function trainingNote(state: GovernorState, keyframes: number, running: boolean, rendering = false): string | null {
  if (keyframes === 0) return null;
  if (!state.painted) return m.note_paint_to_start();
  if (rendering) return m.note_rendering();
  const { holds } = state;
  if (holds.includes('hidden')) return m.note_hidden();
  if (holds.includes('battery')) return m.note_battery();
  if (holds.includes('user')) return m.note_user_paused();
  if (holds.includes('settled')) return m.note_settled();
  if (holds.includes('loaded')) return m.note_loaded();
  return running ? m.note_training() : m.note_starting();
}

/** What loaded weights were already trained for: the worker counts from 0 after a load. */
export interface TrainedBefore {
  steps: number;
  ms: number;
}

/** The worker's training status as the person sees it: one count across loads (steps before the load plus since). */
export function withTrainedBefore<T extends { step: number; elapsedMs: number }>(status: T, before: TrainedBefore): T {
  return { ...status, step: before.steps + status.step, elapsedMs: before.ms + status.elapsedMs };
}
