/** Debian's Chromium, the only browser these machines can install. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a headless, offline, sandbox-less (root) Chromium with software WebGL2 and WebGPU. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist'
];
