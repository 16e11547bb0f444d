import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scanConfigured } from '../../src/scan/configured.js';
import { runners } from '../../src/runners/registry.js';
import type { RepoInventory } from '../../src/core/types.js';
import { runCli } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo.js';

/**
 * The scan cache (.seams/cache): a second scan of an unchanged repository runs no plugin, and every
 * kind of input a scan reads changes the answer when it changes — each edit below is checked
 * against a scan without the cache.
 */

const roots: string[] = [];
const repo = (files: Record<string, string>) => {
  const r = writeRepo(files, 'seams-cache-');
  roots.push(r);
  return r;
};
afterEach(() => {
  vi.restoreAllMocks();
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

const scanWith = async (root: string, cache: boolean, env: NodeJS.ProcessEnv = {}) => (await scanConfigured([root], { cache, env })).repos[0]!;
/** What a scan says, without the parts that do not depend on the inventory's content. */
const view = (inv: RepoInventory) => ({ runners: inv.runners, files: inv.files, tests: inv.tests.map((t) => [t.runner, t.id, t.tier, t.dynamic, t.markers.join(',')]), diagnostics: inv.diagnostics });

/** Counts the runner plugins' scans from here on. */
function countScans(): () => number {
  const spies = runners.map((p) => vi.spyOn(p, 'scan'));
  const calls = () => spies.reduce((n, s) => n + s.mock.calls.length, 0);
  const base = calls();
  return () => calls() - base;
}

const PYTEST_REPO = {
  'pyproject.toml': '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
  'tests/conftest.py': 'import pytest\n\n@pytest.fixture(params=[1, 2])\ndef num(request):\n    return request.param\n',
  'tests/cases.py': 'CASES = ["a", "b"]\n',
  'tests/test_one.py': 'import pytest\nfrom tests.cases import CASES\n\n@pytest.mark.parametrize("c", CASES)\ndef test_case(c):\n    pass\n\ndef test_num(num):\n    pass\n',
  'tests/__init__.py': '',
  'src/app.py': 'def f():\n    return 1\n',
};

const VITEST_REPO = {
  'package.json': '{ "name": "web", "private": true, "devDependencies": { "vitest": "^3.0.0" } }',
  'vitest.config.ts': "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['test/**/*.test.ts'] } });\n",
  'test/titles.ts': "export const NAMES = ['alpha', 'beta'];\n",
  'test/a.test.ts': "import { test } from 'vitest';\nimport { NAMES } from './titles';\nfor (const n of NAMES) test(`t ${n}`, () => {});\n",
  'other/b.test.ts': "import { test } from 'vitest';\ntest('outside the include', () => {});\n",
};

describe('scan cache', () => {
  it('a second scan of an unchanged repository runs no plugin and gives the same inventory', async () => {
    const root = repo({ ...PYTEST_REPO, 'seams.yaml': 'tiers:\n  smoke:\n    markers: [smoke]\n' });
    const first = await scanWith(root, true);
    const scans = countScans();
    const second = await scanWith(root, true);
    expect(scans()).toBe(0);
    expect(second.inventory).toEqual(first.inventory);
    expect(second.config.config).toEqual(first.config.config);
    expect(second.config.user).toEqual(first.config.user);
    // the config restored from the cache still points at its lines
    expect(second.config.locate(['tiers', 'smoke', 'markers'])).toBe(first.config.locate(['tiers', 'smoke', 'markers']));
    expect(second.config.locate(['tiers', 'nothing', 'here'])).toBe(first.config.locate(['tiers', 'nothing', 'here']));
    expect(first.inventory.tests.length).toBe(4);
  });

  it('a config holding a secret is not written to the cache: the scan is cached, the config parsed again from seams.yaml', async () => {
    const yaml = 'services:\n  api:\n    command: sleep 100\n    env:\n      TOKEN: { value: "s3cret-value-123", secret: true }\n';
    const root = repo({ ...PYTEST_REPO, 'seams.yaml': yaml });
    const first = await scanWith(root, true);
    const scans = countScans();
    const second = await scanWith(root, true);
    expect(scans()).toBe(0);
    expect(second.config.user).toEqual(first.config.user);
    expect(second.config.config).toEqual(first.config.config);
    const cacheDir = path.join(root, '.seams', 'cache');
    const slots = readdirSync(cacheDir, { recursive: true }).map(String).filter((f) => statSync(path.join(cacheDir, f)).isFile());
    expect(slots.some((f) => f.startsWith('inventory-'))).toBe(true);
    for (const f of slots) expect(readFileSync(path.join(cacheDir, f)).includes('s3cret-value-123'), f).toBe(false);
  });

  it('reads no source file of an unchanged repository: only the cache (stat is enough for the rest)', async () => {
    const root = repo(PYTEST_REPO);
    // files changed less than 2 s before the stat index was written are hashed again (racy entries)
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await scanWith(root, true);
    const { createRequire, syncBuiltinESMExports } = await import('node:module');
    const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');
    const read: string[] = [];
    const original = fs.readFileSync;
    fs.readFileSync = ((p: Parameters<typeof original>[0], ...rest: unknown[]) => {
      read.push(String(p));
      return (original as (...a: unknown[]) => unknown)(p, ...rest);
    }) as typeof original;
    syncBuiltinESMExports();
    try {
      await scanWith(root, true);
    } finally {
      fs.readFileSync = original;
      syncBuiltinESMExports();
    }
    const inRepo = read.filter((p) => p.startsWith(root));
    expect(inRepo.length).toBeGreaterThan(0);
    expect(inRepo.filter((p) => !p.startsWith(path.join(root, '.seams', 'cache')))).toEqual([]);
  });

  // each kind of input, edited: the cached scan must equal a scan without the cache, and differ from before
  const edits: [string, Record<string, string>, (root: string) => void][] = [
    ['a test file', PYTEST_REPO, (r) => appendFileSync(path.join(r, 'tests/test_one.py'), '\ndef test_new():\n    pass\n')],
    ['conftest.py', PYTEST_REPO, (r) => writeFileSync(path.join(r, 'tests/conftest.py'), 'import pytest\n\n@pytest.fixture(params=[1, 2, 3])\ndef num(request):\n    return request.param\n')],
    ['a module a test imports', PYTEST_REPO, (r) => writeFileSync(path.join(r, 'tests/cases.py'), 'CASES = ["a", "b", "c"]\n')],
    ['pyproject.toml (pytest options)', PYTEST_REPO, (r) => writeFileSync(path.join(r, 'pyproject.toml'), '[tool.pytest.ini_options]\ntestpaths = ["tests"]\naddopts = "--deselect tests/test_one.py::test_num"\n')],
    ['pytest.ini, added (it wins over pyproject.toml)', PYTEST_REPO, (r) => writeFileSync(path.join(r, 'pytest.ini'), '[pytest]\npython_functions = test_case\n')],
    ['a new test file', PYTEST_REPO, (r) => writeFileSync(path.join(r, 'tests/test_two.py'), 'def test_two():\n    pass\n')],
    ['a deleted test file', { ...PYTEST_REPO, 'tests/test_two.py': 'def test_two():\n    pass\n' }, (r) => rmSync(path.join(r, 'tests/test_one.py'))],
    ['seams.yaml', PYTEST_REPO, (r) => writeFileSync(path.join(r, 'seams.yaml'), 'tiers:\n  integration:\n    paths: ["tests/**"]\n')],
    ['a vitest test file', VITEST_REPO, (r) => appendFileSync(path.join(r, 'test/a.test.ts'), "test('more', () => {});\n")],
    ['a table a vitest test file imports', VITEST_REPO, (r) => writeFileSync(path.join(r, 'test/titles.ts'), "export const NAMES = ['alpha', 'gamma'];\n")],
    ['the vitest config', VITEST_REPO, (r) => writeFileSync(path.join(r, 'vitest.config.ts'), "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['**/*.test.ts'] } });\n")],
    ['package.json', VITEST_REPO, (r) => writeFileSync(path.join(r, 'package.json'), '{ "name": "web", "private": true, "devDependencies": { "jest": "^29.0.0" } }')],
    [
      'an installed package (node_modules, outside the listing)',
      VITEST_REPO,
      (r) => {
        mkdirSync(path.join(r, 'node_modules/vitest'), { recursive: true });
        writeFileSync(path.join(r, 'node_modules/vitest/package.json'), '{ "name": "vitest", "version": "4.0.1" }');
      },
    ],
  ];
  for (const [what, files, edit] of edits)
    it(`an edit of ${what} changes the cached scan as it changes a fresh one`, async () => {
      const root = repo(files);
      const before = await scanWith(root, true);
      expect((await scanWith(root, true)).inventory).toEqual(before.inventory);
      edit(root);
      const cached = await scanWith(root, true);
      const fresh = await scanWith(root, false);
      expect(view(cached.inventory)).toEqual(view(fresh.inventory));
      expect(view(cached.inventory)).not.toEqual(view(before.inventory));
      // and the new answer is cached in turn
      const scans = countScans();
      expect(view((await scanWith(root, true)).inventory)).toEqual(view(fresh.inventory));
      expect(scans()).toBe(0);
    });

  it('a file rewritten with the same size and modification time is still seen (the stat index also keeps the change time)', async () => {
    const root = repo(PYTEST_REPO);
    const file = path.join(root, 'tests/cases.py');
    const before = await scanWith(root, true);
    const { atime, mtime } = statSync(file);
    writeFileSync(file, 'CASES = ["x", "y"]\n'); // same length as before
    utimesSync(file, atime, mtime);
    const after = await scanWith(root, true);
    expect(after.inventory.tests.map((t) => t.id)).toContain('tests/test_one.py::test_case[x]');
    expect(after.inventory).not.toEqual(before.inventory);
  });

  it('PYTHONPATH is part of the key', async () => {
    const root = repo(PYTEST_REPO);
    await scanWith(root, true, { PYTHONPATH: 'a' });
    const scans = countScans();
    await scanWith(root, true, { PYTHONPATH: 'a' });
    expect(scans()).toBe(0);
    await scanWith(root, true, { PYTHONPATH: 'b' });
    expect(scans()).toBeGreaterThan(0);
  });

  it('a corrupt entry is ignored, and rewritten by the next scan', async () => {
    const root = repo(PYTEST_REPO);
    const good = await scanWith(root, true);
    const dir = path.join(root, '.seams', 'cache');
    const slot = readdirSync(dir).find((f) => f.startsWith('inventory-'))!;
    const text = readFileSync(path.join(dir, slot), 'utf8');
    // a valid-looking entry whose payload was changed: the checksum fails
    writeFileSync(path.join(dir, slot), text.replace('test_case[a]', 'test_case[z]'));
    // and every parsed module truncated
    const modules = path.join(dir, 'py-module');
    for (const f of readdirSync(modules)) writeFileSync(path.join(modules, f), 'garbage');
    rmSync(path.join(dir, 'stat-index.slot'));
    const scans = countScans();
    const again = await scanWith(root, true);
    expect(scans()).toBeGreaterThan(0);
    expect(again.inventory).toEqual(good.inventory);
    expect(readFileSync(path.join(dir, slot), 'utf8')).toBe(text);
    const later = countScans();
    await scanWith(root, true);
    expect(later()).toBe(0);
  });

  it('.seams/cache is never scanned as source, and --no-cache neither reads nor writes it', async () => {
    const root = repo(PYTEST_REPO);
    const off = await scanWith(root, false);
    expect(existsSync(path.join(root, '.seams'))).toBe(false);
    await scanWith(root, true);
    // a Python file inside the cache folder would be collected if the cache were listed
    writeFileSync(path.join(root, '.seams', 'cache', 'test_cached.py'), 'def test_x():\n    pass\n');
    const on = await scanWith(root, true);
    expect(on.inventory.files.map((f) => f.file)).toEqual(off.inventory.files.map((f) => f.file));
    expect(on.inventory.tests.some((t) => t.file.startsWith('.seams'))).toBe(false);
    expect(readFileSync(path.join(root, '.seams', 'cache', '.gitignore'), 'utf8')).toContain('*');
  });

  it('a folder without tests is scanned again each time and left as it was', async () => {
    const root = repo({ 'README.md': '# nothing here\n' });
    await scanWith(root, true);
    expect(readdirSync(root)).toEqual(['README.md']);
  });

  it('an edited test file is parsed again; the other modules come from the per-file cache', async () => {
    const root = repo({ ...PYTEST_REPO, 'tests/test_two.py': 'def test_two():\n    pass\n' });
    await scanWith(root, true);
    const modules = path.join(root, '.seams', 'cache', 'py-module');
    const entries = () => readdirSync(modules);
    const before = entries();
    appendFileSync(path.join(root, 'tests/test_two.py'), '\ndef test_three():\n    pass\n');
    const after = await scanWith(root, true);
    expect(after.inventory.tests.map((t) => t.id)).toContain('tests/test_two.py::test_three');
    // one new parse result: the edited file's
    expect(entries().filter((e) => !before.includes(e))).toHaveLength(1);
  });

  it('--no-cache on every command that scans; seams scan --no-cache writes nothing, and without it the next scan is cached', async () => {
    for (const cmd of ['scan', 'gaps', 'trace', 'run', 'gate', 'report', 'ingest', 'services up']) {
      const r = await runCli([...cmd.split(' '), '--help']);
      expect(r.stdout, cmd).toContain('--no-cache');
    }
    const root = repo(PYTEST_REPO);
    const off = await runCli(['scan', root, '--no-cache', '--format', 'json']);
    expect(off.code).toBe(0);
    expect(existsSync(path.join(root, '.seams'))).toBe(false);
    const on = await runCli(['scan', root, '--format', 'json']);
    expect(on.stdout).toBe(off.stdout);
    expect(existsSync(path.join(root, '.seams', 'cache'))).toBe(true);
    const scans = countScans();
    expect((await runCli(['scan', root, '--format', 'json'])).stdout).toBe(off.stdout);
    expect(scans()).toBe(0);
    await runCli(['gaps', root, '--no-cache']);
    expect(scans()).toBeGreaterThan(0);
  });
});
