#!/usr/bin/env node
// Speed and accuracy of seams' static pytest discovery against the real `pytest --collect-only -q`.
//
//   npm run build
//   node bench/pytest/bench.mjs [--python python3] [--runs 3] [--scaling] <repo> …
//
// For every repo (a checkout whose Python dependencies are installed for --python) it runs, in
// one go and on the same machine:
//   seams   `node bin/seams.js scan <repo> --format json`   (a fresh process: wall time, peak RSS)
//   pytest  `<python> -m pytest --collect-only -q -p no:cacheprovider` in the repo (wall, peak RSS)
// and prints the speed ratio, plus the id accuracy both ways over the files pytest collects
// without error:
//   exact    matched / max(native, static)             (every id must be identical)
//   static   the same, leaving out native ids whose test seams lists once as `dynamic`
//            (pytest_generate_tests, computed argvalues: known to seams as not statically knowable)
// --scaling also scans synthetic repos of 250…4000 test files to show the time grows linearly.
// Peak memory comes from /usr/bin/time when present (GNU time, `%M`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, measure } from '../_lib/measure.mjs';
import { collectOnlyArgs, loadPytestVerify, pytestAccuracy } from '../_lib/pytest-ids.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '../..');
const dist = process.env.SEAMS_DIST ?? path.join(projectRoot, 'dist');
const { parseCollectOnly, compareIds } = await loadPytestVerify(dist);

const args = process.argv.slice(2);
let python = 'python3';
let runs = 1;
let scaling = false;
const repos = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--python') python = args[++i];
  else if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--scaling') scaling = true;
  else repos.push(path.resolve(args[i]));
}
const pyEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', CI: '1' };

const seamsBin = path.join(projectRoot, 'bin/seams.js');
/** Best of `n` successful `seams scan --format json` runs (a failed run is retried, never timed). */
async function seamsScan(repo, n = runs) {
  let best;
  for (let i = 0, attempts = 0; i < n && attempts < n + 3; attempts++) {
    const m = await measure(process.execPath, [seamsBin, 'scan', repo, '--format', 'json'], { cwd: projectRoot });
    let tests;
    try {
      tests = JSON.parse(m.stdout).repos[0].tests.filter((t) => t.runner === 'pytest');
    } catch {
      console.error(`seams scan ${repo} failed (exit ${m.status}); retrying`);
      continue;
    }
    i++;
    if (!best || m.seconds < best.seconds) best = { ...m, tests };
  }
  if (!best) throw new Error(`seams scan ${repo} never succeeded`);
  return best;
}

const rows = [];
for (const repo of repos) {
  const commit = (() => {
    try {
      return execFileSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  })();
  const s = await seamsScan(repo);
  const p = await measure(python, collectOnlyArgs, { cwd: repo, env: pyEnv });
  const native = parseCollectOnly(p.stdout);
  // exact: every id; staticOnly: leaving out seams' dynamic tests and the native ids they stand for
  const { raw: exact, outsideDynamic: staticOnly, dynamic } = pytestAccuracy(compareIds, native, s.tests);
  const files = new Set(s.tests.map((t) => t.file)).size;
  rows.push({
    repo: `${path.basename(repo)}@${commit}`,
    files,
    native: exact.native,
    static: exact.static,
    matched: exact.matched,
    exact: exact.rate,
    staticRate: staticOnly.rate,
    dynamic,
    errored: native.erroredFiles.length,
    seams: s.seconds,
    seamsCpu: s.cpu,
    seamsMB: s.peakMB,
    pytest: p.seconds,
    pytestCpu: p.cpu,
    pytestMB: p.peakMB,
  });
  const r = rows[rows.length - 1];
  console.error(`${r.repo}: seams ${fmt(r.seams)} s, pytest ${fmt(r.pytest)} s (${fmt(r.pytest / r.seams, 1)}x wall, ${fmt(r.pytestCpu / r.seamsCpu, 1)}x cpu); ids ${fmt(100 * r.exact)}% exact, ${fmt(100 * r.staticRate)}% outside dynamic tests`);
  if (process.env.BENCH_SHOW_DIFF) {
    for (const id of exact.missing.slice(0, 20)) console.error(`   - ${id}`);
    for (const id of exact.extra.slice(0, 20)) console.error(`   + ${id}`);
  }
}

if (rows.length) {
  console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores\n`);
  console.log('| repo | test files | pytest ids | seams ids | identical | exact rate | rate outside dynamic | dynamic | errored files | seams s (cpu) | seams MB | pytest s (cpu) | pytest MB | speed-up wall (cpu) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.repo} | ${r.files} | ${r.native} | ${r.static} | ${r.matched} | ${fmt(100 * r.exact)}% | ${fmt(100 * r.staticRate)}% | ${r.dynamic} | ${r.errored} | ${fmt(r.seams)} (${fmt(r.seamsCpu)}) | ${fmt(r.seamsMB, 0)} | ${fmt(r.pytest)} (${fmt(r.pytestCpu)}) | ${fmt(r.pytestMB, 0)} | ${fmt(r.pytest / r.seams, 1)}x (${fmt(r.pytestCpu / r.seamsCpu, 1)}x) |`,
    );
  const tot = rows.reduce((a, r) => ({ native: a.native + r.native, static: a.static + r.static, matched: a.matched + r.matched }), { native: 0, static: 0, matched: 0 });
  console.log(`\nall repos: ${tot.matched} identical of ${tot.native} pytest ids / ${tot.static} seams ids (${fmt((100 * tot.matched) / Math.max(tot.native, tot.static))}%)`);
}

if (scaling) {
  // Synthetic suites: each file has module constants, parametrized functions, a class with
  // inherited tests and fixtures, so the per-file work resembles a real suite.
  const body = (i) => `import pytest

CASES = [(n, str(n)) for n in range(${(i % 7) + 3})]


@pytest.fixture(params=["a", "b"])
def mode(request):
    return request.param


class Base:
    def test_inherited(self, mode):
        assert mode


@pytest.mark.parametrize("n,s", CASES)
def test_cases_${i}(n, s):
    value = n
    for _ in range(10):
        value = value + 1
    assert str(n) == s


class TestSuite${i}(Base):
    @pytest.mark.parametrize("x", [1, 2, 3])
    def test_x(self, x):
        """Exercises x."""
        data = {"a": [1, 2, 3], "b": {"c": "d"}}
        assert data and x


def test_plain_${i}():
    assert True
`;
  console.log('\n| synthetic test files | tests | seams s | seams cpu s | cpu ms per file | seams MB |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const n of [250, 500, 1000, 2000, 4000]) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'seams-pytest-scale-'));
    for (let i = 0; i < n; i++) {
      const sub = path.join(dir, 'tests', `pkg${Math.floor(i / 50)}`);
      mkdirSync(sub, { recursive: true });
      writeFileSync(path.join(sub, `test_mod_${i}.py`), body(i));
    }
    writeFileSync(path.join(dir, 'pytest.ini'), '[pytest]\n');
    const best = await seamsScan(dir, Math.max(3, runs));
    console.log(`| ${n} | ${best.tests.length} | ${fmt(best.seconds)} | ${fmt(best.cpu)} | ${fmt(best.cpu === undefined ? undefined : (1000 * best.cpu) / n, 2)} | ${fmt(best.peakMB, 0)} |`);
    rmSync(dir, { recursive: true, force: true });
  }
}
