import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs-core's split packages register no gradients by themselves (the union package imports
 * `@tensorflow/tfjs-core/dist/register_all_gradients`). Bundlers (Vite, vitest) load that ESM file
 * directly. Plain Node (tsx, the CLI) resolves tfjs-core to its CommonJS bundle and cannot load the
 * extension-less ESM sources, so there a small resolve hook adds the `.js` suffixes first; both copies
 * share tfjs's global engine and gradient registry.
 */
const RESOLVE_HOOK = `
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function resolve(specifier, context, next) {
  const parent = context.parentURL ?? '';
  if (specifier.startsWith('.') && parent.includes('/@tensorflow/tfjs-core/dist/') && !specifier.endsWith('.js')) {
    const target = new URL(specifier, parent);
    return next(existsSync(fileURLToPath(target) + '.js') ? target.href + '.js' : target.href + '/index.js', context);
  }
  return next(specifier, context);
}`;

let registration: Promise<void> | null = null;

const isPlainNode = (): boolean =>
  typeof process !== 'undefined' &&
  typeof process.versions?.node === 'string' &&
  (import.meta as { env?: unknown }).env === undefined;

/** Registers every tfjs-core gradient once (needed before training); safe to call repeatedly. */
export function registerGradients(): Promise<void> {
  registration ??= (async () => {
    if (tf.getGradient('Conv2D') !== undefined) return;
    if (isPlainNode()) {
      const moduleApi = 'node:module';
      const { register } = (await import(/* @vite-ignore */ moduleApi)) as { register: (url: string) => void };
      register('data:text/javascript,' + encodeURIComponent(RESOLVE_HOOK));
    }
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  })();
  return registration;
}
