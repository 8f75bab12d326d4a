// The headers that make the app cross-origin isolated (SharedArrayBuffer, hence WASM threads). The
// service worker adds them to every response it serves; `vite preview` sends them too (vite.config.ts).

/** COOP same-origin + COEP require-corp (Safari has no `credentialless`), and CORP for our own files. */
export const ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin'
};

/** A copy of `response` with the isolation headers (opaque responses are returned as they are). */
export function withIsolationHeaders(response: Response): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
