/**
 * `scan --resolve` against the real tools: pytest, `vitest list`, `playwright test --list`. The
 * files whose tests seams can only list as `dynamic` are listed by the runner, and the inventory
 * then holds exactly the runner's ids; errors, a missing runner and a timeout keep the static
 * result; a second scan of an unchanged repository is answered from the cache without starting
 * any process.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/core/tiers.js';
import type { RepoInventory } from '../../src/core/types.js';
import { scanRepo } from '../../src/scan/index.js';
import { resolveDynamic, type ResolveOptions } from '../../src/scan/resolve.js';
import { writeRepo } from '../helpers/repo.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeModules = path.resolve(here, '../../node_modules');
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const repo = (files: Record<string, string>) => {
  const root = writeRepo(files, 'seams-resolve-');
  made.push(root);
  return root;
};

const classifier = createClassifier([]);
const resolve = (inv: RepoInventory, o: Partial<ResolveOptions> = {}) => resolveDynamic(inv, { python: 'python3', classifier, concurrency: 2, ...o });
const ids = (inv: RepoInventory, runner: string) =>
  inv.tests
    .filter((t) => t.runner === runner)
    .map((t) => `${t.project ?? ''}|${t.id}`)
    .sort();

/** `python3 -m pytest --collect-only` over the whole repo: the ids the inventory must hold. */
function pytestIds(root: string): string[] {
  let out: string;
  try {
    out = execFileSync('python3', ['-m', 'pytest', '--collect-only', '-q', '-p', 'no:cacheprovider'], { cwd: root, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  } catch (error) {
    out = (error as { stdout: string }).stdout; // exit 2: collection errors, the listing is still there
  }
  const lines = out.split('\n');
  return lines.slice(0, lines.indexOf('')).map((id) => `|${id}`).sort();
}

const PYTEST_REPO = {
  'pytest.ini': '[pytest]\nmarkers =\n    slow: slow tests\n    integration: integration tests\n',
  'tests/cases.txt': 'alpha beta gamma\n',
  'tests/conftest.py': 'import pytest\n\n@pytest.fixture\ndef thing():\n    return 1\n',
  // the values come from a file read when pytest imports the module: not known statically
  'tests/test_dyn.py': [
    'import pathlib',
    'import pytest',
    '',
    'CASES = pathlib.Path(__file__).with_name("cases.txt").read_text().split()',
    '',
    '@pytest.mark.integration',
    '@pytest.mark.parametrize("name", CASES)',
    'def test_case(name, thing):',
    '    """Covers FR-123."""',
    '    assert name',
    '',
    'class TestKinds:',
    '    @pytest.mark.parametrize("kind", CASES[:2])',
    '    def test_kind(self, kind):',
    '        pass',
    '',
    'def test_static():',
    '    pass',
    '',
  ].join('\n'),
  'tests/test_plain.py': 'def test_one():\n    pass\n',
};

describe('pytest', () => {
  it('lists the dynamic files natively: the ids pytest collects, with what seams knew of each test', async () => {
    const root = repo(PYTEST_REPO);
    const before = await scanRepo(root);
    const dynamic = before.tests.filter((t) => t.dynamic);
    expect(dynamic.map((t) => t.id).sort()).toEqual(['tests/test_dyn.py::TestKinds::test_kind', 'tests/test_dyn.py::test_case']);
    const { repo: after, stats } = await resolve(before);
    // nothing is written into the repository but the cache (pytest's own cache is turned off)
    expect(readdirSync(root).filter((f) => f !== '.benchmarks').sort()).toEqual(['.seams', 'pytest.ini', 'tests']);
    expect(existsSync(path.join(root, 'tests/__pycache__'))).toBe(false);
    expect(ids(after, 'pytest')).toEqual(pytestIds(root));
    expect(after.tests.some((t) => t.dynamic)).toBe(false);
    expect(stats).toEqual([{ runner: 'pytest', files: 1, resolvedFiles: 1, cached: 0, commands: 1 }]);
    // a resolved test keeps what the static test it comes from said: marks, tier, line, refs
    const beta = after.tests.find((t) => t.id === 'tests/test_dyn.py::test_case[beta]')!;
    expect(beta).toMatchObject({ resolvedBy: 'pytest', markers: ['integration'], tier: 'integration', tierSource: 'marker:integration', line: 8, dynamic: false, status: 'active' });
    expect(beta.refs.requirements).toEqual(['FR-123']);
    expect(beta.titlePath).toEqual(['test_case[beta]']);
    expect(beta.name).toBe('test_case[beta]');
    expect(after.tests.find((t) => t.id === 'tests/test_dyn.py::TestKinds::test_kind[alpha]')!.titlePath).toEqual(['TestKinds', 'test_kind[alpha]']);
    // a test seams found statically is kept as it was, not marked
    const stat = before.tests.find((t) => t.id === 'tests/test_dyn.py::test_static')!;
    expect(after.tests.find((t) => t.id === stat.id)).toEqual(stat);
    expect(after.tests.filter((t) => t.file === 'tests/test_plain.py')).toEqual(before.tests.filter((t) => t.file === 'tests/test_plain.py'));
    // the file's test count follows
    expect(after.files.find((f) => f.file === 'tests/test_dyn.py')!.tests).toBe(3 + 2 + 1);
  }, 60_000);

  it("a file pytest cannot import keeps its static tests, with pytest's own error", async () => {
    const root = repo({
      ...PYTEST_REPO,
      'tests/test_broken.py': 'import pytest\nCASES = open(__file__).read().split()[:2]\nraise RuntimeError("broken on purpose")\n\n@pytest.mark.parametrize("c", CASES)\ndef test_c(c):\n    pass\n',
    });
    const before = await scanRepo(root);
    const { repo: after } = await resolve(before);
    const d = after.diagnostics.filter((x) => x.code === 'RESOLVE_COLLECTION_ERROR');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ severity: 'warning', file: 'tests/test_broken.py', runner: 'pytest' });
    expect(d[0]!.message).toContain('RuntimeError: broken on purpose');
    expect(after.tests.filter((t) => t.file === 'tests/test_broken.py')).toEqual(before.tests.filter((t) => t.file === 'tests/test_broken.py'));
    // the other dynamic file of the same command is resolved
    expect(after.tests.filter((t) => t.resolvedBy).length).toBe(5);
  }, 60_000);

  it('no interpreter, or no pytest for it: said once, the static result kept', async () => {
    const root = repo(PYTEST_REPO);
    const before = await scanRepo(root);
    const gone = await resolve(before, { python: path.join(root, 'no-such-python') });
    expect(gone.repo.tests).toEqual(before.tests);
    const missing = gone.repo.diagnostics.filter((d) => d.code === 'RESOLVE_RUNNER_MISSING');
    expect(missing).toHaveLength(1);
    expect(missing[0]!.message).toContain('not found');
    expect(missing[0]!.message).toContain('--python');
    // a real interpreter that has no pytest (no site-packages at all)
    const bin = path.join(root, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'python-nosite'), '#!/bin/sh\nexec python3 -S "$@"\n');
    chmodSync(path.join(bin, 'python-nosite'), 0o755);
    const bare = await resolve(before, { python: path.join(bin, 'python-nosite') });
    expect(bare.repo.tests).toEqual(before.tests);
    const said = bare.repo.diagnostics.filter((d) => d.code === 'RESOLVE_RUNNER_MISSING');
    expect(said).toHaveLength(1);
    expect(said[0]!.message).toMatch(/pytest is not installed for .*python-nosite/);
  }, 60_000);

  it('a collector that hangs is stopped at the timeout, with everything it started', async () => {
    const root = repo({
      ...PYTEST_REPO,
      'tests/conftest.py':
        'import os, pathlib, subprocess, time\nchild = subprocess.Popen(["sleep", "60"])\npathlib.Path(os.environ["SEAMS_TEST_PIDFILE"]).write_text(str(child.pid))\ntime.sleep(60)\n',
    });
    const pidFile = path.join(root, 'child.pid');
    const before = await scanRepo(root);
    const started = Date.now();
    const { repo: after } = await resolve(before, { timeoutMs: 3000, env: { ...process.env, SEAMS_TEST_PIDFILE: pidFile } });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(after.tests).toEqual(before.tests);
    const d = after.diagnostics.filter((x) => x.code === 'RESOLVE_TIMEOUT');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toContain('within 3 s');
    // the conftest's own child went with the process group
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 300));
    // gone, or a zombie waiting for its reaper
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    expect(stat === '' || /^\d+ \([^)]*\) Z/.test(stat)).toBe(true);
  }, 60_000);
});

