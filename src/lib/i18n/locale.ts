// Which language the app speaks, and numbers, sizes and dates written the way that language writes them.
import { baseLocale, getLocale, isLocale, type Locale } from '$lib/paraglide/runtime';

/** The localStorage key that remembers the language chosen in the app on this device. */
export const LOCALE_KEY = 'livebrush:locale';

/** Each language's name in itself, for the language switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '中文' };

/**
 * The language to speak: the one chosen on this device, else Chinese when any of the browser's
 * languages is Chinese (zh, zh-CN, zh-TW, zh-Hant, …), else English.
 */
export function pickLocale(saved: string | null, languages: readonly string[]): Locale {
  if (saved && isLocale(saved)) return saved;
  for (const language of languages) {
    const tag = language.toLowerCase();
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return baseLocale;
}

/** `value` as the language writes numbers (grouping, decimal sign), with exactly `fractionDigits` decimals. */
export function formatNumber(value: number, fractionDigits = 0, locale: Locale = getLocale()): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: fractionDigits, minimumFractionDigits: fractionDigits }).format(value);
}

/** A date with its time, short, as the language writes it. */
export function formatDateTime(date: Date | number, locale: Locale = getLocale()): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}
