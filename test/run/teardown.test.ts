import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { groupAlive, isAlive } from '../../src/services/process-tree.js';
import { readStates } from '../../src/services/state.js';
import { sleep, tcpOpen } from '../../src/services/util.js';

/**
 * Kills seams with SIGKILL in the middle of a run (services up, tests running) and checks that
 * nothing it started survives: through the watchdog, and without it through the next run.
 */
// `npm test` builds dist/ right before vitest; run alone, the test builds a private copy
const fromNpmTest = process.env.npm_lifecycle_event === 'test' && existsSync(path.resolve('dist/cli/main.js'));
const dist = fromNpmTest ? path.resolve('dist') : path.resolve('node_modules/.cache/seams-test-dist');

beforeAll(() => {
  if (fromNpmTest) return;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', dist, '--declaration', 'false', '--sourceMap', 'false'], { stdio: 'ignore' });
}, 120_000);

function startSeams(args: string[], env: NodeJS.ProcessEnv) {
  const script = `import { run } from ${JSON.stringify(path.join(dist, 'cli/main.js'))}; process.exitCode = await run(process.argv.slice(1));`;
  return spawn(process.execPath, ['--input-type=module', '-e', script, ...args], { env: { ...process.env, CI: '1', ...env }, stdio: 'ignore' });
}

function fixture(): { root: string; mark: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'seams-kill-'));
  const mark = path.join(root, 'tests-running');
  writeFileSync(
    path.join(root, 'seams.yaml'),
    `services:
  cache:
    command: redis-server --port {port} --save ""
    ready: { exec: "redis-cli -p {port} ping" }
tiers:
  slow:
    services: [cache]
    command: ["python3", "-c", "import os, time; open(os.environ['MARK'], 'w').write(str(os.getpid())); time.sleep(120)"]
  quick:
    command: ["true"]
`,
  );
  mkdirSync(path.join(root, '.seams'), { recursive: true });
  return { root, mark };
}

async function waitFor(cond: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await cond()) return true;
    await sleep(100);
  }
  return cond();
}

async function killMidRun(root: string, mark: string, env: NodeJS.ProcessEnv) {
  const child = startSeams(['run', 'slow', '--root', root], { MARK: mark, ...env });
  expect(await waitFor(() => existsSync(mark), 30_000)).toBe(true);
  const state = readStates(root)[0]!.state;
  const cache = state.services.find((s) => s.name === 'cache')!;
  const tests = state.services.find((s) => s.name === 'tests:slow')!;
  const port = Number(state.env.CACHE_PORT);
  const testPid = Number(readFileSync(mark, 'utf8'));
  expect(await tcpOpen('127.0.0.1', port)).toBe(true);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  return { cache, tests, port, testPid };
}