describe('the cache', () => {
  /**
   * An interpreter on PATH that records each start, then runs the real one; beside it the
   * dist-info folder the identity is read from (pytest-<version>.dist-info), as in a real install.
   */
  function recordingPython(root: string, version = '9.0.3'): { env: NodeJS.ProcessEnv; calls: () => number; setVersion: (v: string) => void } {
    const prefix = path.join(root, '..', `${path.basename(root)}-python`);
    made.push(prefix);
    const bin = path.join(prefix, 'bin');
    mkdirSync(bin, { recursive: true });
    const real = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    const log = path.join(prefix, 'calls.log');
    writeFileSync(path.join(bin, 'python3'), `#!/bin/sh\necho call >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(path.join(bin, 'python3'), 0o755);
    const site = path.join(prefix, 'lib', 'python3.11', 'site-packages');
    const setVersion = (v: string) => {
      rmSync(site, { recursive: true, force: true });
      mkdirSync(path.join(site, `pytest-${v}.dist-info`), { recursive: true });
    };
    setVersion(version);
    return {
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
      calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0),
      setVersion,
    };
  }

  it('a second scan of an unchanged repository starts no process; a change of what collection reads starts it again', async () => {
    const root = repo(PYTEST_REPO);
    const py = recordingPython(root);
    const run = async (env = py.env) => resolve(await scanRepo(root), { env });
    const first = await run();
    expect(py.calls()).toBe(1);
    const second = await run();
    expect(py.calls()).toBe(1);
    expect(second.repo.tests).toEqual(first.repo.tests);
    expect(second.stats[0]).toMatchObject({ cached: 1, commands: 0 });
    // each input of the key: the file, its conftest chain, the ini file, PYTHONPATH, the installed pytest
    const steps: [string, () => void][] = [
      ['test file', () => writeFileSync(path.join(root, 'tests/test_dyn.py'), `${PYTEST_REPO['tests/test_dyn.py']}\n# edited\n`)],
      ['conftest.py', () => writeFileSync(path.join(root, 'tests/conftest.py'), `${PYTEST_REPO['tests/conftest.py']}\n# edited\n`)],
      ['root conftest.py added', () => writeFileSync(path.join(root, 'conftest.py'), '\n')],
      ['pytest.ini', () => writeFileSync(path.join(root, 'pytest.ini'), `${PYTEST_REPO['pytest.ini']}    other: x\n`)],
      ['pytest upgraded', () => py.setVersion('9.1.0')],
    ];
    let calls = 1;
    for (const [what, change] of steps) {
      change();
      await run();
      expect(py.calls(), what).toBe(++calls);
      await run();
      expect(py.calls(), `${what}, unchanged again`).toBe(calls);
    }
    await run({ ...py.env, PYTHONPATH: root });
    expect(py.calls(), 'PYTHONPATH').toBe(++calls);
    // the data file the module reads is not part of the key: documented, and cache: false reads it
    writeFileSync(path.join(root, 'tests/cases.txt'), 'alpha beta gamma delta\n');
    const stale = await run();
    expect(stale.repo.tests.filter((t) => t.id.startsWith('tests/test_dyn.py::test_case[')).length).toBe(3);
    const fresh = await resolve(await scanRepo(root), { env: py.env, cache: false });
    expect(fresh.repo.tests.filter((t) => t.id.startsWith('tests/test_dyn.py::test_case[')).length).toBe(4);
  }, 120_000);

  it('a corrupt entry is not trusted: the runner is asked again and the entry rewritten', async () => {
    const root = repo(PYTEST_REPO);
    const py = recordingPython(root);
    const first = await resolve(await scanRepo(root), { env: py.env });
    const dir = path.join(root, '.seams', 'cache', 'resolved');
    const [entry] = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    const file = path.join(entry!.parentPath, entry!.name);
    const good = readFileSync(file, 'utf8');
    // cut short (a crash mid-write), and changed (the checksum no longer holds)
    for (const corrupt of [good.slice(0, good.length / 2), good.replace('test_case[beta]', 'test_case[BETA]')]) {
      writeFileSync(file, corrupt);
      const calls = py.calls();
      const again = await resolve(await scanRepo(root), { env: py.env });
      expect(py.calls()).toBe(calls + 1);
      expect(again.repo.tests).toEqual(first.repo.tests);
      expect(readFileSync(file, 'utf8')).toBe(good);
    }
  }, 120_000);

  it('an interpreter whose pytest cannot be found from its files is not cached', async () => {
    const root = repo(PYTEST_REPO);
    const py = recordingPython(root);
    rmSync(path.join(root, '..', `${path.basename(root)}-python`, 'lib'), { recursive: true });
    await resolve(await scanRepo(root), { env: py.env });
    await resolve(await scanRepo(root), { env: py.env });
    expect(py.calls()).toBe(2);
    expect(existsSync(path.join(root, '.seams', 'cache', 'resolved'))).toBe(false);
  }, 120_000);
});

