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
    version: { pollInterval: 0 }
  }
};

export default config;
