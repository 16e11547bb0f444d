import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { result, runRecord, saveRuns, tempRepo } from '../gate/helpers.js';
import { readReport } from '../../src/report/html/decode.js';
import { testRows } from '../../src/report/html/model.js';

/**
 * Issue 12, "a report with one truth": the report's flaky badges, flaky filter and Flaky trend
 * come from core/flaky.ts over the report's runs, so they equal `seams flaky` and the gate's
 * `flaky` metric on the same history.
 */
const REPO = {
  'package.json': JSON.stringify({ name: 'shop', devDependencies: { vitest: '^2.0.0' } }),
  'vitest.config.ts': 'export default {}\n',
  'src/cart.test.ts': "import { test } from 'vitest';\ntest('adds', () => {});\ntest('removes', () => {});\ntest('empties', () => {});\n",
  'test/integration/checkout.test.ts': "import { describe, test } from 'vitest';\ndescribe('checkout', () => { test('pays', () => {}); test('refunds', () => {}); });\n",
  'seams.yaml': 'gates:\n  no-flaky: { metric: flaky, max: 0 }\n',
};
const ADDS = 'src/cart.test.ts > adds';
const REMOVES = 'src/cart.test.ts > removes';
const EMPTIES = 'src/cart.test.ts > empties';
const PAYS = 'test/integration/checkout.test.ts > checkout > pays';
const REFUNDS = 'test/integration/checkout.test.ts > checkout > refunds';
type S = 'passed' | 'failed';
const vr = (id: string, status: S, extra = {}) => ({ ...result(id, status), runner: 'vitest' as const, file: id.split(' > ')[0], tier: id.startsWith('src/') ? 'unit' : 'integration', known: true, ...extra });

/** Five runs: refunds fails then passes on one commit; removes passes on a retry; empties fails on a new commit and stays failing. */
function runs() {
  const plan: [string, Record<string, S>, Record<string, unknown>?][] = [
    ['aaaa111', { [ADDS]: 'passed', [REMOVES]: 'passed', [EMPTIES]: 'passed', [PAYS]: 'passed', [REFUNDS]: 'failed' }],
    ['aaaa111', { [ADDS]: 'passed', [REMOVES]: 'passed', [EMPTIES]: 'passed', [PAYS]: 'passed', [REFUNDS]: 'passed' }],
    ['bbbb222', { [ADDS]: 'passed', [REMOVES]: 'passed', [EMPTIES]: 'passed', [PAYS]: 'passed', [REFUNDS]: 'passed' }, { [REMOVES]: { flaky: true, attempts: 2 } }],
    ['cccc333', { [ADDS]: 'passed', [REMOVES]: 'passed', [EMPTIES]: 'failed', [PAYS]: 'passed', [REFUNDS]: 'passed' }],
    ['dddd444', { [ADDS]: 'passed', [REMOVES]: 'passed', [EMPTIES]: 'failed', [PAYS]: 'passed', [REFUNDS]: 'passed' }],
  ];
  return plan.map(([commit, st, extra], n) =>
    runRecord(
      Object.entries(st).map(([id, s]) => vr(id, s, (extra?.[id] as object) ?? {})),
      { id: `r${n + 1}`, commit, tiers: ['unit', 'integration'], repo: 'shop', startedAt: `2026-11-0${n + 1}T10:00:00.000Z` },
    ),
  );
}

