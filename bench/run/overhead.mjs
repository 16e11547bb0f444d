#!/usr/bin/env node
// Overhead of `seams run` over running the same pytest command directly, on a real ~2,000-test
// suite (click: 2,016 tests run, 31,000 stress tests deselected by its own addopts). Needs the
// build (`npm run build`) and a pytest.
//
//   node bench/run/overhead.mjs [--runs 5] [--source /work/scratch/repos/click] [--work <dir>] [--keep] [--live]
//
// --live adds the cost of the live progress (issue 15): the direct pytest command with the
// plugin's events on (SEAMS_EVENTS, one line per test), and `seams run unit` (warm) under a real
// pseudo-terminal, where it draws the progress from those events; both in the same rounds.
//
// The repository is copied to a scratch folder (seams writes .seams/ there); a seams.yaml with the
// tier `unit` is added; PYTHONPATH=src so the tests import the checkout's click. Per round, in
// this order: the direct pytest command, `seams run unit` with a warm scan cache, and `seams run
// unit` with the cache removed first (cold: the scan runs). The overhead is seams' wall time minus
// its runner's: from starting seams to the runner's start, plus from the runner's exit to seams'
// end (a hook in the seams process notes both), because the runner's own time varies with the
// machine's load by more than the overhead. Also reported: the seams process's own CPU time, and
// the CPU time of the whole process tree over the direct command's (/usr/bin/time).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : args[i + 1];
};
const runs = Number(opt('runs', 5));
const source = opt('source', '/work/scratch/repos/click');
const keep = args.includes('--keep');
const live = args.includes('--live');
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const work = opt('work', mkdtempSync(path.join(tmpdir(), 'seams-bench-run-')));
const root = path.join(work, path.basename(source));
if (!existsSync(root)) cpSync(source, root, { recursive: true, filter: (p) => !/[/\\](\.seams|__pycache__|\.pytest_cache)$/.test(p) });
writeFileSync(path.join(root, 'seams.yaml'), 'tiers:\n  unit: {}\n');
const env = { ...process.env, CI: '1', PYTHONPATH: 'src' };
const seams = path.join(repo, 'bin/seams.js');
// in the seams process: its own CPU time, and when the test runner started and exited (epoch ms),
// so the overhead is seams' wall time minus the runner's own, whatever the machine's load does to
// the runner
const hook = path.join(work, 'phases.mjs');
writeFileSync(
  hook,
  `import { createRequire, syncBuiltinESMExports } from 'node:module';
const cp = createRequire(import.meta.url)('node:child_process');
const spawn = cp.spawn;
let start = 0, end = 0;
cp.spawn = function (cmd, argv, ...rest) {
  const child = spawn.call(this, cmd, argv, ...rest);
  if (!start && Array.isArray(argv) && argv.includes('pytest')) {
    start = Date.now();
    child.on('exit', () => (end = Date.now()));
  }
  return child;
};
syncBuiltinESMExports();
process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\nSEAMS_PHASES ' + start + ' ' + end + ' ' + (u.user + u.system) / 1e6 + '\\n'); });
`,
);

function measure(cmd, argv, runEnv = env) {
  const t0 = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %U %S', cmd, ...argv], { cwd: root, env: runEnv, encoding: 'utf8', maxBuffer: 1 << 28 });
  const t1 = Date.now();
  const t = /TIME (\S+) (\S+)\s*$/.exec(r.stderr);
  const phases = /SEAMS_PHASES (\d+) (\d+) (\S+)/.exec(r.stderr);
  if (!t || (r.status !== 0 && r.status !== 1 && !(runEnv.SEAMS_PTY && r.status === 2))) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-3000)}${r.stdout.slice(-2000)}`);
  const out = { wall: (t1 - t0) / 1000, cpu: Number(t[1]) + Number(t[2]), stdout: r.stdout };
  if (!phases) return out;
  const [start, end, own] = [Number(phases[1]), Number(phases[2]), Number(phases[3])];
  // before: from starting seams to the runner's start; after: from the runner's exit to seams' end
  return { ...out, own, before: (start - t0) / 1000, after: (t1 - end) / 1000, runner: (end - start) / 1000 };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// the command seams builds for the tier: the pytest plugin's buildCommand over the inventory
const { loadRepos } = await import(pathToFileURL(path.join(repo, 'dist/app/repos.js')).href);
const { getRunner } = await import(pathToFileURL(path.join(repo, 'dist/runners/registry.js')).href);
const [{ inventory }] = await loadRepos([root], { env });
const tests = inventory.tests.filter((t) => t.tier === 'unit' && t.runner === 'pytest');
const report = path.join(work, 'direct.xml');
const spec = getRunner('pytest').buildCommand({
  root,
  project: null,
  rootDir: inventory.runners.find((r) => r.runner === 'pytest')?.rootDir ?? '.',
  tests,
  allTests: inventory.tests.filter((t) => t.runner === 'pytest'),
  exclude: new Set(),
  resultFile: report,
  workDir: work,
  extraArgs: [],
  python: 'python3',
  pythonPath: 'src',
});
for (const f of spec.files ?? []) writeFileSync(f.path, f.content);

// a real pseudo-terminal of 120 columns for seams (stdout and stderr on it), its output drained
const PTY = `
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    import fcntl, struct, termios
    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack('HHHH', 50, 120, 0, 0))
    os.execvp(sys.argv[1], sys.argv[1:])
