import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceSession } from '../../src/services/manager.js';
import { findMarked, groupAlive, isAlive } from '../../src/services/process-tree.js';
import { readStates, reapStale, stateDir, writeState } from '../../src/services/state.js';
import { sleep, tcpOpen } from '../../src/services/util.js';

/**
 * Nothing outlives seams, whenever it dies: every child is on record from the moment it exists,
 * processes no state file records are found by their marker, setup steps are stopped before their
 * folders go, and a killed run leaves no state file and no scratch or seams-run-* folder.
 */

// `npm test` builds dist/ right before vitest; run alone, the test builds a private copy
const fromNpmTest = process.env.npm_lifecycle_event === 'test' && existsSync(path.resolve('dist/cli/main.js'));
const dist = fromNpmTest ? path.resolve('dist') : path.resolve('node_modules/.cache/seams-orphans-dist');
const cleanup: string[] = [];
const sessions: ServiceSession[] = [];

beforeAll(() => {
  if (fromNpmTest) return;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', dist, '--declaration', 'false', '--sourceMap', 'false'], { stdio: 'ignore' });
}, 120_000);

afterAll(async () => {
  for (const s of sessions) await s.down({ force: true });
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  cleanup.push(d);
  return d;
}

/** A repo folder and its own TMPDIR (so scratch and seams-run-* folders can be counted). */
function fixture(yaml: string): { root: string; tmp: string } {
  const base = tempDir('seams-orphan-');
  const root = path.join(base, 'repo');
  const tmp = path.join(base, 'tmp');
  mkdirSync(root);
  mkdirSync(tmp);
  // the postgres user must be able to enter the scratch folders
  chmodSync(base, 0o755);
  writeFileSync(path.join(root, 'seams.yaml'), yaml);
  return { root, tmp };
}

function startSeams(args: string[], env: NodeJS.ProcessEnv) {
  const script = `import { run } from ${JSON.stringify(path.join(dist, 'cli/main.js'))}; process.exitCode = await run(process.argv.slice(1));`;
  return spawn(process.execPath, ['--input-type=module', '-e', script, ...args], { env: { ...process.env, CI: '1', ...env }, stdio: 'ignore' });
}
const exitOf = (child: ReturnType<typeof spawn>) => new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (c) => r(c))));

async function waitFor(cond: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await cond()) return true;
    await sleep(20);
  }
  return cond();
}

function session(root: string, services: ConstructorParameters<typeof ServiceSession>[0]['services'], runId = `o${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`) {
  const s = new ServiceSession({ root, runId, services, env: process.env, watchdog: false });
  sessions.push(s);
  return s;
}

const REDIS = { command: 'redis-server --port {port} --save "" --appendonly no --dir {tmp}', ready: { exec: 'redis-cli -p {port} ping' } };
const SLEEPER = { command: ['python3', '-c', 'import time; time.sleep(120)'] };

describe('state files', () => {
  it('are written 0600 in a 0700 folder, also when an older seams made the folder 0755', () => {
    const { root } = fixture('');
    mkdirSync(stateDir(root), { recursive: true, mode: 0o755 });
    chmodSync(stateDir(root), 0o755);
    const file = writeState({ runId: 'r1', root, owner: { pid: process.pid, start: null }, keep: false, createdAt: '', tiers: [], services: [], env: {} });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir(root)).mode & 0o777).toBe(0o700);
  });

  it('hold what teardown needs: process group, start time, port and scratch folder of each service', async () => {
    const { root } = fixture('');
    const s = session(root, { cache: REDIS });
    const up = await s.up(['cache']);
    expect(up.ok).toBe(true);
    const [st] = readStates(root).map((x) => x.state);
    const cache = st!.services.find((x) => x.name === 'cache')!;
    expect(cache).toMatchObject({ kind: 'process', pgid: s.started[0]!.pgid, port: Number(up.env.CACHE_PORT) });
    expect(cache.start).toMatch(/^\d+$/);
    expect(existsSync(cache.tmp!)).toBe(true);
    await s.down();
    expect(existsSync(cache.tmp!)).toBe(false);
    expect(readStates(root)).toEqual([]);
  });

  it('a killed writer leaves no half-written file: the next reap removes it', async () => {
    const { root } = fixture('');
    mkdirSync(stateDir(root), { recursive: true });
    const dead = spawnSync('true').pid!;
    writeFileSync(path.join(stateDir(root), `r2.json.${dead}.tmp`), '{"runId":');
    await reapStale(root);
    expect(readdirSync(stateDir(root))).toEqual([]);
  });
});

