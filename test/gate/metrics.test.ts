import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { DiscoveredTest } from '../../src/core/types.js';
import { evaluateGates, GateConfigErrors } from '../../src/core/gates.js';
import { compileSelectors, selectableTest, type GateContext } from '../../src/core/metrics/index.js';
import { targetProgress } from '../../src/core/targets.js';
import { result, runRecord } from './helpers.js';

function test(id: string, extra: Partial<DiscoveredTest> = {}): DiscoveredTest {
  const [file, ...parts] = id.split('::');
  return {
    runner: 'pytest', project: null, id, file: file!, line: 3, titlePath: parts, name: parts.join('::'),
    tier: file!.includes('integration') ? 'integration' : 'unit', tierSource: 'path', markers: [], status: 'active', dynamic: false,
    refs: { workflows: [], components: [], requirements: [] }, ...extra,
  };
}

function ctx(yaml: string, over: Partial<GateContext> = {}): GateContext {
  const loaded = parseConfig(yaml, '/tmp/m/seams.yaml');
  return {
    root: '/tmp/m',
    config: loaded.config,
    locate: loaded.locate,
    inventory: { root: '/tmp/m', name: 'm', runners: [], files: [], diagnostics: [], tests: [] },
    runs: [],
    coverage: {},
    now: new Date('2026-11-23T12:00:00Z'),
    ...over,
  };
}

const byName = async (c: GateContext) => Object.fromEntries((await evaluateGates(c)).results.map((r) => [r.name, r]));

describe('scenario selectors', () => {
  const tests = [
    test('backend/apps/integration_tests/test_deploy.py::DeploymentFlowIntegrationTests::test_rollout[blue]'),
    test('backend/apps/integration_tests/test_deploy.py::OtherTests::test_x'),
    test('backend/apps/unit/test_conn.py::test_publish', { markers: ['connector'] }),
    test('web/src/app.spec.ts > checkout > pays', { runner: 'vitest', file: 'web/src/app.spec.ts', titlePath: ['checkout', 'pays'], tier: 'e2e' }),
  ];
  const pick = (sel: string[]) => tests.filter((t) => compileSelectors(sel)(selectableTest(t))).map((t) => t.id);
  it('file globs, glob::Class (with parametrised tests), glob::Class::test, markers, tiers, negation', () => {
    expect(pick(['backend/apps/integration_tests/**::DeploymentFlowIntegrationTests'])).toEqual([tests[0]!.id]);
    expect(pick(['**/test_deploy.py::*::test_rollout'])).toEqual([tests[0]!.id]);
    expect(pick(['@connector'])).toEqual([tests[2]!.id]);
    expect(pick(['marker:connector', 'tier:e2e'])).toEqual([tests[2]!.id, tests[3]!.id]);
    expect(pick(['web/**::checkout'])).toEqual([tests[3]!.id]);
    expect(pick(['backend/**', '!**::OtherTests'])).toEqual([tests[0]!.id, tests[2]!.id]);
  });
});

