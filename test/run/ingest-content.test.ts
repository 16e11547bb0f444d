import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';

/** Issue 12, defects 5 and 6: ingest is a function of its content; strict schemas for every JSON format. */

const PG_URL = process.env.SEAMS_TEST_PG ?? 'postgresql://root@127.0.0.1:5432/test';
const schemas: string[] = [];
afterAll(async () => {
  if (!schemas.length) return;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await c.end();
});

const junit = (cases: string) => `<?xml version="1.0"?>\n<testsuites><testsuite name="s">\n${cases}\n</testsuite></testsuites>\n`;
const A = junit('<testcase classname="t.a" name="one" time="0.1"/>\n<testcase classname="t.a" name="two" time="0.2"/>');
const B = junit('<testcase classname="t.b" name="three" time="0.1"/>');

function dir(): string {
  return mkdtempSync(path.join(tmpdir(), 'seams-ingest-content-'));
}
function write(root: string, name: string, text: string): string {
  const f = path.join(root, name);
  writeFileSync(f, text);
  return f;
}

const engines: [string, (root: string) => string][] = [
  ['sqlite', () => 'sqlite:.seams/history.db'],
  [
    'postgres',
    () => {
      const s = `seams_ingest_${process.pid}_${Date.now()}_${schemas.length}`;
      schemas.push(s);
      return `${PG_URL}?schema=${s}`;
    },
  ],
];

async function stored(root: string, db: string) {
  const store = await openStore(db, root);
  try {
    const list = await store.listRuns();
    return await Promise.all(list.map(async (r) => (await store.getRun(r.id))!));
  } finally {
    await store.close();
  }
}

