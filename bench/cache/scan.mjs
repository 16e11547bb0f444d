#!/usr/bin/env node
// Cold and warm `seams scan` with the scan cache, on copies of real repositories, in CPU time
// (user + system of the child, from /usr/bin/time: the machine is shared, wall time is noise).
//
//   node bench/cache/scan.mjs [--runs 5] [--format json|text] [--work /work/scratch/cache] repo…
//
// Each repository is copied from /work/scratch/repos/<name> to <work>/<name> (the scan cache
// writes <repo>/.seams/cache; the originals stay untouched). Per repository:
//   cold      .seams/cache removed before each run (scans everything, writes the cache)
//   no-cache  --no-cache (scans everything, writes nothing)
//   warm      the cache from the previous run (unchanged repository)
//   edit      one test file changed (appended a comment) before each run: per-file caches
//   floor     node bench/cache/floor.mjs: Node start + reading and printing the cached inventory
// The warm output is compared with the cold output byte for byte.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  if (i === -1) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const runs = Number(opt('runs', 5));
const format = opt('format', 'json');
const work = opt('work', '/work/scratch/cache');
const editFile = opt('edit', '');
const repos = args.length ? args : ['sympy', 'click', 'attrs', 'zod', 'mobx'];
const here = path.dirname(fileURLToPath(import.meta.url));
const seams = path.resolve(here, '../../bin/seams.js');
const floor = path.join(here, 'floor.mjs');

function cpu(argv) {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, ...argv], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, CI: '1' } });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const [u, s, m] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { cpu: u + s, rssMb: m / 1024, out: r.stdout };
}
const min = (xs) => Math.min(...xs.map((x) => x.cpu));
const fmt = (s) => `${s.toFixed(2)} s`;

/** A test file of the repository to edit (the first pytest/vitest test file the inventory lists). */
function pickTestFile(out) {
  if (editFile) return editFile;
  const inv = JSON.parse(out);
  return inv.repos[0].files.find((f) => /\.(py|[cm]?[jt]sx?)$/.test(f.file))?.file;
}

console.log(`seams scan --format ${format}, min CPU (user+sys) of ${runs} runs; ${new Date().toISOString()}`);
console.log('| repo | tests | cold | --no-cache | warm | one file edited | floor | warm − floor |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const name of repos) {
  const root = path.join(work, name);
  if (!existsSync(root)) cpSync(path.join('/work/scratch/repos', name), root, { recursive: true });
  const cache = path.join(root, '.seams', 'cache');
  const scan = (...extra) => cpu([seams, 'scan', root, '--format', format, ...extra]);
  const cold = [];
  for (let i = 0; i < runs; i++) {
    rmSync(cache, { recursive: true, force: true });
    cold.push(scan());
  }
  const noCache = [];
  for (let i = 0; i < runs; i++) noCache.push(scan('--no-cache'));
  const warm = [];
  for (let i = 0; i < runs; i++) warm.push(scan());
  for (const w of warm) if (w.out !== cold[0].out) throw new Error(`${name}: warm output differs from cold output`);
  const floors = [];
  for (let i = 0; i < runs; i++) floors.push(cpu([floor, root, format]));
  if (floors[0].out !== cold[0].out) throw new Error(`${name}: the floor printed something else than the scan`);
  const file = pickTestFile(format === 'json' ? cold[0].out : scan('--format', 'json').out);
  const original = readFileSync(path.join(root, file));
  const edited = [];
  try {
    for (let i = 0; i < runs; i++) {
      appendFileSync(path.join(root, file), `\n// seams cache bench ${i}\n`.replace('//', file.endsWith('.py') ? '#' : '//'));
      edited.push(scan());
    }
  } finally {
    rmSync(path.join(root, file));
    appendFileSync(path.join(root, file), original);
  }
  const tests = JSON.parse(format === 'json' ? cold[0].out : scan('--format', 'json').out).repos[0].tests.length;
  console.log(`| ${name} | ${tests} | ${fmt(min(cold))} | ${fmt(min(noCache))} | ${fmt(min(warm))} | ${fmt(min(edited))} | ${fmt(min(floors))} | ${fmt(min(warm) - min(floors))} |`);
}
