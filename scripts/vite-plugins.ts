// Two small Vite plugins the app's build needs: cross-origin isolation (and frame-ancestors) headers on the dev and preview
// servers, and a fix that lets tfjs's threaded WASM build start from a minified worker bundle.
import type { Plugin } from 'vite';
import { APP_HEADERS } from '../service-worker/isolation.ts';

/** Sends the isolation headers and frame-ancestors from `vite dev` and `vite preview` (SvelteKit's middleware ignores `preview.headers`). */
export function crossOriginIsolation(): Plugin {
  // Returns nothing: a hook that returns a function has it called after Vite's own middlewares.
  const addHeaders = (server: { middlewares: { use(handler: (req: unknown, res: { setHeader(n: string, v: string): void }, next: () => void) => void): void } }): void => {
    server.middlewares.use((_request, response, next) => {
      for (const [name, value] of Object.entries(APP_HEADERS)) response.setHeader(name, value);
      next();
    });
  };
  return { name: 'livebrush-cross-origin-isolation', configureServer: addHeaders, configurePreviewServer: addHeaders };
}

/** The one line of tfjs's threaded WASM glue that breaks once minified (see below). */
const SCRIPT_DIR_LINE = 'if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}';

/**
 * tfjs starts each WASM thread from `factory.toString()`, so the factory must not refer to anything
 * outside itself. It refers to `_scriptDir` of its enclosing closure, guarded by `typeof`; the
 * minifier, knowing the variable exists, rewrites the guard to `e !== void 0`, which throws
 * "e is not defined" in every thread (the "threaded build hangs" of tfjs-notes). The line only sets
 * the script directory, which tfjs never uses here (setWasmPaths maps every binary), so it is removed.
 */
export function tfjsThreadedWasm(): Plugin {
  return {
    name: 'livebrush-tfjs-threaded-wasm',
    transform(code, id) {
      if (!id.includes('tfjs-backend-wasm-threaded-simd.js')) return null;
      if (!code.includes(SCRIPT_DIR_LINE)) this.error('tfjs-backend-wasm changed: the _scriptDir line to remove was not found');
      return { code: code.replace(SCRIPT_DIR_LINE, ''), map: null };
    }
  };
}
