import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, parseStoreSpec, resolveStoreSpec } from '../../src/store/index.js';
import { run } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { screen } from '../helpers/screen.js';

const PG_URL = process.env.SEAMS_TEST_PG ?? 'postgresql://root@127.0.0.1:5432/test';
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'seams-clierr-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Usage errors of run, services, ingest and flaky: one `seams:` line, one `hint:` line, exit 2. */
function expectUsageError(r: { code: number; stdout: string; stderr: string }, message: string | RegExp) {
  expect(r.code).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(typeof message === 'string' ? `seams: ${message}` : message);
  expect(lines[1]).toMatch(/^hint: \S/);
}

describe('--root that does not exist', () => {
  const cases: [string, string[]][] = [
    ['run', ['run', 'integration']],
    ['ingest', ['ingest', 'results.xml']],
    ['flaky', ['flaky']],
    ['history list', ['history', 'list']],
    ['history prune', ['history', 'prune', '--keep', '1', '--yes']],
    ['services up', ['services', 'up']],
    ['services down', ['services', 'down']],
    ['services status', ['services', 'status']],
  ];
  for (const [name, args] of cases)
    it(`${name}: path does not exist, exit 2, nothing created`, async () => {
      const base = tmp();
      const missing = path.join(base, 'nope');
      const r = await runCli([...args, '--root', missing]);
      expectUsageError(r, `path does not exist: ${missing}`);
      expect(r.stderr).toContain('hint: give the folder of the repository');
      expect(r.stdout).toBe('');
      expect(readdirSync(base)).toEqual([]);
    });

  it('a file is not a repository', async () => {
    const r = await runCli(['flaky', '--root', path.resolve('package.json')]);
    expectUsageError(r, /^seams: not a directory: /);
  });
});

describe('history database specs', () => {
  it('an unsupported URL scheme is a usage error, never a file name', () => {
    expect(() => parseStoreSpec('mysql://u:secret@db/x')).toThrow('unsupported history database URL mysql://u:***@db/x (mysql is not supported)');
    expect(() => resolveStoreSpec({ db: 'mysql://x' })).toThrow(/unsupported history database URL/);
    expect(() => resolveStoreSpec({ env: { SEAMS_DATABASE_URL: 'redis://x' } })).toThrow(/unsupported/);
    expect(() => parseStoreSpec('history')).toThrow('unknown history database "history"');
    expect(parseStoreSpec('sqlite:.seams/h.db')).toEqual({ kind: 'sqlite', file: '.seams/h.db' });
    expect(parseStoreSpec('sqlite:///tmp/h.db')).toEqual({ kind: 'sqlite', file: '/tmp/h.db' });
    expect(parseStoreSpec('ci/history.sqlite')).toEqual({ kind: 'sqlite', file: 'ci/history.sqlite' });
    expect(parseStoreSpec('postgresql://a@b/c')).toEqual({ kind: 'postgres', url: 'postgresql://a@b/c' });
  });

  for (const args of [['flaky'], ['ingest', 'x.xml', '--no-scan'], ['run', '--no-scan-needed'], ['history', 'list'], ['history', 'rm', 'x', '--yes']] as const)
    it(`${args.slice(0, 2).join(' ')} --db mysql://x: one line and a hint, exit 2, nothing created`, async () => {
      const root = tmp();
      const r = await runCli([...(args as readonly string[]).filter((a) => a !== '--no-scan-needed'), '--root', root, '--db', 'mysql://x']);
      expectUsageError(r, 'unsupported history database URL mysql://x (mysql is not supported)');
      expect(r.stderr).toContain('hint: use sqlite:path/to/history.db');
      expect(readdirSync(root)).toEqual([]);
    });
});

