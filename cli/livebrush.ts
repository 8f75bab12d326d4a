/**
 * livebrush: train a style from painted keyframes, stylize frames or videos with it, search training
 * settings or take a video's frame to paint, from the command line (Node, TensorFlow.js WASM backend). `npm run livebrush -- --help`.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CliError } from './errors.ts';
import { FRAME_HELP, STYLIZE_HELP, TRAIN_HELP, TUNE_HELP } from './help.ts';

/** Where the CLI writes: normal output and diagnostics (tests capture them). */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = `livebrush — few-shot patch-based video stylization (Texler et al. 2020), offline

Usage: npm run livebrush -- <command> [flags]

Commands:
  train     learn a style from painted keyframes, write a .lbw model
  stylize   apply a .lbw model to a PNG, a folder of PNGs or a video (MP4 out, through ffmpeg)
  tune      grid-search training settings on validation frames with ground truth
  frame     write one frame of a video as a PNG, to paint it as a keyframe

Run "livebrush <command> --help" for the flags of each command.`;

/** Each command's help and its implementation, loaded on demand (TensorFlow.js takes a moment to load). */
const COMMANDS = {
  train: { help: TRAIN_HELP, load: async () => (await import('./train.ts')).runTrain },
  stylize: { help: STYLIZE_HELP, load: async () => (await import('./stylize.ts')).runStylize },
  tune: { help: TUNE_HELP, load: async () => (await import('./tune.ts')).runTune },
  frame: { help: FRAME_HELP, load: async () => (await import('./frame.ts')).runFrame }
} as const;

/** Runs one CLI invocation and returns the process exit status (0 ok, 2 bad input, 1 failure). */
export async function main(argv: readonly string[], output: CliOutput = defaultOutput): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    output.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(COMMANDS, command)) {
    output.err(`livebrush: unknown command "${command}" (use train, stylize, tune or frame; --help for usage)`);
    return 2;
  }
  const { load, help } = COMMANDS[command as keyof typeof COMMANDS];
  if (rest.includes('--help') || rest.includes('-h')) {
    output.out(help);
    return 0;
  }
  try {
    const run = await load();
    await run(rest, output);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      output.err(`livebrush ${command}: ${error.message}`);
      return 2;
    }
    output.err(`livebrush ${command}: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

const defaultOutput: CliOutput = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n')
};

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}
