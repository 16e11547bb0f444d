import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunRecord, TestResult } from '../../src/core/types.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';

const res = (id: string, status: TestResult['status'], extra: Partial<TestResult> = {}): TestResult => ({
  runner: 'pytest', project: null, id, name: id, tier: 'integration', status, durationMs: 5, attempts: 1, flaky: false, ...extra,
});
const run = (id: string, minute: number, commit: string, results: TestResult[]): RunRecord => ({
  id, repo: 'r', commit, branch: 'main', tiers: ['integration'], environment: {}, shard: null,
  startedAt: `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`, finishedAt: `2026-03-01T10:${String(minute).padStart(2, '0')}:30.000Z`,
  status: 'passed', services: [], results,
});

describe('seams flaky', () => {
  it('lists flaky tests with their reasons and leaves infrastructure failures out', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-flaky-'));
    expect((await runCli(['flaky', '--root', root])).stdout).toContain('no runs in history');
    const store = await openStore('sqlite:.seams/history.db', root);
    const steady = ['t::a', 't::b', 't::c', 't::d', 't::e'];
    await store.saveRun(run('r1', 1, 'c1', [res('t::flip', 'passed'), ...steady.map((s) => res(s, 'passed'))]));
    await store.saveRun(run('r2', 2, 'c1', [res('t::flip', 'failed'), ...steady.map((s) => res(s, 'passed', s === 't::a' ? { flaky: true, attempts: 2 } : {}))]));
    // the database was down: everything failed
    await store.saveRun(run('r3', 3, 'c2', [res('t::flip', 'error'), ...steady.map((s) => res(s, 'error'))]));
    await store.close();
    const r = await runCli(['flaky', '--root', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 runs looked at, 1 left out as infrastructure failures (most tests failed): r3');
    expect(r.stdout).toMatch(/t::flip\s+integration\s+same-commit\s+1\s+1/);
    expect(r.stdout).toMatch(/t::a\s+integration\s+retry\s+2\s+0/);
    expect(r.stdout).not.toMatch(/t::b/);
    expect((await runCli(['flaky', '--root', root, '--tier', 'unit'])).stdout).toContain('no runs in history');
    expect((await runCli(['flaky', '--root', root, '--runs', '0'])).code).toBe(2);
  });

  it('an unknown tier: did you mean and the tiers there are, exit 2, as seams run', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-flaky-tier-'));
    writeFileSync(path.join(root, 'seams.yaml'), 'tiers:\n  nightly:\n    command: "true"\n');
    // no history, nothing to compare with but seams.yaml: a declared tier is fine, a typo is not
    const store = await openStore('sqlite:.seams/history.db', root);
    await store.saveRun(run('r1', 1, 'c1', [res('t::a', 'passed')]));
    await store.close();
    const typo = await runCli(['flaky', 'integraton', root]);
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toBe('seams: unknown tier "integraton" (did you mean "integration"?)\nhint: tiers here: nightly, integration\n');
    // a conventional name the history lacks is a guess away: smok → smoke
    const smok = await runCli(['flaky', '--tier', 'smok', '--root', root]);
    expect(smok.code).toBe(2);
    expect(smok.stderr).toMatch(/^seams: unknown tier "smok" \(did you mean "smoke"\?\)\nhint: tiers here: nightly, integration\n$/);
    const far = await runCli(['flaky', 'zzzzzz', root]);
    expect(far.stderr).toBe('seams: unknown tier "zzzzzz"\nhint: tiers here: nightly, integration\n');
    // known tiers, with or without runs, keep their (possibly empty) report
    for (const t of ['integration', 'nightly', 'e2e']) expect((await runCli(['flaky', t, root])).code, t).toBe(0);
  });
});
