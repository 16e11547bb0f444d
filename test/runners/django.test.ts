import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { executeRun } from '../../src/execute/run.js';
import { djangoPlugin } from '../../src/runners/django/index.js';
import { scanRepo } from '../../src/scan/index.js';

const PYTHON = '/usr/bin/python3';
const FIXTURE = path.resolve('test/fixtures/django/shop');
const hasDjango = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import django'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function copy(fixture: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'seams-django-'));
  cpSync(fixture, root, { recursive: true });
  return root;
}

/** What `manage.py test -v 2` ran, by id, read from its own output. */
function realDjangoIds(root: string): string[] {
  let out = '';
  try {
    out = execFileSync(PYTHON, ['manage.py', 'test', '-v', '2', '--noinput'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    out = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
  }
  const ids = new Set<string>();
  for (const line of out.split('\n')) {
    const m = /^(\w+) \(([\w.]+)\) \.\.\. /.exec(line) ?? /^(\w+) \(([\w.]+)\)\s*$/.exec(line);
    if (m) ids.add(m[2]!.endsWith(`.${m[1]}`) ? m[2]! : `${m[2]}.${m[1]}`);
  }
  return [...ids].sort();
}

const EXPECTED_IDS = [
  'apps.billing.tests.helpers.HelperTests.test_helper_runs_where_imported',
  'apps.billing.tests.test_api.ExportAPITests.test_export_csv',
  'apps.billing.tests.test_api.InvoiceAPITests.test_audit_log',
  'apps.billing.tests.test_api.InvoiceAPITests.test_broken',
  'apps.billing.tests.test_api.InvoiceAPITests.test_conditional',
  'apps.billing.tests.test_api.InvoiceAPITests.test_crash',
  'apps.billing.tests.test_api.InvoiceAPITests.test_create',
  'apps.billing.tests.test_api.InvoiceAPITests.test_fixed_bug',
  'apps.billing.tests.test_api.InvoiceAPITests.test_health',
  'apps.billing.tests.test_api.InvoiceAPITests.test_known_bug',
  'apps.billing.tests.test_api.InvoiceAPITests.test_pay',
  'apps.billing.tests.test_api.InvoiceAPITests.test_refund',
  'apps.billing.tests.test_models.ConcreteShape.test_shape',
  'apps.billing.tests.test_models.Inherited.test_more',
  'apps.billing.tests.test_models.Inherited.test_shared',
  'apps.billing.tests.test_models.InvoiceModelTests.testLegacyName',
  'apps.billing.tests.test_models.InvoiceModelTests.test_total',
  'apps.billing.tests.test_models.WithSubTests.test_sub',
  'apps.core.testing.BaseAPITestCase.test_health',
  'apps.core.testing.SharedSimpleTests.test_shared',
  'apps.notes.tests.NoteTests.test_note',
  'apps.notes.tests.NoteViewTests.test_view',
];

describe('django runner: static discovery', () => {
  it('lists the tests with Django labels: inherited tests under each subclass, mixins, imported classes, no namespace packages', async () => {
    const repo = await scanRepo(FIXTURE);
    const django = repo.tests.filter((t) => t.runner === 'django');
    expect(django.map((t) => t.id).sort()).toEqual(EXPECTED_IDS);
    expect(repo.runners).toEqual([{ runner: 'django', project: null, rootDir: '.', configFile: 'manage.py' }]);
  });

  it('is scanned by Django alone when there is no pytest configuration: no test claimed by two runners', async () => {
    const repo = await scanRepo(FIXTURE);
    expect(repo.tests.filter((t) => t.runner !== 'django')).toEqual([]);
    expect(new Set(repo.files.map((f) => f.runner))).toEqual(new Set(['django']));
    const owners = new Map<string, Set<string>>();
    for (const t of repo.tests) owners.set(t.file, (owners.get(t.file) ?? new Set()).add(t.runner));
    for (const s of owners.values()) expect(s.size).toBe(1);
  });

  it('steps back where pytest is configured, unless seams.yaml runners: chooses django', async () => {
    const root = copy(FIXTURE);
    writeFileSync(path.join(root, 'pytest.ini'), '[pytest]\nDJANGO_SETTINGS_MODULE = shop.settings\n');
    const repo = await scanRepo(root);
    expect(repo.tests.some((t) => t.runner === 'django')).toBe(false);
    expect(repo.tests.some((t) => t.runner === 'pytest')).toBe(true);
    expect(repo.diagnostics.map((d) => d.code)).toContain('DJANGO_PYTEST_CONFIGURED');
    const chosen = await scanRepo(root, { runners: { '.': ['django'] } });
    expect(chosen.tests.map((t) => t.runner).every((r) => r === 'django')).toBe(true);
    expect(chosen.tests.map((t) => t.id).sort()).toEqual(EXPECTED_IDS);
    expect(chosen.runners.map((r) => r.runner)).toEqual(['django']);
  });

  it('tiers by path and tags; status from skip, skipIf, expectedFailure and class decorators', async () => {
    const repo = await scanRepo(FIXTURE);
    const by = Object.fromEntries(repo.tests.map((t) => [t.id, t]));
    const api = 'apps.billing.tests.test_api.';
    expect(by[`${api}InvoiceAPITests.test_pay`]).toMatchObject({ markers: ['integration'], tier: 'integration' });
    expect(by[`${api}ExportAPITests.test_export_csv`]).toMatchObject({ markers: ['slow', 'integration'], tier: 'integration' });
    expect(by[`${api}InvoiceAPITests.test_create`]).toMatchObject({ status: 'active', file: 'apps/billing/tests/test_api.py', line: 10 });
    expect(by[`${api}InvoiceAPITests.test_refund`]!.status).toBe('skip');
    expect(by[`${api}InvoiceAPITests.test_conditional`]!.status).toBe('skip');
    expect(by[`${api}InvoiceAPITests.test_known_bug`]!.status).toBe('xfail');
    expect(by['apps.notes.tests.NoteTests.test_note']!.status).toBe('skip');
    expect(by[`${api}InvoiceAPITests.test_health`]!.refs.requirements).toEqual(['REQ-101']);
  });
});

describe.skipIf(!hasDjango)('django runner with the real Django', () => {
  it('scan ids equal what manage.py test runs', async () => {
    const root = copy(FIXTURE);
    const repo = await scanRepo(root);
    expect(realDjangoIds(root)).toEqual(repo.tests.map((t) => t.id).sort());
  }, 120_000);

  it('--verify: the native listing matches the inventory', async () => {
    const repo = await scanRepo(FIXTURE);
    const [report] = await djangoPlugin.verify(FIXTURE, repo, { python: PYTHON });
    expect(report!.error).toBeUndefined();
    expect(report).toMatchObject({ runner: 'django', nativeCount: EXPECTED_IDS.length, staticCount: EXPECTED_IDS.length, matched: EXPECTED_IDS.length, missing: [], extra: [], matchRate: 1 });
  }, 120_000);

  it('seams run stores per-test results with the outcomes mapped', async () => {
    const root = copy(FIXTURE);
    execFileSync('git', ['init', '-q'], { cwd: root });
    const config = await loadConfig(root);
    const inventory = await scanRepo(root);
    const o = await executeRun({ root, inventory, config, tiers: ['unit', 'integration'], env: { ...process.env, SEAMS_PYTHON: PYTHON }, log: () => {} });
    const by = Object.fromEntries(o.run.results.map((r) => [r.id, r]));
    const api = 'apps.billing.tests.test_api.InvoiceAPITests.';
    expect(by[`${api}test_create`]).toMatchObject({ status: 'passed', known: true, runner: 'django', file: 'apps/billing/tests/test_api.py' });
    expect(by[`${api}test_health`]).toMatchObject({ status: 'passed', known: true });
    expect(by[`${api}test_audit_log`]!.status).toBe('passed');
    expect(by[`${api}test_broken`]).toMatchObject({ status: 'failed', message: expect.stringContaining("'a' != 'b'") });
    expect(by[`${api}test_crash`]).toMatchObject({ status: 'error', message: expect.stringContaining('RuntimeError: boom') });
    expect(by[`${api}test_refund`]).toMatchObject({ status: 'skipped', reason: 'payments provider sandbox is down' });
    expect(by[`${api}test_known_bug`]).toMatchObject({ status: 'xfailed', reason: expect.stringMatching(/^xfail: /) });
    expect(by[`${api}test_fixed_bug`]).toMatchObject({ status: 'failed', message: expect.stringContaining('unexpected success') });
    expect(by['apps.billing.tests.test_models.WithSubTests.test_sub']!.status).toBe('failed');
    expect(by['apps.notes.tests.NoteTests.test_note']).toMatchObject({ status: 'skipped', reason: 'whole class skipped' });
    expect(o.run.results.every((r) => r.known)).toBe(true);
    expect(o.run.results).toHaveLength(EXPECTED_IDS.length);
    expect(existsSync(path.join(root, 'seams_django_runner.py'))).toBe(false); // shipped code stays in the scratch folder
  }, 180_000);

  it('collect: lists chosen files natively through the listing runner', async () => {
    const input = { root: FIXTURE, rootDir: '.', project: null, files: ['apps/notes/tests.py'], python: PYTHON, workDir: mkdtempSync(path.join(tmpdir(), 'seams-collect-')) };
    const spec = djangoPlugin.collect.command(input);
    expect(spec.argv.slice(-1)).toEqual(['apps.notes.tests']);
    for (const f of spec.files ?? []) writeFileSync(f.path, f.content);
    const out = execFileSync(spec.argv[0]!, spec.argv.slice(1), { cwd: spec.cwd, encoding: 'utf8' });
    const listed = djangoPlugin.collect.parse({ stdout: out, stderr: '', code: 0, report: null }, input).tests;
    expect(listed.map((t) => t.id).sort()).toEqual(['apps.notes.tests.NoteTests.test_note', 'apps.notes.tests.NoteViewTests.test_view']);
    // each id on its file, with the title path of the static scan
    const inventory = await scanRepo(FIXTURE);
    for (const t of listed) {
      expect(t.file).toBe('apps/notes/tests.py');
      expect(t.titlePath).toEqual(inventory.tests.find((s) => s.id === t.id)!.titlePath);
    }
  }, 60_000);

  it('adopts a configured python manage.py test command', () => {
    const spec = djangoPlugin.adoptCommand(['python3', 'manage.py', 'test', 'apps.billing'], '/tmp/w/t.xml', ['-v', '2'])!;
    expect(spec.argv).toEqual(['python3', '/tmp/w/seams_manage.py', 'manage.py', 'test', 'apps.billing', '--testrunner', 'seams_django_runner.JUnitRunner', '-v', '2']);
    expect(spec.env).toEqual({ SEAMS_JUNIT_XML: '/tmp/w/t.xml' });
    expect(djangoPlugin.adoptCommand(['python3', '-m', 'pytest'], '/tmp/w/t.xml', [])).toBeNull();
  });

  it('buildCommand is pure: argv, env and the files to write', () => {
    const spec = djangoPlugin.buildCommand({
      root: '/repo',
      project: null,
      rootDir: '.',
      tests: [],
      allTests: [],
      exclude: new Set(),
      resultFile: '/tmp/w/r.xml',
      workDir: '/tmp/w',
      extraArgs: ['--parallel', '2'],
      python: 'python3',
    });
    expect(spec.argv).toEqual(['python3', '/tmp/w/seams_manage.py', '/repo/manage.py', 'test', '--testrunner', 'seams_django_runner.JUnitRunner', '--noinput', '--parallel', '2']);
    expect(spec.env).toEqual({ SEAMS_JUNIT_XML: '/tmp/w/r.xml' });
    expect(spec.files!.map((f) => path.basename(f.path)).sort()).toEqual(['seams_django_runner.py', 'seams_manage.py', 'seams_unittest_junit.py']);
  });
});
