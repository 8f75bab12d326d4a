// Prints the one closing line CI reads, "N passed, N failed, N skipped", over every runner's report.
import { sumTestResults } from './test-results.ts';

const { passed, failed, skipped, problems } = sumTestResults(process.argv[2] ?? 'tests/.artifacts/results');
for (const problem of problems) console.error(problem);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
