import { describe, expect, it } from 'vitest';
import { createClassifier, tierOfPath, tierOfMarker } from '../../src/core/tiers.js';
import type { RawTest } from '../../src/core/types.js';

const raw = (file: string, markers: string[] = [], extra: Partial<RawTest> = {}): RawTest => ({
  runner: 'pytest',
  project: null,
  id: `${file}::test_x`,
  file,
  line: 1,
  titlePath: ['test_x'],
  name: 'test_x',
  markers,
  status: 'active',
  dynamic: false,
  refs: { workflows: [], components: [], requirements: [] },
  ...extra,
});

describe('tier conventions', () => {
  it.each([
    ['tests/integration/test_db.py', 'integration'],
    ['backend/apps/integration_tests/test_flow.py', 'integration'],
    ['tests/e2e/login.spec.ts', 'e2e'],
    ['test/app.e2e-spec.ts', 'e2e'],
    ['src/db.integration.test.ts', 'integration'],
    ['tests/contract/test_api.py', 'contract'],
    ['tests/perf/test_load.py', 'performance'],
    ['tests/e2e/integration/test_x.py', 'integration'],
  ])('%s is %s', (file, tier) => {
    expect(tierOfPath(file)?.tier).toBe(tier);
  });

  it.each(['tests/test_load_config.py', 'src/load_balancer/tests/test_x.py', 'tests/__tests__/x.test.ts', 'tests/unit_helpers.py'])(
    '%s has no tier from its path',
    (file) => {
      const t = tierOfPath(file);
      expect(t === undefined || t.tier === 'unit').toBe(true);
    },
  );

  it('reads markers and tags', () => {
    expect(tierOfMarker('integration')).toBe('integration');
    expect(tierOfMarker('@e2e')).toBe('e2e');
    expect(tierOfMarker('slow')).toBeUndefined();
  });
});

describe('classifier precedence', () => {
  const classifier = createClassifier([
    { tier: 'integration', paths: ['scripts/**/it_*.py'], markers: ['needs_db'] },
  ]);
  it('configured marker beats every path', () => {
    expect(classifier.classify(raw('tests/e2e/test_a.py', ['needs_db']))).toEqual({
      tier: 'integration',
      tierSource: 'config:tiers.integration.markers',
    });
  });
  it('configured path beats conventional markers', () => {
    expect(classifier.classify(raw('scripts/x/it_a.py', ['e2e'])).tierSource).toBe('config:tiers.integration.paths');
  });
  it('conventional marker beats the path', () => {
    expect(classifier.classify(raw('tests/unit/test_a.py', ['integration']))).toEqual({
      tier: 'integration',
      tierSource: 'marker:integration',
    });
  });
  it('path beats the runner hint, the hint beats the default', () => {
    expect(classifier.classify(raw('tests/smoke/a.spec.ts', [], { tierHint: 'e2e', runner: 'playwright' })).tier).toBe('smoke');
    expect(classifier.classify(raw('tests/a.spec.ts', [], { tierHint: 'e2e', runner: 'playwright' }))).toEqual({
      tier: 'e2e',
      tierSource: 'runner:playwright',
    });
    expect(classifier.classify(raw('tests/test_a.py'))).toEqual({ tier: 'unit', tierSource: 'default' });
  });
});
