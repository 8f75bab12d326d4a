import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './tests/chromium.ts';
import { crossOriginIsolation, tfjsThreadedWasm } from './scripts/vite-plugins.ts';
import { PARAGLIDE_OPTIONS } from './scripts/paraglide-options.ts';

export default defineConfig({
  // Paraglide compiles messages/*.json into tree-shaken message functions under src/lib/paraglide.
  plugins: [paraglideVitePlugin(PARAGLIDE_OPTIONS), crossOriginIsolation(), sveltekit()],
  worker: { format: 'es', plugins: () => [tfjsThreadedWasm()] },
  // VITE_PORT lets several checkouts run dev servers and browser tests side by side.
  // `npm start` serves the app cross-origin isolated (WASM threads), as the service worker does.
  server: { port: Number(process.env.VITE_PORT ?? 5173), strictPort: true },
  preview: { port: 4173, strictPort: true },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['tests/unit/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000
        }
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }
            }),
            instances: [{ browser: 'chromium' }],
            // Its own server: next to VITE_PORT when given, so checkouts side by side do not collide.
            api: { port: process.env.VITE_PORT ? Number(process.env.VITE_PORT) + 1 : 63315, strictPort: true }
          }
        }
      }
    ]
  }
});
