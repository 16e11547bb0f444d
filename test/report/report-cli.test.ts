import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { result, runRecord, saveRuns, tempRepo } from '../gate/helpers.js';
import { readReport } from '../../src/report/html/decode.js';
import { testRows } from '../../src/report/html/model.js';

const VITEST_REPO = {
  'package.json': JSON.stringify({ name: 'shop', devDependencies: { vitest: '^2.0.0' } }),
  'vitest.config.ts': 'export default {}\n',
  'src/cart.test.ts': "import { test } from 'vitest';\ntest('adds', () => {});\ntest('removes', () => {});\n",
  'test/integration/checkout.test.ts': "import { describe, test } from 'vitest';\ndescribe('checkout', () => { test('pays', () => {}); test('refunds', () => {}); });\n",
};

describe('seams report (CLI)', () => {
  it('requires an output', async () => {
    const r = await runCli(['report', tempRepo(VITEST_REPO)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing to write: give --html <file> and\/or --markdown/);
  });

  it('without seams.yaml or history: writes both reports and says what is missing', async () => {
    const root = tempRepo(VITEST_REPO);
    const r = await runCli(['report', root, '--html', path.join(root, 'r.html'), '--markdown', path.join(root, 'r.md')]);
    expect(r.code).toBe(0);
    const html = readFileSync(path.join(root, 'r.html'), 'utf8');
    const data = readReport(html);
    expect(data.repos[0]!.tiers.map((t) => [t.tier, t.tests])).toEqual([['unit', 2], ['integration', 2]]);
    expect(data.missing.join('\n')).toMatch(/no seams\.yaml/);
    expect(data.missing.join('\n')).toMatch(/no history yet/);
    const md = readFileSync(path.join(root, 'r.md'), 'utf8');
    expect(md).toMatch(/No runs recorded: no history yet/);
    expect(md).toMatch(/\| integration \| 1 \| 2 \| 0 \|/);
    expect(md).toMatch(/## Still open\n\n- Record runs/);
  });

  it('with scenarios, runs and gates: the completion report compares pass rates with the expectation', async () => {
    const root = tempRepo({
      ...VITEST_REPO,
      'seams.yaml': `scenarios:\n  checkout: { title: Checkout flow, select: ["test/integration/**::checkout"], expect: 0.9 }\n  cart: { select: ["src/**"] }\ngates:\n  checkout: { metric: passrate, scenario: checkout, min: 95% }\n  cart-pass: { metric: passrate, scenario: cart, min: 1 }\n`,
    });
    const id = (f: string, ...t: string[]) => [f, ...t].join(' > ');
    const vr = (i: string, status: 'passed' | 'failed', extra = {}) => ({ ...result(i, status), runner: 'vitest' as const, file: i.split(' > ')[0], ...extra });
    const runs = [1, 2, 3].map((n) =>
      runRecord(
        [
          vr(id('src/cart.test.ts', 'adds'), 'passed'),
          vr(id('src/cart.test.ts', 'removes'), 'passed'),
          vr(id('test/integration/checkout.test.ts', 'checkout', 'pays'), 'passed'),
          vr(id('test/integration/checkout.test.ts', 'checkout', 'refunds'), n === 3 ? 'failed' : 'passed', { message: 'refund <b>not</b> issued' }),
        ],
        { id: `r.${n}`, environment: { repetition: String(n) }, startedAt: `2026-11-0${n}T10:00:00Z` },
      ),
    );
    await saveRuns(root, runs);
    const r = await runCli(['report', root, '--markdown'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| Checkout flow \| 2 \| 1\/2 \| 50% \| ≥ 95% \| ❌ below \|/);
    expect(r.stdout).toMatch(/\| cart \| 2 \| 2\/2 \| 100% \| ≥ 100% \| ✅ met \|/);
    expect(r.stdout).toMatch(/Determinism: 1 of 4 tests changed outcome across 3 runs/);
    expect(r.stdout).toMatch(/- Scenario \*\*checkout\*\* passes 50%, expected 95%\./);
    expect(r.stdout).toMatch(/- 1 test fails in the latest runs: `test\/integration\/checkout\.test\.ts > checkout > refunds`/);
    const html = path.join(root, 'r.html');
    expect((await runCli(['report', root, '--html', html])).code).toBe(0);
    const data = readReport(html);
    const refunds = testRows(data.tests).find((t) => t.id.endsWith('refunds'))!;
    expect(refunds.status).toBe('failed');
    expect(refunds.history).toBe('PPF');
    expect(refunds.message).toBe('refund <b>not</b> issued');
    expect(data.gate![0]!.rules.map((x) => `${x.name}:${x.status}`)).toEqual(['checkout:fail', 'cart-pass:pass']);
  });
});

describe('seams report --split', () => {
  it('writes a folder of index.html and data chunks that reads back as the one-file report', async () => {
    const root = tempRepo(VITEST_REPO);
    const vr = (i: string, status: 'passed' | 'failed') => ({ ...result(i, status), runner: 'vitest' as const, file: i.split(' > ')[0] });
    await saveRuns(root, [runRecord([vr('src/cart.test.ts > adds', 'passed'), vr('src/cart.test.ts > removes', 'failed')], { startedAt: '2026-11-01T10:00:00Z' })]);
    const one = path.join(root, 'r.html');
    const dir = path.join(root, 'report');
    expect((await runCli(['report', root, '--html', one])).code).toBe(0);
    const r = await runCli(['report', root, '--html', dir, '--split']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote .*index\.html \(.* \+ 4 data chunks/);
    expect(readdirSync(dir).sort()).toEqual(['index.html', 'seams-core.js', 'seams-hist.js', 'seams-ids.js', 'seams-msg.js']);
    const a = readReport(one);
    const b = readReport(dir);
    expect(testRows(b.tests)).toEqual(testRows(a.tests));
    expect({ ...b, tests: null, generatedAt: '' }).toEqual({ ...a, tests: null, generatedAt: '' });
    expect(testRows(b.tests).find((t) => t.id.endsWith('removes'))!.status).toBe('failed');
  });

  it('refuses --split without --html, and a file where the folder goes (exit 2)', async () => {
    const root = tempRepo(VITEST_REPO);
    const a = await runCli(['report', root, '--split']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--split needs --html <folder>/);
    const b = await runCli(['report', root, '--html', path.join(root, 'package.json'), '--split']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/is a file, and --split writes a folder/);
    const c = await runCli(['report', root, '--html', path.join(root, 'no', 'such', 'dir'), '--split']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/does not exist/);
  });
});

const PG = process.env.SEAMS_TEST_PG ?? 'postgresql://root@127.0.0.1:5432/test';

describe('seams gate and report with bad or remote history', () => {
  it('reads the history from PostgreSQL (--db) like from SQLite', async () => {
    const pg = await import('pg');
    const schema = `seams_gate_${process.pid}_${Date.now()}`;
    const url = `${PG}?schema=${schema}`;
    const { openStore } = await import('../../src/store/index.js');
    const root = tempRepo({ ...VITEST_REPO, 'seams.yaml': 'gates:\n  p: { metric: passrate.integration, min: 1 }\n' });
    const store = await openStore(url, root);
    try {
      await store.saveRun(runRecord([result('test/integration/checkout.test.ts > checkout > pays', 'failed', { runner: 'vitest', file: 'test/integration/checkout.test.ts' })], { repo: path.basename(root) }));
    } finally {
      await store.close();
    }
    try {
      const r = await runCli(['gate', root, '--db', url]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/FAIL p: 0%, expected ≥ 100%/);
    } finally {
      const client = new pg.default.Client({ connectionString: PG });
      await client.connect();
      await client.query(`DROP SCHEMA "${schema}" CASCADE`);
      await client.end();
    }
  });

  it('report renders what it can when the database is unreachable and a gate is misconfigured', async () => {
    const root = tempRepo({ ...VITEST_REPO, 'seams.yaml': 'coverage:\n  unit: { file: missing.info }\ngates:\n  c: { metric: coverage.unit, min: 80% }\n' });
    const out = path.join(root, 'r.html');
    const r = await runCli(['report', root, '--html', out, '--db', 'postgresql://nobody@127.0.0.1:1/none']);
    expect(r.code).toBe(0);
    const data = readReport(out);
    const missing = data.missing.join('\n');
    expect(missing).toMatch(/history unavailable: /);
    expect(missing).toMatch(/gate not evaluated: .*gates\.c: coverage\.unit: report missing\.info does not exist/);
    expect(data.repos[0]!.total.tests).toBe(4);
  });
});
