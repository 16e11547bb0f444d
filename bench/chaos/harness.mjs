// The chaos harness shared by the CI test (test/run/chaos.test.ts) and the bench (kill.mjs):
// starts `seams run integration` on a copy of examples/platform, kill -9s it after a seeded
// random delay, runs the documented recovery (`seams services down`, or the next `seams run`),
// waits for the watchdog to finish, and counts what is left.
//
// Leftovers are found WITHOUT trusting seams' own bookkeeping, so the same harness measures a
// seams that records nothing: a process is the run's when its environment carries SEAMS_RUN_ID
// or SEAMS_SERVICE_OWNER, its cwd or an open stdio file is inside the repo copy or the run's
// private TMPDIR, or its command line names them.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from '../_lib/random.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');


const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// CHAOS_SEAMS_BIN: another build to measure (e.g. a copy of an older one)
const seamsBin = process.env.CHAOS_SEAMS_BIN ?? path.join(repoRoot, 'bin', 'seams.js');

/** PATH with PostgreSQL's initdb/postgres (Debian keeps them off PATH), and a slow `id` first when asked. */
export function servicePath(base = process.env.PATH ?? '', slowIdDir) {
  const parts = base.split(':').filter(Boolean);
  if (!parts.some((d) => existsSync(path.join(d, 'initdb')))) {
    try {
      for (const v of readdirSync('/usr/lib/postgresql')) if (existsSync(`/usr/lib/postgresql/${v}/bin/initdb`)) parts.push(`/usr/lib/postgresql/${v}/bin`);
    } catch {
      /* no PostgreSQL here: the db service then fails its pre-flight */
    }
  }
  return [...(slowIdDir ? [slowIdDir] : []), ...parts].join(':');
}

/** The service programs examples/platform starts: missing ones make the chaos measure nothing. */
export function missingPrograms(pathValue) {
  const dirs = pathValue.split(':').filter(Boolean);
  return ['moto_server', 'redis-server', 'redis-cli', 'initdb', 'postgres', 'pg_isready'].filter((p) => !dirs.some((d) => existsSync(path.join(d, p))));
}

/** A private copy of examples/platform and a private TMPDIR under `work`. */
export function prepare(work, { slowId = false, bin = seamsBin } = {}) {
  rmSync(work, { recursive: true, force: true });
  const root = path.join(work, 'platform');
  const tmp = path.join(work, 'tmp');
  cpSync(path.join(repoRoot, 'examples', 'platform'), root, { recursive: true, filter: (p) => !p.includes(`${path.sep}.seams`) && !p.includes('node_modules') });
  mkdirSync(tmp, { recursive: true });
  let slowDir;
  if (slowId) {
    slowDir = path.join(work, 'slowbin');
    mkdirSync(slowDir, { recursive: true });
    writeFileSync(path.join(slowDir, 'id'), '#!/bin/sh\nsleep 1\nexec /usr/bin/id "$@"\n', { mode: 0o755 });
  }
  const env = { ...process.env, PATH: servicePath(process.env.PATH, slowDir), TMPDIR: tmp, CI: 'true', NO_COLOR: '1' };
  const missing = missingPrograms(env.PATH);
  if (missing.length) throw new Error(`chaos: ${missing.join(', ')} not found on PATH (.ci/run installs them)`);
  delete env.SEAMS_NO_WATCHDOG;
  delete env.SEAMS_RUN_ID;
  delete env.SEAMS_SERVICE_OWNER;
  delete env.SEAMS_SERVICE_ROOT;
  return { work, root, tmp, env, bin };
}


function readProc(pid, what) {
  try {
    return readFileSync(`/proc/${pid}/${what}`, 'utf8');
  } catch {
    return null;
  }
}
function link(pid, what) {
  try {
    return readlinkSync(`/proc/${pid}/${what}`);
  } catch {
    return null;
  }
}