describe('processes no state file records are still found and stopped', () => {
  it('by the marker in their environment, or (redis-server writes over its environment) by their log file', async () => {
    const { root } = fixture('');
    const s = session(root, { cache: REDIS, sleeper: SLEEPER });
    const up = await s.up(['cache', 'sleeper']);
    expect(up.ok).toBe(true);
    const runId = s['o'].runId;
    const port = Number(up.env.CACHE_PORT);
    const [cache, sleeper] = s.started.map((x) => x.pgid!);
    // redis-server's environment no longer names the run: only its log file does
    expect(readFileSync(`/proc/${cache}/environ`, 'utf8')).not.toContain(runId);
    expect(new Set(findMarked(root).get(runId)!.map((p) => p.pid))).toEqual(new Set([cache, sleeper]));
    // another repository's marker is not this one's
    expect(findMarked(path.join(root, 'other')).size).toBe(0);
    // the state file is lost: `services down` and the next run still stop them
    rmSync(stateDir(root), { recursive: true, force: true });
    const reaped = await reapStale(root);
    expect(reaped).toContainEqual({ runId, stopped: expect.arrayContaining(['redis-server']) });
    expect(groupAlive(cache!)).toBe(false);
    expect(groupAlive(sleeper!)).toBe(false);
    expect(await tcpOpen('127.0.0.1', port)).toBe(false);
  });

  it('leaves alone the processes of a run that is alive and recorded', async () => {
    const { root } = fixture('');
    const s = session(root, { sleeper: SLEEPER });
    expect((await s.up(['sleeper'])).ok).toBe(true);
    expect(await reapStale(root)).toEqual([]);
    expect(isAlive(s.started[0]!.pgid!)).toBe(true);
    await s.down();
    expect(isAlive(s.started[0]!.pgid!)).toBe(false);
  });

  it('a session stopped while a service is between its setup step and its command starts nothing more', async () => {
    const { root } = fixture('');
    const s = session(root, { late: { setup: 'sleep 0.5', command: SLEEPER.command } });
    const up = s.up(['late']);
    expect(await waitFor(() => Boolean(readStates(root)[0]?.state.services.find((x) => x.name === 'late')?.setup), 10_000)).toBe(true);
    const step = readStates(root)[0]!.state.services.find((x) => x.name === 'late')!.setup!;
    await s.down({ force: true });
    expect((await up).ok).toBe(false);
    expect(groupAlive(step.pgid)).toBe(false);
    expect(s.started[0]!.pgid).toBeUndefined();
    expect(findMarked(root).size).toBe(0);
  });

  it('a test runner carries the marker too: the run\'s test processes are found with the state lost', async () => {
    const { root } = fixture(`tiers:
  slow:
    command: ["python3", "-c", "import os, time; open(os.environ['MARK'], 'w').write(str(os.getpid())); time.sleep(120)"]
`);
    const mark = path.join(root, 'mark');
    const child = startSeams(['run', 'slow', '--root', root], { MARK: mark, SEAMS_NO_WATCHDOG: '1' });
    expect(await waitFor(() => existsSync(mark) && readFileSync(mark, 'utf8').length > 0, 30_000)).toBe(true);
    child.kill('SIGKILL');
    await exitOf(child);
    const testPid = Number(readFileSync(mark, 'utf8'));
    rmSync(stateDir(root), { recursive: true, force: true });
    const down = startSeams(['services', 'down', '--root', root], {});
    expect(await exitOf(down)).toBe(0);
    expect(isAlive(testPid)).toBe(false);
  });
});

