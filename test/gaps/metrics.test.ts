import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { analyzeWorkflows } from '../../src/core/gaps.js';
import { computeMetrics, lowerIsBetter, metricValue, type MetricContext } from '../../src/core/metrics/index.js';
import { targetProgress } from '../../src/core/targets.js';
import { buildTrace } from '../../src/core/trace.js';
import { testOf } from './helpers.js';

const config = resolveConfig({
  components: { a: { paths: ['a.py'] }, b: { paths: ['b.py'] } },
  workflows: {
    w1: { chain: ['a'], priority: 'P1' },
    w2: { chain: ['a', 'b'], priority: 'P1' },
    w3: { chain: ['b'], priority: 'P2' },
  },
});
const tests = [
  testOf({ id: 'i', file: 'tests/integration/test_a.py', tier: 'integration', refs: { workflows: ['w1'], components: [], requirements: ['FR-001'] } }),
  testOf({ id: 'i2', file: 'tests/integration/test_a.py', tier: 'integration', refs: { workflows: [], components: ['b'], requirements: [] } }),
  testOf({ id: 'u', file: 'tests/test_u.py', refs: { workflows: [], components: [], requirements: ['FR-002'] } }),
  testOf({ id: 'u2', file: 'tests/test_u.py' }),
];
const workflows = analyzeWorkflows({ tests, graph: { files: {} }, components: config.components, workflows: config.workflows, files: ['a.py', 'b.py'] });
const trace = buildTrace({
  definitions: ['FR-001', 'FR-002', 'FR-003'].map((id, i) => ({ id, title: id, text: id === 'FR-002' ? 'needs an integration test' : id, file: 's.md', line: i + 1, kind: 'list' as const })),
  tests,
  needsIntegration: 'integration',
  critical: ['FR-001', 'FR-003'],
});
const ctx: MetricContext = { tests, workflows, trace };

describe('metric vocabulary', () => {
  it('answers counts, workflow shares per priority and requirement metrics', () => {
    expect(computeMetrics(ctx)).toMatchObject({
      tests: 4,
      'tests.unit': 2,
      'tests.integration': 2,
      'files.unit': 1,
      'workflows.total': 3,
      'workflows.P1.covered': 0.5,
      'workflows.P1.uncovered': 1,
      'workflows.P1.partial': 1,
      'workflows.P2.covered': 1,
      'workflows.P3.covered': null, // no P3 workflow: n/a, not a free 100 %
      'requirements.total': 3,
      'requirements.covered': 1 / 3,
      'requirements.uncovered': 1,
      'requirements.unitOnly': 1,
      'requirements.critical.uncovered': 1,
      'requirements.critical.covered': 0.5,
    });
    expect(metricValue('workflows.P<=2.uncovered', ctx)?.value).toBe(1);
    expect(metricValue('workflows.P1.uncovered', ctx)?.items).toEqual([{ label: 'w2', detail: expect.stringContaining('P1 partial') }]);
    expect(metricValue('passrate.integration', ctx)).toBeUndefined();
    expect(metricValue('workflows.P9.covered', ctx)).toBeUndefined();
  });

  it('knows which direction is better', () => {
    expect(lowerIsBetter('workflows.P1.uncovered')).toBe(true);
    expect(lowerIsBetter('requirements.orphans')).toBe(true);
    expect(lowerIsBetter('tests.integration')).toBe(false);
    expect(lowerIsBetter('workflows.P1.covered')).toBe(false);
  });
});

describe('targets', () => {
  const now = new Date('2026-11-23T04:00:00Z');
  it('is met, open, late, or unknown for metrics measured elsewhere', () => {
    const p = targetProgress(
      [
        { metric: 'tests.integration', target: 1, due: '2026-01-01' },
        { metric: 'tests.integration', target: 25, due: '2026-12-31' },
        { metric: 'workflows.P1.covered', target: 1, due: '2026-11-22' },
        { metric: 'workflows.P1.uncovered', target: 0, due: '2026-11-23' },
        { metric: 'passrate', target: 0.95, due: '2026-12-31' },
      ],
      ctx,
      now,
    );
    expect(p.map((t) => [t.status, t.current, t.direction, t.daysLeft])).toEqual([
      ['met', 2, 'min', -326],
      ['open', 2, 'min', 38],
      ['late', 0.5, 'min', -1],
      ['open', 1, 'max', 0],
      ['unknown', null, 'min', 38],
    ]);
    expect(p[4]!.detail).toMatch(/seams gate/);
  });
});