/** A JS repository in a temp folder that finds the runners installed for seams. */
function jsRepo(files: Record<string, string>): string {
  const root = repo(files);
  symlinkSync(nodeModules, path.join(root, 'node_modules'));
  return root;
}

describe('vitest list', () => {
  const names = "import { readFileSync } from 'node:fs';\nconst names: string[] = JSON.parse(readFileSync(new URL('./names.json', import.meta.url), 'utf8'));\n";
  const files = {
    'package.json': '{ "name": "vd", "type": "module", "devDependencies": { "vitest": "*" } }\n',
    'vitest.config.ts': "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['src/**/*.test.ts'] } });\n",
    'src/names.json': '["one", "two", "three"]\n',
    'src/dyn.test.ts': `import { describe, it } from 'vitest';\n${names}describe('cases', () => {\n  for (const n of names) it(\`case \${n} @integration\`, () => {});\n  it('static one', () => {});\n  it.skip('skipped one', () => {});\n  it.todo('todo one');\n});\n`,
    'src/plain.test.ts': "import { it } from 'vitest';\nit('plain', () => {});\n",
  };

  it('lists the dynamic files natively; the skipped and todo tests vitest list leaves out stay', async () => {
    const root = jsRepo(files);
    const before = await scanRepo(root);
    expect(before.tests.filter((t) => t.dynamic).length).toBe(1);
    const { repo: after } = await resolve(before);
    expect(after.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const dyn = after.tests.filter((t) => t.file === 'src/dyn.test.ts');
    expect(dyn.map((t) => `${t.id} ${t.status}${t.resolvedBy ? ' resolved' : ''}`).sort()).toEqual([
      'src/dyn.test.ts > cases > case one @integration active resolved',
      'src/dyn.test.ts > cases > case three @integration active resolved',
      'src/dyn.test.ts > cases > case two @integration active resolved',
      'src/dyn.test.ts > cases > skipped one skip',
      'src/dyn.test.ts > cases > static one active',
      'src/dyn.test.ts > cases > todo one todo',
    ]);
    // the line of the loop's test call ties each listed test to the dynamic one: its markers and tier
    const one = dyn.find((t) => t.id.includes('case one'))!;
    expect(one).toMatchObject({ line: 5, titlePath: ['cases', 'case one @integration'], name: 'cases > case one @integration' });
    const origin = before.tests.find((t) => t.dynamic)!;
    expect(one.tier).toBe(origin.tier);
    expect(one.markers).toEqual(origin.markers);
    expect(after.tests.filter((t) => t.file === 'src/plain.test.ts')).toEqual(before.tests.filter((t) => t.file === 'src/plain.test.ts'));
  }, 120_000);

  it('a file that fails to load: its error, and the other files listed one by one', async () => {
    const root = jsRepo({ ...files, 'src/broken.test.ts': `import { it } from 'vitest';\n${names}throw new Error('broken on purpose');\nfor (const n of names) it(n, () => {});\n` });
    const before = await scanRepo(root);
    const { repo: after, stats } = await resolve(before);
    const d = after.diagnostics.filter((x) => x.code === 'RESOLVE_COLLECTION_ERROR');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ file: 'src/broken.test.ts' });
    expect(d[0]!.message).toContain('broken on purpose');
    expect(after.tests.filter((t) => t.file === 'src/broken.test.ts')).toEqual(before.tests.filter((t) => t.file === 'src/broken.test.ts'));
    expect(after.tests.filter((t) => t.resolvedBy).length).toBe(3);
    // vitest names the file that failed (❯ src/broken.test.ts:3:7): only the other is listed again
    expect(stats[0]!.commands).toBe(2);
  }, 120_000);

  it('a runner that fails for every file alone is not asked file after file', async () => {
    const dyn = (i: number) => `import { it } from 'vitest';\n${names}for (const n of names) it(\`${i} \${n}\`, () => {});\n`;
    const root = jsRepo({
      ...files,
      'vitest.config.ts': "import { defineConfig } from 'vitest/config';\nif (!process.env.NEVER_SET) throw new Error('config broken');\nexport default defineConfig({ test: { include: ['src/**/*.test.ts'] } });\n",
      'src/d1.test.ts': dyn(1),
      'src/d2.test.ts': dyn(2),
      'src/d3.test.ts': dyn(3),
    });
    const before = await scanRepo(root);
    expect(new Set(before.tests.filter((t) => t.dynamic).map((t) => t.file)).size).toBe(4);
    const { repo: after, stats } = await resolve(before, { concurrency: 1 });
    expect(after.tests).toEqual(before.tests);
    // all four together, then two alone that fail the same way: the other two are not tried
    expect(stats[0]!.commands).toBe(3);
    const d = after.diagnostics.filter((x) => x.code === 'RESOLVE_COLLECTION_ERROR');
    expect(d.at(-1)!.message).toMatch(/failed the same way for every file it was given alone \(.*config broken.*\); 2 files \(.*\) not tried/);
  }, 120_000);

  it('not installed: said once, nothing started, the static result kept', async () => {
    const root = repo(files);
    const before = await scanRepo(root);
    const { repo: after, stats } = await resolve(before);
    expect(after.tests).toEqual(before.tests);
    expect(stats[0]!.commands).toBe(0);
    const d = after.diagnostics.filter((x) => x.code === 'RESOLVE_RUNNER_MISSING');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toContain('vitest is not installed');
  });
});