/** Processes that belong to the runs in `ctx` (see the header), other than `exclude`. */
export function related(ctx, exclude = new Set()) {
  const out = [];
  const inside = (p) => p && (p.startsWith(ctx.root + '/') || p === ctx.root || p.startsWith(ctx.tmp + '/') || p === ctx.tmp);
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid || exclude.has(pid)) continue;
    const stat = readProc(pid, 'stat');
    if (!stat) continue;
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z') continue;
    const cmd = (readProc(pid, 'cmdline') ?? '').split('\0').join(' ').trim();
    const environ = readProc(pid, 'environ') ?? '';
    const marked = /(^|\0)(SEAMS_RUN_ID|SEAMS_SERVICE_OWNER)=/.test(environ) && (environ.includes(ctx.root) || environ.includes(ctx.tmp));
    const fds = [0, 1, 2].map((fd) => link(pid, `fd/${fd}`)?.replace(/ \(deleted\)$/, ''));
    const cwd = link(pid, 'cwd')?.replace(/ \(deleted\)$/, '');
    if (marked || inside(cwd) || fds.some(inside) || cmd.includes(ctx.root) || cmd.includes(ctx.tmp)) out.push({ pid, ppid: Number(rest[1]), pgid: Number(rest[2]), cmd: cmd.slice(0, 160) });
  }
  return out;
}

/** Ports the run's services listen on, as far as the state files and command lines tell. */
function collectPorts(ctx, into, seen) {
  const dir = path.join(ctx.root, '.seams', 'services');
  try {
    for (const n of readdirSync(dir)) {
      if (!n.endsWith('.json')) continue;
      try {
        const s = JSON.parse(readFileSync(path.join(dir, n), 'utf8'));
        for (const svc of s.services ?? []) if (svc.port) into.add(svc.port);
        for (const v of Object.values(s.env ?? {})) for (const m of String(v).matchAll(/127\.0\.0\.1:(\d+)/g)) into.add(Number(m[1]));
      } catch {
        /* mid-write */
      }
    }
  } catch {
    /* no state yet */
  }
  for (const p of related(ctx)) {
    for (const m of p.cmd.matchAll(/(?:-p|--port)\s+(\d+)/g)) into.add(Number(m[1]));
    const svc = /moto_server|redis-server|postgres|initdb/.exec(p.cmd);
    if (svc && seen) seen.add(svc[0]);
  }
}

function listening(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (v) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(500, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Everything the runs in `ctx` left: processes, listening ports, state files, scratch and temp folders. */
export async function leftovers(ctx, ports) {
  // a process that ends by itself within two seconds (a child of seams finishing) is not left behind
  let procs = related(ctx);
  if (procs.length) {
    await sleep(2000);
    const still = new Set(related(ctx).map((p) => `${p.pid} ${p.cmd}`));
    procs = procs.filter((p) => still.has(`${p.pid} ${p.cmd}`));
  }
  const open = [];
  for (const p of ports) if (await listening(p)) open.push(p);
  let stateFiles = [];
  try {
    stateFiles = readdirSync(path.join(ctx.root, '.seams', 'services'));
  } catch {
    /* none */
  }
  let scratch = [];
  try {
    scratch = readdirSync(ctx.tmp);
  } catch {
    /* none */
  }
  return { processes: procs, ports: open, stateFiles, scratch, count: procs.length + open.length + stateFiles.length + scratch.length };
}

/** Removes what a bad run left, so the next kill starts clean (counted before this). */
export function scrub(ctx) {
  for (let i = 0; i < 3; i++) {
    const procs = related(ctx);
    if (!procs.length) break;
    for (const p of procs) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    spawnSync('sleep', ['0.3']);
  }
  rmSync(path.join(ctx.root, '.seams', 'services'), { recursive: true, force: true });
  for (const n of readdirSync(ctx.tmp)) rmSync(path.join(ctx.tmp, n), { recursive: true, force: true });
}

function seams(ctx, args, { detached = false } = {}) {
  return spawn(process.execPath, [ctx.bin, ...args], { cwd: ctx.root, env: ctx.env, stdio: 'ignore', detached });
}
const exitOf = (child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode ? resolve(child.exitCode) : child.once('exit', (c) => resolve(c))));

function hasState(ctx) {
  try {
    return readdirSync(path.join(ctx.root, '.seams', 'services')).some((n) => n.endsWith('.json'));
  } catch {
    return false;
  }
}

/** Waits until no seams or watchdog process of this root runs any more (at most `ms`). */
async function settle(ctx, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const busy = related(ctx).filter((p) => p.cmd.includes('seams') || p.cmd.includes('.seams/services'));
    if (!busy.length) return true;
    await sleep(100);
  }
  return false;
}

