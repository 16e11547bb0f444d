#!/usr/bin/env node
// Overhead of `seams run` over running the same test command directly, without services
// (service start-up is reported separately: it is the services' own time). Needs the build.
//
//   node bench/run/overhead.mjs [--runs 5] [--tests 200]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(args[i + 1]);
};
const runs = opt('runs', 5);
const nTests = opt('tests', 200);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const root = mkdtempSync(path.join(tmpdir(), 'seams-bench-run-'));
mkdirSync(path.join(root, 'tests/integration'), { recursive: true });
let py = '';
for (let i = 0; i < nTests; i++) py += `def test_${i}():\n    assert ${i} >= 0\n\n`;
writeFileSync(path.join(root, 'tests/integration/test_many.py'), py);
writeFileSync(path.join(root, 'pytest.ini'), '[pytest]\n');
writeFileSync(
  path.join(root, 'seams.yaml'),
  `services:
  cache:
    command: redis-server --port {port} --save ""
    ready: { exec: "redis-cli -p {port} ping" }
tiers:
  integration: {}
  withcache:
    paths: ["nothing/**"]
    services: [cache]
    command: python3 -m pytest -q -p no:cacheprovider tests/integration
`,
);
spawnSync('git', ['init', '-q'], { cwd: root });

const time = (cmd, argv, env = {}) => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: root, env: { ...process.env, CI: '1', ...env }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return ms;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seams = path.join(repo, 'bin/seams.js');
const direct = [];
const viaSeams = [];
const withCache = [];
// the same command seams builds for the tier (see `seams run` output: command)
const pytestArgs = ['-m', 'pytest', '-p', 'no:cacheprovider', `--junitxml=${path.join(root, 'direct.xml')}`, '-o', 'junit_family=xunit1', '-rA', 'tests/integration/test_many.py'];
time('python3', pytestArgs); // warm caches
time(process.execPath, [seams, 'run', 'integration', '--no-history']);
for (let i = 0; i < runs; i++) {
  direct.push(time('python3', pytestArgs));
  viaSeams.push(time(process.execPath, [seams, 'run', 'integration']));
  withCache.push(time(process.execPath, [seams, 'run', 'withcache']));
}
const d = median(direct);
const s = median(viaSeams);
const c = median(withCache);
console.log(`${nTests} pytest tests, median of ${runs} runs`);
console.log(`  python3 -m pytest (direct, same arguments): ${(d / 1000).toFixed(2)} s`);
console.log(`  seams run integration (scan, run, parse, store): ${(s / 1000).toFixed(2)} s  → overhead ${((s - d) / 1000).toFixed(2)} s`);
console.log(`  seams run withcache (+ redis-server start/stop): ${(c / 1000).toFixed(2)} s  → overhead ${((c - d) / 1000).toFixed(2)} s incl. service`);
console.log(`goal: overhead < 0.3 s plus service start-up → ${s - d < 300 ? 'met' : 'NOT met'}`);
rmSync(root, { recursive: true, force: true });
