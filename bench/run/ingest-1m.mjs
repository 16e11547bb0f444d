#!/usr/bin/env node
// Issue 14: `seams ingest` of the report benchmark's JUnit data (bench/report/generate.mjs: 10,000
// cases per file, suites of 50, 5% failures with a 20-line stack, 2% skipped) into a fresh
// history, on SQLite and on PostgreSQL, for this build and optionally an older one ("before"), in
// one run; then checks that every build and store holds the same results (a hash of the results
// table read in seq order, and the run's counts). Needs the build (npm run build).
//
//   node bench/run/ingest-1m.mjs [--sizes 100k,1m] [--before <checkout with dist/>]
//        [--pg postgresql://user@host:5432/db] [--stores sqlite,postgres] [--data /work/scratch/ingest]
//        [--runs 1] [--keep]
//
// "before": a `git worktree add <dir> <commit>` outside the repository, with node_modules linked
// and `npm run build` (or dist/ copied from a build of that commit). Each command runs under GNU
// time (bench/_lib/measure.mjs): wall, CPU (user+sys) and peak RSS of the seams process. With
// PostgreSQL the server's own CPU is not in these figures (another process). The machine's load
// average is printed with every row: compare CPU time when it is shared.
//
// The command is `seams ingest <files> --no-scan --runner pytest --tier unit --db <store>`.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { fmt, measure } from '../_lib/measure.mjs';
import { generate } from '../report/generate.mjs';

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
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const sizes = opt('sizes', '100k,1m').split(',').map(parseSize);
const before = opt('before', undefined);
const pgUrl = opt('pg', undefined);
const dataRoot = path.resolve(opt('data', '/work/scratch/ingest'));
const runs = Number(opt('runs', '1'));
const keep = args.includes('--keep');
const require = createRequire(path.join(repo, 'package.json'));
const Database = require('better-sqlite3');
const pg = pgUrl ? require('pg') : undefined;

const builds = [...(before ? [{ name: 'before', dir: path.resolve(before) }] : []), { name: 'after', dir: repo }];
for (const b of builds) if (!existsSync(path.join(b.dir, 'dist/cli/main.js'))) throw new Error(`${b.dir}: no dist/cli/main.js (npm run build there)`);
const stores = ['sqlite', ...(pgUrl ? ['postgres'] : [])].filter((s) => opt('stores', 'sqlite,postgres').split(',').includes(s));

async function dataFor(cases) {
  const dir = path.join(dataRoot, `data${label(cases).toLowerCase()}`);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.xml')) : [];
  if (files.length !== Math.ceil(cases / 10_000)) {
    rmSync(dir, { recursive: true, force: true });
    await generate({ cases, out: dir });
  }
  return readdirSync(dir).filter((f) => f.endsWith('.xml')).sort().map((f) => path.join(dir, f));
}

