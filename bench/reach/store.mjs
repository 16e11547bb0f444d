#!/usr/bin/env node
// The history's measured-reach tables at scale: one run measuring 100,000 tests, each executing 20
// of 2,000 files, saved with its 100,000 results (the times include them) and read back (`latestReach`) on SQLite and PostgreSQL; then a second run
// measuring half of them (reach_latest moves), read again. Needs the build (`npm run build`).
//
//   node bench/reach/store.mjs [--tests 100000] [--pg postgresql://root@127.0.0.1:5432/test]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : args[i + 1];
};
const n = Number(opt('tests', 100_000));
const pgUrl = opt('pg', 'postgresql://root@127.0.0.1:5432/test');
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { openStore } = await import(pathToFileURL(path.join(repo, 'dist/store/index.js')).href);

const FILES = 2000;
const files = {};
for (let i = 0; i < FILES; i++) files[`src/pkg${i % 40}/mod${i}.py`] = `${i}`.padStart(64, '0');
const paths = Object.keys(files);
let seed = 1;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const reachOf = (count) => ({
  files,
  tests: Array.from({ length: count }, (_, i) => ({ runner: 'pytest', project: null, id: `tests/test_${i % 500}.py::test_${i}`, files: Array.from({ length: 20 }, () => paths[Math.floor(rnd() * FILES)]) })),
});
const runOf = (id, startedAt) => ({ id, repo: 'big', commit: 'c', branch: 'main', tiers: ['unit'], environment: {}, shard: null, startedAt, finishedAt: startedAt, status: 'passed', services: [], results: [] });
const time = async (f) => {
  const t0 = process.hrtime.bigint();
  const v = await f();
  return [Number(process.hrtime.bigint() - t0) / 1e6, v];
};

console.log(`${n} tests × 20 files of ${FILES}, ${new Date().toISOString()}\n`);
console.log('| engine | save run 1 (all tests) | latestReach | save run 2 (half) | latestReach | size |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const engine of ['sqlite', 'postgres']) {
  const dir = mkdtempSync(path.join(tmpdir(), 'seams-reach-store-bench-'));
  const schema = `seams_reach_bench_${process.pid}`;
  let store;
  try {
    store = engine === 'sqlite' ? await openStore('sqlite:h.db', dir) : await openStore(pgUrl, '/', { schema });
  } catch (e) {
    console.log(`| ${engine} | not reachable: ${e.message} | | | | |`);
    continue;
  }
  const r1 = reachOf(n);
  const resultsOf = (reach) => reach.tests.map((t) => ({ runner: 'pytest', project: null, id: t.id, name: t.id, status: 'passed', durationMs: 1, attempts: 1, flaky: false }));
  const [s1] = await time(() => store.saveRun({ ...runOf('r1', '2026-01-01T00:00:00.000Z'), results: resultsOf(r1), reach: r1 }));
  const [l1, got1] = await time(() => store.latestReach({ repo: 'big' }));
  const r2 = reachOf(n / 2);
  const [s2] = await time(() => store.saveRun({ ...runOf('r2', '2026-01-02T00:00:00.000Z'), results: resultsOf(r2), reach: r2 }));
  const [l2, got2] = await time(() => store.latestReach({ repo: 'big' }));
  if (got1.tests.length !== n || got2.tests.length !== n || got2.tests.filter((t) => t.run === 'r2').length !== n / 2) throw new Error('wrong read-back');
  let size = '';
  if (engine === 'sqlite') {
    await store.close();
    const { default: Database } = await import(pathToFileURL(path.join(repo, 'node_modules/better-sqlite3/lib/index.js')).href);
    const db = new Database(path.join(dir, 'h.db'));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    size = `${(statSync(path.join(dir, 'h.db')).size / 1024 / 1024).toFixed(1)} MB`;
  } else {
    const rows = await (await import('pg')).default;
    const c = new rows.Client({ connectionString: pgUrl });
    await c.connect();
    const s = await c.query(`SELECT pg_size_pretty(SUM(pg_total_relation_size(quote_ident($1) || '.' || quote_ident(tablename)))) AS s FROM pg_tables WHERE schemaname = $1`, [schema]);
    size = s.rows[0].s;
    await store.close();
    await c.query(`DROP SCHEMA "${schema}" CASCADE`);
    await c.end();
  }
  console.log(`| ${engine} | ${(s1 / 1000).toFixed(2)} s | ${(l1 / 1000).toFixed(2)} s | ${(s2 / 1000).toFixed(2)} s | ${(l2 / 1000).toFixed(2)} s | ${size} |`);
  rmSync(dir, { recursive: true, force: true });
}
