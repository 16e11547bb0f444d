import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { redactLogFile } from '../../src/execute/record.js';
import { maskedEcho } from '../../src/execute/run.js';
import { secretOf, serviceSecrets } from '../../src/services/service-env.js';
import { MIGRATIONS } from '../../src/store/schema.js';
import { openStore } from '../../src/store/index.js';
import { redactSecrets } from '../../src/util/urls.js';
import { readReport } from '../../src/report/html/decode.js';
import { testRows } from '../../src/report/html/model.js';
import { runCli } from '../helpers/cli.js';

/**
 * Secrets of services never reach an output: passwords in URLs, `secret: true` values and
 * `env_file:` values are masked in every line seams prints, the history (SQLite and PostgreSQL),
 * the `-o` results file, `services status`, the run logs and the reports. Only the `export` lines
 * of `services up` (for eval) carry the real values.
 */

const PG_URL = process.env.SEAMS_TEST_PG ?? 'postgresql://root@127.0.0.1:5432/test';
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

// the secrets: each must appear in no output
const URL_PW = 'Pw0rd-in-url';
const REDIS_PW = 'R3dis-pass';
const TOKEN = 'SECRETVALUE';
const FILE_SECRET = 'fromFileSecret99';
const OPT_PW = 'OptionalPass7';
const HISTORY_PW = 'HistPassw0rd';
const ALL = [URL_PW, REDIS_PW, TOKEN, FILE_SECRET, OPT_PW, HISTORY_PW];

const leaks = (text: string): string[] => ALL.filter((s) => text.includes(s));

/** Every file under `dir` that holds a secret (the files as bytes: the SQLite file too). */
function leakingFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const f = path.join(d, n);
      if (statSync(f).isDirectory()) walk(f);
      else if (leaks(readFileSync(f).toString('latin1')).length) out.push(path.relative(dir, f));
    }
  };
  walk(dir);
  return out;
}

function repo(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'seams-secrets-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const w = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  w(
    'seams.yaml',
    `services:
  pg:
    url: postgresql://test:${URL_PW}@127.0.0.1:5432/test
  cache:
    # the service prints its secrets to its log (.seams/logs/<run>/cache.log)
    command: ["sh", "-c", "echo starting with $API_TOKEN $FILE_SECRET $REDIS_URL; exec redis-server --port $0 --save '' --bind 127.0.0.1", "{port}"]
    ready: { exec: "redis-cli -p {port} ping" }
    env:
      REDIS_URL: "redis://:${REDIS_PW}@127.0.0.1:{port}/0"
      API_TOKEN: { value: "tok-${TOKEN}-{port}", secret: true }
      PLAIN: visible-value
    env_file: .env.test
  ghost:
    url: redis://:${OPT_PW}@127.0.0.1:1/0
    ready: { timeout: 300ms }
    optional: true
tiers:
  integration:
    paths: ["tests/**"]
    services: [pg, cache]
  other:
    paths: ["other/**"]
    services: [ghost]
`,
  );
  // the env file lives outside the repository's committed files, as it would (git-ignored)
  w('.env.test', `# local secrets\nFILE_SECRET=${FILE_SECRET}\n`);
  w(
    'tests/test_env.py',
    `import os

def test_gets_the_real_values():
    assert os.environ["FILE_SECRET"] == "${FILE_SECRET}"
    assert os.environ["API_TOKEN"].startswith("tok-${TOKEN}-")
    assert "${URL_PW}" in os.environ["PG_URL"]
    assert os.environ["PLAIN"] == "visible-value"

def test_prints_and_fails_with_them():
    print("values:", os.environ["API_TOKEN"], os.environ["PG_URL"], os.environ["FILE_SECRET"], os.environ["REDIS_URL"])
    assert False, " ".join([os.environ["PG_URL"], os.environ["API_TOKEN"], os.environ["FILE_SECRET"]])
`,
  );
  w('other/test_other.py', 'def test_needs_ghost():\n    pass\n');
  execFileSync('git', ['init', '-q'], { cwd: root });
  return root;
}

