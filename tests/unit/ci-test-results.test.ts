// The closing line CI reads: every runner counts, and a runner that broke outside its tests is red.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sumTestResults } from '../../scripts/test-results';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A results folder with the given reports (a missing name: no file). */
function results(reports: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'livebrush-results-'));
  dirs.push(dir);
  for (const [name, report] of Object.entries(reports)) writeFileSync(join(dir, `${name}.json`), JSON.stringify(report));
  return dir;
}

const vitest = (passed: number, failed: number) => ({ numPassedTests: passed, numFailedTests: failed, numPendingTests: 0, numTodoTests: 0 });
const playwright = (expected: number, unexpected: number, errors: { message: string }[] = []) => ({
  stats: { expected, unexpected, flaky: 0, skipped: 0 },
  errors
});

describe('sumTestResults', () => {
  it('adds up the three runners', () => {
    const totals = sumTestResults(results({ unit: vitest(280, 0), browser: vitest(40, 1), e2e: playwright(25, 2) }));
    expect(totals).toEqual({ passed: 345, failed: 3, skipped: 0, problems: [] });
  });

  it('counts an end-to-end run that never started its tests as failed', () => {
    const serverBusy = playwright(0, 0, [{ message: 'Error: http://localhost:4173 is already used\nmore' }]);
    const totals = sumTestResults(results({ unit: vitest(280, 0), browser: vitest(43, 0), e2e: serverBusy }));
    expect(totals.failed).toBe(1);
    expect(totals.problems).toEqual(['end-to-end run: Error: http://localhost:4173 is already used']);
  });

  it('counts a runner that wrote no report as failed', () => {
    const totals = sumTestResults(results({ unit: vitest(280, 0), e2e: playwright(25, 0) }));
    expect(totals.failed).toBe(1);
    expect(totals.problems).toEqual(['no report from the browser tests']);
  });
});