describe('docker compose (a fake docker on PATH)', () => {
  it('docker runs with the run\'s marker; a dead owner\'s project is brought down by the next reap', async () => {
    const { root } = fixture('');
    const bin = path.join(path.dirname(root), 'fakebin');
    mkdirSync(bin);
    const calls = path.join(path.dirname(root), 'docker-calls.log');
    writeFileSync(path.join(bin, 'docker'), `#!/bin/sh\necho "$SEAMS_SERVICE_OWNER $*" >> ${calls}\nexit 0\n`, { mode: 0o755 });
    writeFileSync(path.join(root, 'compose.yml'), 'services: {}\n');
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath}`;
    try {
      const s = new ServiceSession({ root, runId: 'compose1', services: { stack: { compose: { file: 'compose.yml' } } }, env: process.env, watchdog: false });
      expect((await s.up(['stack'])).ok).toBe(true);
      const st = readStates(root)[0]!;
      writeFileSync(st.file, JSON.stringify({ ...st.state, owner: { pid: 2 ** 22 - 3, start: null } }));
      const reaped = await reapStale(root);
      expect(reaped).toContainEqual({ runId: 'compose1', stopped: ['stack'] });
      const lines = readFileSync(calls, 'utf8').trim().split('\n');
      expect(lines).toContain('compose1 compose -p seams-compose1-stack -f compose.yml up --wait --wait-timeout 60 -d');
      expect(lines.at(-1)).toMatch(/ compose -p seams-compose1-stack -f compose.yml down -v --remove-orphans$/);
      expect(readStates(root)).toEqual([]);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});

describe('setup steps are children too', () => {
  // a setup step that keeps writing its folder, like a slow initdb
  const WRITER = "sh -c 'while true; do mkdir -p {tmp}/pg && date > {tmp}/pg/x; sleep 0.05; done'";

  it('a teardown during a setup step stops it first, then removes its folder for good', async () => {
    const { root } = fixture('');
    const s = session(root, { db: { setup: WRITER, command: SLEEPER.command } });
    const up = s.up(['db']);
    const folder = () => readStates(root)[0]?.state.services.find((x) => x.name === 'db')?.tmp;
    expect(await waitFor(() => Boolean(folder() && existsSync(path.join(folder()!, 'pg', 'x'))), 15_000)).toBe(true);
    const tmp = folder()!;
    const step = readStates(root)[0]!.state.services.find((x) => x.name === 'db')!.setup!;
    expect(isAlive(step.pgid)).toBe(true);
    s.cancel();
    await s.down({ force: true });
    await up;
    expect(groupAlive(step.pgid)).toBe(false);
    await sleep(300);
    expect(existsSync(tmp)).toBe(false);
  });

  it('seams killed during a setup step: the watchdog stops the step, then removes the folder; nothing is left', async () => {
    const { root, tmp } = fixture(`services:
  db:
    setup: "sh -c 'while true; do mkdir -p {tmp}/pg && date > {tmp}/pg/x; sleep 0.05; done'"
    command: ["python3", "-c", "import time; time.sleep(120)"]
tiers:
  t:
    services: [db]
    command: ["true"]
`);
    const child = startSeams(['run', 't', '--root', root], { TMPDIR: tmp });
    const step = () => readStates(root)[0]?.state.services.find((x) => x.name === 'db')?.setup;
    expect(await waitFor(() => Boolean(step()) && readdirSync(tmp).length > 0, 30_000)).toBe(true);
    const { pgid } = step()!;
    child.kill('SIGKILL');
    await exitOf(child);
    expect(await waitFor(() => !groupAlive(pgid) && readStates(root).length === 0, 15_000)).toBe(true);
    await sleep(300);
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(stateDir(root))).toEqual([]);
  });
});

describe('a killed run leaves no folder behind', () => {
  const YAML = `services:
  cache:
    command: redis-server --port {port} --save "" --appendonly no --dir {tmp}
    ready: { exec: "redis-cli -p {port} ping" }
tiers:
  slow:
    services: [cache]
    command: ["python3", "-c", "import os, time; open(os.environ['MARK'], 'w').write('x'); time.sleep(120)"]
`;

  it('the watchdog removes the services\' scratch folders and the seams-run-* work folder', async () => {
    const { root, tmp } = fixture(YAML);
    const mark = path.join(root, 'mark');
    const child = startSeams(['run', 'slow', '--root', root], { MARK: mark, TMPDIR: tmp });
    expect(await waitFor(() => existsSync(mark), 30_000)).toBe(true);
    expect(readdirSync(tmp).some((n) => n.startsWith('seams-run-'))).toBe(true);
    const scratch = readStates(root)[0]!.state.scratch!;
    expect(scratch.some((d) => path.basename(d).startsWith('seams-run-'))).toBe(true);
    child.kill('SIGKILL');
    await exitOf(child);
    expect(await waitFor(() => readStates(root).length === 0 && readdirSync(tmp).length === 0, 15_000)).toBe(true);
    expect(findMarked(root).size).toBe(0);
  });

  it('without a watchdog, `seams services down` removes them', async () => {
    const { root, tmp } = fixture(YAML);
    const mark = path.join(root, 'mark');
    const child = startSeams(['run', 'slow', '--root', root], { MARK: mark, TMPDIR: tmp, SEAMS_NO_WATCHDOG: '1' });
    expect(await waitFor(() => existsSync(mark), 30_000)).toBe(true);
    child.kill('SIGKILL');
    await exitOf(child);
    await sleep(300);
    expect(readdirSync(tmp).length).toBeGreaterThan(0); // left until someone cleans up
    expect(await exitOf(startSeams(['services', 'down', '--root', root], { TMPDIR: tmp }))).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(stateDir(root))).toEqual([]);
    expect(findMarked(root).size).toBe(0);
  });
});

describe('every spawned child is on record at once', () => {
  it('a seams killed the moment its first service exists has that service in its state file (slow `id` first on PATH)', async () => {
    // the repro: a user lookup (`id`, blocking, 2 s here) of one service used to sit
    // between the spawn of another and its record; 0.2 s after its spawn it must be on record
    const { root, tmp } = fixture(`services:
  first:
    command: ["sh", "-c", "sleep 0.2; echo $$ > \\"$MARK\\"; exec sleep 120"]
  second:
    command: ["sleep", "120"]
    user: ${process.getuid?.() === 0 ? 'postgres' : 'nobody'}
tiers:
  t:
    services: [first, second]
    command: ["true"]
`);
    const bin = path.join(path.dirname(root), 'slowbin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'id'), '#!/bin/sh\nsleep 1\nexec /usr/bin/id "$@"\n', { mode: 0o755 });
    const mark = path.join(root, 'first.pid');
    const child = startSeams(['run', 't', '--root', root], { MARK: mark, TMPDIR: tmp, SEAMS_NO_WATCHDOG: '1', PATH: `${bin}:${process.env.PATH}` });
    expect(await waitFor(() => existsSync(mark) && readFileSync(mark, 'utf8').trim().length > 0, 30_000)).toBe(true);
    child.kill('SIGKILL');
    await exitOf(child);
    const pid = Number(readFileSync(mark, 'utf8'));
    const first = readStates(root)[0]!.state.services.find((x) => x.name === 'first');
    expect(first?.pgid).toBe(pid);
    expect(await exitOf(startSeams(['services', 'down', '--root', root], { TMPDIR: tmp }))).toBe(0);
    expect(isAlive(pid)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