describe('redactSecrets: the one redaction function', () => {
  it('masks URL passwords (empty user, @ inside, several URLs, query parameters) and keeps the rest of the text as it was', () => {
    expect(redactSecrets('postgresql://test:pw@127.0.0.1:5432/db')).toBe('postgresql://test:***@127.0.0.1:5432/db');
    expect(redactSecrets('redis://:s3cret@host:6379/0 and amqp://u:p@q/v')).toBe('redis://:***@host:6379/0 and amqp://u:***@q/v');
    // an unencoded @ in the password: nothing of it stays
    expect(redactSecrets('at postgresql://u:p@ss@w0rd@db/x.')).toBe('at postgresql://u:***@db/x.');
    expect(redactSecrets('postgresql://db/x?sslmode=require&password=hunter2&user=u')).toBe('postgresql://db/x?sslmode=require&password=***&user=u');
    expect(redactSecrets('https://api/x?access_token=abc123#f')).toBe('https://api/x?access_token=***#f');
    // no password: untouched (ports, paths, plain user@host)
    for (const t of ['http://127.0.0.1:8080/path', 'postgresql://root@127.0.0.1:5432/test', 'mail me at a@b.c', 'http://h:1/a@b']) expect(redactSecrets(t)).toBe(t);
  });

  it('masks given secrets, longest first; literals under 4 characters are left alone (they would mask words)', () => {
    expect(redactSecrets('token abcdef and abcdefgh', ['abcdef', 'abcdefgh'])).toBe('token *** and ***');
    expect(redactSecrets('a pw here', ['pw'])).toBe('a pw here');
  });

  it('a configured secret with placeholders masks whatever they became ({port} → the port)', () => {
    const s = secretOf('tok-SECRET-{port}')!;
    expect(redactSecrets('API_TOKEN=tok-SECRET-41234 done', [s])).toBe('API_TOKEN=*** done');
    expect(secretOf('{port}')).toBeNull(); // nothing of its own to mask
    expect(secretOf('ab{port}')).toBeNull();
    expect(redactSecrets('x=a.b+c(d)', [secretOf('a.b+c(d)')!])).toBe('x=***');
  });

  it('masks a log file in place, keeping its lines and line ends; an unchanged log is not rewritten', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seams-redact-log-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const f = path.join(dir, 'x.log');
    const long = 'y'.repeat(3 << 20);
    writeFileSync(f, `start\r\nconnect postgresql://u:${URL_PW}@db/x\nprogress\r50%\r100%\n${long} ${TOKEN}-tail\nlast line without newline ${TOKEN}`);
    expect(redactLogFile(f, [TOKEN])).toBe(true);
    expect(readFileSync(f, 'utf8')).toBe(`start\r\nconnect postgresql://u:***@db/x\nprogress\r50%\r100%\n${long} ***-tail\nlast line without newline ***`);
    const before = statSync(f).mtimeMs;
    expect(redactLogFile(f, [TOKEN])).toBe(false);
    expect(statSync(f).mtimeMs).toBe(before);
  });
});

describe('--verbose runner output', () => {
  it('is masked even when a secret is cut between two chunks; a partial line goes out after a pause or at the end', async () => {
    const out: string[] = [];
    const echo = maskedEcho((t) => out.push(t), (t) => redactSecrets(t, [secretOf('tok-SECRETVALUE-{port}')!]));
    echo.write('values: tok-SECR');
    echo.write('ETVALUE-4123 ok\ntests/test_a.py ..');
    expect(out).toEqual(['values: *** ok\n']);
    await new Promise((r) => setTimeout(r, 250));
    expect(out).toEqual(['values: *** ok\n', 'tests/test_a.py ..']);
    echo.write('F\nlast tok-SECRETVALUE-1');
    echo.flush();
    expect(out.slice(2)).toEqual(['F\n', 'last ***']);
  });
});