describe('read-only history (flaky, gate, report)', () => {
  it('flaky with a database that does not exist: no history, and no file or folder is created', async () => {
    const root = tmp();
    const r = await runCli(['flaky', '--root', root, '--db', `sqlite:${path.join(root, 'no/such/dir/x.db')}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^no runs in history \(.*no\/such\/dir\/x\.db\) yet/);
    const r2 = await runCli(['flaky', '--root', root, '--format', 'json']);
    expect(JSON.parse(r2.stdout)).toMatchObject({ runs: 0, flaky: [] });
    expect(readdirSync(root)).toEqual([]);
  });

  it('openStore readOnly: a missing SQLite file opens empty and sealed; an existing one is read, never written', async () => {
    const root = tmp();
    const empty = await openStore('sqlite:.seams/history.db', root, { readOnly: true });
    expect(await empty.listRuns()).toEqual([]);
    expect(empty.location).toBe(path.join(root, '.seams/history.db'));
    await expect(empty.saveRun({ id: 'r', repo: 'x', commit: null, branch: null, tiers: [], environment: {}, shard: null, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z', status: 'passed', services: [], results: [] })).rejects.toThrow(/opened read-only/);
    await empty.close();
    expect(existsSync(path.join(root, '.seams'))).toBe(false);

    const writer = await openStore('sqlite:.seams/history.db', root);
    await writer.saveRun({ id: 'r1', repo: 'x', commit: null, branch: null, tiers: ['unit'], environment: {}, shard: null, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z', status: 'passed', services: [], results: [] });
    await writer.close();
    const reader = await openStore('sqlite:.seams/history.db', root, { readOnly: true });
    expect((await reader.listRuns()).map((x) => x.id)).toEqual(['r1']);
    await expect(reader.migrate()).rejects.toThrow(/opened read-only/);
    await reader.close();
  });

  it('openStore readOnly on PostgreSQL: a schema that does not exist is an empty history and is not created', async () => {
    const schema = `seams_ro_${process.pid}_${Date.now()}`;
    const store = await openStore(`${PG_URL}?schema=${schema}`, '/', { readOnly: true });
    expect(await store.listRuns()).toEqual([]);
    await store.close();
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      const { rows } = await c.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
      expect(rows).toEqual([]);
    } finally {
      await c.end();
    }
  });
});

describe('usage errors and help of run, services, ingest, flaky', () => {
  it('--shard, --repeat, --runs, --min-flip-rate, --timeout-multiplier: what is wrong, and a hint', async () => {
    const root = tmp();
    expectUsageError(await runCli(['run', '--shard', '4/3', '--root', root]), '--shard 4/3: i must be between 1 and n (3)');
    expectUsageError(await runCli(['run', '--shard', '0/3', '--root', root]), '--shard 0/3: i must be between 1 and n (3)');
    expectUsageError(await runCli(['run', '--shard', 'two', '--root', root]), '--shard must be i/n with whole numbers (e.g. 2/4), got two');
    expectUsageError(await runCli(['ingest', 'x.xml', '--shard', '3/2', '--root', root]), '--shard 3/2: i must be between 1 and n (2)');
    expectUsageError(await runCli(['run', '--repeat', '0', '--root', root]), '--repeat must be a whole number from 1 to 1000, got 0');
    expectUsageError(await runCli(['run', '--timeout-multiplier', 'x', '--root', root]), 'the timeout multiplier must be a positive number, got x');
    expectUsageError(await runCli(['services', 'up', '--timeout-multiplier', '-1', '--root', root]), 'the timeout multiplier must be a positive number, got -1');
    expectUsageError(await runCli(['flaky', '--runs', '0', '--root', root]), '--runs must be a positive whole number, got 0');
    expectUsageError(await runCli(['flaky', '--min-flip-rate', '2', '--root', root]), '--min-flip-rate must be a number above 0 and at most 1, got 2');
    expect(readdirSync(root)).toEqual([]);
  });

  for (const cmd of [['run'], ['services'], ['ingest'], ['flaky'], ['history'], ['history', 'list'], ['history', 'show'], ['history', 'rm'], ['history', 'prune']])
    it(`${cmd.join(' ')} --help has examples and exit codes`, async () => {
      const r = await runCli([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/\nExamples:\n {2}(seams|eval)/);
      expect(r.stdout).toMatch(/\nExit codes: 0 .*2 .*3 internal error/s);
      expect(r.stdout).not.toMatch(/\(default: "\d/); // numbers are not shown as strings
    });
});

describe('progress lines', () => {
  const tierRepo = () => {
    const root = tmp();
    writeFileSync(path.join(root, 'seams.yaml'), 'tiers:\n  smoke:\n    command: ["true"]\n');
    return root;
  };
  const runWith = async (root: string, isTTY: boolean, env: NodeJS.ProcessEnv) => {
    let stdout = '';
    let stderr = '';
    const code = await run(['run', 'smoke', '--root', root, '--no-history'], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s), isTTY },
      cwd: root,
      env: { ...process.env, ...env },
    });
    return { code, stdout, stderr };
  };

  it('with CI set or without a terminal: the result, and on stderr one line per finished tier only', async () => {
    const root = tierRepo();
    for (const [isTTY, env] of [[true, { CI: 'true' }], [false, { CI: '' }]] as const) {
      const r = await runWith(root, isTTY, env);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^tier smoke: 1 test, 1 passed in \d+s\n$/);
      expect(r.stdout).toMatch(/PASSED: 1 passed/);
    }
  });

  it('on a terminal: which tier and runner is running, drawn in place; what stays is the line of the finished tier', async () => {
    const r = await runWith(tierRepo(), true, { CI: '' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('running smoke · command');
    expect(r.stderr).toMatch(/smoke · command {2}\d+s/); // the live line of a runner without events: its time
    expect(screen(r.stderr)).toEqual([expect.stringMatching(/^tier smoke: 1 test, 1 passed in \d+s$/)]);
  });
});
