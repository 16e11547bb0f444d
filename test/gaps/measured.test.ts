import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { analyzeWorkflows, SATURATION_MIN_TESTS, type WorkflowInput } from '../../src/core/gaps.js';
import type { ImportGraph } from '../../src/core/graph.js';
import { measuredKey, type MeasuredReach, type MeasuredTest } from '../../src/core/reach.js';
import type { DiscoveredTest } from '../../src/core/types.js';
import { reachSummaryLine, renderComponentWhy, saturationHint, saturationHints } from '../../src/report/gaps.js';
import { testOf } from './helpers.js';

// tests/test_api.py imports the API, which imports the core and the pusher (module level); the
// pusher builds a boto3 client. Under measured reach a test that mocks the pusher does not reach it.
const config = resolveConfig({
  components: {
    api: { paths: ['app/api.py'] },
    core: { paths: ['app/core.py'] },
    pusher: { paths: ['app/pusher.py'] },
    registry: { imports: ['boto3'] },
    cache: { paths: ['app/cache.py'], imports: ['redis'] },
    web: { paths: ['web/src/**'] },
  },
  workflows: {
    push: { chain: ['api', 'pusher', 'registry'], priority: 'P1' },
    serve: { chain: ['api', 'core'], priority: 'P2' },
  },
});

const graph: ImportGraph = {
  files: {
    'tests/test_api.py': { imports: [{ file: 'app/api.py', line: 2 }], externals: [] },
    'tests/test_cache.py': { imports: [{ file: 'app/cache.py', line: 1 }], externals: [] },
    'app/api.py': { imports: [{ file: 'app/core.py', line: 1 }, { file: 'app/pusher.py', line: 2 }], externals: [] },
    'app/core.py': { imports: [], externals: [] },
    'app/pusher.py': { imports: [], externals: [{ module: 'boto3', line: 1 }] },
    'app/cache.py': { imports: [], externals: [{ module: 'redis', line: 1 }] },
    'web/src/app.test.ts': { imports: [{ file: 'web/src/app.ts', line: 1 }], externals: [] },
    'web/src/app.ts': { imports: [], externals: [] },
  },
};
const files = Object.keys(graph.files);

const api = (name: string, extra: Partial<DiscoveredTest> = {}) => testOf({ id: `tests/test_api.py::${name}`, file: 'tests/test_api.py', tier: 'integration', ...extra });

function measuredOf(entries: [DiscoveredTest, Omit<MeasuredTest, 'run'> & { run?: string }][], measurable = ['pytest']): MeasuredReach {
  return {
    tests: new Map(entries.map(([t, m]) => [measuredKey(t), { run: m.run ?? 'run-2', files: m.files, stale: m.stale }])),
    runs: new Map([
      ['run-1', { id: 'run-1', commit: 'aaa', startedAt: '2026-12-01T10:00:00.000Z' }],
      ['run-2', { id: 'run-2', commit: 'bbb', startedAt: '2026-12-06T10:00:00.000Z' }],
    ]),
    measurable,
  };
}

const analyze = (tests: DiscoveredTest[], extra: Partial<WorkflowInput> = {}) =>
  analyzeWorkflows({ tests, graph, components: config.components, workflows: config.workflows, files, ...extra });