// the stored results, compared across builds and stores: every column but the run's own id, in seq order
const COLUMNS = 'seq, runner, project, test_id, file, name, suite, tier, status, duration_ms, attempts, flaky, message, reason, services, known';
const RUN_COLUMNS = 'id, status, total, passed, failed, skipped, errors, not_run, flaky, xfailed, xpassed, tiers';
const hashRows = (rows) => {
  const h = createHash('sha256');
  let n = 0;
  for (const r of rows) {
    h.update(JSON.stringify(r.map((v) => (typeof v === 'bigint' ? Number(v) : v))));
    h.update('\n');
    n++;
  }
  return { n, hash: h.digest('hex').slice(0, 16) };
};
function sqliteDigest(file) {
  const db = new Database(file, { readonly: true });
  try {
    const results = hashRows(db.prepare(`SELECT ${COLUMNS} FROM results ORDER BY run_id, seq`).raw(true).iterate());
    const run = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs`).raw(true).all();
    return { ...results, run: JSON.stringify(run) };
  } finally {
    db.close();
  }
}
async function pgDigest(client, schema) {
  // pages of 50k rows (one run per schema, so seq orders it); numbers as SQLite gives them (pg: bigint as text)
  const numeric = new Set([0, 10, 11, 12, 15]);
  async function* pages() {
    let last = -1;
    for (;;) {
      const r = await client.query({ text: `SELECT ${COLUMNS} FROM "${schema}".results WHERE seq > $1 ORDER BY run_id, seq LIMIT 50000`, values: [last], rowMode: 'array' });
      if (!r.rows.length) return;
      yield r.rows.map((row) => row.map((v, i) => (numeric.has(i) && v !== null ? Number(v) : v)));
      last = Number(r.rows.at(-1)[0]);
    }
  }
  const all = [];
  for await (const page of pages()) for (const row of page) all.push(row);
  const results = hashRows(all);
  const run = (await client.query({ text: `SELECT ${RUN_COLUMNS} FROM "${schema}".runs`, rowMode: 'array' })).rows.map((row) => row.map((v, i) => (i >= 2 && i <= 10 ? Number(v) : v)));
  return { ...results, run: JSON.stringify(run) };
}

/**
 * CPU seconds of the PostgreSQL server so far, from /proc (Linux, a local server): every live
 * postgres process's own time plus what its parent (the postmaster) reaped of ended sessions.
 * The difference around a command is the server's CPU for it, plus any other session's at the
 * same time (the machine is shared): an upper bound. Undefined where /proc cannot tell.
 */
const TICK = 100;
function postgresCpu() {
  try {
    let ticks = 0;
    let seen = false;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const close = stat.lastIndexOf(')');
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
      const f = stat.slice(close + 2).split(' ');
      // fields 14-17 of stat: utime stime cutime cstime (f[0] is field 3)
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      seen = true;
    }
    return seen ? ticks / TICK : undefined;
  } catch {
    return undefined;
  }
}

const work = path.join(dataRoot, 'bench-work');
mkdirSync(work, { recursive: true });
const pgClient = pg ? new pg.Client({ connectionString: pgUrl }) : undefined;
if (pgClient) await pgClient.connect();

console.log(`seams ingest (issue 14): ${builds.map((b) => `${b.name} = ${b.dir}`).join(', ')}; node ${process.version}; ${runs} run(s) each, the median shown`);
console.log('| cases | store | build | wall | CPU (seams process) | CPU (PostgreSQL server, ≤) | peak RSS | cases/s | load avg (1 min) at start | results hash |');
console.log('|---:|---|---|---:|---:|---:|---:|---:|---:|---|');
const digests = new Map();
const rows = [];
for (const cases of sizes) {
  const files = await dataFor(cases);
  for (const store of stores)
    for (const b of builds) {
      const samples = [];
      let digest;
      for (let k = 0; k < runs; k++) {
        const dir = path.join(work, `${b.name}-${store}-${label(cases)}`);
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        const schema = `bench_ingest_${b.name}_${label(cases).toLowerCase()}_${process.pid}`;
        const db = store === 'sqlite' ? 'sqlite:history.db' : `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`;
        const load = loadavg()[0];
        const server0 = store === 'postgres' ? postgresCpu() : undefined;
        const r = await measure(process.execPath, [path.join(b.dir, 'bin/seams.js'), 'ingest', ...files, '--no-scan', '--runner', 'pytest', '--tier', 'unit', '--db', db], { cwd: dir, env: { ...process.env, CI: '1' } });
        if (r.status !== 0) throw new Error(`${b.name} ${store} ${cases}: exit ${r.status}\n${r.stderr}`);
        const server1 = store === 'postgres' ? postgresCpu() : undefined;
        samples.push({ ...r, load, server: server0 !== undefined && server1 !== undefined ? server1 - server0 : undefined });
        if (k === 0) digest = store === 'sqlite' ? sqliteDigest(path.join(dir, 'history.db')) : await pgDigest(pgClient, schema);
        if (store === 'postgres' && !keep) await pgClient.query(`DROP SCHEMA "${schema}" CASCADE`);
        if (!keep) rmSync(dir, { recursive: true, force: true });
      }
      samples.sort((x, y) => x.seconds - y.seconds);
      const m = samples[Math.floor(samples.length / 2)];
      digests.set(`${cases} ${store} ${b.name}`, digest);
      const row = { cases, store, build: b.name, wall: m.seconds, cpu: m.cpu, server: m.server, peakMB: m.peakMB, load: m.load, hash: digest.hash, n: digest.n };
      rows.push(row);
      console.log(`| ${label(cases)} | ${store} | ${b.name} | ${fmt(m.seconds, 1)} s | ${fmt(m.cpu, 1)} s | ${store === 'postgres' ? `${fmt(m.server, 1)} s` : ''} | ${fmt(m.peakMB, 0)} MB | ${Math.round(cases / m.seconds).toLocaleString('en')} | ${fmt(m.load, 1)} | ${digest.hash} (${digest.n} rows) |`);
    }
}
if (pgClient) await pgClient.end();

// the same data whatever the build (per store: the two drivers give some values in their own form)
let same = true;
for (const cases of sizes)
  for (const store of stores) {
  const ds = [...digests].filter(([k]) => k.startsWith(`${cases} ${store} `));
  const first = ds[0][1];
  for (const [k, d] of ds)
    if (d.hash !== first.hash || d.n !== cases || d.run !== first.run) {
      same = false;
      console.log(`DIFFERENT: ${k}: ${d.hash} ${d.n} rows ${d.run} vs ${ds[0][0]}: ${first.hash} ${first.run}`);
    }
}
console.log(same ? 'stored results: identical across builds (per store)' : 'stored results: NOT identical');
for (const cases of sizes)
  for (const store of stores) {
    const a = rows.find((r) => r.cases === cases && r.store === store && r.build === 'after');
    const b = rows.find((r) => r.cases === cases && r.store === store && r.build === 'before');
    if (a && b) console.log(`${label(cases)} ${store}: wall ${fmt(b.wall, 1)} → ${fmt(a.wall, 1)} s (×${fmt(b.wall / a.wall, 2)}), CPU ${fmt(b.cpu, 1)} → ${fmt(a.cpu, 1)} s (×${fmt(b.cpu / a.cpu, 2)})`);
  }
for (const cases of sizes) {
  const s = rows.find((r) => r.cases === cases && r.store === 'sqlite' && r.build === 'after');
  const p = rows.find((r) => r.cases === cases && r.store === 'postgres' && r.build === 'after');
  if (s && p) console.log(`${label(cases)}: PostgreSQL / SQLite wall ${fmt(p.wall / s.wall, 2)}× (goal ≤ 2×)`);
}
process.exit(same ? 0 : 1);
