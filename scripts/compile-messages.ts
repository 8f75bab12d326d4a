// Compiles messages/*.json into src/lib/paraglide without a Vite build (for svelte-check and tsx scripts).
import { compile } from '@inlang/paraglide-js';
import { PARAGLIDE_OPTIONS } from './paraglide-options.ts';

await compile(PARAGLIDE_OPTIONS);
