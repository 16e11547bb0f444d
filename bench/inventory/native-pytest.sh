#!/bin/sh
# Native pytest listings for the corpus, computed once and reused (sympy takes minutes):
#   bench/inventory/native-pytest.sh [out-dir] [repo-dir …]
# writes <out>/<repo>.txt (stdout of `python3 -m pytest --collect-only -q -p no:cacheprovider`,
# run in the repo root as bench/pytest/bench.mjs does), <repo>.err (stderr), and <repo>.time:
# one line "user_s sys_s wall_s peak_kb exit" from GNU time. PYTHONDONTWRITEBYTECODE keeps the
# checkout untouched (no __pycache__), -p no:cacheprovider no .pytest_cache. <out>/<repo>.errored
# lists the files pytest could not collect (accuracy is measured over the others).
out=${1:-/work/scratch/native}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- /work/scratch/repos/pluggy /work/scratch/repos/more-itertools /work/scratch/repos/sqlparse \
  /work/scratch/repos/flask /work/scratch/repos/click /work/scratch/repos/attrs /work/scratch/repos/jsonschema \
  /work/scratch/repos/jinja /work/scratch/repos/dateutil /work/scratch/repos/sympy
mkdir -p "$out"
for repo in "$@"; do
  name=$(basename "$repo")
  nice=""; [ "$name" = sympy ] && nice="nice -n 10"
  # as corpus.mjs: dateutil's filterwarnings=error makes the unknown no_cover mark (no pytest-cov)
  # an INTERNALERROR that hides the collection errors; the ids are the same without it
  extra=""; [ "$name" = dateutil ] && extra="-W ignore::pytest.PytestUnknownMarkWarning"
  # hypothesis' plugin creates .hypothesis/ on collection: remove it unless it was there before
  hyp=""; [ -e "$repo/.hypothesis" ] || hyp="$repo/.hypothesis"
  (cd "$repo" && PYTHONDONTWRITEBYTECODE=1 CI=1 $nice /usr/bin/time -o "$out/$name.time.tmp" -f '%U %S %e %M %x' \
    python3 -m pytest --collect-only -q -p no:cacheprovider $extra >"$out/$name.txt" 2>"$out/$name.err")
  [ -n "$hyp" ] && rm -rf "$hyp"
  mv "$out/$name.time.tmp" "$out/$name.time"
  grep -E '^ERROR (collecting )?[^ -]' "$out/$name.txt" | sed -E 's/^ERROR (collecting )?([^ ]+).*/\2/; s/::.*//' | sort -u >"$out/$name.errored"
  echo "$name: $(tail -n 1 "$out/$name.time"), errored: $(tr '\n' ' ' <"$out/$name.errored")"
done
