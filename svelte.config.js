import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * SvelteKit's route announcer (its root component) is the one element with a style attribute
 * (sveltejs/kit#11993). The policy admits exactly that attribute by its hash ('unsafe-hashes' +
 * SHA-256), read from the installed SvelteKit so an update that changes it changes the hash too.
 */
function announcerStyleHash() {
  const kit = dirname(createRequire(import.meta.url).resolve('@sveltejs/kit/package.json'));
  const root = readFileSync(join(kit, 'src/core/sync/write_root.js'), 'utf8');
  const style = /id="svelte-announcer"[^>]*style="([^"]+)"/.exec(root)?.[1];
  if (!style) throw new Error('SvelteKit changed its route announcer: update the CSP in svelte.config.js');
  return `sha256-${createHash('sha256').update(style).digest('base64')}`;
}

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // Single-page app: one index.html fallback, everything rendered on the client.
    adapter: adapter({ fallback: 'index.html', strict: true }),
    // The Workbox service worker in service-worker/ is built and registered by us, not by SvelteKit.
    serviceWorker: { register: false },
    version: { pollInterval: 0 },
    // The Content-Security-Policy, as a <meta> in index.html with hashes of SvelteKit's inline
    // bootstrap script (see docs/i18n.md for why each directive). frame-ancestors cannot go in a
    // <meta>: the preview server and the service worker send it as a header (service-worker/isolation.ts).
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self', 'wasm-unsafe-eval'],
        'worker-src': ['self', 'blob:'],
        'img-src': ['self', 'blob:', 'data:'],
        'media-src': ['self', 'blob:', 'mediastream:'],
        'connect-src': ['self'],
        'style-src': ['self', 'unsafe-hashes', announcerStyleHash()],
        'object-src': ['none'],
        'base-uri': ['none'],
        'form-action': ['none'],
        // Dropped from the <meta> (browsers ignore it there); sent in the header of a server-rendered page.
        'frame-ancestors': ['none']
      }
    }
  }
};

export default config;
