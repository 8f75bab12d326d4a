// The headers that make the app cross-origin isolated (SharedArrayBuffer, hence WASM threads). The
// service worker adds them to every response it serves; `vite preview` sends them too (vite.config.ts),
// with the policy's frame-ancestors.

/** COOP same-origin + COEP require-corp (Safari has no `credentialless`), and CORP for our own files. */
export const ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin'
};

/**
 * The one part of the Content-Security-Policy a `<meta>` cannot carry: no other site may frame the
 * app (clickjacking). The rest of the policy is the `<meta>` in index.html (svelte.config.js).
 */
export const FRAME_ANCESTORS_HEADER: Record<string, string> = {
  'Content-Security-Policy': "frame-ancestors 'none'"
};

/** Every header the app's own responses carry: isolation and frame-ancestors. */
export const APP_HEADERS: Record<string, string> = { ...ISOLATION_HEADERS, ...FRAME_ANCESTORS_HEADER };

/** A copy of `response` with the app's headers (opaque responses are returned as they are). */
export function withIsolationHeaders(response: Response): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  // A policy the response already carries (a server's, with its script hashes) is kept: frame-ancestors
  // goes beside it as a second policy, and the browser enforces both.
  const policy = headers.get('Content-Security-Policy');
  if (!policy?.includes('frame-ancestors')) headers.append('Content-Security-Policy', FRAME_ANCESTORS_HEADER['Content-Security-Policy']);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
