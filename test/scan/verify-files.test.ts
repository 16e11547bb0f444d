/**
 * `seams scan --verify` per file, against the real pytest: identical, missing and extra ids of
 * each file, and how many of the differences come from tests seams listed as dynamic — the ones
 * `--resolve` fixes — apart from those no dynamic test explains (the static scan was wrong).
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { scan, verificationStatus } from '../../src/app/scan.js';
import { scanRenderers } from '../../src/report/renderers/scan.js';
import { runCli } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo.js';
import { validateAgainst } from '../helpers/schema.js';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const FILES = {
  'pytest.ini': '[pytest]\n',
  'tests/cases.txt': 'a b c d\n',
  // four ids pytest makes from a file read at import; seams lists one dynamic test
  'tests/test_dyn.py':
    'import pathlib, pytest\nCASES = pathlib.Path(__file__).with_name("cases.txt").read_text().split()\n\n@pytest.mark.parametrize("c", CASES)\ndef test_c(c):\n    pass\n\ndef test_fixed():\n    pass\n',
  // a hook drops a test at run time: seams lists it, pytest does not — nothing dynamic explains it
  'tests/conftest.py': 'def pytest_collection_modifyitems(items):\n    items[:] = [i for i in items if "dropped" not in i.name]\n',
  'tests/test_hook.py': 'def test_kept():\n    pass\n\ndef test_dropped():\n    pass\n',
  'tests/test_same.py': 'def test_one():\n    pass\n\ndef test_two():\n    pass\n',
  'tests/test_broken.py': 'raise ImportError("not today")\n\ndef test_x():\n    pass\n',
};

describe('--verify per file', () => {
  it('reports identical / missing / extra per file and the share dynamic tests explain', async () => {
    const root = writeRepo(FILES, 'seams-verify-');
    made.push(root);
    const result = await scan([root], { verify: true, python: 'python3' });
    const [report] = result.repos[0]!.verification!;
    expect(report!.error).toBeUndefined();
    expect(report!.files).toEqual([
      { file: 'tests/test_dyn.py', identical: 1, missing: 4, extra: 1, explained: 5, dynamic: 1 },
      { file: 'tests/test_hook.py', identical: 1, missing: 0, extra: 1, explained: 0, dynamic: 0 },
      { file: 'tests/test_same.py', identical: 2, missing: 0, extra: 0, explained: 0, dynamic: 0 },
    ]);
    expect(report!.explained).toBe(5);
    expect(report!.erroredFiles).toEqual(['tests/test_broken.py']);
    expect(verificationStatus([[report!]])).toBe(1);
    expect(validateAgainst('inventory.schema.json', JSON.parse(scanRenderers.json(result)))).toBe('');

    const text = scanRenderers.text(result);
    expect(text).toContain('4 ids identical, 4 missing, 2 extra — 2 of 3 files differ; 5 of the 6 differences (83.3%) come from tests seams listed as dynamic (--resolve lists those natively); 1 does not');
    // the table: files with differences only, the largest first
    const table = text.split('\n').filter((l) => /^\s+tests\/test_\w+\.py\s+\d/.test(l));
    expect(table.map((l) => l.trim().split(/\s+/))).toEqual([
      ['tests/test_dyn.py', '1', '4', '1', '5', '1'],
      ['tests/test_hook.py', '1', '1'],
    ]);
    expect(scanRenderers.markdown(result)).toContain('5 of the 6 differences');
  }, 60_000);

  it('with --resolve the dynamic differences are gone; the others stay, and the exit code says so', async () => {
    const root = writeRepo(FILES, 'seams-verify-');
    made.push(root);
    const r = await runCli(['scan', root, '--verify', '--resolve', '--format', 'json']);
    expect(r.code).toBe(1);
    const [report] = JSON.parse(r.stdout).repos[0].verification;
    expect(report.files.filter((f: { missing: number; extra: number }) => f.missing || f.extra)).toEqual([
      { file: 'tests/test_hook.py', identical: 1, missing: 0, extra: 1, explained: 0, dynamic: 0 },
    ]);
    expect(report.explained).toBe(0);
    const text = await runCli(['scan', root, '--verify', '--resolve']);
    expect(text.stdout).toContain('none of the 1 difference comes from a test seams listed as dynamic');
    expect(text.stdout).toContain('resolved natively: 4 tests in 1 file (pytest)');
  }, 60_000);

  it('an inventory that agrees: exit 0, no table', async () => {
    const root = writeRepo({ 'tests/test_same.py': FILES['tests/test_same.py'] }, 'seams-verify-');
    made.push(root);
    const r = await runCli(['scan', root, '--verify']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 ids identical, 0 missing, 0 extra — 0 of 1 file differ');
    expect(r.stdout).not.toContain('From dynamic');
  }, 60_000);
});

describe('scan --resolve options', () => {
  it('--resolve-timeout must be a positive number of seconds (exit 2, one line)', async () => {
    const r = await runCli(['scan', '.', '--resolve', '--resolve-timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--resolve-timeout must be a positive number of seconds, got soon/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing interpreter: one warning, the static inventory, exit 0', async () => {
    const root = writeRepo(FILES, 'seams-verify-');
    made.push(root);
    const r = await runCli(['scan', root, '--resolve', '--python', '/nonexistent/python3']);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/cannot start \/nonexistent\/python3: not found/g)).toHaveLength(1);
    expect(r.stdout).not.toContain('resolved natively');
  });

  it('the help says that --resolve runs the repository code', async () => {
    const r = await runCli(['scan', '--help']);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain("this RUNS the repository's collection code");
  });

  it('seams.yaml scan.resolve: dynamic turns it on; --no-resolve turns it off', async () => {
    const root = writeRepo({ ...FILES, 'seams.yaml': 'scan:\n  resolve: dynamic\n' }, 'seams-verify-');
    made.push(root);
    const on = JSON.parse((await runCli(['scan', root, '--format', 'json'])).stdout).repos[0];
    expect(on.tests.filter((t: { resolvedBy?: string }) => t.resolvedBy === 'pytest')).toHaveLength(4);
    const off = JSON.parse((await runCli(['scan', root, '--no-resolve', '--format', 'json'])).stdout).repos[0];
    expect(off.tests.some((t: { resolvedBy?: string }) => t.resolvedBy)).toBe(false);
    expect(off.tests.some((t: { dynamic: boolean }) => t.dynamic)).toBe(true);
  }, 60_000);
});
