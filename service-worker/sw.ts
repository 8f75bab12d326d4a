/// <reference lib="webworker" />
// The Livebrush service worker: precaches the whole build (wasm included) so the studio works offline.
import { addPlugins, createHandlerBoundToURL, precacheAndRoute, cleanupOutdatedCaches } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import type { PrecacheEntry } from 'workbox-precaching';
import { withIsolationHeaders } from './isolation';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

/** The message the page posts when the person accepts an update. */
const SKIP_WAITING = 'SKIP_WAITING';

cleanupOutdatedCaches();
// Everything served from the precache (the shell, scripts, workers, .wasm) is cross-origin isolated,
// so WASM runs threaded from the first visit the service worker controls.
addPlugins([{ handlerWillRespond: async ({ response }) => withIsolationHeaders(response) }]);
precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/.*/] });
// Every navigation (any path, any query) gets the app shell, precached as "./".
registerRoute(new NavigationRoute(createHandlerBoundToURL('./')));

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === SKIP_WAITING) void self.skipWaiting();
});
