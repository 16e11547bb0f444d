/**
 * The static pytest collection agrees with the real `python3 -m pytest --collect-only -q` on the
 * fixture repositories (node ids exactly), and `verify` reports the comparison.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { pytestCollectOnly } from '../../helpers/pytest.js';
import type { DiscoveredTest, RepoInventory } from '../../../src/core/types.js';
import { scanPytest } from '../../../src/runners/pytest/index.js';
import { verifyPytest } from '../../../src/runners/pytest/verify.js';
import { pytestPlugin } from '../../../src/runners/pytest/plugin.js';
import { scanRepo } from '../../../src/scan/index.js';
import { fdir } from 'fdir';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../../fixtures/pytest');

function listFiles(root: string): string[] {
  return new fdir().withRelativePaths().crawl(root).sync().map((f) => f.split(path.sep).join('/'));
}

function nativeIds(root: string): { ids: string[]; erroredFiles: string[] } {
  return pytestCollectOnly(root);
}

describe('suite fixture (pyproject, conftest, classes, unittest, parametrize, fixtures, marks)', () => {
  const root = path.join(fixtures, 'suite');
  let scan: ReturnType<typeof scanPytest>;
  let native: { ids: string[]; erroredFiles: string[] };

  beforeAll(() => {
    scan = scanPytest({ root, files: listFiles(root) });
    native = nativeIds(root);
  });

  it('lists exactly the ids pytest collects, except the dynamic tests it lists once', () => {
    const staticIds = new Set(scan.tests.filter((t) => !t.dynamic).map((t) => t.id));
    const dynamic = scan.tests.filter((t) => t.dynamic);
    const covered = (id: string) => dynamic.some((d) => id.startsWith(`${d.id}[`));
    const nativeStatic = native.ids.filter((id) => !covered(id));
    expect([...staticIds].sort()).toEqual([...nativeStatic].sort());
    expect(native.ids.length).toBeGreaterThan(120);
  });

  it('marks what it cannot resolve as dynamic, once, with the reason', () => {
    const dynamic = Object.fromEntries(scan.tests.filter((t) => t.dynamic).map((t) => [t.id, t.dynamicReason]));
    expect(Object.keys(dynamic).sort()).toEqual(['tests/test_dynamic.py::test_computed', 'tests/test_dynamic.py::test_generated']);
    expect(dynamic['tests/test_dynamic.py::test_generated']).toMatch(/pytest_generate_tests .* generated/);
    expect(dynamic['tests/test_dynamic.py::test_computed']).toMatch(/load_cases\(\) is computed/);
    // every dynamic test stands for tests pytest really has
    for (const id of Object.keys(dynamic)) expect(native.ids.some((n) => n.startsWith(`${id}[`))).toBe(true);
  });

  it('reports the syntax error and the constructor class as diagnostics, and pytest errors on the same file', () => {
    const parse = scan.diagnostics.find((d) => d.code === 'PARSE_ERROR');
    expect(parse).toMatchObject({ file: 'tests/test_syntax_error.py', line: 1 });
    expect(native.erroredFiles).toEqual(['tests/test_syntax_error.py']);
    expect(scan.diagnostics.some((d) => d.code === 'CLASS_HAS_INIT' && d.message.includes('TestWithInit'))).toBe(true);
  });

  it('gets statuses and markers from marks, unittest decorators and pytest.param marks', () => {
    const byId = new Map(scan.tests.map((t) => [t.id, t]));
    expect(byId.get('tests/test_markers.py::test_skip')?.status).toBe('skip');
    expect(byId.get('tests/test_markers.py::test_skipif_true')?.status).toBe('skip');
    expect(byId.get('tests/test_markers.py::test_skipif_platform')?.status).toBe('active');
    expect(byId.get('tests/test_markers.py::test_xfail')?.status).toBe('xfail');
    expect(byId.get('tests/test_params.py::test_params[5-6-10]')?.status).toBe('xfail');
    expect(byId.get('tests/test_params.py::test_empty[NOTSET-10]')?.status).toBe('skip');
    expect(byId.get('tests/test_unittest.py::Direct::test_skipped')?.status).toBe('skip');
    expect(byId.get('tests/test_unittest.py::Direct::test_expected')?.status).toBe('xfail');
    expect(byId.get('tests/test_unittest.py::SkippedCase::test_in_skipped')?.status).toBe('skip');
    expect(byId.get('tests/test_markers.py::TestMarkedClass::test_in_e2e_class')?.markers).toEqual(['e2e']);
    expect(byId.get('tests/test_markers.py::test_marked_integration')?.markers).toEqual(['integration']);
    // parametrize/usefixtures are not reported as markers
    expect(byId.get('tests/test_params.py::test_range[0-10]')?.markers).toEqual([]);
  });

  it('places tests in tiers by path and by marker through the scan pipeline', async () => {
    const repo: RepoInventory = await scanRepo(root, { plugins: [pytestPlugin] });
    const byId = new Map(repo.tests.map((t: DiscoveredTest) => [t.id, t]));
    expect(byId.get('tests/integration/test_db.py::test_connects')).toMatchObject({ tier: 'integration', tierSource: 'path:integration' });
    expect(byId.get('tests/test_markers.py::test_marked_integration')).toMatchObject({ tier: 'integration', tierSource: 'marker:integration' });
    expect(byId.get('tests/test_markers.py::TestMarkedClass::test_in_e2e_class')).toMatchObject({ tier: 'e2e', tierSource: 'marker:e2e' });
    expect(byId.get('tests/test_classes.py::test_function')).toMatchObject({ tier: 'unit', tierSource: 'default' });
    expect(repo.runners).toEqual([{ runner: 'pytest', project: null, rootDir: '', configFile: 'pyproject.toml' }]);
    expect(repo.files.find((f) => f.file === 'tests/testdoc.txt')?.tests).toBe(1);
  });

  it('verify runs the real collector and reports the match per id', async () => {
    const repo = await scanRepo(root, { plugins: [pytestPlugin] });
    const [report] = await verifyPytest(root, repo, { python: 'python3' });
    expect(report!.error).toBeUndefined();
    expect(report!.erroredFiles).toEqual(['tests/test_syntax_error.py']);
    expect(report!.missing.sort()).toEqual([
      'tests/test_dynamic.py::test_computed[1]',
      'tests/test_dynamic.py::test_computed[2]',
      'tests/test_dynamic.py::test_computed[3]',
      'tests/test_dynamic.py::test_generated[7]',
      'tests/test_dynamic.py::test_generated[8]',
    ]);
    expect(report!.extra.sort()).toEqual(['tests/test_dynamic.py::test_computed', 'tests/test_dynamic.py::test_generated']);
    expect(report!.matched).toBe(report!.nativeCount - 5);
  });

  it('verify with a missing interpreter is an error in the report, not a crash', async () => {
    const repo = await scanRepo(root, { plugins: [pytestPlugin] });
    const [report] = await verifyPytest(root, repo, { python: '/nonexistent/python3' });
    expect(report!.error).toMatch(/Python interpreter not found: \/nonexistent\/python3/);
  });
});

describe('config-ini fixture (tox.ini, python_files lines, -k and -p no:doctest in addopts)', () => {
  it('matches pytest exactly', () => {
    const root = path.join(fixtures, 'config-ini');
    const scan = scanPytest({ root, files: listFiles(root) });
    const native = nativeIds(root);
    expect(scan.tests.map((t) => t.id).sort()).toEqual([...native.ids].sort());
    expect(native.ids).toContain('checks/math_spec.py::verify_square[2]');
    expect(scan.runners[0]!.configFile).toBe('tox.ini');
  });
});

describe('config-setupcfg fixture (setup.cfg, custom norecursedirs, --ignore-glob, pytest_plugins fixtures)', () => {
  it('matches pytest exactly', () => {
    const root = path.join(fixtures, 'config-setupcfg');
    const scan = scanPytest({ root, files: listFiles(root) });
    const native = nativeIds(root);
    expect(scan.tests.map((t) => t.id).sort()).toEqual([...native.ids].sort());
    expect(native.ids).toContain('tests/unit/test_fmt.py::TestFmt::test_m[xml]');
    expect(scan.runners[0]!.configFile).toBe('setup.cfg');
  });
});
