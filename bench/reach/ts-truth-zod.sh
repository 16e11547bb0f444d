#!/usr/bin/env bash
# Per-test-file execution truth for zod: runs each test file of packages/zod alone under vitest
# with V8 coverage and writes <truth dir>/<file>.json = { test, ok, loaded, called } (repo-relative
# files with a statement / a function executed), the input of ts-truth.mjs.
# Needs, in the zod copy: node_modules with vitest and @vitest/coverage-v8 of one version
#   (npm i -D -E vitest@4.1.12 @vitest/coverage-v8@4.1.12 in a scratch folder, then symlink it),
# and packages/zod/node_modules/zod -> .. (so "zod/v4" resolves to the package's own sources).
# Usage: bench/reach/ts-truth-zod.sh <zod copy> <truth dir> [parallel=2] [grep pattern selecting test files]
set -euo pipefail
repo=$(cd "$1" && pwd)
out=$(mkdir -p "$2" && cd "$2" && pwd)
jobs=${3:-2}
pattern=${4:-.}
cat > "$repo/truth.config.mjs" <<'CFG'
import { defineConfig } from 'vitest/config';
export default defineConfig({
  resolve: { conditions: ['@zod/source', 'default'] },
  ssr: { resolve: { conditions: ['@zod/source', 'default'], externalConditions: ['@zod/source', 'default'] } },
  test: {
    root: 'packages/zod',
    include: ['src/**/*.test.ts'],
    watch: false,
    coverage: { provider: 'v8', include: ['src/**/*.ts'], exclude: ['**/tests/**', '**/*.test.ts'], reporter: ['json'], reportsDirectory: process.env.COV_DIR ?? 'coverage' },
  },
});
CFG
one() {
  local repo=$1 out=$2 test=$3
  local name dir
  name=$(echo "$test" | tr '/' '_')
  dir=$(mktemp -d)
  (cd "$repo" && COV_DIR=$dir timeout 300 node node_modules/vitest/vitest.mjs run --config truth.config.mjs --coverage --coverage.reportOnFailure "$test" >"$out/$name.log" 2>&1) || true
  python3 - "$dir/coverage-final.json" "$out/$name.json" "$test" <<'PY'
import json, os, sys
src, dst, test = sys.argv[1:4]
if not os.path.exists(src):
    json.dump({"test": test, "ok": False}, open(dst, "w")); sys.exit()
loaded, called = [], []
for f, v in json.load(open(src)).items():
    rel = "packages/zod/" + f.split("packages/zod/", 1)[1]
    if any(c > 0 for c in v["s"].values()): loaded.append(rel)
    if any(c > 0 for c in v["f"].values()): called.append(rel)
json.dump({"test": test, "ok": True, "loaded": sorted(loaded), "called": sorted(called)}, open(dst, "w"))
PY
  rm -rf "$dir"
}
export -f one
(cd "$repo/packages/zod" && find src -name '*.test.ts' | sort | grep -e "$pattern") | xargs -P "$jobs" -I{} bash -c 'one "$0" "$1" "$2"' "$repo" "$out" {}
