import { describe, expect, it } from 'vitest';
import type { DiscoveredTest, TestResult } from '../../src/core/types.js';
import { applySkipPolicy } from '../../src/execute/policy.js';
import { parseShard, shardTests } from '../../src/execute/shard.js';

const t = (file: string, name: string): DiscoveredTest => ({
  runner: 'pytest',
  project: null,
  id: `${file}::${name}`,
  file,
  line: 1,
  titlePath: [name],
  name,
  tier: 'integration',
  tierSource: 'default',
  markers: [],
  status: 'active',
  dynamic: false,
  refs: { workflows: [], components: [], requirements: [] },
});

describe('--shard', () => {
  const tests = Array.from({ length: 12 }, (_, f) => Array.from({ length: 3 }, (_, i) => t(`tests/test_${f}.py`, `test_${i}`))).flat();
  // file 0 is very slow, the rest take 1 s per test
  const durations = new Map(tests.map((x) => [`pytest||${x.id}`, x.file === 'tests/test_0.py' ? 30_000 : 1000]));

  it('splits by file, covers every test exactly once, and balances by history', () => {
    const shards = [1, 2, 3].map((i) => shardTests(tests, { index: i, total: 3 }, durations));
    expect(shards.flat().map((x) => x.id).sort()).toEqual(tests.map((x) => x.id).sort());
    for (const s of shards) expect(new Set(s.map((x) => x.file)).size * 3).toBe(s.length);
    const load = shards.map((s) => s.reduce((a, x) => a + durations.get(`pytest||${x.id}`)!, 0));
    // the slow file gets a shard of its own
    expect(Math.max(...load)).toBe(90_000);
    expect(shards.find((s) => s.some((x) => x.file === 'tests/test_0.py'))!.length).toBe(3);
    // deterministic
    expect(shardTests(tests, { index: 2, total: 3 }, durations)).toEqual(shards[1]);
  });

  it('parses i/n strictly', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, total: 4 });
    for (const bad of ['0/2', '3/2', 'a/b', '1/0', '2']) expect(parseShard(bad)).toBeNull();
  });
});

describe('skip policy', () => {
  const r = (tier: string, reason?: string): TestResult => ({ runner: 'pytest', project: null, id: `x${Math.random()}`, name: 'x', tier, status: 'skipped', durationMs: 0, attempts: 1, flaky: false, ...(reason ? { reason } : {}) });
  it('fails skips in strict tiers unless allowed; leaves xfail and lenient tiers alone', () => {
    const results = [r('integration', 'no db'), r('integration', 'needs GPU here'), r('integration', 'xfail: bug 12'), r('unit', 'later'), r('e2e', 'Windows only')];
    applySkipPolicy(results, 'integration', { allow: ['needs GPU'] }, ['integration', 'e2e']);
    applySkipPolicy(results, 'unit', undefined, ['integration', 'e2e']);
    applySkipPolicy(results, 'e2e', { allow: ['/^windows/i'] }, ['integration', 'e2e']);
    expect(results.map((x) => x.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(results[0]!.message).toBe('skipped in the integration tier, where skips count as failures: no db');
    const lenient = [r('integration', 'no db')];
    applySkipPolicy(lenient, 'integration', { policy: 'allow' }, ['integration']);
    expect(lenient[0]!.status).toBe('skipped');
    const strictUnit = [r('unit', 'later')];
    applySkipPolicy(strictUnit, 'unit', { policy: 'fail' }, []);
    expect(strictUnit[0]!.status).toBe('failed');
  });
});