describe.each(engines)('seams ingest is a function of its content (%s)', (_engine, dbOf) => {
  const ingest = (root: string, db: string, ...args: string[]) => runCli(['ingest', ...args, '--root', root, '--no-scan', '--db', db]);

  it('a.xml b.xml and then b.xml a.xml: one run; again: already stored, exit 0', async () => {
    const root = dir();
    const db = dbOf(root);
    const a = write(root, 'a.xml', A);
    const b = write(root, 'b.xml', B);
    const first = await ingest(root, db, a, b);
    expect(first.code, first.stderr).toBe(0);
    const id = first.stdout.match(/stored run (ingest-[0-9a-f]{16}) from 2 files: 3 results/)?.[1];
    expect(id).toBeDefined();
    const again = await ingest(root, db, b, a);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`run ${id} is already stored: nothing changed`);
    // the same content under other names is the same run too
    const copy = write(root, 'copy-of-b.xml', B);
    expect((await ingest(root, db, copy, a)).stdout).toContain(`run ${id} is already stored`);
    const runs = await stored(root, db);
    expect(runs.map((r) => r.id)).toEqual([id]);
    expect(runs[0]!.results).toHaveLength(3);
    rmSync(root, { recursive: true, force: true });
  });

  it('a.xml a.xml (and a copy of a.xml): each test stored once, said in one line', async () => {
    const root = dir();
    const db = dbOf(root);
    const a = write(root, 'a.xml', A);
    const same = write(root, 'same.xml', A);
    const r = await ingest(root, db, a, a, same);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/from 1 file: 2 results/);
    const notes = r.stderr.split('\n').filter((l) => l.includes('read once'));
    expect(notes).toEqual([`seams: read once: ${a} (given 2 times), ${same} (same content as ${a})`]);
    const runs = await stored(root, db);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.results.map((x) => x.name).sort()).toEqual(['one', 'two']);
    // a.xml alone is the same content, so the same run (the id of one file is its content hash)
    expect((await ingest(root, db, a)).stdout).toContain('is already stored');
    rmSync(root, { recursive: true, force: true });
  });

  it('a shard that differs from the stored one: exit 1 with the difference, nothing changed; --replace replaces it', async () => {
    const root = dir();
    const db = dbOf(root);
    const a = write(root, 'a.xml', A);
    const a2 = write(root, 'a2.xml', junit('<testcase classname="t.a" name="one" time="0.1"/>\n<testcase classname="t.a" name="two" time="0.2"><failure message="boom">x</failure></testcase>\n<testcase classname="t.a" name="new" time="0.1"/>'));
    const b = write(root, 'b.xml', B);
    expect((await ingest(root, db, a, '--run-id', 'R', '--shard', '1/2')).code).toBe(0);
    expect((await ingest(root, db, b, '--run-id', 'R', '--shard', '2/2')).stdout).toContain('merged shard 2/2 into run R');
    // the same shard again: nothing changed
    const same = await ingest(root, db, a, '--run-id', 'R', '--shard', '1/2');
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('shard 1/2 of run R already stored: nothing changed');
    const differs = await ingest(root, db, a2, '--run-id', 'R', '--shard', '1/2');
    expect(differs.code).toBe(1);
    expect(differs.stderr).toContain('seams: shard 1/2 of run R is already stored with different results: stored 3 results (3 passed, 0 failed, 0 skipped), this ingest 3 results (2 passed, 1 failed, 0 skipped); 2 tests differ:');
    expect(differs.stderr).toContain('t.a#two: stored passed, now failed');
    expect(differs.stderr).toContain('t.a#new: not in the stored run, now passed');
    expect(differs.stderr).toMatch(/hint: pass --replace/);
    let runs = await stored(root, db);
    expect(runs[0]!.results.map((r) => r.status)).toEqual(['passed', 'passed', 'passed']);
    // --replace: the stored run becomes what this call brings, in one transaction
    const replaced = await ingest(root, db, a2, b, '--run-id', 'R', '--replace', '--commit', 'abc');
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stdout).toContain('replaced the stored run R');
    runs = await stored(root, db);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.commit).toBe('abc');
    expect(runs[0]!.results.map((r) => `${r.name}:${r.status}`).sort()).toEqual(['new:passed', 'one:passed', 'three:passed', 'two:failed']);
    rmSync(root, { recursive: true, force: true });
  });

  it('an unsharded run under the same --run-id that differs: exit 1; options on a re-ingest that cannot apply: a warning', async () => {
    const root = dir();
    const db = dbOf(root);
    const a = write(root, 'a.xml', A);
    const b = write(root, 'b.xml', B);
    expect((await ingest(root, db, a, '--run-id', 'R', '--commit', 'c1', '--tier', 'unit')).code).toBe(0);
    const r = await ingest(root, db, b, '--run-id', 'R');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('3 tests differ');
    expect(r.stderr).toContain('t.a#one: stored passed, not in this ingest');
    const opts = await ingest(root, db, a, '--run-id', 'R', '--commit', 'c2', '--tier', 'e2e', '--branch', 'main');
    expect(opts.code).toBe(0);
    expect(opts.stderr).toContain('seams: warning: run R is already stored, so --commit c2 (stored: c1), --branch main (stored: none), --tier e2e (stored: unit) were not applied');
    // content-derived id: same
    const first = await ingest(root, db, b);
    expect(first.code).toBe(0);
    const again = await ingest(root, db, b, '--commit', 'zzz');
    expect(again.stderr).toContain('--commit zzz (stored: none) was not applied');
    const runs = await stored(root, db);
    expect(runs.find((x) => x.id === 'R')!.commit).toBe('c1');
    rmSync(root, { recursive: true, force: true });
  });

  it('seams results files: a shard that differs from the stored one is an error unless --replace', async () => {
    const root = dir();
    const db = dbOf(root);
    const run = (shard: string, status: string, name: string) => ({
      kind: 'seams-results',
      version: 1,
      run: {
        id: 'ci-7',
        repo: 'r',
        commit: null,
        branch: null,
        tiers: ['unit'],
        environment: {},
        shard,
        startedAt: '2026-12-01T10:00:00Z',
        finishedAt: '2026-12-01T10:01:00Z',
        status: status === 'passed' ? 'passed' : 'failed',
        services: [],
        results: [{ runner: 'pytest', project: null, id: `t.py::${name}`, name, status, durationMs: 1, attempts: 1, flaky: false }],
      },
    });
    const s1 = write(root, 's1.json', JSON.stringify(run('1/2', 'passed', 'a')));
    const s2 = write(root, 's2.json', JSON.stringify(run('2/2', 'passed', 'b')));
    const s1bad = write(root, 's1-other.json', JSON.stringify(run('1/2', 'failed', 'a')));
    expect((await ingest(root, db, s1, s2)).code).toBe(0);
    expect((await ingest(root, db, s1)).stdout).toContain('shard 1/2 of run ci-7 already stored');
    const differs = await ingest(root, db, s1bad);
    expect(differs.code).toBe(1);
    expect(differs.stderr).toContain('shard 1/2 of run ci-7 is already stored with different results');
    expect(differs.stderr).toContain('t.py::a: stored passed, now failed');
    const replaced = await ingest(root, db, s1bad, s2, '--replace');
    expect(replaced.code, replaced.stderr).toBe(0);
    const runs = await stored(root, db);
    expect(runs.map((r) => r.results.map((x) => `${x.name}:${x.status}`).sort())).toEqual([['a:failed', 'b:passed']]);
    // the replaced run still knows its shards: the same shard again is stored already, the old one differs
    expect((await ingest(root, db, s1bad)).stdout).toContain('shard 1/2 of run ci-7 already stored: nothing changed');
    expect((await ingest(root, db, s1)).code).toBe(1);
    rmSync(root, { recursive: true, force: true });
  });
});

