import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { jestPlugin } from '../../src/runners/jest/plugin.js';
import { mochaPlugin } from '../../src/runners/mocha/plugin.js';
import { nodeTestPlugin } from '../../src/runners/node-test/plugin.js';
import { playwrightPlugin } from '../../src/runners/playwright/plugin.js';
import { majorOfRange } from '../../src/runners/vitest/index.js';
import { vitestPlugin } from '../../src/runners/vitest/plugin.js';
import { scanRepo } from '../../src/scan/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => path.join(here, '../fixtures/js', name);
const plugins = [vitestPlugin, jestPlugin, playwrightPlugin, mochaPlugin, nodeTestPlugin];

const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'seams-js-config-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

/** Writes a throw-away repo (outside any node_modules tree) from a map of files. */
function repo(name: string, files: Record<string, string>): string {
  const root = path.join(tmpRoot, name);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), text);
  }
  return root;
}
const VITEST_PKG = JSON.stringify({ name: 'r', devDependencies: { vitest: '*' } });
const fakeVitest = (version: string) => JSON.stringify({ name: 'vitest', version });

describe('Vitest version-dependent defaults', () => {
  const files = {
    'package.json': VITEST_PKG,
    'src/a.test.ts': "import { it } from 'vitest'; it('a', () => {});",
    'dist/a.test.js': "it('built copy', () => {});",
    'vitest.workspace.ts': "export default [{ test: { name: 'from-workspace' } }];",
  };

  it('Vitest 3: dist/ is excluded by default and vitest.workspace.* is read', async () => {
    const root = repo('v3', { ...files, 'node_modules/vitest/package.json': fakeVitest('3.2.4') });
    const inv = await scanRepo(root, { plugins: [vitestPlugin] });
    expect(inv.runners).toEqual([{ runner: 'vitest', project: 'from-workspace', rootDir: '', configFile: null, version: '3.2.4' }]);
    expect(inv.tests.map((t) => t.file)).toEqual(['src/a.test.ts']);
  });

  it('Vitest 4: dist/ is collected and the workspace file is ignored with a diagnostic', async () => {
    const root = repo('v4', { ...files, 'node_modules/vitest/package.json': fakeVitest('4.0.5') });
    const inv = await scanRepo(root, { plugins: [vitestPlugin] });
    expect(inv.tests.map((t) => t.file).sort()).toEqual(['dist/a.test.js', 'src/a.test.ts']);
    expect(inv.diagnostics.map((d) => d.code)).toContain('VITEST_WORKSPACE_IGNORED');
  });

  it('a missing node_modules is a diagnostic, and Vitest 4 defaults are used', async () => {
    const root = repo('no-modules', { 'package.json': VITEST_PKG, 'a.spec.ts': "it('x', () => {});" });
    const inv = await scanRepo(root, { plugins: [vitestPlugin] });
    expect(inv.tests).toHaveLength(1);
    expect(inv.diagnostics).toContainEqual(expect.objectContaining({ code: 'RUNNER_NOT_INSTALLED', runner: 'vitest', file: 'package.json' }));
  });
});

