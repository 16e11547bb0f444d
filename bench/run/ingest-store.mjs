#!/usr/bin/env node
// The store alone (issue 14): `saveRunStream` of N synthetic results shaped like the report
// benchmark's (ids of ~60 characters, 5% failures with a 20-line stack), no report parsed, so the
// database's share of `seams ingest` is seen apart. Times the COMMIT apart (better-sqlite3's exec,
// where SQLite writes the last pages to the WAL and checkpoints it into the database file).
// Needs the build (npm run build).
//
//   node bench/run/ingest-store.mjs [--cases 1000000] [--db sqlite:/tmp/x.db | postgresql://…?schema=…] [--dist <dir>]
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : args[i + 1];
};
const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(opt('dist', path.join(here, '../../dist')));
const N = Number(opt('cases', '1000000'));
const file = path.join(tmpdir(), `seams-bench-store-${process.pid}.db`);
const url = opt('db', `sqlite:${file}`);

const times = {};
for (const name of ['exec', 'close']) {
  const f = Database.prototype[name];
  Database.prototype[name] = function (...a) {
    const t = performance.now();
    try {
      return f.apply(this, a);
    } finally {
      const k = name === 'exec' ? String(a[0]).split(/\s/)[0] : name;
      times[k] = (times[k] ?? 0) + performance.now() - t;
    }
  };
}
const { openStore } = await import(path.join(dist, 'store/index.js'));
const store = await openStore(url, tmpdir());
const stack = Array.from({ length: 20 }, (_, i) => `    at svc${i}.fn (src/services/x/test_order_0.ts:${i * 37}:${i})`).join('\n');
function* batches() {
  for (let b = 0; b < N / 2000; b++) {
    const out = [];
    for (let i = 0; i < 2000; i++) {
      const n = b * 2000 + i;
      const cls = Math.floor(n / 50);
      const f = `tests/order${n % 97}/test_order_${cls}.py`;
      const r = { runner: 'pytest', project: null, id: `${f}::TestOrder${cls}::test_creates_order_${n}`, name: `test_creates_order_${n}`, suite: `tests.order${n % 97}.test_order_${cls}.TestOrder${cls}`, file: f, status: n % 20 === 3 ? 'failed' : 'passed', durationMs: (n % 1000) / 3, attempts: 1, flaky: false, known: false, tier: 'unit' };
      if (r.status === 'failed') r.message = `AssertionError: expected order ${n} to be ready\n${stack}`;
      out.push(r);
    }
    yield out;
  }
}
const header = { id: `bench-${process.pid}`, repo: 'bench', commit: null, branch: null, tiers: ['unit'], environment: {}, shard: null, services: [], startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() };
const t0 = performance.now();
const c0 = process.cpuUsage();
const s = await store.saveRunStream(header, batches());
const t1 = performance.now();
await store.close();
const t2 = performance.now();
const c = process.cpuUsage(c0);
console.log(
  `${N.toLocaleString('en')} results into ${url.startsWith('sqlite:') ? 'SQLite' : 'PostgreSQL'}: save ${((t1 - t0) / 1000).toFixed(2)} s (of which COMMIT ${((times.COMMIT ?? 0) / 1000).toFixed(2)} s), close ${((t2 - t1) / 1000).toFixed(2)} s, ` +
    `CPU ${((c.user + c.system) / 1e6).toFixed(2)} s (system ${(c.system / 1e6).toFixed(2)} s), peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB, stored ${s.counts.total}`,
);
for (const sfx of ['', '-wal', '-shm']) rmSync(file + sfx, { force: true });
