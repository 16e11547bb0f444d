import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveredTest } from '../../src/core/types.js';
import { jestPlugin } from '../../src/runners/jest/plugin.js';
import { playwrightPlugin } from '../../src/runners/playwright/plugin.js';
import { vitestPlugin } from '../../src/runners/vitest/plugin.js';
import { scanRepo } from '../../src/scan/index.js';
import { writeRepo } from '../helpers/repo.js';
import { CONSTRUCTS, sourceFor, TABLES, type JsRunnerId } from './constructs.js';

/**
 * Every construct of constructs.ts, listed by seams and by the real runner (seams' own
 * devDependencies: `vitest list --json`, and `jest --json`, which runs the empty tests): the names
 * must be identical, file by file, and none of them may be `dynamic`.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const seamsModules = path.join(here, '../../node_modules');

interface Listing {
  root: string;
  /** file → names the runner printed */
  native: Map<string, string[]>;
  /** file → seams' tests */
  seams: Map<string, DiscoveredTest[]>;
}

function group<T>(items: T[], keyOf: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) m.set(keyOf(i), [...(m.get(keyOf(i)) ?? []), i]);
  return m;
}

function repoFor(runner: JsRunnerId): string {
  const files: Record<string, string> = {};
  for (const c of CONSTRUCTS) if (!c.runners || c.runners.includes(runner)) files[`c/${c.id}.test.js`] = sourceFor(c, runner);
  if (runner === 'vitest') {
    files['package.json'] = JSON.stringify({ name: 'constructs', private: true, type: 'module', devDependencies: { vitest: '*' } });
    files['vitest.config.mjs'] = `export default { test: { globals: true, include: ['c/**/*.test.js'] } };\n`;
    files['c/tables.mjs'] = TABLES.esm();
  } else {
    files['package.json'] = JSON.stringify({ name: 'constructs', private: true, devDependencies: { jest: '*' }, jest: { testMatch: ['**/c/**/*.test.js'] } });
    files['c/tables.cjs'] = TABLES.cjs();
  }
  const root = writeRepo(files, `seams-constructs-${runner}-`);
  mkdirSync(path.join(root, 'node_modules'));
  symlinkSync(path.join(seamsModules, runner), path.join(root, 'node_modules', runner), 'dir');
  return root;
}

function run(cwd: string, args: string[]): void {
  try {
    execFileSync(process.execPath, args, { cwd, stdio: 'ignore', env: { ...process.env, CI: '1', FORCE_COLOR: '0' } });
  } catch {
    /* failing tests still write the report */
  }
}

async function listBoth(runner: JsRunnerId): Promise<Listing> {
  const root = repoFor(runner);
  const out = path.join(root, 'native.json');
  let entries: { file: string; name: string }[];
  if (runner === 'vitest') {
    run(root, [path.join(seamsModules, 'vitest/vitest.mjs'), 'list', `--json=${out}`]);
    entries = (JSON.parse(readFileSync(out, 'utf8')) as { file: string; name: string }[]).map((e) => ({ file: e.file, name: e.name }));
  } else {
    run(root, [path.join(seamsModules, 'jest/bin/jest.js'), '--json', `--outputFile=${out}`]);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { testResults: { name: string; assertionResults: { fullName: string }[] }[] };
    entries = json.testResults.flatMap((f) => f.assertionResults.map((a) => ({ file: f.name, name: a.fullName })));
  }
  const inv = await scanRepo(root, { plugins: [runner === 'vitest' ? vitestPlugin : jestPlugin] });
  return {
    root,
    native: group(entries, (e) => path.relative(root, e.file).split(path.sep).join('/')) as unknown as Map<string, string[]>,
    seams: group(inv.tests, (t) => t.file),
  };
}

for (const runner of ['vitest', 'jest'] as const) {
  describe(`constructs evaluated statically, against ${runner === 'vitest' ? '`vitest list --json`' : '`jest --json`'}`, () => {
    let listing: Listing;
    beforeAll(async () => {
      listing = await listBoth(runner);
    }, 300_000);
    afterAll(() => rmSync(listing.root, { recursive: true, force: true }));

    for (const c of CONSTRUCTS) {
      if (c.runners && !c.runners.includes(runner)) continue;
      it(`${c.id}: ${c.what}`, () => {
        const file = `c/${c.id}.test.js`;
        const native = ((listing.native.get(file) ?? []) as unknown as { name: string }[]).map((e) => e.name);
        const seams = listing.seams.get(file) ?? [];
        expect(native.length, `${runner} listed no test in ${file}`).toBeGreaterThan(0);
        expect(seams.map((t) => t.name)).toEqual(native);
        expect(seams.filter((t) => t.dynamic).map((t) => `${t.name}: ${t.dynamicReason}`)).toEqual([]);
      });
    }
  });
}

