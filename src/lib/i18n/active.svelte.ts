// The language the page speaks now: chosen at start, switched in place from the menu, remembered on the device.
import { overwriteGetLocale, type Locale } from '$lib/paraglide/runtime';
import { LOCALE_KEY, pickLocale } from './locale';

/** The page's language; reading `current` in a template or `$derived` re-renders it when the language changes. */
class ActiveLocale {
  current = $state<Locale>('en');
}

/** The page's language. */
export const activeLocale = new ActiveLocale();

/** localStorage, or null where reading it throws (some private modes). */
function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

function readSaved(): string | null {
  try {
    return storage()?.getItem(LOCALE_KEY) ?? null;
  } catch {
    return null;
  }
}

/**
 * Picks the language (the remembered choice, else the browser's languages) and makes every message
 * function read it, so messages shown in templates follow a switch without a reload.
 */
export function startLocale(): void {
  activeLocale.current = pickLocale(readSaved(), navigator.languages ?? [navigator.language]);
  overwriteGetLocale(() => activeLocale.current);
  document.documentElement.lang = activeLocale.current;
}

/** Switches the page to `locale` and remembers the choice on this device. */
export function chooseLocale(locale: Locale): void {
  activeLocale.current = locale;
  document.documentElement.lang = locale;
  try {
    storage()?.setItem(LOCALE_KEY, locale);
  } catch {
    // Storage refused (private mode): the switch holds for this visit only.
  }
}
