#!/usr/bin/env node
// Issue 14: seams ingest + report against Allure 3's `allure generate` (awesome plugin) on the same
// generated JUnit XML, in one run, with the ratios; then the history cases (N runs × 100k) for
// `seams flaky`, `seams gate` and `seams report`, seams only. Needs the build (npm run build) and
// Allure 3 installed outside the repository:
//
//   mkdir -p /work/scratch/allure3 && cd /work/scratch/allure3 && npm init -y && npm i allure@3
//   node bench/report/compare.mjs [--sizes 10k,100k] [--allure-1m] [--history 5,20]
//        [--allure /work/scratch/allure3] [--work /work/scratch/rbench] [--no-allure] [--json out.json]
//
// --sizes adds seams-only sizes too: `--sizes 10k,100k,1m` runs seams on 1M and Allure only when
// --allure-1m is given (minutes and ~9 GB; it is given a 14 GB heap, as its defaults run out).
// --history 0 skips the history cases. Every command runs under GNU time (bench/_lib/measure.mjs):
// wall, CPU (user+sys), peak RSS of the largest process.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, measure } from '../_lib/measure.mjs';
import { generate } from './generate.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : args[i + 1];
};
const parseSize = (s) => {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(s.trim());
  if (!m) throw new Error(`bad size ${s}: use 10k, 100k, 1m or a number`);
  return Math.round(Number(m[1]) * (m[2].toLowerCase() === 'm' ? 1e6 : m[2] ? 1e3 : 1));
};
const label = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
const sizes = opt('sizes', '10k,100k').split(',').map(parseSize);
const allure1m = args.includes('--allure-1m');
const noAllure = args.includes('--no-allure');
const singleFile = args.includes('--allure-single-file');
const history = opt('history', '5,20').split(',').map(Number).filter((n) => n > 0);
const historyCases = parseSize(opt('history-cases', '100k'));
const allureHome = path.resolve(opt('allure', '/work/scratch/allure3'));
const work = path.resolve(opt('work', '/work/scratch/rbench'));
const jsonOut = opt('json');
// the history store(s): seams on SQLite (a file per case) and/or PostgreSQL (a schema per case, dropped after)
const engines = opt('engines', 'sqlite').split(',').map((e) => e.trim());
for (const e of engines) if (e !== 'sqlite' && e !== 'postgres') {
  console.error(`bad --engines ${e}: use sqlite, postgres or both`);
  process.exit(2);
}
const pgUrl = opt('pg', 'postgresql://root@127.0.0.1:5432/test');

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const seamsBin = path.join(repo, 'bin/seams.js');
const allureBin = path.join(allureHome, 'node_modules/.bin/allure');
if (!existsSync(path.join(repo, 'dist/cli/main.js'))) {
  console.error('seams: no build: run npm run build first');
  process.exit(2);
}
if (work.startsWith(repo + path.sep)) {
  console.error(`the work folder ${work} is inside the repository: generated data is never committed, give one outside`);
  process.exit(2);
}
// two runs in one work folder would delete each other's data mid-measure
mkdirSync(work, { recursive: true });
const lock = path.join(work, 'compare.lock');
if (existsSync(lock)) {
  const pid = Number(readFileSync(lock, 'utf8'));
  let alive = false;
  try {
    process.kill(pid, 0);
    alive = true;
  } catch {}
  if (alive) {
    console.error(`another compare.mjs (pid ${pid}) uses ${work}: give another --work or wait for it`);
    process.exit(2);
  }
}
writeFileSync(lock, String(process.pid));
process.on('exit', () => rmSync(lock, { force: true }));
const haveAllure = !noAllure && existsSync(allureBin);
if (!noAllure && !haveAllure) console.error(`no Allure at ${allureBin}: install it there (npm i allure@3), or pass --no-allure; seams only`);
const allureVersion = haveAllure ? execFileSync(allureBin, ['--version'], { encoding: 'utf8' }).trim() : undefined;

const load = () => loadavg()[0].toFixed(1);
const dirBytes = (p) => {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((a, f) => a + dirBytes(path.join(p, f)), 0);
};
const fileCount = (p) => (existsSync(p) && statSync(p).isDirectory() ? readdirSync(p).reduce((a, f) => a + fileCount(path.join(p, f)), 0) : 1);
const MB = (b) => b / 1e6;
const env = { ...process.env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' };

/** One measured command; throws with its stderr when it fails (exit codes in `ok` count as success). */
async function step(what, cmd, argv, { cwd, ok = [0], envExtra = {}, timeoutMs = 60 * 60_000 } = {}) {
  const before = load();
  const r = await measure(cmd, argv, { cwd, env: { ...env, ...envExtra }, timeoutMs });
  const res = { what, seconds: r.seconds, cpu: r.cpu, peakMB: r.peakMB, status: r.status, load: `${before}→${load()}` };
  Object.defineProperty(res, 'stdout', { value: r.stdout, enumerable: false });
  console.error(`  ${what}: ${fmt(r.seconds)} s wall, ${fmt(r.cpu)} s CPU, ${fmt(r.peakMB, 0)} MB peak, exit ${r.status}${r.timedOut ? ' (timed out)' : ''}, load ${res.load}`);
  if (!ok.includes(r.status)) {
    res.error = (r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ');
    console.error(`    failed: ${res.error}`);
  }
  return res;
}

/** A scratch repository with a seams.yaml whose gates read the history (pass rate and flaky). */
function scratchRepo(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'seams.yaml'),
    'gates:\n  unit-pass: { metric: passrate.unit, min: 0.9 }\n  no-flaky:  { metric: flaky.unit, max: 0, severity: warn }\n',
  );
  return dir;
}