describe('the report agrees with seams flaky and seams gate', () => {
  it('flaky count, flaky tests, badges and the newest Flaky trend point are the same numbers', async () => {
    const root = tempRepo(REPO);
    await saveRuns(root, runs());
    const flaky = await runCli(['flaky', '--root', root, '--format', 'json']);
    expect(flaky.code, flaky.stderr).toBe(0);
    const fj = JSON.parse(flaky.stdout);
    const flakyIds = (fj.flaky ?? fj.report?.flaky ?? fj.tests).map((t: { id: string }) => t.id).sort();
    expect(flakyIds).toEqual([REMOVES, REFUNDS].sort());

    const gate = await runCli(['gate', root, '--format', 'json']);
    const gj = JSON.parse(gate.stdout);
    const rule = (gj.results ?? gj[0]?.results ?? gj.repos?.[0]?.results).find((r: { name: string }) => r.name === 'no-flaky');
    expect(rule.value).toBe(2);

    const out = path.join(root, 'r.html');
    const rep = await runCli(['report', root, '--html', out]);
    expect(rep.code, rep.stderr).toBe(0);
    const data = readReport(readFileSync(out, 'utf8'));
    const rows = testRows(data.tests);
    expect(data.flaky.map((f: { count: number; runs: number }) => [f.count, f.runs])).toEqual([[fj.flaky.length, 5]]);
    expect(fj.flaky.length).toBe(rule.value);
    const badged = rows.filter((t) => t.flaky).map((t) => t.id).sort();
    expect(badged).toEqual(flakyIds);
    expect(rows.find((t) => t.id === REMOVES)!.flaky).toBe('retry');
    expect(rows.find((t) => t.id === REFUNDS)!.flaky).toBe('same-commit');
    // the Flaky trend: seams flaky's count over the runs up to each one; the newest equals seams flaky
    // (after run 4, empties' P P P F is one flip in three steps, 0.33 ≥ 0.3: seams flaky then said 3)
    expect(data.trends.map((p) => p.flaky)).toEqual([0, 1, 2, 3, 2]);
    expect(data.trends.at(-1)!.flaky).toBe(fj.flaky.length);
    // empties failed twice in a row on new commits: a regression, not flaky — no badge anywhere
    expect(rows.find((t) => t.id === EMPTIES)!.flaky).toBe('');
    expect(rows.find((t) => t.id === EMPTIES)!.status).toBe('failed');
  });

  it('one window by default (the newest 20 runs of each tier set): a flake older than that is counted by none of the three, and by all three with a wider window', async () => {
    const root = tempRepo({ ...REPO, 'seams.yaml': 'gates:\n  no-flaky: { metric: flaky, max: 0 }\n  no-flaky-30: { metric: flaky, max: 0, runs: 30 }\n' });
    // refunds fails then passes on one commit (runs 1–2); then 30 clean runs: 20 integration, 10 unit
    const all = (id: string) => id !== '';
    const day = (n: number) => `2026-11-${String(1 + Math.floor(n / 24)).padStart(2, '0')}T${String(n % 24).padStart(2, '0')}:00:00.000Z`;
    const plan: [string, string, S][] = [
      ['aaaa111', 'integration', 'failed'],
      ['aaaa111', 'integration', 'passed'],
    ];
    for (let n = 0; n < 30; n++) plan.push([`c${String(n).padStart(6, '0')}`, n % 3 === 2 ? 'unit' : 'integration', 'passed']);
    const records = plan.map(([commit, tier, refunds], n) =>
      runRecord(
        (tier === 'unit' ? [ADDS, REMOVES, EMPTIES] : [PAYS, REFUNDS]).filter(all).map((id) => vr(id, id === REFUNDS ? refunds : 'passed')),
        { id: `w${n + 1}`, commit, tiers: [tier], repo: 'shop', startedAt: day(n) },
      ),
    );
    await saveRuns(root, records);

    const counts = async (runs?: number) => {
      const fl = await runCli(['flaky', '--root', root, '--format', 'json', ...(runs ? ['--runs', String(runs)] : [])]);
      expect(fl.code, fl.stderr).toBe(0);
      const out = path.join(root, `r${runs ?? ''}.html`);
      const rep = await runCli(['report', root, '--html', out, ...(runs ? ['--runs', String(runs)] : [])]);
      expect(rep.code, rep.stderr).toBe(0);
      const data = readReport(out);
      return { flaky: JSON.parse(fl.stdout).flaky.length, report: data.flaky[0]!.count, window: data.flaky[0]!.runs };
    };
    const gate = JSON.parse((await runCli(['gate', root, '--format', 'json'])).stdout);
    const rules = gate.results ?? gate[0]?.results ?? gate.repos?.[0]?.results;
    const value = (name: string) => rules.find((r: { name: string }) => r.name === name).value;

    // newest 20 integration runs (the flake's two are older) + all 10 unit runs
    expect(await counts()).toEqual({ flaky: 0, report: 0, window: 30 });
    expect(value('no-flaky')).toBe(0);
    expect(await counts(30)).toEqual({ flaky: 1, report: 1, window: 32 });
    expect(value('no-flaky-30')).toBe(1);
  });
});
