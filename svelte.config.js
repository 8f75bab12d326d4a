import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

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
        'style-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['none'],
        'form-action': ['none']
      }
    }
  }
};

export default config;