out = b''
while True:
    try: d = os.read(fd, 65536)
    except OSError: break
    if not d: break
    out += d
_, st = os.waitpid(pid, 0)
sys.stderr.write(out.decode('utf8', 'replace'))
sys.exit(os.WEXITSTATUS(st))
`;
const ttyEnv = { ...env, SEAMS_PTY: '1' };
delete ttyEnv.CI;
const eventsFile = path.join(work, 'direct.events');
const eventsEnv = { ...env, ...spec.env, SEAMS_EVENTS: eventsFile };
const directEnv = { ...env, ...spec.env };

measure(spec.argv[0], spec.argv.slice(1), directEnv); // warm the interpreter's caches
const direct = [];
const directEvents = [];
const warm = [];
const warmLive = [];
const cold = [];
let eventLines = 0;
for (let i = 0; i < runs; i++) {
  direct.push(measure(spec.argv[0], spec.argv.slice(1), directEnv));
  if (live) {
    rmSync(eventsFile, { force: true });
    directEvents.push(measure(spec.argv[0], spec.argv.slice(1), eventsEnv));
    eventLines = readFileSync(eventsFile, 'utf8').split('\n').filter(Boolean).length;
  }
  warm.push(measure(process.execPath, ['--import', hook, seams, 'run', 'unit']));
  if (live) warmLive.push(measure('python3', ['-c', PTY, process.execPath, '--import', hook, seams, 'run', 'unit'], ttyEnv));
  rmSync(path.join(root, '.seams', 'cache'), { recursive: true, force: true });
  cold.push(measure(process.execPath, ['--import', hook, seams, 'run', 'unit']));
}
const ran = /(\d+) passed/.exec(warm[0].stdout)?.[1];
const d = { wall: median(direct.map((x) => x.wall)), cpu: median(direct.map((x) => x.cpu)) };
const goal = 0.3 + 0.02 * d.wall;
const row = (name, xs) => {
  const m = (f) => median(xs.map(f));
  const overhead = m((x) => x.before + x.after);
  return `| ${name} | ${m((x) => x.wall).toFixed(2)} s | ${m((x) => x.runner).toFixed(2)} s | ${m((x) => x.before).toFixed(2)} s | ${m((x) => x.after).toFixed(2)} s | **${overhead.toFixed(2)} s** | ${m((x) => x.own).toFixed(2)} s | ${m((x) => x.cpu - d.cpu).toFixed(2)} s | ${overhead <= goal ? 'met' : 'not met'} |`;
};
console.log(`${path.basename(source)}: ${tests.length} tests in the tier (${ran} passed), median of ${runs} rounds, ${new Date().toISOString()}`);
console.log(`direct: ${spec.argv.slice(0, 9).join(' ')} … (${spec.argv.length - 9} test files): median ${d.wall.toFixed(2)} s wall, ${d.cpu.toFixed(2)} s CPU`);
console.log(`goal: overhead ≤ 0.3 s + 2 % of the runner's ${d.wall.toFixed(2)} s = ${goal.toFixed(2)} s`);
console.log('| | wall | runner inside | seams before the runner | seams after it | overhead | seams process CPU | CPU over direct (all processes) | goal |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
console.log(row('seams run unit, warm cache', warm));
console.log(row('seams run unit, cold (scan first)', cold));
if (live) {
  console.log(row('seams run unit, warm cache, live progress on a pseudo-terminal', warmLive));
  const e = { wall: median(directEvents.map((x) => x.wall)), cpu: median(directEvents.map((x) => x.cpu)) };
  console.log('');
  console.log(`live events inside pytest (${eventLines} lines per run): the direct command with SEAMS_EVENTS set, same rounds`);
  console.log('| | wall | CPU (all processes) |');
  console.log('|---|---:|---:|');
  console.log(`| direct, events off | ${d.wall.toFixed(2)} s | ${d.cpu.toFixed(2)} s |`);
  console.log(`| direct, events on | ${e.wall.toFixed(2)} s (${((e.wall / d.wall - 1) * 100).toFixed(1)} %) | ${e.cpu.toFixed(2)} s (${((e.cpu / d.cpu - 1) * 100).toFixed(1)} %) |`);
  const own = (xs) => median(xs.map((x) => x.own));
  console.log(`seams process CPU, live on a terminal vs CI: ${own(warmLive).toFixed(2)} s vs ${own(warm).toFixed(2)} s (+${(own(warmLive) - own(warm)).toFixed(2)} s)`);
}
if (!keep && !opt('work', '')) rmSync(work, { recursive: true, force: true });
