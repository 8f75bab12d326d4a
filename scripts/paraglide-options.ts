// One set of Paraglide compiler options for the Vite build and for `npm run i18n` (type-checking, node tests).

/**
 * The locale is chosen by src/lib/i18n (remembered choice, then navigator.languages), which overrides
 * `getLocale`; until then, and in node, the strategy falls back to English.
 */
export const PARAGLIDE_OPTIONS = {
  project: './project.inlang',
  outdir: './src/lib/paraglide',
  strategy: ['globalVariable', 'baseLocale'] as ['globalVariable', 'baseLocale'],
  emitReadme: false
};