describe('secret service env in seams.yaml', () => {
  it('secret: true and env_file values are secrets; env: wins over env_file on the same key', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-secret-cfg-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    writeFileSync(path.join(root, 'a.env'), 'A=from-file-a\nSHARED=file-value\n');
    const secrets = serviceSecrets(
      { s: { command: 'x', env: { PLAIN: 'plain-value', TOKEN: { value: 'token-{port}', secret: true }, SHARED: 'overridden', NOT: { value: 'not-secret' } }, env_file: 'a.env' } },
      root,
    );
    expect(secrets.map(String).sort()).toEqual(['/token-\\d+/g', 'from-file-a'].sort());
  });

  it('a wrong secret option or an entry without value is exit 2 with the line of seams.yaml', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-secret-bad-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const cases: [string, RegExp][] = [
      ['      TOKEN: { value: abc, secret: "yes" }\n', /^seams: \S*seams\.yaml:6:\d+: [^\n]*secret[^\n]*\nhint: /],
      ['      TOKEN: { secret: true }\n', /^seams: \S*seams\.yaml:6:\d+: [^\n]*value[^\n]*\nhint: /],
      ['      TOKEN: { value: abc, secrte: true }\n', /^seams: \S*seams\.yaml:6:\d+: [^\n]*secrte[^\n]*\nhint: /],
    ];
    for (const [entry, expected] of cases) {
      writeFileSync(path.join(root, 'seams.yaml'), `services:\n  cache:\n    command: redis-server --port {port}\n    env:\n      PLAIN: x\n${entry}tiers:\n  integration:\n    services: [cache]\n`);
      const r = await runCli(['services', 'up', '--root', root], { cwd: root });
      expect(r.stderr).toMatch(expected);
      expect(r.code).toBe(2);
    }
    // a URL that cannot be probed: said so, with its password masked
    writeFileSync(path.join(root, 'seams.yaml'), `services:\n  pg:\n    url: "postgresql://u:${URL_PW}@/db"\ntiers:\n  integration:\n    services: [pg]\n`);
    const bad = await runCli(['services', 'up', '--root', root], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^seams: service pg cannot start: url postgresql:\/\/u:\*\*\*@\/db has no host and port seams can probe\n/);
    writeFileSync(path.join(root, 'seams.yaml'), `services:\n  cache:\n    command: redis-server --port {port}\n    env_file: [".env.missing"]\ntiers:\n  integration:\n    paths: ["tests/**"]\n    services: [cache]\n`);
    for (const args of [['services', 'up'], ['run', 'integration']]) {
      const r = await runCli([...args, '--root', root], { cwd: root });
      expect(r.stderr).toMatch(/^seams: [^\n]*service cache cannot start: env_file \.env\.missing not found\nhint: /);
      expect(r.code).toBe(2);
    }
  });
});