const seamsIngest = (files, db, root, extra = []) =>
  step('seams ingest', process.execPath, [seamsBin, 'ingest', ...files, '--root', root, '--no-scan', '--runner', 'pytest', '--tier', 'unit', '--db', db, ...extra], { cwd: root });

/** The --db of a case: a SQLite file in its folder, or a fresh PostgreSQL schema; `drop()` removes it. */
async function storeOf(engine, root, name) {
  if (engine === 'sqlite') return { db: `sqlite:${path.join(root, 'history.db')}`, bytes: () => dirBytes(path.join(root, 'history.db')), drop: async () => {} };
  const { default: pg } = await import('pg');
  const schema = `seams_bench_${name.replace(/\W/g, '_')}_${process.pid}`;
  const q = async (sql) => {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    try {
      return await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await q(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  return {
    db: `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`,
    bytes: async () => Number((await q(`SELECT COALESCE(SUM(pg_total_relation_size(quote_ident(schemaname) || '.' || quote_ident(tablename))), 0) AS b FROM pg_tables WHERE schemaname = '${schema}'`)).rows[0].b),
    drop: () => q(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
  };
}

const results = { machine: { cpus: cpus().length, node: process.version, allure: allureVersion, started: new Date().toISOString(), load: loadavg().map((l) => l.toFixed(2)) }, sizes: [], history: [] };

for (const cases of sizes) for (const engine of engines) {
  const data = path.join(work, `data-${label(cases)}`);
  // one data set per size, shared by the engines (removed after the last)
  if (engine === engines[0]) rmSync(data, { recursive: true, force: true });
  const files = engine === engines[0] ? await generate({ cases, out: data }) : readdirSync(data).map((f) => path.join(data, f)).sort();
  const dataBytes = files.reduce((a, f) => a + statSync(f).size, 0);
  console.error(`${label(cases)}: ${files.length} files, ${fmt(MB(dataBytes), 1)} MB of JUnit XML`);
  const row = { cases, engine, files: files.length, dataMB: MB(dataBytes) };

  const root = scratchRepo(path.join(work, `seams-${label(cases)}`));
  const store = await storeOf(engine, root, `report_${label(cases)}`);
  const db = store.db;
  const html = path.join(root, 'report.html');
  const ingest = await seamsIngest(files, db, root);
  // the results seams stored, checked like Allure's count
  const stored = Number(/: (\d+) results \(/.exec(ingest.stdout ?? '')?.[1]);
  const report = await step(`seams report --html (${engine})`, process.execPath, [seamsBin, 'report', root, '--html', html, '--db', db], { cwd: root });
  row.seams = {
    ingest,
    report,
    seconds: ingest.seconds + report.seconds,
    cpu: ingest.cpu + report.cpu,
    peakMB: Math.max(ingest.peakMB ?? 0, report.peakMB ?? 0),
    outMB: MB(dirBytes(html)),
    stored,
    ok: !ingest.error && !report.error && existsSync(html) && stored === cases,
  };
  if (stored !== cases) console.error(`    seams stored ${stored} results of ${cases}`);

  await store.drop();
  if (haveAllure && engine === engines[0] && (cases < 1e6 || allure1m)) {
    // Allure reads the JUnit files from a results folder; its default plugin is the awesome report
    const out = path.join(work, `allure-${label(cases)}`);
    rmSync(out, { recursive: true, force: true });
    const config = path.join(work, 'allurerc.mjs');
    writeFileSync(config, `export default { name: 'bench', output: ${JSON.stringify(out)}, plugins: { awesome: { options: { singleFile: ${singleFile} } } } };\n`);
    const heap = cases >= 1e6 ? { NODE_OPTIONS: '--max-old-space-size=14336' } : {};
    const gen = await step(`allure generate (awesome${singleFile ? ', single file' : ''})`, allureBin, ['generate', data, '--config', config, '--output', out], { cwd: work, envExtra: heap });
    const index = existsSync(path.join(out, 'index.html'));
    // the tests Allure counted, so that a ratio never compares against a report of fewer results
    let total;
    try {
      total = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')).stats.total;
    } catch {}
    row.allure = { ...gen, heap: heap.NODE_OPTIONS, outMB: MB(dirBytes(out)), outFiles: fileCount(out), total, ok: !gen.error && index && total === cases };
    if (!index) console.error('    Allure wrote no index.html');
    else if (total !== cases) console.error(`    Allure counted ${total} tests of ${cases}`);
    rmSync(out, { recursive: true, force: true });
  }
  results.sizes.push(row);
  if (engine === engines.at(-1)) rmSync(data, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
}

for (const runs of history) for (const engine of engines) {
  console.error(`history ${runs} × ${label(historyCases)} (${engine})`);
  const root = scratchRepo(path.join(work, `seams-history-${runs}`));
  const store = await storeOf(engine, root, `history_${runs}`);
  const db = store.db;
  const ingests = [];
  for (let k = 0; k < runs; k++) {
    const data = path.join(work, `hist-run-${k}`);
    rmSync(data, { recursive: true, force: true });
    const files = await generate({ cases: historyCases, out: data, run: k });
    // one commit per run, so that flips over runs are what `flaky` sees (not retries on one commit)
    ingests.push(await seamsIngest(files, db, root, ['--commit', `c0ffee${String(k).padStart(2, '0')}`, '--branch', 'main']));
    rmSync(data, { recursive: true, force: true });
  }
  const flaky = await step('seams flaky', process.execPath, [seamsBin, 'flaky', '--root', root, '--db', db, '--format', 'json'], { cwd: root });
  let flakyTests;
  try {
    const j = JSON.parse(flaky.stdout);
    flakyTests = (Array.isArray(j) ? j : j.tests ?? j.flaky)?.length;
  } catch {}
  const gate = await step('seams gate', process.execPath, [seamsBin, 'gate', root, '--db', db, '--no-notify'], { cwd: root, ok: [0, 1] });
  const html = path.join(root, 'report.html');
  const report = await step('seams report --html', process.execPath, [seamsBin, 'report', root, '--html', html, '--db', db], { cwd: root });
  const dbBytes = await store.bytes();
  await store.drop();
  results.history.push({
    runs,
    engine,
    cases: historyCases,
    ingestMaxSeconds: Math.max(...ingests.map((i) => i.seconds)),
    ingestMaxMB: Math.max(...ingests.map((i) => i.peakMB ?? 0)),
    dbMB: MB(dbBytes),
    flaky,
    flakyTests,
    gate,
    report: { ...report, outMB: MB(dirBytes(html)) },
  });
  rmSync(root, { recursive: true, force: true });
}
results.machine.finished = new Date().toISOString();
results.machine.loadAfter = loadavg().map((l) => l.toFixed(2));

// ── the tables ──────────────────────────────────────────────────────────────────────────────
const cell = (r) => (r ? `${fmt(r.seconds, 1)} s (${fmt(r.cpu, 1)} s CPU), ${fmt(r.peakMB, 0)} MB${r.error ? ' FAILED' : ''}` : '—');
const lines = [];
lines.push(`machine: ${results.machine.cpus} cores, Node ${results.machine.node}, Allure ${allureVersion ?? '(not run)'}; load average ${results.machine.load.join(' ')} at start, ${results.machine.loadAfter.join(' ')} at end`);
lines.push('');
lines.push(`| cases | store | JUnit XML | seams ingest | seams report --html | seams total | HTML | Allure 3 generate (awesome${singleFile ? ', single file' : ''}) | Allure output | ratio wall | ratio CPU | ratio peak RSS | ratio size |`);
lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results.sizes) {
  const s = r.seams;
  const a = r.allure;
  const ratio = (x, y) => (a && a.ok && s.ok && x && y ? `${(x / y).toFixed(1)}×` : '—');
  lines.push(
    `| ${label(r.cases)} | ${r.engine} | ${fmt(r.dataMB, 1)} MB, ${r.files} files | ${cell(s.ingest)} | ${cell(s.report)} | ${fmt(s.seconds, 1)} s, ${fmt(s.peakMB, 0)} MB | ${fmt(s.outMB, 1)} MB | ${a ? `${cell(a)}${a.ok ? '' : ', no report'}${a.heap ? `, ${a.heap}` : ''}` : 'not run'} | ${a ? `${fmt(a.outMB, 1)} MB, ${a.outFiles} files` : '—'} | ${ratio(a?.seconds, s.seconds)} | ${ratio(a?.cpu, s.cpu)} | ${ratio(a?.peakMB, s.peakMB)} | ${ratio(a?.outMB, s.outMB)} |`,
  );
}
if (results.history.length) {
  lines.push('');
  lines.push('| history | store | ingest per run (slowest) | history size | seams flaky (flaky tests found) | seams gate | seams report --html | HTML |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const h of results.history)
    lines.push(`| ${h.runs} × ${label(h.cases)} | ${h.engine} | ${fmt(h.ingestMaxSeconds, 1)} s, ${fmt(h.ingestMaxMB, 0)} MB | ${fmt(h.dbMB, 0)} MB | ${cell(h.flaky)} (${h.flakyTests ?? '?'}) | ${cell(h.gate)} (exit ${h.gate.status}) | ${cell(h.report)} | ${fmt(h.report.outMB, 1)} MB |`);
}
console.log(lines.join('\n'));
console.log('\nratios are Allure ÷ seams (seams total = ingest + report; peak RSS = the larger of the two commands)');
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
