import type { KeyframeExample, RgbaImage } from '../src/lib/ml/types.ts';
import type { ExamplePaths } from './args.ts';
import { CliError } from './errors.ts';
import { readPng } from './png.ts';
import { readFrame, requireFfmpeg } from './video.ts';

/** Whether any pixel of a mask selects training data (red ≥ 128). */
export function maskSelectsAnything(mask: RgbaImage): boolean {
  for (let i = 0; i < mask.data.length; i += 4) if (mask.data[i] >= 128) return true;
  return false;
}

/**
 * Loads keyframe examples (a PNG, or a video's frame through ffmpeg) and checks them before any
 * training: all images of an example share one size, that size holds at least one training patch,
 * and a given mask selects something.
 */
export async function loadExamples(groups: readonly ExamplePaths[], patchSize: number): Promise<KeyframeExample[]> {
  const examples: KeyframeExample[] = [];
  for (const group of groups) {
    if (group.frame !== undefined) requireFfmpeg();
    const input = group.frame === undefined ? await readPng(group.keyframe) : await readFrame(group.keyframe, group.frame);
    const keyframe = group.frame === undefined ? group.keyframe : `${group.keyframe} frame ${group.frame}`;
    const styled = await readPng(group.styled);
    const mask = group.mask === undefined ? null : await readPng(group.mask);
    const size = (image: RgbaImage) => `${image.width}×${image.height}`;
    if (size(styled) !== size(input)) {
      throw new CliError(`size mismatch: keyframe ${keyframe} is ${size(input)} but painting ${group.styled} is ${size(styled)}`);
    }
    if (mask && size(mask) !== size(input)) {
      throw new CliError(`size mismatch: keyframe ${keyframe} is ${size(input)} but mask ${group.mask} is ${size(mask)}`);
    }
    if (input.width < patchSize || input.height < patchSize) {
      throw new CliError(`keyframe ${keyframe} (${size(input)}) is smaller than one ${patchSize}×${patchSize} training patch`);
    }
    if (mask && !maskSelectsAnything(mask)) throw new CliError(`mask ${group.mask} is empty (no pixel with red ≥ 128)`);
    examples.push({ input, styled, mask });
  }
  return examples;
}
