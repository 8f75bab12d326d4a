import { CliError } from './errors.ts';

/** How a flag takes its value: a single value, repeated values, or none (a switch). */
export type FlagKind = 'value' | 'repeated' | 'switch';

/** One parsed flag occurrence, in command-line order (order matters for --keyframe/--styled/--mask groups). */
export interface FlagOccurrence {
  name: string;
  value: string;
}

/** The flags of one command line: every occurrence in order, and lookups by name. */
export interface ParsedFlags {
  occurrences: FlagOccurrence[];
  /** The value of a single-valued flag, or undefined when absent. */
  get(name: string): string | undefined;
  /** Every value of a flag, in order. */
  all(name: string): string[];
  /** Whether a switch (or any flag) was given. */
  has(name: string): boolean;
}

/**
 * Parses `--name value`, `--name=value` and `--switch` against an allow-list; rejects unknown flags,
 * positional arguments, missing values and single-valued flags given twice.
 */
export function parseFlags(argv: readonly string[], spec: Readonly<Record<string, FlagKind>>): ParsedFlags {
  const occurrences: FlagOccurrence[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (!token.startsWith('--')) throw new CliError(`unexpected argument "${token}" (flags start with --)`);
    const equals = token.indexOf('=');
    const name = token.slice(2, equals < 0 ? undefined : equals);
    const kind = spec[name];
    if (kind === undefined) throw new CliError(`unknown flag --${name}`);
    if (kind === 'switch') {
      if (equals >= 0) throw new CliError(`--${name} takes no value`);
      occurrences.push({ name, value: '' });
      continue;
    }
    let value: string | undefined;
    if (equals >= 0) value = token.slice(equals + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new CliError(`--${name} needs a value`);
      i++;
    }
    if (kind === 'value' && occurrences.some((o) => o.name === name)) throw new CliError(`--${name} given more than once`);
    occurrences.push({ name, value });
  }
  return {
    occurrences,
    get: (name) => occurrences.find((o) => o.name === name)?.value,
    all: (name) => occurrences.filter((o) => o.name === name).map((o) => o.value),
    has: (name) => occurrences.some((o) => o.name === name)
  };
}

/** Reads a flag as a positive number (integer if asked); throws CliError naming the flag otherwise. */
export function positiveNumber(flags: ParsedFlags, name: string, integer = false): number | undefined {
  const raw = flags.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new CliError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`);
  }
  return value;
}

/** A training budget: exactly one of a step count or a number of seconds. */
export type TrainingBudget = { steps: number } | { seconds: number };

/** Reads --steps / --seconds, requiring exactly one of them. */
export function trainingBudget(flags: ParsedFlags): TrainingBudget {
  const steps = positiveNumber(flags, 'steps', true);
  const seconds = positiveNumber(flags, 'seconds');
  if (steps !== undefined && seconds !== undefined) throw new CliError('give either --steps or --seconds, not both');
  if (steps !== undefined) return { steps };
  if (seconds !== undefined) return { seconds };
  throw new CliError('give a training budget: --steps N or --seconds S');
}

/** The flags that give keyframe examples (`train`, `tune`): see exampleGroups. */
export const EXAMPLE_FLAGS = { keyframe: 'repeated', video: 'repeated', frame: 'repeated', styled: 'repeated', mask: 'repeated' } as const;

/** Paths of one keyframe example as given on the command line. */
export interface ExamplePaths {
  /** The keyframe: a PNG, or a video file when `frame` is set. */
  keyframe: string;
  /** With --video V --frame N: the 0-based frame of the video that is the keyframe. */
  frame?: number;
  styled: string;
  mask?: string;
}

/** Reads a --frame value: a whole number ≥ 0 (the first frame is 0). */
export function frameIndex(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < 0) throw new CliError(`--frame must be a whole number ≥ 0 (the first frame is 0), got "${raw}"`);
  return value;
}

/**
 * Groups --keyframe/--styled/--mask occurrences: each --keyframe K.png (or --video V.mp4 --frame N)
 * opens a group that takes exactly one --styled and at most one --mask, in any order before the next.
 */
export function exampleGroups(flags: ParsedFlags): ExamplePaths[] {
  const groups: (Partial<ExamplePaths> & { video?: boolean })[] = [];
  for (const { name, value } of flags.occurrences) {
    if (name === 'keyframe') groups.push({ keyframe: value });
    else if (name === 'video') groups.push({ keyframe: value, video: true });
    else if (name === 'styled' || name === 'mask' || name === 'frame') {
      const current = groups.at(-1);
      if (!current) throw new CliError(`--${name} must follow a --keyframe${name === 'frame' ? '' : ' or --video'}`);
      if (name === 'frame') {
        if (!current.video) throw new CliError(`--frame must follow a --video (keyframe ${current.keyframe} is a picture)`);
        if (current.frame !== undefined) throw new CliError(`--frame given twice for video ${current.keyframe}`);
        current.frame = frameIndex(value);
      } else {
        if (current[name] !== undefined) throw new CliError(`--${name} given twice for keyframe ${current.keyframe}`);
        current[name] = value;
      }
    }
  }
  if (groups.length === 0) throw new CliError('give at least one --keyframe K.png --styled P.png pair (or --video V.mp4 --frame N --styled P.png)');
  return groups.map(({ video, ...group }) => {
    if (video && group.frame === undefined) throw new CliError(`give --frame N after --video ${group.keyframe} (which frame is the keyframe; the first is 0)`);
    if (group.styled === undefined) throw new CliError(`keyframe ${group.keyframe}${video ? ` frame ${group.frame}` : ''} has no --styled painting`);
    return group as ExamplePaths;
  });
}
