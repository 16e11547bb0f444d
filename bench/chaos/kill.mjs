#!/usr/bin/env node
// The long chaos bench: `node bench/chaos/kill.mjs --kills 140 [--seed 7] [--min 300] [--max 2200]
// [--recovery down|run|mixed] [--anchor spawn|state|mixed] [--slow-id] [--work DIR]`. Needs `npm run build` (it runs bin/seams.js),
// moto_server, redis-server and initdb/postgres. Prints one line per kill and a JSON summary;
// exits 1 when any kill left something behind.
import path from 'node:path';
import { chaos, repoRoot } from './harness.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const recoveryArg = opt('recovery', 'down');
const recovery = recoveryArg === 'mixed' ? (i) => (i % 4 === 3 ? 'run' : 'down') : recoveryArg;
const r = await chaos({
  work: opt('work', path.join(repoRoot, '.tmp', `chaos-${process.pid}`)),
  kills: Number(opt('kills', '20')),
  seed: Number(opt('seed', '1')),
  minMs: Number(opt('min', '300')),
  maxMs: Number(opt('max', '2200')),
  recovery,
  anchor: opt('anchor', 'mixed'),
  slowId: args.includes('--slow-id'),
  log: (l) => console.log(l),
});
const { ctx, ...summary } = r;
console.log(JSON.stringify({ ...summary, recovery: recoveryArg, badKills: summary.badKills.map((b) => ({ kill: b.kill, delayMs: b.delayMs, processes: b.processes.map((p) => p.cmd), ports: b.ports, stateFiles: b.stateFiles, scratch: b.scratch })) }, null, 2));
process.exitCode = r.leftovers ? 1 : 0;
