// A client-only SPA: camera, workers and IndexedDB exist only in the browser.
import { browser } from '$app/environment';
import { startLocale } from '$lib/i18n/active.svelte';

export const ssr = false;
export const prerender = false;

// The language is settled before the first component renders its words.
if (browser) startLocale();