describe('Vitest version from the declared range when nothing is installed', () => {
  it('majorOfRange reads the major npm would install', () => {
    const cases: [string, number | undefined][] = [
      ['^3.0.0', 3], ['~3.2.1', 3], ['3.x', 3], ['3', 3], ['=3.1.0', 3], ['v3.2.4', 3], ['>=3.0.0 <4', 3], ['>=3 <4.0.0', 3],
      ['>=3.2 <=4', 4], ['<4.1', 4], ['^2.1.0 || ^3.0.0', 3], ['3.0.0 - 4.0.0', 4], ['workspace:^3.1.0', 3], ['npm:vitest@^3.0.0', 3],
      ['*', undefined], ['latest', undefined], ['>=3', undefined], ['workspace:*', undefined], ['catalog:', undefined],
    ];
    for (const [range, major] of cases) expect([range, majorOfRange(range)]).toEqual([range, major]);
  });

  const files = (range: string) => ({
    'package.json': JSON.stringify({ name: 'r', devDependencies: { vitest: range } }),
    'src/a.test.ts': "it('a', () => {});",
    'dist/a.test.js': "it('built copy', () => {});",
  });

  it('"^3.0.0" without node_modules: v3 defaults (dist/ excluded), and the diagnostic says why', async () => {
    const inv = await scanRepo(repo('range-v3', files('^3.0.0')), { plugins: [vitestPlugin] });
    expect(inv.tests.map((t) => t.file)).toEqual(['src/a.test.ts']);
    const d = inv.diagnostics.find((x) => x.code === 'RUNNER_NOT_INSTALLED');
    expect(d?.message).toBe('vitest is not installed here (no node_modules/vitest); Vitest 3 defaults assumed from the declared range "^3.0.0" in package.json');
  });

  it('an open range falls back to the default major and says so', async () => {
    const inv = await scanRepo(repo('range-open', files('*')), { plugins: [vitestPlugin] });
    expect(inv.tests.map((t) => t.file).sort()).toEqual(['dist/a.test.js', 'src/a.test.ts']);
    expect(inv.diagnostics.find((x) => x.code === 'RUNNER_NOT_INSTALLED')?.message).toBe(
      'vitest is not installed here (no node_modules/vitest); Vitest 4 defaults assumed (the declared range "*" in package.json names no major version)',
    );
  });

  it('an installed copy wins over the declared range', async () => {
    const inv = await scanRepo(repo('range-installed', { ...files('^3.0.0'), 'node_modules/vitest/package.json': fakeVitest('4.0.5') }), { plugins: [vitestPlugin] });
    expect(inv.tests.map((t) => t.file).sort()).toEqual(['dist/a.test.js', 'src/a.test.ts']);
    expect(inv.diagnostics.map((x) => x.code)).not.toContain('RUNNER_NOT_INSTALLED');
  });
});

describe('static config evaluation', () => {
  it('follows constants, spreads of configDefaults, imported arrays and mergeConfig', async () => {
    const root = repo('static-config', {
      'package.json': VITEST_PKG,
      'globs.ts': "export const INCLUDE = ['checks/**/*.check.ts'];\nexport default { test: { name: 'merged' } };",
      'vitest.config.mts': `
        import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
        import base from './globs';
        import { INCLUDE } from './globs.js';
        const extra = 'legacy';
        export default mergeConfig(base, defineConfig(() => ({
          test: { include: [...INCLUDE], exclude: [...configDefaults.exclude, \`**/\${extra}/**\`] },
        })));`,
      'checks/ok.check.ts': "it('ok', () => {});",
      'checks/legacy/old.check.ts': "it('old', () => {});",
      'other.test.ts': "it('not included', () => {});",
    });
    const inv = await scanRepo(root, { plugins: [vitestPlugin] });
    expect(inv.runners[0]!.project).toBe('merged');
    expect(inv.tests.map((t) => t.file)).toEqual(['checks/ok.check.ts']);
    expect(inv.diagnostics.filter((d) => d.code === 'CONFIG_UNRESOLVED')).toEqual([]);
  });

  it('falls back to defaults with a diagnostic when the config is not static, without running it', async () => {
    const marker = path.join(tmpRoot, 'executed');
    const root = repo('dynamic-config', {
      'package.json': VITEST_PKG,
      'vitest.config.js': `
        import { writeFileSync } from 'node:fs';
        writeFileSync(${JSON.stringify(marker)}, 'ran');
        throw new Error('config throws');
        export default { test: { include: computeGlobs() } };`,
      'a.test.js': "it('found with the defaults', () => {});",
    });
    const inv = await scanRepo(root, { plugins: [vitestPlugin] });
    expect(inv.tests.map((t) => t.name)).toEqual(['found with the defaults']);
    const d = inv.diagnostics.find((x) => x.code === 'CONFIG_UNRESOLVED');
    expect(d).toMatchObject({ runner: 'vitest', file: 'vitest.config.js' });
    expect(d!.message).toContain('computeGlobs');
    await expect(import('node:fs').then((fs) => fs.existsSync(marker))).resolves.toBe(false);
  });

  it('reports a config with a syntax error and scans with defaults', async () => {
    const root = repo('broken-config', { 'package.json': VITEST_PKG, 'vitest.config.ts': 'export default {{', 'a.test.ts': "it('x', () => {});" });
    const inv = await scanRepo(root, { plugins: [vitestPlugin] });
    expect(inv.tests).toHaveLength(1);
    expect(inv.diagnostics).toContainEqual(expect.objectContaining({ code: 'CONFIG_UNRESOLVED', file: 'vitest.config.ts' }));
  });
});

