import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { evaluateGates, GateConfigErrors } from '../../src/core/gates.js';
import { formatPercent, formatValue, lowerIsBetter, metricUnit, toBound, type MetricInputs } from '../../src/core/metrics/index.js';
import { targetProgress } from '../../src/core/targets.js';
import type { DiscoveredTest } from '../../src/core/types.js';

function inputs(yaml: string, tests: DiscoveredTest[] = [], over: Partial<MetricInputs> = {}): MetricInputs {
  const loaded = parseConfig(yaml, '/tmp/v/seams.yaml');
  return {
    root: '/tmp/v',
    config: loaded.config,
    inventory: { root: '/tmp/v', name: 'v', runners: [], files: [], diagnostics: [], tests },
    runs: [],
    coverage: {},
    now: new Date('2026-11-23T12:00:00Z'),
    ...over,
  };
}

const unitTest = (id: string): DiscoveredTest => ({
  runner: 'pytest', project: null, id, file: id.split('::')[0]!, line: 1, titlePath: [], name: id, tier: 'unit', tierSource: 'path',
  markers: [], status: 'active', dynamic: false, refs: { workflows: [], components: [], requirements: [] },
});

describe('one metric vocabulary', () => {
  it('one unit, one direction and one percent format for every metric', () => {
    expect(metricUnit('passrate.integration')).toBe('ratio');
    expect(metricUnit('requirements.critical.covered')).toBe('ratio');
    expect(metricUnit('duration.e2e')).toBe('ms');
    expect(metricUnit('workflows.P1.uncovered')).toBe('count');
    for (const m of ['flaky', 'failed.unit', 'duration', 'workflows.P1.partial', 'requirements.orphans', 'components.unreached']) expect(lowerIsBetter(m)).toBe(true);
    expect(lowerIsBetter('passrate')).toBe(false);
    expect(toBound(0.95, 'passrate')).toBe(0.95);
    // a number over 1 on a share is ambiguous (3 tests or 3%?): a configuration error with the fix
    expect(() => toBound(95, 'passrate')).toThrow(/95 is a count, but passrate is a share/);
    expect(() => toBound('95%', 'tests.integration')).toThrow(/"95%" is a percentage, but tests.integration is a count/);
    expect(toBound('95%', 'coverage.unit')).toBe(0.95);
    expect(toBound('5m', 'duration')).toBe(300_000);
    expect([formatPercent(0.953), formatPercent(1), formatPercent(null), formatValue(0.5, 'ratio')]).toEqual(['95.3%', '100%', '—', '50%']);
  });

  it('gaps and gate judge a target the same way (unit, direction, status)', () => {
    const yaml = `targets:\n  - { metric: tests.unit, target: 3, due: 2026-12-31 }\n  - { metric: tests.unit, target: 1, due: 2026-11-01 }\n`;
    const c = inputs(yaml, [unitTest('t/test_a.py::a'), unitTest('t/test_a.py::b')]);
    const gaps = targetProgress(c.config.targets, { tests: c.inventory!.tests }, c.now);
    const gate = evaluateGates(c).results;
    expect(gaps.map((t) => t.status)).toEqual(['open', 'met']);
    expect(gate.map((r) => r.status)).toEqual(['warn', 'pass']);
    expect(gaps.map((t) => t.unit)).toEqual(gate.map((r) => r.unit));
  });

  it('evaluates synchronously over loaded inputs; an unreadable coverage report is an error only where a rule reads it', () => {
    const yaml = `coverage:\n  unit: { file: missing.info }\n  other: { file: also-missing.xml }\ngates:\n  cov: { metric: coverage.unit, min: 80% }\n`;
    const error = { message: 'coverage.unit: report missing.info does not exist', hint: 'run the tests with coverage first' };
    const c = inputs(yaml, [], { coverage: { unit: { error }, other: { error: { message: 'not read' } } } });
    expect(() => evaluateGates(c)).toThrow(GateConfigErrors);
    try {
      evaluateGates(c);
    } catch (e) {
      expect((e as GateConfigErrors).errors).toEqual([expect.objectContaining({ message: `gates.cov: ${error.message}`, hint: error.hint })]);
    }
    const report = { format: 'lcov' as const, file: 'missing.info', files: [], lines: { covered: 85, total: 100 } };
    const ok = evaluateGates({ ...c, coverage: { unit: { report } } });
    expect(ok).not.toBeInstanceOf(Promise);
    expect(ok.results[0]).toMatchObject({ status: 'pass', value: 0.85, message: '85% ≥ 80%' });
  });
});
