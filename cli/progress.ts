import { SingleBar, Presets } from 'cli-progress';

/** A progress bar on stderr (drawn only when stderr is a terminal, so pipes and tests stay clean). */
export interface Progress {
  update(value: number, detail?: string): void;
  stop(): void;
}

/** Starts a progress bar counting to `total` in `unit`s, with a free-text detail after the counts. */
export function startProgress(label: string, total: number, unit: string): Progress {
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {detail}`,
      hideCursor: true,
      clearOnComplete: false
    },
    Presets.shades_classic
  );
  bar.start(total, 0, { detail: '' });
  return {
    update: (value, detail = '') => bar.update(Math.min(value, total), { detail }),
    stop: () => bar.stop()
  };
}
