// A client-only SPA: camera, workers and IndexedDB exist only in the browser.
export const ssr = false;
export const prerender = false;
