// Helpers for the presets walk: painting, training, and reading the app's IndexedDB from the page.
import { expect, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { meanOverPixels, paintRegion, previewPixels } from './painting.ts';

export { trainingStep } from './painting.ts';

/** The painted rectangle, as fractions of the keyframe. */
export const PAINTED = { left: 0.15, right: 0.6, top: 0.25, bottom: 0.6 };
/** Measured inside the painted rectangle (away from stroke edges). */
export const MEASURED = { left: 0.22, right: 0.52, top: 0.32, bottom: 0.52 };
/** The painted colour, absent from the grey fake camera. */
export const MAGENTA: [number, number, number] = [255, 0, 255];

/** Opens the studio (debug API on) and waits for a camera frame to capture. */
export async function openStudio(page: Page): Promise<void> {
  await page.goto('/?debug');
  await expect(page.getByRole('button', { name: 'Capture keyframe' })).toBeEnabled({ timeout: 90_000 });
}

/** Captures a keyframe and paints PAINTED magenta with horizontal strokes. */
export async function captureAndPaint(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Capture keyframe' }).click();
  await expect(page.getByLabel('Painting', { exact: true })).toBeVisible();
  await paintRegion(page, PAINTED, 0.05);
}

/** Mean RGB distance to `colour` inside `region` of the stylized preview canvas. */
export async function previewDistance(page: Page, region = MEASURED, colour = MAGENTA): Promise<number> {
  const [cr, cg, cb] = colour;
  return meanOverPixels(await previewPixels(page, region), (r, g, b) => Math.hypot(r - cr, g - cg, b - cb));
}

/** What the page's IndexedDB holds, summarised: presets (name, weights SHA-256) and the session. */
export interface StoredState {
  presets: { name: string; weightsSha256: string | null; weightsBytes: number }[];
  session: { keyframes: number; strokes: unknown; weightsSha256: string | null; steps: number } | null;
}

/** Reads the app's database without ever creating or upgrading it. */
export async function storedState(page: Page): Promise<StoredState> {
  return page.evaluate(async () => {
    const hex = async (bytes: Uint8Array<ArrayBuffer> | null) =>
      bytes ? Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('') : null;
    const db = await new Promise<IDBDatabase | null>((resolve, reject) => {
      const request = indexedDB.open('livebrush');
      request.onupgradeneeded = () => request.transaction!.abort();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => (request.error?.name === 'AbortError' ? resolve(null) : reject(request.error));
    });
    if (!db) return { presets: [], session: null };
    const read = <T>(store: string, query: (s: IDBObjectStore) => IDBRequest) =>
      new Promise<T>((resolve, reject) => {
        const request = query(db.transaction(store).objectStore(store));
        request.onsuccess = () => resolve(request.result as T);
        request.onerror = () => reject(request.error);
      });
    type Preset = { name: string; updated: number; weights: Uint8Array<ArrayBuffer> | null };
    type Session = { keyframes: { strokes: unknown }[]; weights: Uint8Array<ArrayBuffer> | null; stats: { steps: number } };
    const presets = (await read<Preset[]>('presets', (s) => s.getAll())).sort((a, b) => b.updated - a.updated);
    const session = await read<Session | undefined>('session', (s) => s.get('current'));
    db.close();
    return {
      presets: await Promise.all(
        presets.map(async (p) => ({ name: p.name, weightsSha256: await hex(p.weights), weightsBytes: p.weights?.byteLength ?? 0 }))
      ),
      session: session
        ? { keyframes: session.keyframes.length, strokes: session.keyframes[0]?.strokes ?? null, weightsSha256: await hex(session.weights), steps: session.stats.steps }
        : null
    };
  });
}

/** Deletes the autosaved session (a first start with saved styles but nothing open). */
export async function forgetSession(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open('livebrush');
        request.onsuccess = () => {
          const tx = request.result.transaction('session', 'readwrite');
          tx.objectStore('session').delete('current');
          tx.oncomplete = () => (request.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
        request.onerror = () => reject(request.error);
      })
  );
}

/** SHA-256 of bytes in hex (Node side, for downloaded files). */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
