// Bundles service-worker/sw.ts into build/sw.js and injects the precache manifest of the whole build.
import { copyFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { injectManifest } from 'workbox-build';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}build`;
const swFile = `${outDir}/sw.js`;

await build({
  configFile: false,
  root,
  logLevel: 'warn',
  build: {
    outDir,
    emptyOutDir: false,
    copyPublicDir: false,
    minify: true,
    lib: { entry: `${root}service-worker/sw.ts`, formats: ['es'], fileName: () => 'sw.js' }
  },
  define: { 'process.env.NODE_ENV': JSON.stringify('production') }
});

const { count, size, warnings } = await injectManifest({
  swSrc: swFile,
  swDest: swFile,
  globDirectory: outDir,
  globPatterns: ['**/*.{html,js,css,wasm,png,svg,webmanifest,json}'],
  globIgnores: ['sw.js'],
  // Hashed file names already change with their content: no extra revision query needed.
  dontCacheBustURLsMatching: /\/immutable\//,
  // The tfjs WASM binaries and bundles are several MB; they must be precached for offline use.
  maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
  // The app shell is cached under "./" (what start_url and every navigation ask for), not "index.html":
  // static hosts serve index.html for "./", and so does `vite preview`, which has no /index.html.
  manifestTransforms: [
    async (entries) => ({
      manifest: entries.map((entry) => (entry.url === 'index.html' ? { ...entry, url: './' } : entry)),
      warnings: []
    })
  ]
});
// `vite preview` (the e2e server) serves .svelte-kit/output/client, the same files as build/ but for sw.js.
const previewRoot = `${root}.svelte-kit/output/client`;
if (existsSync(previewRoot)) copyFileSync(swFile, `${previewRoot}/sw.js`);
for (const warning of warnings) console.warn(`service worker: ${warning}`);
console.log(`service worker: precaching ${count} files, ${(size / 1024 / 1024).toFixed(1)} MB`);
