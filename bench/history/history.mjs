#!/usr/bin/env node
// History read path: seeds N runs × M results through the store's own saveRun (seeded, so every
// engine and every round holds the same data), then measures in fresh processes under GNU time:
// `getRun` of one 100k run, and `seams flaky` and `seams gate` over the newest 5 runs (the 5 × 100k
// window) and all 20 (20 × 100k), on SQLite and PostgreSQL side by side with the PG/SQLite ratio.
// Needs the build (npm run build).
//
//   node bench/history/history.mjs [--runs 20] [--results 100000] [--engine sqlite|postgres|both]
//        [--dir /work/scratch/hist] [--seams <checkout with dist/>] [--pg postgresql://root@127.0.0.1:5432/test] [--reseed]
//
// The data (realistic like issue 14's JUnit sets): suites of 50, 5% failures with a message and a
// 20-line stack, 2% skipped (the same tests in every run), 1% of tests flip between runs, 0.5% pass on retry; commits repeat
// every 3 runs so same-commit flakiness exists. Seeding is kept between invocations (a marker run
// per database) unless --reseed.
import { mkdirSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measure, fmt } from '../_lib/measure.mjs';
import { rng } from '../_lib/random.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : args[i + 1];
};
const RUNS = Number(opt('runs', 20));
const RESULTS = Number(opt('results', 100_000));
const engines = opt('engine', 'both') === 'both' ? ['sqlite', 'postgres'] : [opt('engine')];
const dir = path.resolve(opt('dir', '/work/scratch/hist'));
const pgBase = opt('pg', 'postgresql://root@127.0.0.1:5432/test');
const here = path.dirname(fileURLToPath(import.meta.url));
// --seams <dir>: the seams build to measure (a copy of an older build, for before/after figures)
const repo = path.resolve(opt('seams', path.resolve(here, '../..')));
const seams = path.join(repo, 'bin/seams.js');
const { openStore } = await import(pathToFileURL(path.join(repo, 'dist/store/index.js')).href);

const spec = (engine) => (engine === 'sqlite' ? `sqlite:${path.join(dir, `h${RUNS}x${RESULTS}.db`)}` : `${pgBase}?schema=bench_h${RUNS}x${RESULTS}`);

const stack = (n) => Array.from({ length: 20 }, (_, i) => `  File "tests/suite_${Math.floor(n / 50)}.py", line ${10 + i}, in test_${n}_${i}\n    assert value == expected`).join('\n');

