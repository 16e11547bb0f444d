#!/usr/bin/env node
// Issue 10's benchmark: seams' inventory against the native collectors on a corpus of real
// repositories, accuracy and speed, side by side in one run. See README.md here.
//
//   npm run build
//   node bench/inventory/corpus.mjs [options] [repo[:runner] …]
//
// A repo is a name under --src (copied once to --work, where everything runs: seams writes its
// cache into <repo>/.seams/cache, never into the read-only checkout) or a path; runner is
// pytest | vitest | jest (default: the corpus' own, else pytest). Without repos: the whole corpus.
//
// Options:
//   --src DIR          read-only checkouts (default /work/scratch/repos)
//   --work DIR         working copies, installed for the JS repos (default /work/scratch/bench)
//   --json FILE        where the JSON results go (default <work>/corpus-<date>.json)
//   --runs N           warm (and cold) seams runs per repo, best CPU time kept (default 3)
//   --python PY        interpreter for pytest (default $SEAMS_PYTHON, else python3)
//   --timeout S        per native command and per seams run (default 900)
//   --native-from DIR  reuse pytest listings <DIR>/<repo>.txt + .time (native-pytest.sh) instead
//                      of collecting again; the table says so
//   --no-resolve       skip `seams scan --resolve` even when the build has it
//   --no-jest-json     skip `jest --json` (it runs the suite; without it Jest rows have no accuracy)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jestListTests, jsAccuracy, nativeListing, staticEntries } from '../_lib/js-native.mjs';
import { fmt, measure, pct, probe } from '../_lib/measure.mjs';
import { collectOnlyArgs, loadPytestVerify, pytestAccuracy } from '../_lib/pytest-ids.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '../..');
const dist = process.env.SEAMS_DIST ?? path.join(projectRoot, 'dist');
const seamsBin = process.env.SEAMS_BIN ?? path.join(projectRoot, 'bin/seams.js');
/** The checkout of the build under test (SEAMS_BIN may name another one). */
const seamsRoot = path.resolve(path.dirname(seamsBin), '..');
const { parseCollectOnly, compareIds } = await loadPytestVerify(dist);

/**
 * The corpus. `nativeArgs` are added to the native command where the repo's own configuration
 * cannot run here as is; each one is explained.
 */
const CORPUS = [
  { name: 'pluggy', runner: 'pytest' },
  // its Makefile runs `python -m unittest`, so seams detects unittest; the native side is pytest
  { name: 'more-itertools', runner: 'pytest', seamsConfig: 'more-itertools.yaml' },
  { name: 'sqlparse', runner: 'pytest' },
  { name: 'flask', runner: 'pytest' },
  { name: 'click', runner: 'pytest' },
  { name: 'attrs', runner: 'pytest' },
  { name: 'jsonschema', runner: 'pytest' },
  { name: 'jinja', runner: 'pytest' },
  // setup.cfg's filterwarnings=error turns the unknown `no_cover` mark (pytest-cov is not
  // installed) into an INTERNALERROR after collection, which hides the collection errors; the ids
  // are the same with or without this flag.
  { name: 'dateutil', runner: 'pytest', nativeArgs: ['-W', 'ignore::pytest.PytestUnknownMarkWarning'] },
  { name: 'sympy', runner: 'pytest' },
  { name: 'ufo', runner: 'vitest' },
  { name: 'zod', runner: 'vitest' },
  { name: 'immutable-js', runner: 'jest' },
  { name: 'mobx', runner: 'jest' },
];

const args = process.argv.slice(2);
const opt = { src: '/work/scratch/repos', work: '/work/scratch/bench', json: null, runs: 3, python: process.env.SEAMS_PYTHON || 'python3', timeout: 900, nativeFrom: null, resolve: true, jestJson: true };
const wanted = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--src') opt.src = path.resolve(args[++i]);
  else if (a === '--work') opt.work = path.resolve(args[++i]);
  else if (a === '--json') opt.json = path.resolve(args[++i]);
  else if (a === '--runs') opt.runs = Math.max(1, Number(args[++i]));
  else if (a === '--python') opt.python = args[++i];
  else if (a === '--timeout') opt.timeout = Number(args[++i]);
  else if (a === '--native-from') opt.nativeFrom = path.resolve(args[++i]);
  else if (a === '--no-resolve') opt.resolve = false;
  else if (a === '--no-jest-json') opt.jestJson = false;
  else if (a === '-h' || a === '--help') {
    console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport ')[0].replace(/^#!.*\n/, '').replace(/^\/\/ ?/gm, ''));
    process.exit(0);
  } else if (a.startsWith('-')) {
    console.error(`unknown option ${a} (see --help)`);
    process.exit(2);
  } else wanted.push(a);
}
const timeoutMs = opt.timeout * 1000;
const log = (...m) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...m);