describe('Jest projects that name package configs (mobx: `projects: ["<rootDir>/packages/*/jest.config.js"]`)', () => {
  it('lists each package test once per project that runs it, not again for the package on its own, as `jest --json` at the root', async () => {
    const pkg = (name: string) => JSON.stringify({ name, private: true, scripts: { test: 'jest' }, devDependencies: { jest: '*' } });
    const root = writeRepo(
      {
        'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'], devDependencies: { jest: '*' } }),
        'jest.config.js': `module.exports = { projects: ['<rootDir>/packages/*/jest.config.js', '<rootDir>/packages/*/jest.config-*.js'] };\n`,
        'packages/a/package.json': pkg('a'),
        'packages/a/jest.config.js': `module.exports = { displayName: 'a' };\n`,
        'packages/a/__tests__/a.test.js': `test('a one', () => {});\n`,
        'packages/b/package.json': pkg('b'),
        'packages/b/jest.config-v1.js': `module.exports = { displayName: 'b v1', testRegex: '__tests__/[^/]+\\\\.js$' };\n`,
        'packages/b/jest.config-v2.js': `module.exports = { displayName: 'b v2', testRegex: '__tests__/[^/]+\\\\.js$' };\n`,
        'packages/b/__tests__/b.js': `describe('b', () => { test('runs twice', () => {}); });\n`,
      },
      'seams-jest-projects-',
    );
    mkdirSync(path.join(root, 'node_modules'));
    symlinkSync(path.join(seamsModules, 'jest'), path.join(root, 'node_modules', 'jest'), 'dir');
    try {
      const out = path.join(root, 'native.json');
      run(root, [path.join(seamsModules, 'jest/bin/jest.js'), '--json', `--outputFile=${out}`]);
      const json = JSON.parse(readFileSync(out, 'utf8')) as { testResults: { name: string; assertionResults: { fullName: string }[] }[] };
      const native = json.testResults.flatMap((f) => f.assertionResults.map((a) => `${path.relative(root, f.name)} | ${a.fullName}`)).sort();
      const inv = await scanRepo(root, { plugins: [jestPlugin] });
      expect(inv.tests.map((t) => `${t.file} | ${t.name}`).sort()).toEqual(native);
      expect(native).toHaveLength(3);
      expect(inv.tests.map((t) => t.project).sort()).toEqual(['a', 'b v1', 'b v2']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the same walk for Playwright, against `playwright test --list --reporter=json`', () => {
  it('loops, forEach/map, classic for, changed tables and template titles under test.describe', async () => {
    const root = writeRepo(
      {
        'package.json': JSON.stringify({ name: 'pw', private: true, devDependencies: { '@playwright/test': '*' } }),
        'playwright.config.mjs': `export default { testDir: 'e2e' };\n`,
        'e2e/loops.spec.mjs': `
import { test } from '@playwright/test';
const pages = { home: '/', about: '/about' };
for (const [name, url] of Object.entries(pages)) {
  test.describe(name, () => {
    test(\`opens \${url}\`, async () => {});
    ['mobile', 'desktop'].forEach((vp) => test('viewport ' + vp, async () => {}));
  });
}
const flows = [];
flows.push({ title: 'checkout' }, { title: 'signup' });
for (let i = 0; i < flows.length; i++) test(\`\${i + 1}. \${flows[i].title}\`, async () => {});
test.describe('sizes', () => {
  [320, 1280].map((w) => test(\`width \${w}px\`, async () => {}));
  for (const s of new Set(['s', 'm'])) test(s.toUpperCase(), async () => {});
});
`,
      },
      'seams-constructs-playwright-',
    );
    mkdirSync(path.join(root, 'node_modules/@playwright'), { recursive: true });
    symlinkSync(path.join(seamsModules, '@playwright/test'), path.join(root, 'node_modules/@playwright/test'), 'dir');
    try {
      let stdout = '';
      try {
        stdout = execFileSync(process.execPath, [path.join(seamsModules, '@playwright/test/cli.js'), 'test', '--list', '--reporter=json'], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
      } catch (e) {
        stdout = (e as { stdout?: string }).stdout ?? '';
      }
      type Suite = { title: string; specs?: { title: string }[]; suites?: Suite[] };
      const native: string[] = [];
      const walk = (s: Suite, titles: string[]) => {
        for (const spec of s.specs ?? []) native.push([...titles, spec.title].filter(Boolean).join(' › '));
        for (const c of s.suites ?? []) walk(c, [...titles, c.title]);
      };
      // the top suites are files: their titles are not part of the name
      for (const file of (JSON.parse(stdout) as { suites: Suite[] }).suites) walk(file, []);
      const inv = await scanRepo(root, { plugins: [playwrightPlugin] });
      expect(native.length).toBe(12);
      expect(inv.tests.map((t) => t.name).sort()).toEqual(native.sort());
      expect(inv.tests.filter((t) => t.dynamic)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
