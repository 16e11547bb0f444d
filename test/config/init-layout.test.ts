import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { schemaFor } from '../../src/app/init.js';
import { parseConfig } from '../../src/config/load.js';
import { runCli } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo.js';

/**
 * `seams init` proposes a seams.yaml a user keeps: components from the real structure (Python
 * packages and modules, JS/TS workspace packages or src/ folders; never examples, docs, assets),
 * requirement sources only where ids were found, workflows only as commented proposals where
 * imports link components, and a `$schema` that resolves (or none, with a note).
 */

const fixtures = path.resolve(import.meta.dirname, '../fixtures');
const OWN_SCHEMA = path.resolve(import.meta.dirname, '../../schemas/seams.config.schema.json');

function copy(name: string): string {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'seams-init-')), name);
  cpSync(path.join(fixtures, name), root, { recursive: true, filter: (src) => !/[/\\](\.seams|__pycache__|\.pytest_cache|seams\.yaml)$/.test(src) });
  return root;
}

function walk(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, dir))) {
    const rel = dir ? `${dir}/${name}` : name;
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...walk(root, rel));
    else out.push(rel);
  }
  return out;
}

async function initAndRead(root: string): Promise<{ text: string; raw: Record<string, any>; components: Record<string, { paths?: string[]; imports?: string[] }> }> {
  const r = await runCli(['init', root, '--force']);
  expect(r.code, r.stderr).toBe(0);
  const text = readFileSync(path.join(root, 'seams.yaml'), 'utf8');
  const { config } = parseConfig(text, path.join(root, 'seams.yaml'));
  return { text, raw: parse(text) ?? {}, components: config.components as Record<string, { paths?: string[] }> };
}

/** Each component's globs match at least one source file of the language. */
function expectEveryComponentMatchesSource(root: string, components: Record<string, { paths?: string[] }>, source: RegExp): void {
  const files = walk(root).filter((f) => source.test(f));
  for (const [id, c] of Object.entries(components)) {
    if (!c.paths) continue;
    const m = picomatch(c.paths, { dot: true });
    expect(files.filter((f) => m(f)).length, `component ${id} (${c.paths.join(', ')}) matches no source file`).toBeGreaterThan(0);
  }
}