describe('teardown when seams is killed with SIGKILL', () => {
  it('the watchdog stops the services and the test runner at once', async () => {
    const { root, mark } = fixture();
    const { cache, port, testPid } = await killMidRun(root, mark, {});
    expect(await waitFor(async () => !groupAlive(cache.pgid!) && !isAlive(testPid) && !(await tcpOpen('127.0.0.1', port)), 15_000)).toBe(true);
    expect(await waitFor(() => readStates(root).length === 0, 5_000)).toBe(true);
  });

  it('without a watchdog, the next run reaps what the killed one left: no process, no port', async () => {
    const { root, mark } = fixture();
    const { cache, port, testPid } = await killMidRun(root, mark, { SEAMS_NO_WATCHDOG: '1' });
    await sleep(500);
    expect(groupAlive(cache.pgid!)).toBe(true); // left behind until someone cleans up
    const next = startSeams(['run', 'quick', '--root', root], { SEAMS_NO_WATCHDOG: '1' });
    const code = await new Promise((r) => next.once('exit', r));
    expect(code).toBe(0);
    expect(groupAlive(cache.pgid!)).toBe(false);
    expect(isAlive(testPid)).toBe(false);
    expect(await tcpOpen('127.0.0.1', port)).toBe(false);
    expect(readStates(root)).toEqual([]);
  });

  it('SIGTERM stops tests and services, stores the interrupted run and exits 143', async () => {
    const { root, mark } = fixture();
    const child = startSeams(['run', 'slow', '--root', root], { MARK: mark, SEAMS_NO_WATCHDOG: '1' });
    expect(await waitFor(() => existsSync(mark), 30_000)).toBe(true);
    const state = readStates(root)[0]!.state;
    const cache = state.services.find((s) => s.name === 'cache')!;
    const testPid = Number(readFileSync(mark, 'utf8'));
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(143);
    expect(groupAlive(cache.pgid!)).toBe(false);
    expect(isAlive(testPid)).toBe(false);
    expect(readStates(root)).toEqual([]);
    const store = await openStore('sqlite:.seams/history.db', root);
    const [run] = await store.listRuns();
    await store.close();
    expect(run).toMatchObject({ status: 'error', tiers: ['slow'] });
    expect(run!.services[0]).toMatchObject({ name: 'cache', status: 'ready' });
  });

  it('Ctrl-C keeps the results of tests that finished, marks the rest not run "interrupted", says INTERRUPTED, exits 130 (#34)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-int-'));
    const mark = path.join(root, 'slow-started');
    mkdirSync(path.join(root, 'tests/integration'), { recursive: true });
    writeFileSync(path.join(root, 'seams.yaml'), 'tiers:\n  integration: {}\n');
    writeFileSync(
      path.join(root, 'tests/integration/test_a.py'),
      'import os, time\n\ndef test_a_quick():\n    pass\n\ndef test_b_slow():\n    open(os.environ["MARK"], "w").write("x")\n    time.sleep(60)\n\ndef test_c_later():\n    pass\n',
    );
    const script = `import { run } from ${JSON.stringify(path.join(dist, 'cli/main.js'))}; process.exitCode = await run(process.argv.slice(1));`;
    const out = path.join(root, 'out.json');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, 'run', 'integration', '--root', root, '-o', out], {
      env: { ...process.env, CI: '1', MARK: mark, SEAMS_NO_WATCHDOG: '1' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    expect(await waitFor(() => existsSync(mark), 30_000)).toBe(true);
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(130);
    const run = JSON.parse(readFileSync(out, 'utf8')).run as { status: string; environment: Record<string, string>; results: { id: string; status: string; reason?: string }[] };
    const by = Object.fromEntries(run.results.map((r) => [r.id.split('::')[1], [r.status, r.reason]]));
    expect(by).toEqual({ test_a_quick: ['passed', undefined], test_b_slow: ['not-run', 'interrupted'], test_c_later: ['not-run', 'interrupted'] });
    expect(run.environment.interrupted).toBe('true');
    expect(stdout).toMatch(/INTERRUPTED: 1 passed, 0 failed, 2 not run/);
    expect(stdout).not.toContain('Runner problems');
  });

  it('Ctrl-C while a service is still starting stops waiting at once and stops it', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-kill-'));
    writeFileSync(
      path.join(root, 'seams.yaml'),
      `services:
  slow:
    command: ["python3", "-c", "import time; time.sleep(120)", "{port}"]
    ready: { tcp: "127.0.0.1:{port}", timeout: 60s }
tiers:
  t:
    services: [slow]
    command: ["true"]
`,
    );
    const child = startSeams(['run', 't', '--root', root], { SEAMS_NO_WATCHDOG: '1' });
    expect(await waitFor(() => readStates(root).some((x) => x.state.services.some((s) => s.name === 'slow' && s.pgid)), 30_000)).toBe(true);
    const pgid = readStates(root)[0]!.state.services.find((s) => s.name === 'slow')!.pgid!;
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(groupAlive(pgid)).toBe(false);
    expect(readStates(root)).toEqual([]);
  });
});
