import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { analyzeWorkflows } from '../../src/core/gaps.js';
import { conftestsFor } from '../../src/runners/pytest/junit.js';
import { companionFilesOf } from '../../src/runners/registry.js';
import type { ImportGraph } from '../../src/core/graph.js';
import { testOf } from './helpers.js';

const config = resolveConfig({
  components: {
    parser: { paths: ['app/parser.py'] },
    pusher: { paths: ['app/pusher.py'] },
    registry: { imports: ['boto3'] },
    loader: { paths: ['app/params/*.py'] },
  },
  workflows: {
    sync: { chain: ['parser', 'pusher', 'registry'], priority: 'P1' },
    params: { chain: ['loader', 'registry'], priority: 'P1' },
    lone: { chain: ['loader'], priority: 'P3' },
    tagged: { chain: ['parser', 'loader'], priority: 'P2' },
  },
});

const graph: ImportGraph = {
  files: {
    'tests/integration/conftest.py': { imports: [{ file: 'app/aws.py', line: 3 }], externals: [] },
    'tests/integration/test_sync.py': { imports: [{ file: 'app/parser.py', line: 1 }, { file: 'app/pusher.py', line: 2 }], externals: [] },
    'tests/integration/test_partial.py': { imports: [{ file: 'app/pusher.py', line: 1 }], externals: [] },
    'tests/unit/test_params.py': { imports: [{ file: 'app/params/load.py', line: 4 }], externals: [{ module: 'boto3.session', line: 1 }] },
    'app/parser.py': { imports: [], externals: [] },
    'app/pusher.py': { imports: [{ file: 'app/aws.py', line: 5 }], externals: [] },
    'app/aws.py': { imports: [], externals: [{ module: 'boto3', line: 1 }] },
    'app/params/load.py': { imports: [], externals: [] },
  },
};
const files = [...Object.keys(graph.files), 'app/params/other.py'];

const analyze = (tests: ReturnType<typeof testOf>[]) =>
  analyzeWorkflows({ tests, graph, components: config.components, workflows: config.workflows, files, companions: companionFilesOf(tests, files) });