describe('measured reach in the gaps analysis', () => {
  const mocked = api('test_push_mocked');
  const full = api('test_push_real');
  const unmeasured = api('test_not_measured');
  const stale = api('test_stale');
  const marked = api('test_marked', { refs: { components: ['pusher'], workflows: [], requirements: [] } });
  const vitest = testOf({ runner: 'vitest', id: 'web/src/app.test.ts > renders', file: 'web/src/app.test.ts', tier: 'unit' });
  const tests = [mocked, full, unmeasured, stale, marked, vitest];
  const measured = measuredOf([
    [mocked, { files: ['tests/test_api.py', 'app/api.py', 'app/core.py'], stale: false }],
    [full, { files: ['tests/test_api.py', 'app/api.py', 'app/core.py', 'app/pusher.py'], stale: false }],
    [stale, { files: ['tests/test_api.py', 'app/core.py'], stale: true, run: 'run-1' }],
    [marked, { files: ['tests/test_api.py', 'app/api.py'], stale: false }],
    // a Vitest test in the history (it cannot be, but if it were) keeps static reach: its runner is not measurable
    [vitest, { files: [], stale: false }],
  ]);

  it('a measured test reaches the paths: components it executed, not those it only imports', () => {
    const r = analyze(tests, { measured, why: { components: ['pusher', 'core', 'registry', 'web'] } });
    const pusher = r.why!.components.find((c) => c.component === 'pusher')!;
    // the real push executed the pusher; the mock did not; the unmeasured test imports it; the marker names it
    expect(pusher.tests.map((t) => [t.id, t.evidence])).toEqual([
      [full.id, 'executed'],
      [unmeasured.id, 'imports'],
      [marked.id, 'marker'],
    ]);
    expect(pusher.importedNotExecuted.map((t) => t.id)).toEqual([mocked.id, stale.id]);
    expect(pusher.importedNotExecuted[0]!.path.map((s) => s.file)).toEqual(['tests/test_api.py', 'app/api.py', 'app/pusher.py']);
    const executed = pusher.tests[0]!;
    expect(executed).toMatchObject({ run: 'run-2', path: [{ file: 'tests/test_api.py', line: 0 }, { file: 'app/pusher.py', line: 0 }] });
    expect(executed.stale).toBeUndefined();
  });

  it('a stale measurement still counts, marked stale with its run', () => {
    const r = analyze(tests, { measured, why: { components: ['core'] } });
    const core = r.why!.components[0]!;
    expect(core.tests.find((t) => t.id === stale.id)).toMatchObject({ evidence: 'executed', run: 'run-1', stale: true });
    // the marked test executed only the API: it does not reach the core
    expect(core.tests.map((t) => t.id)).toEqual([mocked.id, full.id, unmeasured.id, stale.id]);
    expect(core.importedNotExecuted.map((t) => t.id)).toEqual([marked.id]);
  });

  it('imports:-only components keep import evidence for measured tests (coverage measures repo files only)', () => {
    const r = analyze(tests, { measured, why: { components: ['registry'] } });
    const registry = r.why!.components[0]!;
    // boto3 is imported by the pusher, which every API test imports: measured or not, they reach it through imports
    expect(registry.tests.map((t) => [t.id, t.evidence])).toEqual([mocked, full, unmeasured, stale, marked].map((t) => [t.id, 'imports']));
    expect(registry.tests[0]!.path!.map((s) => s.file)).toEqual(['tests/test_api.py', 'app/api.py', 'app/pusher.py', 'boto3']);
  });

  it('a paths+imports component: a measured test reaches it by execution or through its external modules only', () => {
    const t = testOf({ id: 'tests/test_cache.py::test_get', file: 'tests/test_cache.py', tier: 'integration' });
    const notRun = measuredOf([[t, { files: ['tests/test_cache.py'], stale: false }]]);
    const r1 = analyze([t], { measured: notRun, why: { components: ['cache'] } });
    // the test did not execute app/cache.py, but imports redis through it: the imports: part counts
    expect(r1.why!.components[0]!.tests.map((x) => [x.evidence, x.path!.map((s) => s.file)])).toEqual([['imports', ['tests/test_cache.py', 'app/cache.py', 'redis']]]);
    const ran = measuredOf([[t, { files: ['tests/test_cache.py', 'app/cache.py'], stale: false }]]);
    expect(analyze([t], { measured: ran, why: { components: ['cache'] } }).why!.components[0]!.tests[0]!.evidence).toBe('executed');
  });

  it('tests of runners seams cannot measure keep static reach, and the summary says which', () => {
    const r = analyze(tests, { measured, why: { components: ['web'] } });
    expect(r.why!.components[0]!.tests).toMatchObject([{ id: vitest.id, runner: 'vitest', evidence: 'imports' }]);
    expect(r.reach).toEqual({
      evidence: 'mixed',
      measured: 4,
      stale: 1,
      static: 2,
      unmeasured: 1,
      staticRunners: ['vitest'],
      runs: [
        { id: 'run-2', commit: 'bbb', startedAt: '2026-12-06T10:00:00.000Z' },
        { id: 'run-1', commit: 'aaa', startedAt: '2026-12-01T10:00:00.000Z' },
      ],
    });
    expect(r.why!.components[0]!.staticRunners).toEqual(['vitest']);
  });

  it('without measured reach nothing changes: import reach, evidence imports', () => {
    const r = analyze(tests, { why: { components: ['pusher'] } });
    expect(r.reach).toMatchObject({ evidence: 'imports', measured: 0, static: 6, staticRunners: [], runs: [] });
    expect(r.why!.components[0]!.tests.map((t) => t.evidence)).toEqual(['imports', 'imports', 'imports', 'imports', 'imports']);
    expect(r.why!.components[0]!.importedNotExecuted).toEqual([]);
  });

  it('workflows: a mocked test no longer covers the chain; the gap example names what it imports but did not execute', () => {
    const onlyMocked = analyze([mocked], { measured });
    const push = onlyMocked.workflows.find((w) => w.id === 'push')!;
    expect(push).toMatchObject({ status: 'partial', missing: ['pusher'] });
    expect(push.best!.importedNotExecuted!.map((c) => c.component)).toEqual(['pusher']);
    // by imports, it covers it
    expect(analyze([mocked]).workflows.find((w) => w.id === 'push')!.status).toBe('covered');
    const r = analyze(tests, { measured, why: { workflows: ['push'] } });
    const why = r.why!.workflows[0]!;
    expect(why.tests.map((t) => t.id)).toEqual([full.id, unmeasured.id, marked.id]);
    expect(why.tests[0]!.components.map((c) => c.via)).toEqual(['executed', 'executed', 'imports']);
    expect(why.importedNotExecuted).toBe(2); // the mocked and the stale test import the whole chain
    // the mocked test reaches the API (executed) and boto3 (imports): partial; the stale one
    // executed only the core and reaches the chain only through boto3, an external system: not partial
    expect(why.partialTests).toBe(1);
  });

  it('per-component counts from the groups equal the per-test answers (grouping by identical reach)', () => {
    // 300 tests over 3 files, measured with 4 different executed sets, some with markers, some skipped
    const many: DiscoveredTest[] = [];
    const entries: [DiscoveredTest, Omit<MeasuredTest, 'run'>][] = [];
    const sets = [['app/api.py'], ['app/api.py', 'app/core.py'], ['app/core.py', 'app/pusher.py'], []];
    for (let i = 0; i < 300; i++) {
      const t = api(`test_${i}`, {
        tier: i % 3 ? 'integration' : 'unit',
        status: i % 17 === 0 ? 'skip' : 'active',
        refs: { components: i % 11 === 0 ? ['pusher'] : [], workflows: [], requirements: [] },
      });
      many.push(t);
      if (i % 5) entries.push([t, { files: sets[i % 4]!, stale: i % 7 === 0 }]);
    }
    const ids = Object.keys(config.components);
    const r = analyze(many, { measured: measuredOf(entries), why: { components: ids } });
    for (const c of r.components) {
      const perTier: Record<string, number> = {};
      for (const t of r.why!.components.find((w) => w.component === c.id)!.tests) perTier[t.tier] = (perTier[t.tier] ?? 0) + 1;
      expect(c.tests, c.id).toEqual(perTier);
    }
    // and independently of the analysis: a test reaches the core iff it executed app/core.py, or is
    // unmeasured (imports reach it)
    const coreIds = many.filter((t, i) => t.status === 'active' && (i % 5 === 0 || sets[i % 4]!.includes('app/core.py'))).map((t) => t.id);
    expect(r.why!.components.find((w) => w.component === 'core')!.tests.map((t) => t.id).sort()).toEqual(coreIds.sort());
  });
});