describe('workspaces', () => {
  it('finds packages from npm workspaces and pnpm-workspace.yaml, each with its own runner', async () => {
    const root = repo('monorepo', {
      'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*', '!apps/ignored'] }),
      'pnpm-workspace.yaml': "packages:\n  - 'libs/**'\n",
      'apps/web/package.json': JSON.stringify({ name: 'web', devDependencies: { jest: '*' } }),
      'apps/web/src/app.test.js': "test('web works', () => {});",
      'apps/ignored/package.json': JSON.stringify({ name: 'ignored', devDependencies: { jest: '*' } }),
      'apps/ignored/x.test.js': "test('never', () => {});",
      'libs/core/package.json': JSON.stringify({ name: 'core', devDependencies: { vitest: '*' } }),
      'libs/core/vitest.config.ts': "export default { test: { name: 'core' } };",
      'libs/core/a.spec.ts': "test('core works', () => {});",
    });
    const inv = await scanRepo(root, { plugins });
    expect(inv.runners.map((r) => `${r.runner}:${r.project}:${r.rootDir}`).sort()).toEqual(['jest:null:apps/web', 'vitest:core:libs/core']);
    expect(inv.tests.map((t) => `${t.runner} ${t.file} ${t.name}`).sort()).toEqual(['jest apps/web/src/app.test.js web works', 'vitest libs/core/a.spec.ts core works']);
  });

  it('reports a circular workspace and scans each package once', async () => {
    const root = repo('cycle', {
      'package.json': JSON.stringify({ name: 'root', workspaces: ['packages/*'], devDependencies: { vitest: '*' } }),
      'packages/a/package.json': JSON.stringify({ name: 'a', workspaces: ['../..'] }),
      'packages/a/a.test.ts': "test('a', () => {});",
    });
    const inv = await scanRepo(root, { plugins: [vitestPlugin] });
    expect(inv.diagnostics).toContainEqual(expect.objectContaining({ code: 'WORKSPACE_CYCLE' }));
    expect(inv.tests.map((t) => t.id)).toEqual(['packages/a/a.test.ts > a']);
  });
});

describe('packages nobody declared (polyglot repos)', () => {
  const web = {
    'web/package.json': JSON.stringify({ name: 'web', devDependencies: { vitest: '^3.0.0', '@playwright/test': '*' } }),
    'web/vitest.config.ts': "export default { test: { include: ['src/**/*.test.ts'] } };",
    'web/src/a.test.ts': "import { it } from 'vitest'; it('a', () => {});",
    'web/playwright.config.ts': "export default { testDir: './e2e' };",
    'web/e2e/home.spec.ts': "import { test } from '@playwright/test'; test('home', async () => {});",
    'frontend/package.json': JSON.stringify({ name: 'frontend', devDependencies: { jest: '*' } }),
    'frontend/src/b.test.js': "test('b', () => {});",
    'tests/test_x.py': 'def test_x(): pass\n',
    'docs/package.json': JSON.stringify({ name: 'docs', devDependencies: { vitepress: '*' } }),
    'docs/guide.test.js': "test('not a test package', () => {});",
  };
  const summary = (inv: Awaited<ReturnType<typeof scanRepo>>) => inv.tests.map((t) => `${t.runner} ${t.file} ${t.name}`).sort();
  const expected = ['jest frontend/src/b.test.js b', 'playwright web/e2e/home.spec.ts home', 'vitest web/src/a.test.ts a'];

  it('without a root package.json, every package.json with a runner is a package', async () => {
    const root = repo('poly-no-root', web);
    const inv = await scanRepo(root, { plugins });
    expect(summary(inv)).toEqual(expected);
    expect(inv.runners.map((r) => `${r.runner}:${r.rootDir}`).sort()).toEqual(['jest:frontend', 'playwright:web', 'vitest:web']);
  });

  it('a root package.json without workspaces and without a runner (tooling only) does not hide its nested apps', async () => {
    const root = repo('poly-tooling-root', { ...web, 'package.json': JSON.stringify({ name: 'tools', private: true, devDependencies: { prettier: '*' } }) });
    expect(summary(await scanRepo(root, { plugins }))).toEqual(expected);
  });

  it('packages inside a runner package are its fixtures, not packages; nor are packages inside a nested app', async () => {
    const root = repo('poly-fixtures', {
      'package.json': JSON.stringify({ name: 'tool', devDependencies: { vitest: '*' } }),
      'vitest.config.ts': "export default { test: { include: ['test/**/*.test.ts'] } };",
      'test/a.test.ts': "it('root test', () => {});",
      'test/fixtures/x/package.json': JSON.stringify({ name: 'x', devDependencies: { jest: '*' } }),
      'test/fixtures/x/x.test.js': "test('fixture test', () => {});",
      'test/fixtures/y/package.json': JSON.stringify({ name: 'y', devDependencies: { vitest: '*' } }),
      'test/fixtures/y/y.spec.ts': "it('fixture test', () => {});",
    });
    const inv = await scanRepo(root, { plugins });
    expect(summary(inv)).toEqual(['vitest test/a.test.ts root test']);
    expect(inv.runners.map((r) => r.rootDir)).toEqual(['']);

    const nested = repo('poly-nested-fixtures', {
      'web/package.json': JSON.stringify({ name: 'web', devDependencies: { vitest: '*' } }),
      'web/src/a.test.ts': "it('a', () => {});",
      'web/test/fixtures/z/package.json': JSON.stringify({ name: 'z', devDependencies: { jest: '*' } }),
      'web/test/fixtures/z/z.spec.js': "test('z', () => {});",
    });
    const inv2 = await scanRepo(nested, { plugins });
    expect(inv2.runners.map((r) => `${r.runner}:${r.rootDir}`)).toEqual(['vitest:web']);
    // the fixture's file is a Vitest test of web (default include), as `vitest list` in web/ has it
    expect(summary(inv2)).toEqual(['vitest web/src/a.test.ts a', 'vitest web/test/fixtures/z/z.spec.js z']);
  });

  it('a root that declares workspaces keeps its list (negations stay excluded)', async () => {
    const root = repo('poly-declared', {
      'package.json': JSON.stringify({ name: 'mono', workspaces: ['apps/a'] }),
      'apps/a/package.json': JSON.stringify({ name: 'a', devDependencies: { jest: '*' } }),
      'apps/a/a.test.js': "test('a', () => {});",
      'apps/b/package.json': JSON.stringify({ name: 'b', devDependencies: { jest: '*' } }),
      'apps/b/b.test.js': "test('b', () => {});",
    });
    expect(summary(await scanRepo(root, { plugins }))).toEqual(['jest apps/a/a.test.js a']);
  });
});