async function pgSchema(prefix: string): Promise<{ url: string; schema: string }> {
  const schema = `${prefix}_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  });
  return { url: `${PG_URL}?schema=${schema}`, schema };
}

/** PG_URL with a password the server (trust auth) ignores: the history's own URL is a secret too. */
const withPassword = (url: string) => url.replace(/^postgresql:\/\/([^@/:]+)@/, `postgresql://$1:${HISTORY_PW}@`);

describe('no secret in any output', () => {
  it('SQLite: run text and JSON, -o, the history file, history show, services up/status, run logs, HTML and Markdown reports', async () => {
    const root = repo();
    const out = path.join(root, 'out.json');
    const run = await runCli(['run', 'integration', 'other', '--root', root, '-o', out]);
    expect(run.code).toBe(1); // the failing test
    expect(leaks(run.stdout + run.stderr)).toEqual([]);
    // what is masked is still shown, as ***
    expect(run.stdout).toContain(`AssertionError: postgresql://test:***@127.0.0.1:5432/test *** ***`);
    expect(run.stderr).toContain('optional service ghost is not available: not reachable at redis://:***@127.0.0.1:1/0');
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.run.services.find((s: { name: string }) => s.name === 'pg').url).toBe('postgresql://test:***@127.0.0.1:5432/test');
    expect(doc.run.results.find((r: { id: string }) => r.id.endsWith('test_needs_ghost')).reason).toBe('ghost is not reachable at redis://:***@127.0.0.1:1/0');
    const json = await runCli(['run', 'integration', '--root', root, '--format', 'json']);
    expect(json.code).toBe(1);
    expect(leaks(json.stdout + json.stderr)).toEqual([]);
    expect(json.stdout).toContain('redis://:***@127.0.0.1:');
    // the run logs keep the output, with the secrets masked
    const logs = readdirSync(path.join(root, '.seams', 'logs'));
    expect(logs).toHaveLength(2);
    const pytestLog = readFileSync(path.join(root, '.seams', 'logs', logs[0]!, 'integration-pytest.log'), 'utf8');
    expect(pytestLog).toMatch(/values: \*\*\* postgresql:\/\/test:\*\*\*@127\.0\.0\.1:5432\/test \*\*\* redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0/);
    const serviceLog = readFileSync(path.join(root, '.seams', 'logs', logs[0]!, 'cache.log'), 'utf8');
    expect(serviceLog).toMatch(/^starting with \*\*\* \*\*\* redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0\n/);

    // a results file of an older seams, with the password in it, ingested: not stored
    const old = readFileSync(out, 'utf8').replaceAll('test:***@', `test:${URL_PW}@`);
    expect(old).toContain(URL_PW);
    writeFileSync(path.join(root, 'old-results.json'), old);
    const ingest = await runCli(['ingest', path.join(root, 'old-results.json'), '--root', root, '--db', 'sqlite:.seams/ingested.db'], { cwd: root });
    expect(ingest.code).toBe(0);
    expect(leaks(readFileSync(path.join(root, '.seams', 'ingested.db')).toString('latin1'))).toEqual([]);
    rmSync(path.join(root, 'old-results.json'));

    const show = await runCli(['history', 'show', doc.run.id, '--root', root, '--format', 'json']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('postgresql://test:***@127.0.0.1:5432/test');
    expect(leaks(show.stdout)).toEqual([]);
    const html = path.join(root, 'report.html');
    const report = await runCli(['report', root, '--html', html, '--markdown', path.join(root, 'report.md')], { cwd: root });
    expect(report.code).toBe(0);
    // the page's tests are compressed columns: read them back to look at what it shows
    const page = readReport(html);
    const rows = testRows(page.tests);
    expect(rows.map((t) => t.id).join('\n')).toContain('test_prints_and_fails_with_them');
    expect(leaks(JSON.stringify({ ...page, tests: rows, strings: page.tests.strings, messages: page.tests.messages }))).toEqual([]);
    expect(readFileSync(path.join(root, 'report.md'), 'utf8').length).toBeGreaterThan(100);

    // services up: the export lines (for eval) are the only place with the real values
    const up = await runCli(['services', 'up', 'integration', '--root', root]);
    cleanups.push(() => runCli(['services', 'down', '--root', root]));
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(`export PG_URL=postgresql://test:${URL_PW}@127.0.0.1:5432/test`);
    expect(up.stdout).toContain(`export FILE_SECRET=${FILE_SECRET}`);
    expect(up.stdout).toMatch(new RegExp(`export API_TOKEN=tok-${TOKEN}-\\d+\\n`));
    expect(leaks(up.stderr)).toEqual([]);
    const status = await runCli(['services', 'status', '--root', root]);
    expect(status.stdout).toContain('PG_URL=postgresql://test:***@127.0.0.1:5432/test');
    expect(leaks(status.stdout + status.stderr)).toEqual([]);
    const statusJson = await runCli(['services', 'status', '--root', root, '--format', 'json']);
    const env = JSON.parse(statusJson.stdout).runs[0].env;
    expect(env).toMatchObject({ API_TOKEN: '***', FILE_SECRET: '***', PLAIN: 'visible-value', PG_URL: 'postgresql://test:***@127.0.0.1:5432/test', PG_PORT: '5432' });
    expect(leaks(statusJson.stdout)).toEqual([]);
    // a local run reuses the kept services: still nothing
    const reuse = await runCli(['run', 'integration', '--root', root], { env: { CI: '' } });
    expect(reuse.stderr).toContain('reusing pg, cache');
    expect(leaks(reuse.stdout + reuse.stderr)).toEqual([]);
    const upLogs = readdirSync(path.join(root, '.seams', 'logs')).filter((d) => !logs.includes(d));
    expect((await runCli(['services', 'down', '--root', root])).code).toBe(0);
    // what the kept service logged until down: masked by down
    const keptLog = upLogs.map((d) => path.join(root, '.seams', 'logs', d, 'cache.log')).find((f) => statSync(f, { throwIfNoEntry: false }));
    expect(readFileSync(keptLog!, 'utf8')).toMatch(/^starting with \*\*\* \*\*\* /);

    // --keep-services: the services keep writing their logs, so those are masked by down, not by the run
    const before = new Set(readdirSync(path.join(root, '.seams', 'logs')));
    const kept = await runCli(['run', 'integration', '--root', root, '--keep-services']);
    expect(leaks(kept.stdout + kept.stderr)).toEqual([]);
    const keptDir = readdirSync(path.join(root, '.seams', 'logs')).find((d) => !before.has(d))!;
    const keptServiceLog = path.join(root, '.seams', 'logs', keptDir, 'cache.log');
    expect(readFileSync(keptServiceLog, 'utf8')).toContain(FILE_SECRET);
    expect(leaks(readFileSync(path.join(root, '.seams', 'logs', keptDir, 'integration-pytest.log'), 'utf8'))).toEqual([]);
    expect((await runCli(['services', 'down', '--root', root])).stdout).toMatch(/^stopped cache/);
    expect(readFileSync(keptServiceLog, 'utf8')).toMatch(/^starting with \*\*\* \*\*\* /);

    // every file seams wrote: the history database, logs, results, reports (the state files are gone after down)
    expect(leakingFiles(path.join(root, '.seams')).filter((f) => !f.startsWith('cache/'))).toEqual([]);
    expect(leakingFiles(root).filter((f) => !f.startsWith('.seams/cache/'))).toEqual(['.env.test', 'seams.yaml', 'tests/test_env.py']);
    // the scan cache copies seams.yaml (a value written there is as secret as seams.yaml); never an env_file value
    expect(leakingFiles(path.join(root, '.seams', 'cache')).every((f) => !readFileSync(path.join(root, '.seams', 'cache', f), 'latin1').includes(FILE_SECRET))).toBe(true);
  }, 120_000);

  it('PostgreSQL: the rows, the history URL and --verbose output hold no secret', async () => {
    const root = repo();
    const { url, schema } = await pgSchema('seams_secrets');
    const db = withPassword(url);
    const run = await runCli(['run', 'integration', 'other', '--root', root, '--db', db, '-V']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('values: ***'); // the runner's live output, masked
    expect(leaks(run.stdout + run.stderr)).toEqual([]);
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(`SET search_path TO "${schema}"`);
      for (const table of ['runs', 'results']) {
        const rows = (await c.query(`SELECT * FROM ${table}`)).rows;
        expect(rows.length).toBeGreaterThan(0);
        expect(leaks(JSON.stringify(rows))).toEqual([]);
      }
      const services = (await c.query('SELECT services FROM runs')).rows[0].services as string;
      expect(services).toContain('postgresql://test:***@127.0.0.1:5432/test');
    } finally {
      await c.end();
    }
    const show = await runCli(['history', 'list', '--root', root, '--db', db, '--format', 'json']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`:***@`);
    expect(leaks(show.stdout + show.stderr)).toEqual([]);
    const md = await runCli(['report', root, '--db', db, '--markdown'], { cwd: root });
    expect(md.code).toBe(0);
    expect(leaks(md.stdout + md.stderr)).toEqual([]);
  }, 120_000);
});

describe('migration 6: service URL passwords stored before are masked', () => {
  const v5 = MIGRATIONS.filter((m) => m.version <= 5).flatMap((m) => m.statements);
  const header = ['CREATE TABLE seams_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)', ...[1, 2, 3, 4, 5].map((v) => `INSERT INTO seams_migrations VALUES (${v}, 'm${v}', 'x')`)];
  const services = JSON.stringify([
    { name: 'db', kind: 'external', status: 'ready', url: `postgresql://test:${URL_PW}@127.0.0.1:5432/test` },
    { name: 'cache', kind: 'external', status: 'missing', message: `not reachable at redis://:${REDIS_PW}@127.0.0.1:1/0` },
    { name: 'aws', kind: 'process', status: 'ready', url: 'http://127.0.0.1:5000' },
  ]).replace(/'/g, "''");
  const data = [
    `INSERT INTO runs (id, repo, commit_sha, branch, tiers, environment, shard, started_at, finished_at, status, services, total, passed, failed, skipped, errors, not_run, flaky)
     VALUES ('old', 'demo', 'c', 'main', '["integration"]', '{}', NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', 'passed', '${services}', 0, 0, 0, 0, 0, 0, 0)`,
    `INSERT INTO runs (id, repo, commit_sha, branch, tiers, environment, shard, started_at, finished_at, status, services, total, passed, failed, skipped, errors, not_run, flaky)
     VALUES ('plain', 'demo', 'c', 'main', '["unit"]', '{}', NULL, '2026-01-02T00:00:00Z', '2026-01-02T00:01:00Z', 'passed', '[]', 0, 0, 0, 0, 0, 0, 0)`,
  ];
  const expected = [
    { name: 'db', kind: 'external', status: 'ready', url: 'postgresql://test:***@127.0.0.1:5432/test' },
    { name: 'cache', kind: 'external', status: 'missing', message: 'not reachable at redis://:***@127.0.0.1:1/0' },
    { name: 'aws', kind: 'process', status: 'ready', url: 'http://127.0.0.1:5000' },
  ];

  it('on SQLite (the file itself holds no password after the upgrade)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-mig6-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(path.join(root, '.seams'));
    const file = path.join(root, '.seams', 'history.db');
    const db = new Database(file);
    for (const s of [...header, ...v5, ...data]) db.exec(s);
    db.close();
    expect(readFileSync(file).toString('latin1')).toContain(URL_PW);
    const store = await openStore('sqlite:.seams/history.db', root, { readOnly: true });
    try {
      const runs = await store.listRuns({ includeIncomplete: true });
      expect(runs.find((r) => r.id === 'old')!.services).toEqual(expected);
      expect(runs.find((r) => r.id === 'plain')!.services).toEqual([]);
    } finally {
      await store.close();
    }
    const check = new Database(file, { readonly: true });
    expect(leaks(JSON.stringify(check.prepare('SELECT * FROM runs').all()))).toEqual([]);
    expect(check.prepare('SELECT MAX(version) AS v FROM seams_migrations').get()).toEqual({ v: 6 });
    check.close();
    // not in the file's free space either
    expect(leaks(readFileSync(file).toString('latin1'))).toEqual([]);
  });

  it('on PostgreSQL', async () => {
    const { url, schema } = await pgSchema('seams_mig6');
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(`CREATE SCHEMA "${schema}"`);
      await c.query(`SET search_path TO "${schema}"`);
      for (const s of [...header, ...v5, ...data]) await c.query(s);
    } finally {
      await c.end();
    }
    const store = await openStore(url, '/', { readOnly: true });
    try {
      const runs = await store.listRuns({ includeIncomplete: true });
      expect(runs.find((r) => r.id === 'old')!.services).toEqual(expected);
    } finally {
      await store.close();
    }
    const c2 = new pg.Client({ connectionString: PG_URL });
    await c2.connect();
    try {
      await c2.query(`SET search_path TO "${schema}"`);
      expect(leaks(JSON.stringify((await c2.query('SELECT * FROM runs')).rows))).toEqual([]);
    } finally {
      await c2.end();
    }
  });
});