describe('saturation', () => {
  const n = SATURATION_MIN_TESTS + 5;
  const apiTests = Array.from({ length: n }, (_, i) => api(`test_${i}`));
  const oneCache = testOf({ id: 'tests/test_cache.py::test_get', file: 'tests/test_cache.py', tier: 'unit' });

  it('a component more than 80% of the active tests reach through imports is saturated', () => {
    const r = analyze([...apiTests, oneCache]);
    expect(r.saturated.map((s) => s.component)).toEqual(['api', 'core', 'pusher']);
    expect(r.saturated[0]).toEqual({ component: 'api', tests: n, total: n + 1, share: n / (n + 1), evidence: 'imports', executed: 0 });
    // registry (imports: boto3) is reached as widely, but an external system is not reported
    expect(r.components.find((c) => c.id === 'registry')!.tests.integration).toBe(n);
  });

  it('under measured reach the same tests are saturated only where they execute', () => {
    const measured = measuredOf(apiTests.map((t, i) => [t, { files: i < 3 ? ['app/api.py'] : ['app/api.py', 'app/core.py'], stale: false }] as [DiscoveredTest, Omit<MeasuredTest, 'run'>]));
    const r = analyze([...apiTests, oneCache], { measured });
    expect(r.saturated.map((s) => [s.component, s.tests, s.evidence, s.executed])).toEqual([
      ['api', n, 'measured', n],
      ['core', n - 3, 'measured', n - 3],
    ]);
  });

  it('mixed evidence counts executed and imported reach', () => {
    const measured = measuredOf(apiTests.slice(0, 10).map((t) => [t, { files: ['app/api.py'], stale: false }] as [DiscoveredTest, Omit<MeasuredTest, 'run'>]));
    const r = analyze(apiTests, { measured });
    expect(r.saturated.find((s) => s.component === 'api')).toMatchObject({ evidence: 'mixed', executed: 10, tests: n });
    // core: only the 15 unmeasured tests reach it (60%): not saturated
    expect(r.saturated.find((s) => s.component === 'core')).toBeUndefined();
  });

  it('skipped tests do not count, and small repositories are not judged', () => {
    expect(analyze(apiTests.slice(0, SATURATION_MIN_TESTS - 1)).saturated).toEqual([]);
    const skipped = apiTests.map((t, i) => (i < 10 ? { ...t, status: 'skip' as const } : t));
    expect(analyze(skipped).saturated).toEqual([]); // 15 active tests
  });
});