describe('bad input', () => {
  it('reports unparsable and binary test files and goes on', async () => {
    const root = repo('bad-files', {
      'package.json': VITEST_PKG,
      'good.test.ts': "it('fine', () => {});",
      'broken.test.ts': "describe('x', () => {\n  it('y', (( => {});\n",
      'binary.test.ts': 'it\u0000\u0001\u0002',
    });
    const inv = await scanRepo(root, { plugins: [vitestPlugin] });
    expect(inv.tests.map((t) => t.name)).toEqual(['fine']);
    expect(inv.diagnostics).toContainEqual(expect.objectContaining({ code: 'PARSE_ERROR', file: 'broken.test.ts', line: 2, runner: 'vitest' }));
    expect(inv.diagnostics).toContainEqual(expect.objectContaining({ code: 'BINARY_FILE', file: 'binary.test.ts' }));
    expect(inv.files.map((f) => f.file).sort()).toEqual(['binary.test.ts', 'broken.test.ts', 'good.test.ts']);
  });

  it('verify without an installed runner returns an error instead of throwing', async () => {
    const root = repo('no-runner', { 'package.json': VITEST_PKG, 'a.test.ts': "it('x', () => {});" });
    const inv = await scanRepo(root, { plugins: [vitestPlugin] });
    const [report] = await vitestPlugin.verify!(root, inv, {});
    expect(report!.error).toMatch(/vitest is not installed/);
  });
});