function* batches(run) {
  const rand = rng(1000 + run);
  let batch = [];
  for (let n = 0; n < RESULTS; n++) {
    const suite = Math.floor(n / 50);
    // a test's own outcome is the same in every run (5% broken, 2% skipped): real histories are
    // mostly stable; 1% of tests flip every other run
    const x = ((Math.imul(n + 1, 2654435761) >>> 0) % 10000) / 10000;
    const flips = n % 100 === 3;
    let status = x < 0.05 || (flips && run % 2 === 0) ? 'failed' : x < 0.07 ? 'skipped' : 'passed';
    const retried = status === 'passed' && n % 200 === 11 && run % 3 === 1;
    const r = {
      runner: 'pytest',
      project: null,
      id: `tests/suite_${suite}.py::TestSuite${suite}::test_case_${n}`,
      file: `tests/suite_${suite}.py`,
      name: `test_case_${n}`,
      suite: `tests.suite_${suite}.TestSuite${suite}`,
      status,
      durationMs: Math.round(rand() * 2000) / 10,
      attempts: retried ? 2 : 1,
      flaky: retried,
    };
    if (status === 'failed') r.message = `AssertionError: expected ${n} got ${n + 1}\n${stack(n)}`;
    if (status === 'skipped') r.reason = `skipped: needs feature ${n % 7}`;
    batch.push(r);
    if (batch.length === 5000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

async function seed(engine) {
  const store = await openStore(spec(engine), dir);
  try {
    const marker = `bench-${RUNS}x${RESULTS}-done`;
    const done = (await store.listRuns({ limit: 100000, includeIncomplete: true })).map((r) => r.id);
    if (done.includes(marker) && !args.includes('--reseed')) return false;
    if (done.length) await store.deleteRuns(done);
    for (let run = 0; run < RUNS; run++) {
      const started = new Date(Date.UTC(2026, 0, 1) + run * 3_600_000);
      const t = Date.now();
      await store.saveRunStream(
        { id: `bench-run-${String(run).padStart(3, '0')}`, repo: 'bench', commit: `c${Math.floor(run / 3)}`, branch: 'main', tiers: ['unit'], environment: {}, shard: null,
          startedAt: started.toISOString(), finishedAt: new Date(started.getTime() + 600_000).toISOString() },
        batches(run),
      );
      process.stderr.write(`  seeded ${engine} run ${run + 1}/${RUNS} in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
    }
    await store.saveRun({ id: marker, repo: 'bench-marker', commit: null, branch: null, tiers: [], environment: {}, shard: null,
      startedAt: '2000-01-01T00:00:00Z', finishedAt: '2000-01-01T00:00:00Z', results: [] });
    return true;
  } finally {
    await store.close();
  }
}

// getRun in its own process, as a command would call it: open read-only, read one run
const getRunScript = `
const { openStore } = await import(${JSON.stringify(pathToFileURL(path.join(repo, 'dist/store/index.js')).href)});
const store = await openStore(process.argv[1], process.cwd(), { readOnly: true });
const t = performance.now();
const run = await store.getRun(process.argv[2]);
const ms = performance.now() - t;
let chars = 0; for (const r of run.results) chars += (r.message?.length ?? 0);
console.log(JSON.stringify({ ms, results: run.results.length, chars }));
await store.close();
`;

mkdirSync(dir, { recursive: true });

/**
 * A scratch repository per window whose gates read the history as teams write them: the pass rate
 * of the latest unit run, no failed unit tests (warn), and no flaky unit test over the window
 * (`runs: n`). It is named `bench` like the seeded runs' repo. It has no test sources, so results count unmatched (as `seams ingest` without a repo).
 */
function gateRepo(n) {
  // named after the runs' repo (`bench`): PostgreSQL holds many repos and the gate reads its own
  const root = path.join(dir, `gate-${n}`, 'bench');
  mkdirSync(root, { recursive: true });
  writeFileSync(
    path.join(root, 'seams.yaml'),
    `gates:\n  unit-pass: { metric: passrate.unit, min: 0.9 }\n  unit-failed: { metric: failed.unit, max: 0, severity: warn }\n  no-flaky: { metric: flaky.unit, max: 0, runs: ${n}, severity: warn }\n`,
  );
  return root;
}

const windows = [5, RUNS].filter((v, i, a) => a.indexOf(v) === i);
const rows = [];
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`# history ${RUNS} runs × ${RESULTS.toLocaleString('en')} results; ${os.cpus().length} CPUs, load ${load()}; seams ${repo}`);
for (const engine of engines) {
  const t = Date.now();
  if (await seed(engine)) console.log(`seeded ${engine} in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  if (engine === 'postgres') {
    // statistics as autovacuum keeps them on a live database (it may not have run yet on freshly
    // seeded tables): without them the planner guesses the window's row count 15× too low
    const { default: pg } = await import(pathToFileURL(path.join(here, '../../node_modules/pg/lib/index.js')).href);
    const c = new pg.Client({ connectionString: pgBase });
    await c.connect();
    await c.query(`ANALYZE bench_h${RUNS}x${RESULTS}.results, bench_h${RUNS}x${RESULTS}.runs`);
    await c.end();
  }
}
for (const engine of engines) {
  const g = await measure(process.execPath, ['--input-type=module', '-e', getRunScript, spec(engine), `bench-run-${String(RUNS - 1).padStart(3, '0')}`], { cwd: dir });
  if (g.status !== 0) throw new Error(`getRun failed: ${g.stderr}`);
  const gr = JSON.parse(g.stdout.trim().split('\n').pop());
  rows.push({ engine, what: `getRun ${gr.results.toLocaleString('en')}`, inner: gr.ms / 1000, ...g, load: load() });
  for (const n of windows) {
    const f = await measure(process.execPath, [seams, 'flaky', '--root', dir, '--db', spec(engine), '--runs', String(n), '--format', 'json'], { cwd: dir });
    if (f.status !== 0) throw new Error(`flaky failed: ${f.stderr}`);
    const rep = JSON.parse(f.stdout);
    rows.push({ engine, what: `flaky ${n} × ${RESULTS / 1000}k`, note: `${rep.runs ?? '?'} runs, ${(rep.flaky ?? rep.tests ?? []).length} flaky`, ...f, load: load() });
    const root = gateRepo(n);
    const gt = await measure(process.execPath, [seams, 'gate', root, '--db', spec(engine), '--no-notify', '--format', 'json'], { cwd: root });
    if (gt.status !== 0 && gt.status !== 1) throw new Error(`gate failed: ${gt.stderr}`);
    let note = `exit ${gt.status}`;
    try {
      const rep = JSON.parse(gt.stdout);
      const results = (rep.reports ?? rep.repos ?? [rep]).flatMap((r) => r.results ?? []);
      note += `; ${results.map((r) => `${r.name} ${r.value === null ? '—' : Math.round(r.value * 1000) / 1000}`).join(', ')}`;
    } catch {}
    rows.push({ engine, what: `gate ${n} × ${RESULTS / 1000}k`, note, ...gt, load: load() });
  }
}
const cell = (r) => (r ? `${fmt(r.seconds)} s (cpu ${fmt(r.cpu)}${r.inner === undefined ? '' : `, call ${fmt(r.inner)}`}) / ${fmt(r.peakMB, 0)} MB` : '');
const whats = [...new Set(rows.map((r) => r.what))];
const by = (engine, what) => rows.find((r) => r.engine === engine && r.what === what);
console.log(`\n| command | ${engines.join(' | ')} |${engines.length === 2 ? ' PG/SQLite wall, CPU, RSS |' : ''} what |\n|---|${engines.map(() => '---|').join('')}${engines.length === 2 ? '---|' : ''}---|`);
for (const w of whats) {
  const cells = engines.map((e) => cell(by(e, w)));
  const [a, b] = engines.map((e) => by(e, w));
  const ratio = a && b ? ` ${fmt(b.seconds / a.seconds)}, ${fmt(b.cpu / a.cpu)}, ${fmt(b.peakMB / a.peakMB)} |` : '';
  console.log(`| ${w} | ${cells.join(' | ')} |${engines.length === 2 ? ratio : ''} ${engines.map((e) => by(e, w)?.note ?? '').filter(Boolean).join(' / ')} |`);
}
console.log(`\nload during: ${rows.map((r) => r.load.split(' ')[0]).join(', ')}; after: ${load()}`);
