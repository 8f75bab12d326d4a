import { frameIndex, parseFlags } from './args.ts';
import { CliError } from './errors.ts';
import type { CliOutput } from './livebrush.ts';
import { writePng } from './png.ts';
import { readFrame, requireFfmpeg } from './video.ts';

/** `livebrush frame`: writes one frame of a video as a PNG to paint (the keyframe of `train --video … --frame N`). */
export async function runFrame(argv: readonly string[], output: CliOutput): Promise<void> {
  const flags = parseFlags(argv, { input: 'value', frame: 'value', output: 'value' });
  const input = flags.get('input');
  const raw = flags.get('frame');
  const outPath = flags.get('output');
  if (!input || raw === undefined || !outPath) throw new CliError('give --input VIDEO --frame N --output K.png');
  const index = frameIndex(raw);
  if (!outPath.toLowerCase().endsWith('.png')) throw new CliError('the frame is written as PNG: give --output FILE.png');
  requireFfmpeg();
  const frame = await readFrame(input, index);
  await writePng(outPath, frame);
  output.err(`frame ${index} of ${input} (${frame.width}×${frame.height}) → ${outPath}`);
}