describe('Mocha and node:test', () => {
  it('Mocha: .mocharc spec, recursive and ignore; names are the full title', async () => {
    const inv = await scanRepo(fixture('mocha-basic'), { plugins: [mochaPlugin] });
    expect(inv.runners[0]).toMatchObject({ runner: 'mocha', configFile: '.mocharc.yml' });
    expect(inv.tests.map((t) => `${t.name}:${t.status}`)).toEqual([
      'math add adds:active',
      'math add skipped:skip',
      'math add x-skipped:skip',
      'math handles a:active',
      'math handles b:active',
      'tdd style works:active',
    ]);
    expect(inv.tests[0]!.id).toBe('test/unit/math.spec.js > math > add > adds');
  });

  it('node:test: `node --test` globs and directories from package.json scripts', async () => {
    const inv = await scanRepo(fixture('node-test-basic'), { plugins: [nodeTestPlugin] });
    expect(inv.files.map((f) => f.file).sort()).toEqual(['src/a.check.mjs', 'test/helper.mjs', 'test/parse.test.mjs']);
    expect(inv.tests.map((t) => `${t.name}:${t.status}`)).toEqual([
      'check a:active',
      'parse > parses numbers:active',
      'parse > todo later:todo',
      'parse > skipped:skip',
      'parse > skipped by option:skip',
      'top level:active',
      'top level > subtest:active',
    ]);
  });

  it('Jest projects: displayName per project and package.json `jest` keys', async () => {
    const inv = await scanRepo(fixture('jest-projects'), { plugins: [jestPlugin] });
    expect(inv.tests.map((t) => `${t.project} ${t.name}`)).toEqual(['api server starts', 'web renders', 'web each x']);
  });
});