describe('strict schemas: reports with wrong types are refused (exit 2, file, JSON pointer, the format hint, nothing stored)', () => {
  const jest = (assertion: object) => JSON.stringify({ numTotalTests: 1, testResults: [{ name: '/x/a.test.ts', status: 'passed', assertionResults: [{ title: 't', status: 'passed', ancestorTitles: [], duration: 1 }, assertion] }] });
  const cases: [string, string, RegExp, RegExp][] = [
    ['status5.json', jest({ title: 't2', status: 5, ancestorTitles: [] }), /status5\.json: \/testResults\/0\/assertionResults\/1\/status: expected one of passed\|failed\|skipped\|pending\|todo\|disabled\|focused, got 5$/m, /jest --json/],
    ['title.json', jest({ title: {}, status: 'passed', ancestorTitles: [] }), /title\.json: \/testResults\/0\/assertionResults\/1\/title: expected string, got \{\}$/m, /jest --json/],
    ['ancestors.json', jest({ title: 'x', status: 'passed', ancestorTitles: [1] }), /\/testResults\/0\/assertionResults\/1\/ancestorTitles\/0: expected string, got 1$/m, /vitest --reporter=json/],
    ['duration.json', jest({ title: 'x', status: 'passed', duration: 'slow' }), /\/assertionResults\/1\/duration: expected number, got "slow"$/m, /jest --json/],
    ['vitest.json', `{"numTotalTestSuites":1,"numTotalTests":1,"testResults":[{"name":"a.test.ts","assertionResults":[{"title":"x","status":"ok"}]}]}`, /vitest\.json: \/testResults\/0\/assertionResults\/0\/status: expected one of passed\|.*, got "ok"$/m, /vitest --reporter=json/],
    ['specs.json', JSON.stringify({ config: {}, suites: [{ title: 'a.spec.ts', file: 'a.spec.ts', specs: 'x' }] }), /specs\.json: \/suites\/0\/specs: expected array, got "x"$/m, /playwright test --reporter=json/],
    ['pwstatus.json', JSON.stringify({ config: {}, suites: [{ title: 'f', specs: [{ title: 's', tests: [{ status: 'great', results: [] }] }] }] }), /\/suites\/0\/specs\/0\/tests\/0\/status: expected one of expected\|unexpected\|flaky\|skipped, got "great"$/m, /playwright/],
    ['go.json', '{"Action":"run","Package":"p","Test":"TestA"}\nbuild output line\n{"Action":"pass","Package":"p","Test":"TestA","Elapsed":"1s"}\n', /go\.json:3: \/Elapsed: expected number, got "1s"$/m, /go test -json/],
    ['seams.json', JSON.stringify({ kind: 'seams-results', version: 1, run: { id: 'x', repo: 'r', commit: null, branch: null, tiers: [], environment: {}, shard: null, startedAt: '2026-12-01T10:00:00Z', finishedAt: '2026-12-01T10:00:00Z', status: 'passed', services: [], results: [{ runner: 'pytest', project: null, id: 'a', name: 'a', status: 'ok', durationMs: 1, attempts: 1, flaky: false }] } }), /seams\.json: \/run\/results\/0\/status: expected one of passed\|failed\|skipped\|error\|not-run\|xfailed\|xpassed, got "ok"$/m, /seams run -o/],
    ['notjson.json', '{"testResults": [', /not valid JSON/, /jest --json/],
    ['empty.xml', '<?xml version="1.0"?>\n<testsuites/>\n', /no test results in .*empty\.xml$/m, /selected or collected nothing/],
    ['empty.json', JSON.stringify({ numTotalTests: 0, testResults: [] }), /no test results in .*empty\.json$/m, /selected or collected nothing/],
    ['noname.xml', junit('<testcase classname="t.a" name="ok"/>\n<testcase classname="t.a" time="1"/>'), /noname\.xml:4: <testcase classname="t\.a"> has no name attribute/, /JUnit XML/],
    ['time.xml', junit('<testcase classname="t.a" name="one" time="fast"/>'), /time\.xml:\d+:\d+: <testcase name="one"> has time="fast": expected a duration in seconds/, /JUnit XML/],
  ];
  it.each(cases)('%s', async (name, text, message, hint) => {
    const root = dir();
    const f = write(root, name, text);
    const r = await runCli(['ingest', f, '--root', root, '--no-scan']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(new RegExp(`^hint: .*${hint.source}`, 'm'));
    if (!/JUnit/.test(hint.source)) expect(r.stderr).not.toContain('JUnit XML');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(await stored(root, 'sqlite:.seams/history.db')).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  });

  it('a report with zero results next to one with results: stored, with a note', async () => {
    const root = dir();
    const e = write(root, 'empty.xml', '<testsuites/>');
    const a = write(root, 'a.xml', A);
    const r = await runCli(['ingest', e, a, '--root', root, '--no-scan']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`seams: ${e}: no test results in it`);
    rmSync(root, { recursive: true, force: true });
  });
});

describe('the seams results schema agrees with schemas/results.schema.json', () => {
  it('same required keys, properties and statuses for runs and results', async () => {
    const { readFileSync } = await import('node:fs');
    const { z } = await import('zod');
    const { seamsRunSchema } = await import('../../src/results/schemas.js');
    const published = JSON.parse(readFileSync(path.join(__dirname, '../../schemas/results.schema.json'), 'utf8')) as {
      $defs: Record<string, { required: string[]; properties: Record<string, { enum?: string[] }> }>;
    };
    const ours = z.toJSONSchema(seamsRunSchema, { io: 'input' }) as {
      required: string[];
      properties: Record<string, { items?: { required: string[]; properties: Record<string, { enum?: string[] }> } }>;
    };
    const sorted = (xs: Iterable<string>) => [...xs].sort();
    expect(sorted(ours.required)).toEqual(sorted(published.$defs.run!.required));
    expect(sorted(Object.keys(ours.properties))).toEqual(sorted(Object.keys(published.$defs.run!.properties)));
    const result = ours.properties.results!.items!;
    expect(sorted(result.required)).toEqual(sorted(published.$defs.result!.required));
    expect(sorted(Object.keys(result.properties))).toEqual(sorted(Object.keys(published.$defs.result!.properties)));
    expect(result.properties.status!.enum).toEqual(published.$defs.result!.properties.status!.enum);
    const service = ours.properties.services!.items!;
    expect(sorted(Object.keys(service.properties))).toEqual(sorted(Object.keys(published.$defs.service!.properties)));
  });
});

describe.each(engines)('ResultStore.replaceRun (%s)', (_engine, dbOf) => {
  const run = (id: string, statuses: string[]) => ({
    id,
    repo: 'r',
    commit: null,
    branch: null,
    tiers: ['unit'],
    environment: {},
    shard: null,
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: '2026-12-01T10:01:00.000Z',
    status: (statuses.includes('failed') ? 'failed' : 'passed') as 'passed' | 'failed',
    services: [],
    results: statuses.map((status, i) => ({ runner: 'pytest', project: null, id: `t.py::t${i}`, name: `t${i}`, status: status as 'passed', durationMs: 1, attempts: 1, flaky: false })),
  });

  it('replaces results and counts in one transaction; a failing replacement leaves the stored run as it was', async () => {
    const root = dir();
    const store = await openStore(dbOf(root), root);
    try {
      await store.saveRun(run('R', ['passed', 'passed']));
      const save = await store.replaceRun(run('R', ['failed']));
      expect(save).toMatchObject({ inserted: true, status: 'failed', counts: { total: 1, failed: 1 } });
      expect((await store.getRun('R'))!.results.map((r) => r.status)).toEqual(['failed']);
      expect((await store.listRuns()).map((r) => r.counts.total)).toEqual([1]);
      // a result the store refuses (unknown status) mid-replace: the delete is rolled back too
      await expect(store.replaceRun(run('R', ['passed', 'bogus']))).rejects.toThrow(/unknown status/);
      expect((await store.getRun('R'))!.results.map((r) => r.status)).toEqual(['failed']);
      // no run under the id: stored
      expect((await store.replaceRun(run('S', ['passed']))).inserted).toBe(true);
    } finally {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