/** `$schema` names a file that exists relative to seams.yaml, or is absent and a comment says how to get completion. */
function expectSchemaResolvesOrIsExplained(root: string, text: string, raw: Record<string, unknown>): void {
  if (typeof raw.$schema === 'string') expect(existsSync(path.resolve(root, raw.$schema)), `$schema ${raw.$schema}`).toBe(true);
  else expect(text).toMatch(/^# No \$schema: .*For completion in editors, add seams as a dev dependency \(.+\), then add the line \$schema: \.\/node_modules\/seams\/schemas\/seams\.config\.schema\.json$/m);
}

/** `seams scan` loads the file without a config error and `seams gaps` has no diagnostic about it. */
async function expectScanAndGapsClean(root: string): Promise<void> {
  const scan = await runCli(['scan', root]);
  expect(scan.code, scan.stderr).toBe(0);
  expect(scan.stderr).toBe('');
  const gaps = await runCli(['gaps', root]);
  expect(gaps.stderr).not.toMatch(/warning|error|seams\.yaml/i);
  expect(gaps.stdout).not.toMatch(/diagnostic|matches no file|define no id/);
}

/** The lines of the commented-out `# workflows:` proposal, uncommented. */
function uncommentedWorkflows(text: string): string | undefined {
  const lines = text.split('\n');
  const at = lines.indexOf('# workflows:');
  if (at < 0) return undefined;
  const out: string[] = [];
  for (let i = at; i < lines.length && lines[i]!.startsWith('# ') && (i === at || lines[i]!.startsWith('#   ')); i++) out.push(lines[i]!.slice(2));
  return out.join('\n');
}

describe('seams init on a Python src-layout package with subpackages, examples/ and docs/', () => {
  it('proposes one component per subpackage plus the top-level modules, none from examples/ or docs/', async () => {
    const root = copy('init-py-src');
    const { text, raw, components } = await initAndRead(root);
    expect(Object.keys(components).sort()).toEqual(['catalog', 'orders', 'payments', 'shop']);
    expect(components.orders!.paths).toEqual(['src/shop/orders/**']);
    expect(components.shop!.paths).toEqual(['src/shop/*.py']);
    expect(text).not.toMatch(/examples\/|docs\/|demo|sphinxext/);
    expectEveryComponentMatchesSource(root, components, /\.py$/);
    expectSchemaResolvesOrIsExplained(root, text, raw);
    await expectScanAndGapsClean(root);
  });

  it('proposes a requirement source only for files that define ids', async () => {
    const root = copy('init-py-src');
    const none = await initAndRead(root);
    expect(none.raw.requirements).toBeUndefined();
    expect(none.text).toContain('# Requirements: no ids such as FR-001 found in the 2 Markdown file(s) searched, so no source is proposed.');
    expect(none.text).toContain('#   sources: [ specs/**/*.md ]');

    mkdirSync(path.join(root, 'specs'));
    writeFileSync(path.join(root, 'specs/orders.md'), '# Orders\n\n- **FR-001**: A customer can place an order.\n- **FR-002**: An order is paid.\n');
    writeFileSync(path.join(root, 'docs/notes.md'), '# Notes\n\nNothing to trace here.\n');
    const some = await initAndRead(root);
    expect(some.raw.requirements).toEqual({ sources: ['specs/**/*.md'], pattern: '\\b(FR|NFR|REQ|SC)-\\d{3,}\\b' });
    expect(some.text).toContain('# Requirements: 2 ids found in these files');
    await expectScanAndGapsClean(root);
    const trace = await runCli(['gaps', root]);
    expect(trace.stdout).toMatch(/FR-001/);
  });

  it('proposes workflows only where imports link components, as comments that load once uncommented', async () => {
    const root = copy('init-py-src');
    const linked = await initAndRead(root);
    expect(linked.raw.workflows).toBeUndefined();
    expect(linked.text).toContain('# proposal: the imports link these components');
    const block = uncommentedWorkflows(linked.text);
    expect(block).toBe('workflows:\n  shop-orders-payments:  # shop → orders (1 file), orders → payments (1 file)\n    chain: [ shop, orders, payments ]\n    priority: P2');
    const uncommented = linked.text.replace('targets: []', `${block}\ntargets: []`);
    const { config } = parseConfig(uncommented, path.join(root, 'seams.yaml'));
    expect(config.workflows['shop-orders-payments']!.chain).toEqual(['shop', 'orders', 'payments']);

    // no import between components: no proposal, and nothing active
    writeFileSync(path.join(root, 'src/shop/orders/service.py'), 'def place(item):\n    return (item, 10)\n');
    writeFileSync(path.join(root, 'src/shop/cli.py'), 'def main():\n    return 0\n');
    const unlinked = await initAndRead(root);
    // only the example with placeholder names, which no uncommenting turns into a claim about this repo
    expect(uncommentedWorkflows(unlinked.text)).toBe('workflows:\n  my-workflow:\n    title: What the user does\n    chain: [ component-a, component-b ]\n    priority: P1');
    expect(unlinked.text).not.toContain('# proposal:');
    expect(unlinked.text).toContain('# No import links two components, so no workflow is proposed.');
    expect(unlinked.raw.workflows).toBeUndefined();
  });
});

describe.each([
  ['pnpm', (_root: string) => {}],
  [
    'npm',
    (root: string) => {
      rmSync(path.join(root, 'pnpm-workspace.yaml'));
      rmSync(path.join(root, 'pnpm-lock.yaml'));
      writeFileSync(path.join(root, 'package-lock.json'), '{}\n');
      const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
      delete pkg.packageManager;
      pkg.workspaces = ['packages/*', 'docs', 'examples/*'];
      writeFileSync(path.join(root, 'package.json'), JSON.stringify(pkg, null, 2));
    },
  ],
] as const)('seams init on a %s workspaces monorepo with assets at its root', (pm, prepare) => {
  it('proposes one component per package with source files: no og.png, llms-full.txt, docs, examples or asset-only packages', async () => {
    const root = copy('init-ts-monorepo');
    prepare(root);
    const { text, raw, components } = await initAndRead(root);
    expect(Object.keys(components).sort()).toEqual(['core', 'web']);
    expect(components.core!.paths).toEqual(['packages/core/src/**']);
    expect(text).not.toMatch(/og\.png|llms|favicon|brand|example|docs\/|scripts\//);
    expectEveryComponentMatchesSource(root, components, /\.tsx?$/);
    // the web package imports the core package: a proposal, commented out
    expect(uncommentedWorkflows(text)).toContain('chain: [ web, core ]');
    expect(raw.workflows).toBeUndefined();
    expectSchemaResolvesOrIsExplained(root, text, raw);
    if (raw.$schema === undefined) expect(text).toContain(pm === 'pnpm' ? '(pnpm add -D ' : '(npm install --save-dev ');
    await expectScanAndGapsClean(root);
  });
});

describe('seams init on single packages', () => {
  it('a TS package: one component per src/ subfolder with source files, and its top-level modules', async () => {
    const root = writeRepo(
      {
        'package.json': JSON.stringify({ name: '@acme/fetcher', devDependencies: { vitest: '^2.0.0' } }),
        'src/index.ts': "import { get } from './http/client';\nexport const main = () => get('/');\n",
        'src/http/client.ts': "import { retry } from '../util/retry';\nexport const get = (u: string) => retry(() => u);\n",
        'src/util/retry.ts': 'export const retry = <T>(f: () => T) => f();\n',
        'src/assets/logo.png': 'PNG',
        'src/fixtures/data.ts': 'export const data = 1;\n',
        'test/client.test.ts': "import { test } from 'vitest';\nimport { get } from '../src/http/client';\ntest('gets', () => { get('x'); });\n",
      },
      'seams-init-',
    );
    const { text, raw, components } = await initAndRead(root);
    expect(Object.fromEntries(Object.entries(components).map(([k, v]) => [k, v.paths]))).toEqual({
      http: ['src/http/**'],
      util: ['src/util/**'],
      fetcher: ['src/*.ts'],
    });
    expectEveryComponentMatchesSource(root, components, /\.ts$/);
    expect(uncommentedWorkflows(text)).toContain('chain: [ fetcher, http, util ]');
    expectSchemaResolvesOrIsExplained(root, text, raw);
    await expectScanAndGapsClean(root);
  });

  it('a flat Python package: modules grouped with their private helpers and the modules only they import', async () => {
    const root = writeRepo(
      {
        'pyproject.toml': '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
        'pkg/__init__.py': 'from .core import run\nfrom .termui import echo\n',
        'pkg/core.py': 'from ._compat import text\n\ndef run():\n    return text()\n',
        'pkg/termui.py': 'from ._termui_impl import show\nfrom ._compat import text\n\ndef echo():\n    return show(text())\n',
        'pkg/_termui_impl.py': 'def show(x):\n    return x\n',
        'pkg/_compat.py': 'from ._winconsole import console\n\ndef text():\n    return console()\n',
        'pkg/_winconsole.py': 'def console():\n    return ""\n',
        'tests/test_core.py': 'from pkg.core import run\n\ndef test_run():\n    assert run() == ""\n',
      },
      'seams-init-',
    );
    const { text, components } = await initAndRead(root);
    expect(Object.fromEntries(Object.entries(components).map(([k, v]) => [k, v.paths]))).toEqual({
      compat: ['pkg/_compat.py', 'pkg/_winconsole.py'],
      core: ['pkg/core.py'],
      termui: ['pkg/_termui_impl.py', 'pkg/termui.py'],
    });
    expect(uncommentedWorkflows(text)).toMatch(/chain: \[ (core|termui), compat \]/);
    await expectScanAndGapsClean(root);
  });
  it('several top-level Python packages (Django apps): one component each, migrations and tests left out', async () => {
    const root = writeRepo(
      {
        'manage.py': 'import mysite.settings\n',
        'mysite/__init__.py': '',
        'mysite/settings.py': 'INSTALLED_APPS = ["polls", "accounts"]\n',
        'mysite/urls.py': 'from polls import views\n',
        'polls/__init__.py': '',
        'polls/models.py': 'from accounts.models import User\n',
        'polls/views.py': 'from .models import User\n',
        'polls/admin.py': '',
        'polls/migrations/__init__.py': '',
        'polls/migrations/0001_initial.py': '',
        'polls/tests.py': 'def test_a():\n    pass\n',
        'accounts/__init__.py': '',
        'accounts/models.py': 'class User:\n    pass\n',
        'accounts/tests/__init__.py': '',
        'accounts/tests/test_models.py': 'def test_user():\n    pass\n',
      },
      'seams-init-',
    );
    const { text, components } = await initAndRead(root);
    expect(Object.fromEntries(Object.entries(components).map(([k, v]) => [k, v.paths]))).toEqual({
      accounts: ['accounts/**'],
      mysite: ['mysite/**'],
      polls: ['polls/**'],
    });
    expect(uncommentedWorkflows(text)).toContain('chain: [ mysite, polls, accounts ]');
    await expectScanAndGapsClean(root);
  });
});

describe('$schema resolves from seams.yaml, or is left out with a note', () => {
  const schemaAt = (dir: string) => {
    mkdirSync(path.join(dir, 'schemas'), { recursive: true });
    writeFileSync(path.join(dir, 'schemas/seams.config.schema.json'), '{}');
    return path.join(dir, 'schemas/seams.config.schema.json');
  };

  it('the devDependency copy when the repo has one', () => {
    const root = writeRepo({ 'package.json': '{}', 'node_modules/seams/schemas/seams.config.schema.json': '{}' }, 'seams-init-');
    const s = schemaFor(root, OWN_SCHEMA);
    expect(s.path).toBe('./node_modules/seams/schemas/seams.config.schema.json');
    expect(existsSync(path.resolve(root, s.path!))).toBe(true);
  });

  it('a relative path to the running checkout for a repo inside it; never one out of the repo (it would resolve on this machine only)', () => {
    const base = mkdtempSync(path.join(tmpdir(), 'seams-init-schema-'));
    const own = schemaAt(path.join(base, 'seams'));
    const sibling = path.join(base, 'app');
    mkdirSync(sibling);
    expect(schemaFor(sibling, own).path).toBeUndefined();
    expect(schemaFor(sibling, own).note).toMatch(/^No \$schema: /);
    const inside = path.join(base, 'seams/examples/deep/er/app');
    mkdirSync(inside, { recursive: true });
    expect(schemaFor(inside, own).path).toBe('../../../../schemas/seams.config.schema.json');
    expect(existsSync(path.resolve(inside, schemaFor(inside, own).path!))).toBe(true);
  });

  it('none when the installation is far away: a note with the repo\'s package manager, never npm in a pnpm repo', () => {
    const own = schemaAt(path.join(mkdtempSync(path.join(tmpdir(), 'seams-init-far-')), 'a/b/seams'));
    // five folders below the folder it shares with the installation: not near
    const pnpmRepo = path.join(writeRepo({ 'a/b/c/d/repo/package.json': '{}', 'a/b/c/d/repo/pnpm-lock.yaml': '' }, 'seams-init-'), 'a/b/c/d/repo');
    const far = schemaFor(pnpmRepo, own);
    expect(far.path).toBeUndefined();
    expect(far.note).toContain(`(pnpm add -D ${path.dirname(path.dirname(own))})`);
    expect(far.note).not.toContain('npm install');
    const pyRepo = path.join(writeRepo({ 'a/b/c/d/repo/pyproject.toml': '' }, 'seams-init-'), 'a/b/c/d/repo');
    expect(schemaFor(pyRepo, own).note).toContain('(npm install --save-dev ');
  });
});