describe('the reach lines people read', () => {
  const mocked = api('test_push_mocked');
  const vitestA = testOf({ runner: 'vitest', id: 'web/src/app.test.ts > a', file: 'web/src/app.test.ts' });
  const vitestB = testOf({ runner: 'vitest', id: 'web/src/app.test.ts > b', file: 'web/src/app.test.ts' });
  const measured = measuredOf([[mocked, { files: ['app/api.py'], stale: true }]]);

  it('--why <component> text: evidence and path per test, the importers that did not execute it, "vitest: static reach only" once', () => {
    const r = analyze([mocked, vitestA, vitestB], { measured, why: { components: ['pusher', 'web', 'api'] } });
    const text = (id: string) => renderComponentWhy(r.why!.components.find((c) => c.component === id)!).join('\n');
    expect(text('pusher')).toBe(
      [
        'component pusher: 0 active tests reach it; evidence: mixed',
        '  vitest: static reach only',
        '  no active test reaches it',
        '  imported but not executed (1; they do not reach it):',
        '    tests/test_api.py::test_push_mocked imports pusher; executed: no (mocked?)  [tests/test_api.py:2 → app/api.py:2 → app/pusher.py]',
      ].join('\n'),
    );
    expect(text('api')).toContain('    tests/test_api.py::test_push_mocked  executed: tests/test_api.py → app/api.py (run run-2, stale: files changed since)');
    expect(text('web').match(/static reach only/g)).toHaveLength(1);
    // the test file is itself a file of web/src/**: a path of one step
    expect(text('web')).toContain('    web/src/app.test.ts > a  imports: web/src/app.test.ts\n');
    expect(reachSummaryLine(r.reach)).toBe('reach: measured for 1 test (run run-2 at bbb, 2026-12-06; 1 stale: files changed since), imports for 2 (vitest: static reach only)');
    expect(reachSummaryLine(analyze([mocked]).reach)).toBeUndefined();
  });

  it('the saturation hint: a run hint for import reach, none when measured, none when the rest cannot be measured', () => {
    const reach = { evidence: 'mixed', measured: 1, stale: 0, static: 1, unmeasured: 1, staticRunners: [], runs: [] } as const;
    const s = { component: 'core', tests: 1934, total: 1982, share: 1934 / 1982, executed: 0 } as const;
    expect(saturationHint({ ...s, evidence: 'imports' }, reach)).toBe(
      'reach is saturated: 1,934 of 1,982 tests (97.6%) reach "core" through imports; measured reach tells which execute it: seams run --reach',
    );
    expect(saturationHint({ ...s, evidence: 'measured', executed: 1934 }, reach)).toBe('reach is saturated: 1,934 of 1,982 tests (97.6%) execute "core" (measured reach)');
    expect(saturationHint({ ...s, evidence: 'mixed', executed: 1200 }, reach)).toBe(
      'reach is saturated: 1,934 of 1,982 tests (97.6%) reach "core": 1,200 executed it, 734 through imports; measured reach tells which of the rest execute it: seams run --reach',
    );
    expect(saturationHint({ ...s, evidence: 'mixed', executed: 1200 }, { ...reach, unmeasured: 0, staticRunners: ['vitest'] })).toBe(
      'reach is saturated: 1,934 of 1,982 tests (97.6%) reach "core": 1,200 executed it, 734 through imports',
    );
  });
  it('saturation hints: one line per component up to two, then one line per evidence kind naming them (all with --verbose)', () => {
    const reach = { evidence: 'imports', measured: 0, stale: 0, static: 2000, unmeasured: 2000, staticRunners: [], runs: [] } as const;
    const sat = (component: string, tests: number) => ({ component, tests, total: 2000, share: tests / 2000, executed: 0, evidence: 'imports' as const });
    const two = [sat('core', 2000), sat('parser', 1700)];
    expect(saturationHints(two, reach)).toEqual(two.map((s) => saturationHint(s, reach)));
    const four = [...two, sat('types', 1990), { ...sat('termui', 1900), evidence: 'measured' as const, executed: 1900 }];
    const lines = saturationHints(four, reach);
    expect(lines).toEqual([
      'reach is saturated: 3 components are reached by more than 80% of 2,000 tests through imports ("core" 100.0%, "parser" 85.0%, "types" 99.5%); measured reach tells which execute them: seams run --reach; one line each with --verbose',
      saturationHint(four[3]!, reach),
    ]);
    expect(saturationHints(four, reach, true)).toHaveLength(4);
  });
});