/**
 * One kill: start `seams run integration` in its own session (setsid, as from a terminal),
 * kill -9 the seams process after `delayMs`, recover, settle, count.
 */
export async function killOnce(ctx, delayMs, { recovery = 'down', anchor = 'spawn' } = {}) {
  const ports = new Set();
  const seen = new Set();
  const child = seams(ctx, ['run', 'integration', '--root', ctx.root], { detached: true });
  // anchor 'state': the delay counts from the run's state file (service start-up begins), so a
  // loaded machine whose seams needs seconds to get there still gets kills during start-up
  if (anchor === 'state') while (child.exitCode === null && !hasState(ctx)) await sleep(10);
  const t0 = Date.now();
  while (Date.now() - t0 < delayMs && child.exitCode === null) {
    collectPorts(ctx, ports, seen);
    await sleep(Math.min(25, Math.max(1, delayMs - (Date.now() - t0))));
  }
  const finishedFirst = child.exitCode !== null;
  if (!finishedFirst) child.kill('SIGKILL');
  await exitOf(child);
  collectPorts(ctx, ports);
  if (recovery === 'run') {
    // the next run reaps first; it is itself allowed to finish (or is stopped by its own Ctrl-C)
    const next = seams(ctx, ['run', 'integration', '--root', ctx.root]);
    await exitOf(next);
  } else {
    await exitOf(seams(ctx, ['services', 'down', '--root', ctx.root]));
  }
  await settle(ctx, 20_000);
  await sleep(200);
  const left = await leftovers(ctx, ports);
  if (left.count) scrub(ctx);
  // how far start-up got before the kill: the service programs seen running (none: killed before any started)
  return { delayMs, finishedFirst, started: [...seen].sort(), ...left };
}

/** `kills` kills with delays from `seed` in [minMs, maxMs]; a summary with every bad kill. */
export async function chaos({ work, kills, seed = 1, minMs = 300, maxMs = 2200, recovery = 'down', anchor = 'mixed', slowId = false, bin, log = () => {} }) {
  const ctx = prepare(work, { slowId, ...(bin ? { bin } : {}) });
  const rand = rng(seed);
  const bad = [];
  let total = 0;
  let withServices = 0;
  const t0 = Date.now();
  for (let i = 0; i < kills; i++) {
    // mixed: every other kill counts from the spawn of seams (scan, plan, temp folders), the
    // others from its state file (service and setup-step start-up)
    const a = anchor === 'mixed' ? (i % 2 ? 'state' : 'spawn') : anchor;
    const delay = Math.round(a === 'state' ? rand() * (maxMs - minMs) : minMs + rand() * (maxMs - minMs));
    const r = await killOnce(ctx, delay, { recovery: typeof recovery === 'function' ? recovery(i) : recovery, anchor: a });
    total += r.count;
    if (r.started.length) withServices++;
    if (r.count) bad.push({ kill: i + 1, ...r });
    log(`kill ${i + 1}/${kills} ${delay} ms after ${a} (${r.started.join('+') || 'no service'} seen): ${r.count ? `LEFT ${r.count} (${r.processes.length} processes, ${r.ports.length} ports, ${r.stateFiles.length} state files, ${r.scratch.length} scratch)` : 'clean'}`);
  }
  return { kills, seed, minMs, maxMs, leftovers: total, killsWithServices: withServices, badKills: bad, seconds: Math.round((Date.now() - t0) / 1000), ctx };
}
