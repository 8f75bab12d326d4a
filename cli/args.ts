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

/** Paths of one keyframe example as given on the command line. */
export interface ExamplePaths {
  keyframe: string;
  styled: string;
  mask?: string;
}

/**
 * Groups --keyframe/--styled/--mask occurrences: each --keyframe opens a group that takes exactly one
 * --styled and at most one --mask, in any order before the next --keyframe.
 */
export function exampleGroups(flags: ParsedFlags): ExamplePaths[] {
  const groups: Partial<ExamplePaths>[] = [];
  for (const { name, value } of flags.occurrences) {
    if (name === 'keyframe') groups.push({ keyframe: value });
    else if (name === 'styled' || name === 'mask') {
      const current = groups.at(-1);
      if (!current) throw new CliError(`--${name} must follow a --keyframe`);
      if (current[name] !== undefined) throw new CliError(`--${name} given twice for keyframe ${current.keyframe}`);
      current[name] = value;
    }
  }
  if (groups.length === 0) throw new CliError('give at least one --keyframe K.png --styled P.png pair');
  return groups.map((group) => {
    if (group.styled === undefined) throw new CliError(`keyframe ${group.keyframe} has no --styled painting`);
    return group as ExamplePaths;
  });
}