describe('gate metrics', () => {
  it('pass rate per tier: skips are not counted, not-run counts as not passed, runs: N aggregates', async () => {
    const c = ctx(`gates:\n  p1: { metric: passrate.integration, min: 0.75 }\n  p3: { metric: passrate.integration, min: 0.75, runs: 2 }\n`);
    c.runs = [
      runRecord([result('tests/integration/a.py::t1', 'failed'), result('tests/integration/a.py::t2', 'failed')], { startedAt: '2026-11-01T00:00:00Z' }),
      runRecord(
        [
          result('tests/integration/a.py::t1', 'passed'),
          result('tests/integration/a.py::t2', 'passed'),
          result('tests/integration/a.py::t3', 'passed'),
          result('tests/integration/a.py::t4', 'not-run', { reason: 'redis missing' }),
          result('tests/integration/a.py::t5', 'skipped'),
        ],
        { startedAt: '2026-11-02T00:00:00Z' },
      ),
    ];
    const r = await byName(c);
    expect(r.p1).toMatchObject({ status: 'pass', value: 0.75, detail: expect.stringMatching(/3 of 4 results passed .*\(1 skipped, not counted\)/) });
    expect(r.p3).toMatchObject({ status: 'fail', value: 0.5 });
    expect(r.p3!.items.map((i: { detail?: string }) => i.detail)).toContain('not run: redis missing');
  });

  it('plain passrate and cross-tier scenarios take the latest run of each tier set, each test once', async () => {
    const c = ctx(`scenarios:\n  ecr: { select: ["**/test_ecr*.py"] }\ngates:\n  total: { metric: passrate, min: 0.9 }\n  ecr: { metric: passrate, scenario: ecr, min: 0.9 }\n`);
    c.runs = [
      runRecord([result('tests/unit/test_ecr.py::t1', 'failed')], { tiers: ['unit'], startedAt: '2026-11-01T00:00:00Z' }),
      runRecord([result('tests/unit/test_ecr.py::t1', 'passed'), result('tests/unit/test_x.py::t2', 'passed')], { tiers: ['unit'], startedAt: '2026-11-02T00:00:00Z' }),
      runRecord([result('tests/integration/test_ecr_sync.py::t3', 'failed')], { tiers: ['integration'], startedAt: '2026-11-03T00:00:00Z' }),
    ];
    const r = await byName(c);
    // an empty inventory: results are counted unmatched, and the detail says so
    expect(r.total).toMatchObject({ value: 2 / 3, detail: expect.stringMatching(/^2 of 3 results passed in the latest integration, unit runs \(no inventory/) });
    expect(r.ecr).toMatchObject({ value: 0.5, status: 'fail' });
    expect(r.ecr!.items.map((i: { label: string }) => i.label)).toEqual(['tests/integration/test_ecr_sync.py::t3']);
  });

  it('merges the shards of one run and compares duration against 5m (wall clock of a single-tier run)', async () => {
    const c = ctx(`gates:\n  fast: { metric: duration.integration, max: 5m }\n  all: { metric: passrate.integration, min: 1 }\n`);
    c.runs = [
      runRecord([result('tests/integration/a.py::t1', 'passed')], { shard: '1/2', startedAt: '2026-11-02T00:00:00Z', finishedAt: '2026-11-02T00:04:00Z' }),
      runRecord([result('tests/integration/a.py::t2', 'failed')], { shard: '2/2', startedAt: '2026-11-02T00:00:01Z', finishedAt: '2026-11-02T00:06:00Z' }),
    ];
    const r = await byName(c);
    expect(r.all).toMatchObject({ value: 0.5, detail: expect.stringMatching(/1 of 2 results passed in run .*\(2 shards\)/) });
    // shards: sum of test durations (the wall clock of parallel shards is not the tier's time)
    expect(r.fast).toMatchObject({ status: 'pass', value: 200, unit: 'ms' });
    c.runs = [runRecord([result('tests/integration/a.py::t1', 'passed')], { startedAt: '2026-11-02T00:00:00Z', finishedAt: '2026-11-02T00:06:30Z' })];
    const r2 = await byName(c);
    expect(r2.fast).toMatchObject({ status: 'fail', value: 390_000, message: '6m 30s, expected ≤ 5m' });
  });

  it('determinism from seams run --repeat runs (ids <id>.N, environment.repetition)', async () => {
    const c = ctx(`gates:\n  det: { metric: nondeterministic.integration, max: 0 }\n  share: { metric: determinism.integration, min: 0.9 }\n`);
    const rep = (i: number, t2: 'passed' | 'failed') =>
      runRecord([result('tests/integration/a.py::t1', 'passed'), result('tests/integration/a.py::t2', t2)], {
        id: `r9.${i}`,
        commit: null,
        environment: { repetition: String(i) },
        startedAt: `2026-11-02T00:0${i}:00Z`,
      });
    c.runs = [rep(1, 'passed'), rep(2, 'failed'), rep(3, 'passed')];
    const r = await byName(c);
    expect(r.det).toMatchObject({ status: 'fail', value: 1, detail: expect.stringMatching(/^1 of 2 tests changed outcome across 3 runs of the latest commit \(no inventory/) });
    expect(r.det!.items[0]).toMatchObject({ label: 'tests/integration/a.py::t2', detail: 'failed / passed' });
    expect(r.share).toMatchObject({ status: 'fail', value: 0.5 });
    c.runs = [rep(1, 'passed')];
    expect((await byName(c)).det!.message).toMatch(/determinism needs repeated runs/);
  });

  it('counts per tier and per package (repo: a path inside the repo), joined to tests behind the value', async () => {
    const c = ctx(`gates:\n  n: { metric: tests.integration, min: 2 }\n  pkg: { metric: tests, repo: services/api, min: 2 }\n  files: { metric: files.unit, max: 1 }\n`);
    c.inventory!.tests = [
      test('services/api/tests/integration/test_a.py::t1'),
      test('services/web/tests/integration/test_b.py::t1'),
      test('services/api/tests/unit/test_c.py::t1'),
      test('services/web/tests/unit/test_d.py::t1'),
    ];
    const r = await byName(c);
    expect(r.n).toMatchObject({ status: 'pass', value: 2 });
    expect(r.pkg).toMatchObject({ status: 'pass', value: 2 });
    expect(r.files).toMatchObject({ status: 'fail', value: 2, threshold: '≤ 1' });
  });

  it('targets: a warning before the due date, an error after it, pass once met; less-is-better metrics use max', async () => {
    const yaml = `targets:\n  - { metric: tests.integration, target: 3, due: 2026-12-31 }\n  - { metric: tests.integration, target: 3, due: 2026-11-01, title: late-one }\n  - { metric: tests.integration, target: 1, due: 2026-11-01, title: met }\n  - { metric: flaky.integration, target: 0, due: 2027-01-01, title: flaky }\n`;
    const c = ctx(yaml);
    c.inventory!.tests = [test('tests/integration/test_a.py::t1')];
    c.runs = [runRecord([{ ...result('tests/integration/test_a.py::t1', 'passed'), attempts: 2, flaky: true }])];
    const report = await evaluateGates(c);
    const r = Object.fromEntries(report.results.map((x) => [x.name, x]));
    expect(r['target:tests.integration']).toMatchObject({ status: 'warn', severity: 'warn', message: '1; target ≥ 3 by 2026-12-31: open (38 days left)' });
    expect(r['late-one']).toMatchObject({ status: 'fail', severity: 'error', message: '1; target ≥ 3 by 2026-11-01: late (22 days past due)' });
    expect(r.met).toMatchObject({ status: 'pass' });
    expect(r.flaky).toMatchObject({ status: 'warn', value: 1, threshold: '≤ 0 by 2027-01-01' });
    expect(report.passed).toBe(false);
  });

  it('targets: gate and gaps count the same days and agree on open/late at the day boundary', async () => {
    const yaml = `targets:\n  - { metric: tests.integration, target: 3, due: 2026-11-23, title: today }\n  - { metric: tests.integration, target: 3, due: 2026-11-22, title: yesterday }\n  - { metric: tests.integration, target: 3, due: 2026-12-31, title: later }\n`;
    for (const now of ['2026-11-23T00:00:01Z', '2026-11-23T12:00:00Z', '2026-11-23T23:59:59Z']) {
      const c = ctx(yaml, { now: new Date(now) });
      c.inventory!.tests = [test('tests/integration/test_a.py::t1')];
      const r = await byName(c);
      expect([r.today!.status, r.yesterday!.status, r.later!.status]).toEqual(['warn', 'fail', 'warn']);
      expect(r.today!.message).toBe('1; target ≥ 3 by 2026-11-23: open (due today)');
      expect(r.yesterday!.message).toBe('1; target ≥ 3 by 2026-11-22: late (1 day past due)');
      const progress = targetProgress(c.config.targets, { tests: c.inventory!.tests }, new Date(now));
      expect(progress.map((p) => [p.status, p.daysLeft])).toEqual([['open', 0], ['late', -1], ['open', 38]]);
      expect(r.later!.message).toContain(`(${progress[2]!.daysLeft} days left)`);
    }
  });

  it('collects every configuration error with its location instead of guessing', async () => {
    const c = ctx(`gates:\n  a: { metric: coverage.unit, min: 80% }\n  b: { metric: passrate.integraton, min: 1 }\n`);
    try {
      await evaluateGates(c);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GateConfigErrors);
      const errs = (e as GateConfigErrors).errors;
      expect(errs.map((x) => x.message)).toEqual(['gates.a: no coverage report named "unit"', 'gates.b: unknown tier "integraton" (did you mean "integration"?)']);
      expect(errs[0]!.source).toMatch(/seams\.yaml:2:6$/);
    }
  });
});