describe('runner-specific config', () => {
  it('Playwright repeatEach lists every test once per repeat and project', async () => {
    const root = repo('pw-repeat', {
      'package.json': JSON.stringify({ name: 'p', devDependencies: { '@playwright/test': '*' } }),
      'playwright.config.ts': "export default { testDir: 'browser', repeatEach: 3, projects: [{ name: 'a' }, { name: 'b', repeatEach: 1 }] };",
      'browser/x.spec.ts': "import { test } from '@playwright/test'; test('t', async () => {});",
    });
    const inv = await scanRepo(root, { plugins: [playwrightPlugin] });
    expect(inv.tests.filter((t) => t.project === 'a')).toHaveLength(3);
    expect(inv.tests.filter((t) => t.project === 'b')).toHaveLength(1);
    expect(inv.tests[0]).toMatchObject({ tier: 'e2e', tierSource: 'runner:playwright', name: 't' });
  });

  it('Playwright: a config named by `playwright test -c` in a script, or the only one in a subfolder, resolves against its own folder', async () => {
    const files = {
      'e2e/playwright.config.ts': "export default { testDir: './specs', projects: [{ name: 'chromium' }] };",
      'e2e/specs/a.spec.ts': "import { test } from '@playwright/test'; test('a', async () => {});",
      'src/unit.test.ts': "test('not for playwright', () => {});",
    };
    const viaScript = repo('pw-script-config', {
      ...files,
      'package.json': JSON.stringify({ name: 'p', scripts: { e2e: 'playwright test -c e2e/playwright.config.ts' }, devDependencies: { playwright: '*' } }),
    });
    const inv = await scanRepo(viaScript, { plugins: [playwrightPlugin] });
    expect(inv.tests.map((t) => `${t.project} ${t.file} ${t.name}`)).toEqual(['chromium e2e/specs/a.spec.ts a']);
    expect(inv.runners).toEqual([expect.objectContaining({ configFile: 'e2e/playwright.config.ts', rootDir: '' })]);
    const inSubfolder = repo('pw-sub-config', { ...files, 'package.json': JSON.stringify({ name: 'p', devDependencies: { '@playwright/test': '*' } }) });
    const inv2 = await scanRepo(inSubfolder, { plugins: [playwrightPlugin] });
    expect(inv2.tests.map((t) => `${t.project} ${t.file} ${t.name}`)).toEqual(['chromium e2e/specs/a.spec.ts a']);
    // the `playwright` library alone, without config or script, is not a test suite
    const lib = repo('pw-library', { 'package.json': JSON.stringify({ name: 'p', dependencies: { playwright: '*' } }), 'a.spec.ts': "test('x', () => {});" });
    expect((await scanRepo(lib, { plugins: [playwrightPlugin] })).tests).toEqual([]);
  });

  it('Jest presets: a relative preset file is merged under the options; an npm preset is read from node_modules/<name>/jest-preset.*', async () => {
    const inv = await scanRepo(fixture('jest-preset'), { plugins: [jestPlugin] });
    expect(inv.runners).toEqual([expect.objectContaining({ runner: 'jest', project: 'from-preset', configFile: 'jest.config.js' })]);
    expect([...new Set(inv.tests.map((t) => t.file))]).toEqual(['checks/a.check.js', 'checks/nested/b.check.js']);
    expect(inv.diagnostics.filter((d) => d.code === 'CONFIG_UNRESOLVED')).toEqual([]);

    const npm = repo('jest-npm-preset', {
      'package.json': JSON.stringify({ name: 'p', devDependencies: { jest: '*' }, jest: { preset: '@acme/jest-preset-x/web', roots: ['<rootDir>/app'] } }),
      'node_modules/jest/package.json': JSON.stringify({ name: 'jest', version: '30.0.0' }),
      'node_modules/@acme/jest-preset-x/package.json': JSON.stringify({ name: '@acme/jest-preset-x', version: '1.0.0' }),
      'node_modules/@acme/jest-preset-x/web/jest-preset.json': JSON.stringify({ testMatch: ['**/*.web.js'] }),
      'app/a.web.js': "test('web', () => {});",
      'app/b.test.js': "test('not matched', () => {});",
    });
    expect((await scanRepo(npm, { plugins: [jestPlugin] })).tests.map((t) => t.id)).toEqual(['app/a.web.js > web']);

    const missing = repo('jest-missing-preset', {
      'package.json': JSON.stringify({ name: 'p', devDependencies: { jest: '*' }, jest: { preset: './nope' } }),
      'a.test.js': "test('a', () => {});",
    });
    const inv3 = await scanRepo(missing, { plugins: [jestPlugin] });
    expect(inv3.tests.map((t) => t.id)).toEqual(['a.test.js > a']);
    expect(inv3.diagnostics.find((d) => d.code === 'CONFIG_UNRESOLVED')?.message).toMatch(/preset \.\/nope not found relative to rootDir/);
  });

  it('Vitest typecheck.enabled lists matching files again with literal, unexpanded names', async () => {
    const root = repo('typecheck', {
      'package.json': VITEST_PKG,
      'vitest.config.ts': "export default { test: { typecheck: { enabled: true, include: ['**/*.test.ts'] } } };",
      'a.test.ts': "import { it } from 'vitest';\nconst v = 'x';\nit.each([1, 2])('n %s', () => {});\nit(`t ${v}`, () => {});",
    });
    const inv = await scanRepo(root, { plugins: [vitestPlugin] });
    expect(inv.tests.map((t) => `${t.name}${t.markers.includes('typecheck') ? ' [tc]' : ''}`)).toEqual(['n 1', 'n 2', 't x', 'n %s [tc]', 't ${v} [tc]']);
  });

  it('a file listed for type checking and as tests gives both lists as when each is made alone (one parse is shared)', async () => {
    const test = "import { describe, it } from 'vitest';\nfunction cases(n: string) { it(`case ${n}`, () => {}); }\ndescribe('d', () => { cases('a'); cases('b'); });\n";
    const both = await scanRepo(
      repo('typecheck-shared', {
        'package.json': VITEST_PKG,
        'vitest.config.ts': "export default { test: { typecheck: { enabled: true, include: ['**/*.test.ts'] } } };",
        'b.test.ts': test,
      }),
      { plugins: [vitestPlugin] },
    );
    const plain = await scanRepo(repo('typecheck-plain', { 'package.json': VITEST_PKG, 'b.test.ts': test }), { plugins: [vitestPlugin] });
    const { extractTypecheckTests } = await import('../../src/languages/typescript/tests.js');
    const isTc = (t: { markers: string[] }) => t.markers.includes('typecheck');
    expect(both.tests.filter((t) => !isTc(t)).map((t) => t.name)).toEqual(plain.tests.map((t) => t.name));
    expect(plain.tests.map((t) => t.name)).toEqual(['d > case a', 'd > case b']);
    expect(both.tests.filter(isTc).map((t) => t.titlePath)).toEqual(extractTypecheckTests(test, '/x/b.test.ts').tests.map((t) => t.titlePath));
    expect(both.tests.filter(isTc).length).toBeGreaterThan(0);
  });
});

describe('inventory schema', () => {
  it('JS inventories of every fixture validate against schemas/inventory.schema.json', async () => {
    const { validateAgainst } = await import('../helpers/schema.js');
    const repos = [];
    for (const name of ['vitest-basic', 'vitest-projects', 'jest-basic', 'jest-projects', 'playwright-basic', 'mocha-basic', 'node-test-basic'])
      repos.push(await scanRepo(fixture(name), { plugins }));
    expect(repos.every((r) => r.tests.length > 0)).toBe(true);
    expect(validateAgainst('inventory.schema.json', { version: 1, repos })).toBe('');
  });
});
