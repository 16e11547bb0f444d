#!/usr/bin/env bash
# The long mode of the hostile-input fuzzer (test/fuzz): more inputs per format, huge strings up
# to 1 MB, more real ingests. Prints one JSON line per format (inputs, read, refused, ingested,
# slowest and total milliseconds); a finding fails the run with the input's description (format,
# index, seed and the mutations that made it), which FUZZ_TRACE=<file> also writes with the input.
#   bench/fuzz/run.sh [inputs per format, default 5000] [seed, default 13]
set -euo pipefail
cd "$(dirname "$0")/../.."
export FUZZ_N="${1:-5000}" FUZZ_SEED="${2:-13}" FUZZ_HUGE_MAX="${FUZZ_HUGE_MAX:-1000000}" FUZZ_INGESTS="${FUZZ_INGESTS:-50}" FUZZ_REPORT=1
npx vitest run test/fuzz/fuzz-reports.test.ts test/fuzz/fuzz-sources.test.ts 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' | grep -E '^\{"format"|finding|Test Files|Tests |Duration'
