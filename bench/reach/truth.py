"""Per-test executed files from a coverage.py data file with per-test contexts.

Usage: python3 truth.py <.coverage file> <repo root>  → JSON on stdout:
  {"tests": {"tests/test_x.py::TestC::test_y": ["src/pkg/core.py", ...]}, "contexts": N}

A context is pytest-cov's `--cov-context=test` label, `<node id>|setup|run|teardown`; the three
phases of one node id are united, and the parameters of a parametrized test (`[...]`) are dropped
so every parameter of one test function counts as one test (seams' static inventory lists test
functions). Lines run outside any test (imports during collection: context "") are ignored.
"""
import json
import os
import re
import sys

from coverage import CoverageData

data_file, root = sys.argv[1], os.path.realpath(sys.argv[2])
data = CoverageData(basename=data_file)
data.read()
tests = {}
contexts = set()
for path in data.measured_files():
    rel = os.path.relpath(os.path.realpath(path), root).replace(os.sep, "/")
    for ctxs in data.contexts_by_lineno(path).values():
        for ctx in ctxs:
            if not ctx:
                continue
            contexts.add(ctx)
            node = ctx.rsplit("|", 1)[0]
            node = re.sub(r"\[.*\]$", "", node)
            tests.setdefault(node, set()).add(rel)
json.dump({"tests": {k: sorted(v) for k, v in sorted(tests.items())}, "contexts": len(contexts)}, sys.stdout, indent=0)
