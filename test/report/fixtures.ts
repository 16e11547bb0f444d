import type { DiscoveredTest, RepoInventory, RunRecord, TestResult } from '../../src/core/types.js';

export const XSS = '<img src=x onerror=alert(1)>';
export const BREAKOUT = '</script><script>window.__pwned=1</script>';

export function makeTest(i: number, over: Partial<DiscoveredTest> = {}): DiscoveredTest {
  const tier = i % 10 === 0 ? 'e2e' : i % 4 === 0 ? 'integration' : 'unit';
  const file = `tests/${tier}/test_mod${i % 500}.py`;
  return {
    runner: 'pytest',
    project: null,
    id: `${file}::TestThing::test_case_${i}`,
    file,
    line: 10 + (i % 300),
    titlePath: ['TestThing', `test_case_${i}`],
    name: `TestThing::test_case_${i}`,
    tier,
    tierSource: 'path',
    markers: [],
    status: 'active',
    dynamic: false,
    refs: { workflows: [], components: [], requirements: [] },
    ...over,
  };
}

export function inventory(tests: DiscoveredTest[], name = 'demo'): RepoInventory {
  return { root: `/x/${name}`, name, runners: [{ runner: 'pytest', project: null, rootDir: '.', configFile: null }], files: [], tests, diagnostics: [] };
}

/** `runs` runs (one per day), where `fail(testIndex, runIndex)` says which results fail. */
export function history(tests: DiscoveredTest[], runs: number, fail: (i: number, r: number) => boolean, message?: (i: number) => string | undefined): RunRecord[] {
  const out: RunRecord[] = [];
  for (let r = 0; r < runs; r++) {
    const start = new Date(Date.UTC(2026, 10, 1 + r, 9)).toISOString();
    const results: TestResult[] = tests.map((t, i) => ({
      runner: t.runner,
      project: t.project,
      id: t.id,
      file: t.file,
      name: t.name,
      tier: t.tier,
      status: fail(i, r) ? 'failed' : 'passed',
      durationMs: 5 + (i % 40),
      attempts: 1,
      flaky: false,
      message: fail(i, r) ? message?.(i) : undefined,
    }));
    out.push({
      id: `run-${r}`,
      repo: 'demo',
      commit: `c0ffee${r}`,
      branch: 'main',
      tiers: ['unit', 'integration', 'e2e'],
      environment: {},
      shard: null,
      startedAt: start,
      finishedAt: new Date(Date.parse(start) + 60_000 + r * 3000).toISOString(),
      status: results.some((x) => x.status === 'failed') ? 'failed' : 'passed',
      services: [],
      results,
    });
  }
  return out;
}