const repos = (wanted.length ? wanted : CORPUS.map((c) => c.name)).map((w) => {
  const [spec, runner] = w.split(':');
  const known = CORPUS.find((c) => c.name === spec);
  const isPath = spec.includes('/');
  const name = path.basename(spec);
  return {
    name,
    runner: runner ?? known?.runner ?? 'pytest',
    nativeArgs: known?.nativeArgs ?? [],
    seamsArgs: known?.seamsConfig ? ['--config', path.join(here, 'configs', known.seamsConfig)] : [],
    source: isPath ? path.resolve(spec) : path.join(opt.src, spec),
  };
});

// ---- what the build under test supports (flags other work adds: absent is not an error) ----
const seamsEnv = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
const scanHelp = (() => {
  try {
    return execFileSync(process.execPath, [seamsBin, 'scan', '--help'], { encoding: 'utf8', env: seamsEnv });
  } catch {
    return '';
  }
})();
const features = { noCache: /--no-cache\b/.test(scanHelp), resolve: /--resolve\b/.test(scanHelp) };
const git = (dir, ...a) => {
  try {
    return execFileSync('git', ['-C', dir, ...a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '?';
  }
};

/** The working copy of a repo: copied once from the read-only checkout (never scanned there). */
function workCopy(r) {
  const dir = path.join(opt.work, r.name);
  if (path.resolve(r.source) === dir) return dir;
  if (!existsSync(dir)) {
    if (!existsSync(r.source)) return null;
    log(`copying ${r.source} → ${dir}`);
    mkdirSync(opt.work, { recursive: true });
    cpSync(r.source, dir, { recursive: true, verbatimSymlinks: true });
  }
  return dir;
}

const clearCache = (dir) => rmSync(path.join(dir, '.seams', 'cache'), { recursive: true, force: true });

/** One `seams scan` process: time, memory, and the parsed inventory (or the reason it failed). */
async function seams(dir, extra = []) {
  const m = await measure(process.execPath, [seamsBin, 'scan', dir, '--format', 'json', ...extra], { cwd: projectRoot, env: seamsEnv, timeoutMs });
  try {
    const repo = JSON.parse(m.stdout).repos[0];
    return { ...m, repo };
  } catch {
    const why = m.timedOut ? 'timed out' : `exit ${m.status}: ${(m.stderr.trim() || m.stdout.trim()).split('\n')[0]?.replace(/^seams: /, '').slice(0, 200)}`;
    return { ...m, error: `seams scan ${extra.join(' ').replace(`${projectRoot}/`, '')} ${why}`.replace(/\s+/g, ' ') };
  }
}
/** Best (least CPU; wall without GNU time) of `n` runs; `before` runs ahead of each one. */
async function best(n, run, before = () => {}) {
  let b;
  for (let i = 0; i < n; i++) {
    before();
    const m = await run();
    if (m.error) return b ?? m;
    if (!b || (m.cpu ?? m.seconds) < (b.cpu ?? b.seconds)) b = m;
  }
  return b;
}
const timing = (m) => (m && !m.error ? { cpu: m.cpu, wall: m.seconds, peakMB: m.peakMB } : m ? { error: m.error } : undefined);

/** The pytest listing: collected here, or reused from native-pytest.sh's files. */
async function pytestNative(r, dir) {
  const command = `${opt.python} ${[...collectOnlyArgs, ...r.nativeArgs].join(' ')}`;
  if (opt.nativeFrom) {
    const txt = path.join(opt.nativeFrom, `${r.name}.txt`);
    const time = path.join(opt.nativeFrom, `${r.name}.time`);
    if (!existsSync(txt) || !existsSync(time)) return { command, error: `no reused listing ${txt}` };
    const [user, sys, wall, kb, status] = readFileSync(time, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number);
    return { command: `${command} (reused from ${opt.nativeFrom})`, reused: true, stdout: readFileSync(txt, 'utf8'), cpu: user + sys, seconds: wall, peakMB: kb / 1024, status };
  }
  const m = await measure(opt.python, [...collectOnlyArgs, ...r.nativeArgs], { cwd: dir, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', CI: '1' }, timeoutMs });
  if (m.spawnError?.code === 'ENOENT' || m.status === 127) return { ...m, command, error: `${opt.python} not found` };
  if (/No module named pytest/.test(m.stderr)) return { ...m, command, error: `pytest is not installed for ${opt.python}` };
  if (m.timedOut) return { ...m, command, error: `${command} timed out after ${opt.timeout} s` };
  return { ...m, command };
}

async function benchRepo(r) {
  const row = { repo: r.name, runner: r.runner, notes: [] };
  const dir = workCopy(r);
  if (!dir) return { ...row, error: `no checkout at ${r.source}` };
  row.dir = dir;
  row.commit = git(dir, 'rev-parse', '--short=10', 'HEAD');

  // seams: cold (empty cache), warm (the same repo again), --no-cache, --resolve cold
  log(`${r.name}: seams cold`);
  const scan = (extra = []) => seams(dir, [...r.seamsArgs, ...extra]);
  if (r.seamsArgs.length) row.notes.push(`seams ${r.seamsArgs.join(' ').replace(`${projectRoot}/`, '')}`);
  const cold = await best(opt.runs, () => scan(), () => clearCache(dir));
  if (cold.error) {
    // still time the native side when it needs nothing from seams (pytest runs in the repo root)
    row.error = cold.error;
    if (r.runner === 'pytest') {
      const n = await pytestNative(r, dir);
      row.native = { command: n.command, ...timing(n), error: n.error, status: n.status };
    }
    return row;
  }
  // the last cold run filled the cache the warm runs read
  log(`${r.name}: seams warm`);
  const warm = await best(opt.runs, () => scan());
  const noCache = features.noCache ? await best(opt.runs, () => scan(['--no-cache'])) : undefined;
  let resolved;
  if (features.resolve && opt.resolve) {
    log(`${r.name}: seams --resolve cold`);
    clearCache(dir);
    resolved = await scan(['--resolve', ...(r.runner === 'pytest' ? ['--python', opt.python] : [])]);
  }
  const tests = cold.repo.tests.filter((t) => t.runner === r.runner);
  const resolvedTests = resolved?.repo?.tests.filter((t) => t.runner === r.runner);
  row.files = new Set(tests.map((t) => t.file)).size;
  row.seams = { cold: timing(cold), warm: timing(warm), noCache: timing(noCache), resolveCold: timing(resolved) };
  if (resolved?.repo) row.resolvedByNative = resolvedTests.filter((t) => t.resolvedBy).length;

  log(`${r.name}: native`);
  if (r.runner === 'pytest') {
    const n = await pytestNative(r, dir);
    row.native = { command: n.command, ...timing(n), error: n.error, status: n.status };
    if (n.error) return row;
    if (![0, 1, 2, 5].includes(n.status)) row.notes.push(`pytest exited ${n.status}${/INTERNALERROR/.test(n.stdout) ? ' (INTERNALERROR: collection errors unknown)' : ''}`);
    const native = parseCollectOnly(n.stdout);
    row.erroredFiles = native.erroredFiles;
    row.accuracy = pytestAccuracy(compareIds, native, tests);
    if (resolvedTests) row.resolveAccuracy = pytestAccuracy(compareIds, native, resolvedTests);
  } else {
    // the outermost folders only: a root config with `projects` lists the nested packages too
    const all = [...new Set(cold.repo.runners.filter((x) => x.runner === r.runner).map((x) => (x.rootDir === '.' ? '' : x.rootDir)))];
    const dirs = all.filter((d) => !all.some((o) => o !== d && (o === '' || d.startsWith(`${o}/`))));
    if (!dirs.length) return { ...row, native: { error: `seams found no ${r.runner} configuration` } };
    const nativeEntries = [];
    const errored = [];
    const parts = [];
    for (const d of dirs) {
      if (r.runner === 'jest') {
        const lt = await jestListTests(dir, d, { timeoutMs });
        parts.push({ ...lt, command: 'jest --listTests' });
        if (lt.error) break;
        if (!opt.jestJson) continue;
        log(`${r.name}: jest --json (runs the suite)`);
        const j = await nativeListing('jest', dir, d, { timeoutMs });
        if (j.error) {
          row.notes.push(j.error);
          continue;
        }
        (row.jestJson ??= { cpu: 0, wall: 0 }).cpu += j.cpu ?? NaN;
        row.jestJson.wall += j.seconds;
        nativeEntries.push(...j.entries);
        errored.push(...j.erroredFiles);
        row.jestJsonDone = true;
      } else {
        const l = await nativeListing(r.runner, dir, d, { timeoutMs });
        parts.push(l);
        if (l.error) break;
        nativeEntries.push(...l.entries);
        errored.push(...l.erroredFiles);
      }
    }
    const failed = parts.find((p) => p.error);
    row.native = failed
      ? { command: parts.map((p) => p.command).join(' + '), error: failed.error }
      : { command: [...new Set(parts.map((p) => p.command))].join(' + ') + (dirs.length > 1 ? ` in ${dirs.length} folders` : ''), cpu: sum(parts.map((p) => p.cpu)), wall: sum(parts.map((p) => p.seconds)), peakMB: Math.max(...parts.map((p) => p.peakMB ?? NaN)) };
    if (failed) return row;
    row.erroredFiles = [...new Set(errored)];
    if (r.runner === 'jest' && !row.jestJsonDone) return row;
    const stat = staticEntries(cold.repo.tests, r.runner, '');
    row.accuracy = jsAccuracy(nativeEntries, stat, row.erroredFiles);
    if (resolved?.repo) row.resolveAccuracy = jsAccuracy(nativeEntries, staticEntries(resolved.repo.tests, r.runner, ''), row.erroredFiles);
    // where the project (Jest displayName, Vitest project name) is what differs, say so
    const anon = (l) => l.map((e) => ({ ...e, project: null }));
    const noProject = jsAccuracy(anon(nativeEntries), anon(stat), row.erroredFiles).raw;
    if (noProject.matched !== row.accuracy.raw.matched)
      row.notes.push(`ignoring the project name: recall ${pct(noProject.recall)}, precision ${pct(noProject.precision)}`);
  }
  if (resolved?.error) row.notes.push(resolved.error);
  return row;
}
const sum = (xs) => xs.reduce((a, b) => a + (b ?? NaN), 0);

/** The floor: Node start, seams start, and a warm scan of a one-test repo. */
async function floor() {
  const tiny = path.join(opt.work, '_tiny');
  mkdirSync(path.join(tiny, 'tests'), { recursive: true });
  writeFileSync(path.join(tiny, 'pytest.ini'), '[pytest]\n');
  writeFileSync(path.join(tiny, 'tests', 'test_one.py'), 'def test_one():\n    assert True\n');
  const n = Math.max(5, opt.runs);
  await seams(tiny);
  return {
    node: timing(await best(n, () => measure(process.execPath, ['-e', '0'], { cwd: projectRoot }))),
    seamsVersion: timing(await best(n, () => measure(process.execPath, [seamsBin, '--version'], { cwd: projectRoot, env: seamsEnv }))),
    tinyWarm: timing(await best(n, () => seams(tiny))),
  };
}

// ---- run ----
const started = new Date();
const load0 = os.loadavg();
const env = {
  date: started.toISOString(),
  machine: `${os.cpus()[0]?.model ?? '?'}, ${os.availableParallelism()} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.type()} ${os.release()}`,
  node: process.version,
  python: probe(opt.python, ['--version']) ?? `${opt.python}: not found`,
  pytest: probe(opt.python, ['-m', 'pytest', '--version']) ?? 'pytest: not installed',
  seams: `${seamsRoot === projectRoot ? '' : `${seamsRoot} `}${git(seamsRoot, 'rev-parse', '--short=10', 'HEAD')}${git(seamsRoot, 'status', '--porcelain', '--untracked-files=no', '--', 'src') ? ' (+ uncommitted changes in src/)' : ''}, src/ last changed in ${git(seamsRoot, 'log', '-1', '--format=%h', '--', 'src')} (dist/ as built)`,
  features,
  runs: opt.runs,
  nativeFrom: opt.nativeFrom,
};
log(`seams ${env.seams}; scan flags: --no-cache ${features.noCache ? 'yes' : 'no'}, --resolve ${features.resolve ? 'yes' : 'no'}`);
const jsonPath = opt.json ?? path.join(opt.work, `corpus-${env.date.replace(/[:.]/g, '-')}.json`);
const trim = (a) => a && { ...a, missing: a.missing.slice(0, 50), extra: a.extra.slice(0, 50), missingCount: a.missing.length, extraCount: a.extra.length };
const slim = (acc) => acc && { dynamic: acc.dynamic, raw: trim(acc.raw), outsideDynamic: trim(acc.outsideDynamic) };
const slimRow = (r) => ({ ...r, accuracy: slim(r.accuracy), resolveAccuracy: slim(r.resolveAccuracy) });
const rows = [];
for (const r of repos) {
  try {
    rows.push(await benchRepo(r));
  } catch (e) {
    rows.push({ repo: r.name, runner: r.runner, notes: [], error: `bench failed: ${e.message}` });
  }
  writeFileSync(jsonPath, `${JSON.stringify({ env, partial: true, rows: rows.map(slimRow) }, null, 2)}\n`);
  const last = rows.at(-1);
  log(`${r.name}: ${last.error ?? last.native?.error ?? `recall ${pct(last.accuracy?.raw.recall)}, precision ${pct(last.accuracy?.raw.precision)}; native ${fmt(last.native?.cpu)} s CPU, seams cold ${fmt(last.seams?.cold?.cpu)} s, warm ${fmt(last.seams?.warm?.cpu)} s`}`);
}
const fl = await floor();
env.loadAverage = { start: load0, end: os.loadavg() };

// ---- totals per runner: sums over the repos where both sides were measured ----
const groups = [...new Set(rows.map((r) => r.runner))].map((runner) => {
  const rs = rows.filter((r) => r.runner === runner && !r.error && !r.native?.error && r.seams?.cold?.cpu !== undefined);
  const acc = (key, part) => {
    const xs = rs.map((r) => r[key]?.[part]).filter(Boolean);
    if (!xs.length) return undefined;
    const t = xs.reduce((a, x) => ({ native: a.native + x.native, static: a.static + x.static, matched: a.matched + x.matched }), { native: 0, static: 0, matched: 0 });
    return { ...t, repos: xs.length, recall: t.matched / t.native, precision: t.matched / t.static };
  };
  const tot = (get) => sum(rs.map(get));
  const native = { cpu: tot((r) => r.native.cpu), wall: tot((r) => r.native.wall) };
  const side = (k) => (rs.every((r) => r.seams[k]?.cpu !== undefined) ? { cpu: tot((r) => r.seams[k].cpu), wall: tot((r) => r.seams[k].wall) } : undefined);
  const cold = side('cold');
  const warm = side('warm');
  const resolveCold = side('resolveCold');
  const ratio = (s) => (s ? { cpu: native.cpu / s.cpu, wall: native.wall / s.wall } : undefined);
  return {
    runner,
    repos: rs.map((r) => r.repo),
    native,
    cold,
    warm,
    resolveCold,
    ratio: { cold: ratio(cold), warm: ratio(warm), resolveCold: ratio(resolveCold) },
    accuracy: { raw: acc('accuracy', 'raw'), outsideDynamic: acc('accuracy', 'outsideDynamic'), resolveRaw: acc('resolveAccuracy', 'raw'), resolveOutsideDynamic: acc('resolveAccuracy', 'outsideDynamic') },
  };
});

// ---- output ----
const out = [];
const p = (s = '') => out.push(s);
p(`## Inventory corpus — ${env.date.slice(0, 16).replace('T', ' ')} UTC`);
p();
p(`${env.machine}; Node ${env.node}; ${env.python}, ${env.pytest}; seams ${env.seams} (scan --no-cache: ${features.noCache ? 'yes' : 'no'}, --resolve: ${features.resolve ? (opt.resolve ? 'yes' : 'skipped') : 'no'}); best of ${opt.runs} seams runs by CPU. Load average ${load0.map((l) => l.toFixed(1)).join(' ')} at the start, ${env.loadAverage.end.map((l) => l.toFixed(1)).join(' ')} at the end.${opt.nativeFrom ? ` pytest listings reused from ${opt.nativeFrom}.` : ''}`);
p();
p('### Accuracy (over the files the native collector collects without error)');
p();
p('recall = identical / native, precision = identical / seams. "outside dynamic" leaves out the tests seams lists once as `dynamic` and the native ids they stand for (JS: every file holding one); the raw figure is next to it.');
p();
p('| repo | runner | commit | native | seams | dynamic | errored files | recall | precision | recall outside dynamic | precision outside dynamic | --resolve recall | --resolve precision | --resolve outside dynamic (R / P) | note |');
p('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
const note = (r) => [r.error, r.native?.error, ...(r.notes ?? [])].filter(Boolean).join('; ').replaceAll('|', '\\|');
for (const r of rows) {
  const a = r.accuracy;
  const ra = r.resolveAccuracy;
  p(`| ${r.repo} | ${r.runner} | ${r.commit ?? '—'} | ${a?.raw.native ?? '—'} | ${a?.raw.static ?? '—'} | ${a?.dynamic ?? '—'} | ${r.erroredFiles?.length ?? '—'} | ${pct(a?.raw.recall)} | ${pct(a?.raw.precision)} | ${pct(a?.outsideDynamic.recall)} | ${pct(a?.outsideDynamic.precision)} | ${pct(ra?.raw.recall)} | ${pct(ra?.raw.precision)} | ${ra ? `${pct(ra.outsideDynamic.recall)} / ${pct(ra.outsideDynamic.precision)}` : '—'} | ${note(r)} |`);
}
for (const g of groups) {
  const a = g.accuracy;
  if (!a.raw) continue;
  p(`| **all ${g.runner}** (${a.raw.repos}) | | | ${a.raw.native} | ${a.raw.static} | | | **${pct(a.raw.recall)}** | **${pct(a.raw.precision)}** | ${pct(a.outsideDynamic?.recall)} | ${pct(a.outsideDynamic?.precision)} | ${pct(a.resolveRaw?.recall)} | ${pct(a.resolveRaw?.precision)} | ${a.resolveOutsideDynamic ? `${pct(a.resolveOutsideDynamic.recall)} / ${pct(a.resolveOutsideDynamic.precision)}` : '—'} | |`);
}
p();
p('### Speed (seconds: CPU user+system, wall in brackets; MB = peak RSS)');
p();
p('| repo | native command | native | native MB | seams cold | seams warm | seams --no-cache | seams --resolve cold | seams MB (cold) | ratio cold CPU (wall) | ratio warm CPU (wall) | ratio --resolve cold CPU (wall) |');
p('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const cw = (t) => (t?.cpu !== undefined ? `${fmt(t.cpu)} (${fmt(t.wall)})` : t?.error ? 'failed' : '—');
const ratio = (n, s) => (n?.cpu !== undefined && s?.cpu !== undefined ? `${fmt(n.cpu / s.cpu, 1)}× (${fmt(n.wall / s.wall, 1)}×)` : '—');
for (const r of rows) {
  const s = r.seams ?? {};
  const nat = r.native?.error ? `— (${r.native.error.replaceAll('|', '\\|')})` : cw(r.native);
  p(`| ${r.repo} | ${(r.native?.command ?? '—').replaceAll('|', '\\|')} | ${nat} | ${fmt(r.native?.peakMB, 0)} | ${cw(s.cold)} | ${cw(s.warm)} | ${cw(s.noCache)} | ${cw(s.resolveCold)} | ${fmt(s.cold?.peakMB, 0)} | ${ratio(r.native, s.cold)} | ${ratio(r.native, s.warm)} | ${ratio(r.native, s.resolveCold)} |`);
}
for (const g of groups) {
  if (!g.repos.length) continue;
  p(`| **total ${g.runner}** (${g.repos.length}) | | ${cw(g.native)} | | ${cw(g.cold)} | ${cw(g.warm)} | | ${cw(g.resolveCold)} | | **${ratio(g.native, g.cold)}** | **${ratio(g.native, g.warm)}** | ${ratio(g.native, g.resolveCold)} |`);
}
const jj = rows.filter((r) => r.jestJson);
if (jj.length) {
  p();
  p(`Jest lists files only (\`--listTests\`); the names come from \`jest --json\`, which runs the suite: ${jj.map((r) => `${r.repo} ${cw(r.jestJson)}`).join(', ')}.`);
}
p();
p(`Floor: \`node -e 0\` ${cw(fl.node)}; \`seams --version\` ${cw(fl.seamsVersion)}; warm \`seams scan\` of a one-test repo ${cw(fl.tinyWarm)}.`);
const text = out.join('\n');
console.log(text);

writeFileSync(jsonPath, `${JSON.stringify({ env, floor: fl, groups, rows: rows.map(slimRow) }, null, 2)}\n`);
log(`JSON: ${jsonPath}`);
