#!/usr/bin/env bash
# Evaluates candidates (bench/candidates.ts) on development-set clip×style pairs and appends one JSON
# line per run to a results file (docs/network.md is built from bench/devset-results.jsonl).
#
#   scripts/devset-sweep.sh [-p PARALLEL] [-b BUDGET] [-s "clip/style …"] [-r "SEED …"] CANDIDATE…
#
#   -b BUDGET  devset-eval budget flags, default "--cpu-seconds 60" (the steps an uncontended core
#              reaches in 60 s); e.g. "--seconds 60" (wall clock) or "--steps 500"
#   -s PAIRS   default "vtest/stylization vtest/pencil tree/stylization tree/pencil"
#   -r SEEDS   training seeds, each a separate run, default "1"
#   -p N       runs at once (each is single-threaded), default 1
#   -o FILE    results file, default bench/devset-results.jsonl
set -euo pipefail
cd "$(dirname "$0")/.."
parallel=1
budget="--cpu-seconds 60"
pairs="vtest/stylization vtest/pencil tree/stylization tree/pencil"
results=bench/devset-results.jsonl
seeds=1
while getopts "p:b:s:o:r:" option; do
  case $option in
    p) parallel=$OPTARG ;;
    b) budget=$OPTARG ;;
    s) pairs=$OPTARG ;;
    o) results=$OPTARG ;;
    r) seeds=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: $0 [-p N] [-b BUDGET] [-s PAIRS] [-r SEEDS] [-o FILE] CANDIDATE…" >&2; exit 2; }
export BUDGET="$budget" RESULTS="$results" TAG="${budget//[^a-z0-9]/}"
for seed in $seeds; do
  for candidate in "$@"; do
    for pair in $pairs; do
      echo "$candidate ${pair%/*} ${pair#*/} $seed"
    done
  done
done | xargs -P "$parallel" -L 1 bash -c '
  # shellcheck disable=SC2086 # BUDGET is several flags
  npx tsx scripts/devset-eval.ts --candidate "$1" --clip "$2" --style "$3" --seed "$4" $BUDGET --frames scored \
    --out "tests/.artifacts/devset/$2-$3-$1-$TAG-seed$4" --record "$RESULTS" --label "$1" || echo "FAILED: $1 $2 $3 seed $4" >&2
' run