describe('playwright test --list', () => {
  it('lists the dynamic files natively, once per project', async () => {
    const root = jsRepo({
      'package.json': '{ "name": "pd", "devDependencies": { "@playwright/test": "*" } }\n',
      'playwright.config.ts': "import { defineConfig } from '@playwright/test';\nexport default defineConfig({ testDir: './e2e', projects: [{ name: 'a' }, { name: 'b' }] });\n",
      'e2e/names.json': '["x", "y"]\n',
      'e2e/dyn.spec.ts':
        "import { test } from '@playwright/test';\nimport { readFileSync } from 'node:fs';\nimport path from 'node:path';\nconst names: string[] = JSON.parse(readFileSync(path.join(__dirname, 'names.json'), 'utf8'));\ntest.describe('group', () => {\n  for (const n of names) test(`page ${n}`, async () => {});\n});\ntest('fixed', async () => {});\n",
      'e2e/plain.spec.ts': "import { test } from '@playwright/test';\ntest('plain', async () => {});\n",
    });
    const before = await scanRepo(root);
    expect(before.tests.filter((t) => t.dynamic).map((t) => t.project).sort()).toEqual(['a', 'b']);
    const { repo: after } = await resolve(before);
    expect(after.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(ids(after, 'playwright')).toEqual(
      ['a', 'b']
        .flatMap((p) => [`${p}|e2e/dyn.spec.ts > fixed`, `${p}|e2e/dyn.spec.ts > group > page x`, `${p}|e2e/dyn.spec.ts > group > page y`, `${p}|e2e/plain.spec.ts > plain`])
        .sort(),
    );
    const x = after.tests.find((t) => t.project === 'b' && t.id === 'e2e/dyn.spec.ts > group > page x')!;
    expect(x).toMatchObject({ resolvedBy: 'playwright', line: 6, name: 'group › page x', tier: 'e2e' });
  }, 120_000);
});

describe('runners without a collector', () => {
  it('Jest: said once what stays dynamic', async () => {
    const root = repo({
      'package.json': '{ "name": "jd", "devDependencies": { "jest": "*" } }\n',
      'a.test.js': "const names = require('fs').readdirSync(__dirname);\nfor (const n of names) test(n, () => {});\n",
      'b.test.js': "const more = require('fs').readdirSync(__dirname);\nmore.forEach((n) => test(n, () => {}));\n",
    });
    const before = await scanRepo(root);
    const { repo: after } = await resolve(before);
    expect(after.tests).toEqual(before.tests);
    const d = after.diagnostics.filter((x) => x.code === 'RESOLVE_UNSUPPORTED');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ severity: 'info', runner: 'jest' });
    expect(d[0]!.message).toBe('--resolve: Jest cannot list its tests without running them; 2 dynamic tests in 2 files stay as found statically');
  });
});
