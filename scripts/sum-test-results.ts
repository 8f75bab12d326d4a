// Adds up the JSON reports of vitest and Playwright into the one closing line CI reads.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type VitestReport = { numPassedTests: number; numFailedTests: number; numPendingTests?: number; numTodoTests?: number };
type PlaywrightReport = { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };

const dir = process.argv[2] ?? 'tests/.artifacts/results';
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;

for (const runner of ['unit', 'browser']) {
  const file = join(dir, `${runner}.json`);
  if (!existsSync(file)) { missing++; console.error(`no report from the ${runner} tests`); continue; }
  const r = JSON.parse(readFileSync(file, 'utf8')) as VitestReport;
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
const e2eFile = join(dir, 'e2e.json');
if (existsSync(e2eFile)) {
  const { stats } = JSON.parse(readFileSync(e2eFile, 'utf8')) as PlaywrightReport;
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
  skipped += stats.skipped;
} else { missing++; console.error('no report from the end-to-end tests'); }

// A runner that produced no report counts as one failure, so a broken runner can never read as green.
failed += missing;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
