import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { logicalRuns } from '../../src/core/metrics/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';

function repo(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'seams-ingest-'));
  mkdirSync(path.join(root, 'tests/integration'), { recursive: true });
  writeFileSync(path.join(root, 'tests/integration/test_a.py'), 'def test_one():\n    pass\n\ndef test_two():\n    pass\n');
  writeFileSync(path.join(root, 'seams.yaml'), 'tiers:\n  integration:\n    skips: { allow: ["flag off"] }\n');
  execFileSync('git', ['init', '-q'], { cwd: root });
  return root;
}

const JUNIT = `<?xml version="1.0"?>
<testsuites><testsuite name="pytest">
<testcase classname="tests.integration.test_a" name="test_one" time="0.1"/>
<testcase classname="tests.integration.test_a" name="test_two" time="0.2"><skipped message="flag off"/></testcase>
<testcase classname="tests.integration.test_gone" name="test_old" time="0.3"><failure message="x">boom</failure></testcase>
</testsuite></testsuites>`;

async function runs(root: string) {
  const store = await openStore('sqlite:.seams/history.db', root);
  try {
    const list = await store.listRuns();
    return await Promise.all(list.map((r) => store.getRun(r.id)));
  } finally {
    await store.close();
  }
}

describe('seams ingest', () => {
  it('stores a JUnit file joined to inventory ids, once (same files → same run id)', async () => {
    const root = repo();
    const file = path.join(root, 'report.xml');
    writeFileSync(file, JUNIT);
    const first = await runCli(['ingest', file, '--root', root, '--runner', 'pytest', '--commit', 'abc', '--branch', 'main']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/stored run ingest-[0-9a-f]{16} from 1 file: 3 results \(1 passed, 1 failed, 1 skipped, 0 not run\)/);
    expect(first.stderr).toContain('1 result matched no test in the inventory');
    const again = await runCli(['ingest', file, '--root', root, '--runner', 'pytest']);
    expect(again.stdout).toMatch(/is already stored: nothing changed/);
    const [run] = await runs(root);
    expect(run!.commit).toBe('abc');
    expect(run!.tiers).toEqual(['integration']);
    expect(run!.results.map((r) => [r.id, r.status, r.known])).toEqual([
      ['tests/integration/test_a.py::test_one', 'passed', true],
      ['tests/integration/test_a.py::test_two', 'skipped', true], // allowed skip reason
      ['tests/integration/test_gone.py::test_old', 'failed', false],
    ]);
  });

  it('malformed, truncated, entity-expanding or missing input: exit 2, one clear line, nothing stored', async () => {
    const root = repo();
    const cases: [string, string, RegExp][] = [
      ['trunc.xml', JUNIT.slice(0, JUNIT.length - 40), /trunc\.xml:\d+:\d+: /],
      ['bomb.xml', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><testsuites><testcase name="&b;"/></testsuites>', /DOCTYPE declarations are not allowed/],
      ['bad.json', '{"testResults": [', /not valid JSON/],
      ['what.txt', 'hello', /unknown results format/],
    ];
    for (const [name, text, re] of cases) {
      writeFileSync(path.join(root, name), text);
      const r = await runCli(['ingest', path.join(root, name), '--root', root]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr, name).toMatch(re);
    }
    const missing = await runCli(['ingest', path.join(root, 'nope.xml'), '--root', root]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('results file not found');
    // a good file plus a truncated one in one ingest: the whole run is refused
    writeFileSync(path.join(root, 'good.xml'), JUNIT);
    const mixed = await runCli(['ingest', path.join(root, 'good.xml'), path.join(root, 'trunc.xml'), '--root', root]);
    expect(mixed.code).toBe(2);
    expect(await runs(root)).toEqual([]);
  });

  it('merges shards of one run written by seams run -o', async () => {
    const root = repo();
    const shard = (i: number, ids: string[]) => ({
      kind: 'seams-results',
      version: 1,
      run: {
        id: 'ci-42',
        repo: 'r',
        commit: 'c',
        branch: 'main',
        tiers: ['integration'],
        environment: {},
        shard: `${i}/2`,
        startedAt: `2026-01-01T00:0${i}:00.000Z`,
        finishedAt: `2026-01-01T00:0${i + 2}:00.000Z`,
        status: 'passed',
        services: [{ name: 'db', kind: 'process', status: 'ready', readyMs: 10 * i }],
        results: ids.map((id) => ({ runner: 'pytest', project: null, id, name: id, status: 'passed', durationMs: 1, attempts: 1, flaky: false })),
      },
    });
    writeFileSync(path.join(root, 's1.json'), JSON.stringify(shard(1, ['a', 'b'])));
    writeFileSync(path.join(root, 's2.json'), JSON.stringify(shard(2, ['c'])));
    const r = await runCli(['ingest', path.join(root, 's1.json'), path.join(root, 's2.json'), '--root', root]);
    expect(r.stdout).toContain('stored run ci-42 from 2 files: 3 results');
    const [run] = await runs(root);
    expect(run).toMatchObject({ id: 'ci-42', shard: null, startedAt: '2026-01-01T00:01:00.000Z', finishedAt: '2026-01-01T00:04:00.000Z' });
    expect(run!.results.map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(run!.services).toHaveLength(1);
  });

  it('merges a shard ingested later into the stored run; the same shard again changes nothing (#29)', async () => {
    const root = repo();
    const shard = (i: number, ids: string[]) => ({
      kind: 'seams-results',
      version: 1,
      run: {
        id: 'CI42', repo: 'r', commit: 'c', branch: 'main', tiers: ['integration'], environment: {}, shard: `${i}/3`,
        startedAt: `2026-01-01T00:0${i}:00.000Z`, finishedAt: `2026-01-01T00:0${i + 2}:00.000Z`, status: i === 3 ? 'failed' : 'passed', services: [],
        results: ids.map((id) => ({ runner: 'pytest', project: null, id, name: id, status: i === 3 ? 'failed' : 'passed', durationMs: 1, attempts: 1, flaky: false })),
      },
    });
    for (const [i, ids] of [[2, ['c']], [1, ['a', 'b']], [3, ['d']]] as const) writeFileSync(path.join(root, `s${i}.json`), JSON.stringify(shard(i, [...ids])));
    const first = await runCli(['ingest', path.join(root, 's2.json'), '--root', root]);
    expect(first.stdout).toContain('stored run CI42 from 1 file: 1 results');
    const second = await runCli(['ingest', path.join(root, 's1.json'), '--root', root]);
    expect(second.stdout).toContain('merged shard 1/3 into run CI42 from 1 file: now 3 results');
    const same = await runCli(['ingest', path.join(root, 's1.json'), '--root', root]);
    expect(same.stdout).toContain('shard 1/3 of run CI42 already stored: nothing changed');
    // one call with a stored and a new shard: only the new one is added
    const mixed = await runCli(['ingest', path.join(root, 's2.json'), path.join(root, 's3.json'), '--root', root]);
    expect(mixed.stdout).toContain('merged shard 3/3 into run CI42 from 2 files: now 4 results (3 passed, 1 failed');
    expect(mixed.stdout).toContain('shard 2/3 already stored: not added again');
    const all = await runs(root);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: 'CI42', shard: null, status: 'failed', startedAt: '2026-01-01T00:01:00.000Z', finishedAt: '2026-01-01T00:05:00.000Z' });
    expect(all[0]!.environment.shards).toBe('1/3,2/3,3/3');
    expect(all[0]!.results.map((x) => x.id)).toEqual(['c', 'a', 'b', 'd']);
    const store = await openStore('sqlite:.seams/history.db', root, { readOnly: true });
    try {
      const [summary] = await store.listRuns();
      expect(summary!.counts).toMatchObject({ total: 4, passed: 3, failed: 1 });
      const records = await Promise.all((await store.listRuns()).map((r) => store.getRun(r.id)));
      expect(logicalRuns(records.filter((r) => r !== null))).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('ingests into PostgreSQL with --db', async () => {
    const root = repo();
    const schema = `seams_ingest_${process.pid}`;
    const base = process.env.SEAMS_TEST_PG ?? 'postgresql://root@127.0.0.1:5432/test';
    const url = `${base}?schema=${schema}`;
    writeFileSync(path.join(root, 'report.xml'), JUNIT);
    try {
      const r = await runCli(['ingest', path.join(root, 'report.xml'), '--root', root, '--db', url, '--runner', 'pytest']);
      expect(r.code).toBe(0);
      const store = await openStore(url, root);
      expect((await store.listRuns())[0]!.counts.total).toBe(3);
      await store.close();
    } finally {
      execFileSync('psql', [base, '-qc', `DROP SCHEMA IF EXISTS ${schema} CASCADE`]);
    }
  });
});
