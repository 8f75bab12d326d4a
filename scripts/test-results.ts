// Adds up the JSON reports of vitest and Playwright (what scripts/sum-test-results.ts prints for CI).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type VitestReport = { numPassedTests: number; numFailedTests: number; numPendingTests?: number; numTodoTests?: number };
type PlaywrightReport = { stats: { expected: number; unexpected: number; flaky: number; skipped: number }; errors?: { message?: string }[] };

/** The totals over every runner, and what went wrong outside the tests. */
export interface TestTotals {
  passed: number;
  failed: number;
  skipped: number;
  /** One line per missing report or error outside any test; each counts as one failure. */
  problems: string[];
}

/** Sums `unit.json`, `browser.json` (vitest) and `e2e.json` (Playwright) in `dir`. */
export function sumTestResults(dir: string): TestTotals {
  const totals: TestTotals = { passed: 0, failed: 0, skipped: 0, problems: [] };
  for (const runner of ['unit', 'browser']) {
    const file = join(dir, `${runner}.json`);
    if (!existsSync(file)) {
      totals.problems.push(`no report from the ${runner} tests`);
      continue;
    }
    const report = JSON.parse(readFileSync(file, 'utf8')) as VitestReport;
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  }
  const e2eFile = join(dir, 'e2e.json');
  if (existsSync(e2eFile)) {
    const { stats, errors = [] } = JSON.parse(readFileSync(e2eFile, 'utf8')) as PlaywrightReport;
    totals.passed += stats.expected + stats.flaky;
    totals.failed += stats.unexpected;
    totals.skipped += stats.skipped;
    // An error outside any test: the web server would not start, a spec failed to load.
    for (const error of errors) totals.problems.push(`end-to-end run: ${(error.message ?? 'unknown error').split('\n')[0]}`);
  } else {
    totals.problems.push('no report from the end-to-end tests');
  }
  // A runner that broke can never read as green.
  totals.failed += totals.problems.length;
  return totals;
}
