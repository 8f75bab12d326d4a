#!/usr/bin/env bash
# Runs every test runner (unit, browser, end-to-end) and prints one closing line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh || exit 1
out=tests/.artifacts/results
rm -rf "$out" && mkdir -p "$out"
status=0

npx vitest run --project unit --passWithNoTests --reporter=default --reporter=json --outputFile.json="$out/unit.json" || status=1
npx vitest run --project browser --passWithNoTests --reporter=default --reporter=json --outputFile.json="$out/browser.json" || status=1
npm run build --silent >"$out/build.log" 2>&1 || { echo "build failed:"; tail -40 "$out/build.log"; status=1; }
PLAYWRIGHT_JSON_OUTPUT_NAME="$out/e2e.json" npx playwright test --reporter=list,json || status=1

npx tsx scripts/sum-test-results.ts "$out" || status=1
exit $status