describe('workflow coverage', () => {
  const base = [
    testOf({ id: 'tests/integration/test_sync.py::test_full', file: 'tests/integration/test_sync.py', tier: 'integration' }),
    testOf({ id: 'tests/integration/test_partial.py::test_push', file: 'tests/integration/test_partial.py', tier: 'integration' }),
    testOf({ id: 'tests/unit/test_params.py::test_load', file: 'tests/unit/test_params.py' }),
  ];

  it('covers a workflow when one test of a covering tier reaches the whole chain, with the path', () => {
    const sync = analyze(base).workflows.find((w) => w.id === 'sync')!;
    expect(sync.status).toBe('covered');
    expect(sync.severity).toBeNull();
    // the unit test reaches only boto3 (an external system): not counted as partial reach
    expect(sync.tiers).toEqual([{ tier: 'integration', tests: 1, partialTests: 1, skippedTests: 0, reached: ['parser', 'pusher', 'registry'] }]);
    const registry = sync.examples[0]!.components.find((c) => c.component === 'registry')!;
    // shortest path to boto3: through the conftest.py pytest loads for the test (2 steps), not through the pusher (3)
    expect(registry.via).toBe('imports');
    expect(registry.path!.map((s) => s.file)).toEqual(['tests/integration/conftest.py', 'app/aws.py', 'boto3']);
  });

  it('a P1 workflow reached only by unit tests is critical and names the tier it is covered at', () => {
    const params = analyze(base).workflows.find((w) => w.id === 'params')!;
    expect(params).toMatchObject({ status: 'uncovered', severity: 'critical', missing: ['loader', 'registry'] });
    expect(params.tiers).toEqual([{ tier: 'unit', tests: 1, partialTests: 0, skippedTests: 0, reached: ['loader', 'registry'] }]);
    expect(params.message).toBe('no integration or e2e test reaches it; covered at unit only');
  });

  it('partial reach names the missing components; reaching only an external system is not partial', () => {
    const tests = [base[1]!, base[2]!];
    const r = analyze(tests).workflows;
    const sync = r.find((w) => w.id === 'sync')!;
    expect(sync).toMatchObject({ status: 'partial', severity: 'critical', missing: ['parser'] });
    expect(sync.best!.test).toBe('tests/integration/test_partial.py::test_push');
    // params: the integration tests reach boto3 (registry) but nothing of the loader
    expect(r.find((w) => w.id === 'params')).toMatchObject({ status: 'uncovered', missing: ['loader', 'registry'] });
  });

  it('a tagged test keeps the import path where its imports reach a component; the tag fills the rest', () => {
    // test_partial.py imports the pusher and boto3 (registry) but not the parser
    const tagged = testOf({ ...base[1]!, id: 'tests/integration/test_partial.py::test_tagged', refs: { workflows: ['sync'], components: [], requirements: [] } });
    const sync = analyze([tagged]).workflows.find((w) => w.id === 'sync')!;
    expect(sync).toMatchObject({ status: 'covered', severity: null });
    const reach = Object.fromEntries(sync.examples[0]!.components.map((c) => [c.component, c]));
    expect(reach.parser!.via).toBe('workflow-tag');
    expect(reach.pusher!.via).toBe('imports');
    expect(reach.registry!.via).toBe('imports');
    expect(reach.registry!.path!.at(-1)!.file).toBe('boto3');
  });

  it('markers and workflow tags reach components directly; skipped tests do not cover', () => {
    const tests = [
      testOf({ id: 'e2e/a.spec.ts > x', runner: 'playwright', file: 'e2e/a.spec.ts', tier: 'e2e', refs: { workflows: ['tagged'], components: [], requirements: [] } }),
      testOf({ id: 'tests/integration/test_l.py::t', file: 'tests/integration/test_l.py', tier: 'integration', refs: { workflows: [], components: ['loader'], requirements: [] } }),
      testOf({ id: 'tests/integration/test_l.py::s', file: 'tests/integration/test_l.py', tier: 'integration', status: 'skip', refs: { workflows: ['sync'], components: [], requirements: [] } }),
    ];
    const r = analyze(tests);
    expect(r.workflows.find((w) => w.id === 'tagged')).toMatchObject({ status: 'covered', severity: null });
    expect(r.workflows.find((w) => w.id === 'tagged')!.examples[0]!.components.map((c) => c.via)).toEqual(['workflow-tag', 'workflow-tag']);
    expect(r.workflows.find((w) => w.id === 'lone')).toMatchObject({ status: 'covered' });
    const sync = r.workflows.find((w) => w.id === 'sync')!;
    // only the skipped test reaches all of sync; the e2e test tagged `tagged` reaches its parser
    expect(sync).toMatchObject({ status: 'partial', missing: ['pusher', 'registry'] });
    expect(sync.tiers.find((t) => t.tier === 'integration')!.skippedTests).toBe(1);
  });

  it('orders by severity and reports unknown references and unreached components', () => {
    const tests = [testOf({ id: 't', file: 'tests/unit/test_params.py', refs: { workflows: ['nope'], components: ['ghost'], requirements: [] } })];
    const r = analyze(tests);
    expect(r.workflows.map((w) => [w.id, w.severity])).toEqual([
      ['params', 'critical'],
      ['sync', 'critical'],
      ['tagged', 'high'],
      ['lone', 'medium'],
    ]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['UNKNOWN_COMPONENT_REF', 'UNKNOWN_WORKFLOW_REF']);
    expect(r.components.filter((c) => c.severity === 'low').map((c) => c.id)).toEqual(['parser', 'pusher']);
    expect(r.components.find((c) => c.id === 'loader')).toMatchObject({ files: 2, tests: { unit: 1 } });
  });

  it('finds the conftest.py files pytest loads for a test file', () => {
    const all = new Set(['conftest.py', 'tests/conftest.py', 'tests/integration/conftest.py', 'other/conftest.py']);
    expect(conftestsFor('tests/integration/test_x.py', all)).toEqual(['tests/integration/conftest.py', 'tests/conftest.py', 'conftest.py']);
  });
});
