import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BuildInput } from '../../src/runners/contract.js';
import { getRunner } from '../../src/runners/registry.js';
import type { DiscoveredTest, RunnerId } from '../../src/core/types.js';
import { runCli } from '../helpers/cli.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * Options whose value is a separate argv element are how file paths got swallowed: Playwright's
 * `--project <name...>` (and yargs arrays in Jest and Mocha) are variadic. Every option seams
 * builds carries its value in the same element (`--project=chromium`), and no array option is
 * directly followed by the file list.
 */
describe('runner commands keep option values and file paths apart', () => {
  const test = (runner: RunnerId, file: string): DiscoveredTest =>
    ({ runner, project: 'p1', id: `${file} > t`, name: 't', file, tier: 'e2e', markers: [], dynamic: false }) as unknown as DiscoveredTest;
  for (const runner of ['vitest', 'jest', 'playwright', 'mocha'] as const) {
    it(runner, () => {
      const tests = [test(runner, 'e2e/a.spec.ts'), test(runner, 'e2e/b.spec.ts')];
      const input: BuildInput = { root: '/r', project: 'p1', rootDir: '.', tests, allTests: tests, exclude: new Set(), resultFile: '/tmp/out.json', workDir: '/tmp', extraArgs: [], retries: 2, python: 'python3' };
      const argv = getRunner(runner)!.buildCommand(input).argv;
      const files = argv.indexOf('e2e/a.spec.ts');
      expect(argv.slice(files)).toEqual(['e2e/a.spec.ts', 'e2e/b.spec.ts']);
      // the element before the files is an option without a value of its own, or a subcommand
      expect(argv[files - 1]).toMatch(/^(--[A-Za-z-]+(=.+)?|test|run)$/);
      if (runner !== 'mocha') expect(argv.some((a) => a === '--project=p1' || a === '--selectProjects=p1')).toBe(true);
      // no option is followed by a bare value (it could be a variadic option eating what follows)
      const opts = argv.slice(argv[0] === 'npx' ? 3 : 1, files).filter((a) => a !== 'run' && a !== 'test');
      expect(opts.filter((a) => !a.startsWith('-'))).toEqual([]);
    });
  }
});

describe.skipIf(!CHROMIUM)('seams run with the real Playwright and projects', () => {
  it('runs the files of each project (--project=<name>), joins the results to inventory ids', async () => {
    // inside the repo (.tmp/ is ignored) so the config resolves @playwright/test from seams' node_modules
    mkdirSync(path.resolve('.tmp'), { recursive: true });
    const root = mkdtempSync(path.resolve('.tmp/pw-'));
    dirs.push(root);
    const write = (f: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      writeFileSync(path.join(root, f), text);
    };
    write('seams.yaml', 'tiers:\n  e2e:\n    paths: ["e2e/**"]\n');
    write(
      'playwright.config.ts',
      `import { defineConfig } from '@playwright/test';
const launchOptions = { executablePath: ${JSON.stringify(CHROMIUM)}, args: ['--no-sandbox', '--disable-gpu'] };
export default defineConfig({
  testDir: './e2e',
  workers: 1,
  projects: [
    { name: 'chromium', use: { browserName: 'chromium', launchOptions } },
    { name: 'narrow', use: { browserName: 'chromium', launchOptions, viewport: { width: 400, height: 600 } } },
  ],
});
`,
    );
    write(
      'e2e/a.spec.ts',
      `import { test, expect } from '@playwright/test';
test('heading', async ({ page }) => {
  await page.setContent('<h1>seams</h1>');
  await expect(page.locator('h1')).toHaveText('seams');
});
`,
    );
    write(
      'e2e/b.spec.ts',
      `import { test, expect } from '@playwright/test';
test.describe('viewport', () => {
  test('width', async ({ page }, info) => {
    expect(page.viewportSize()!.width).toBe(info.project.name === 'narrow' ? 400 : 1280);
  });
});
`,
    );
    const r = await runCli(['run', 'e2e', '--root', root, '--no-history', '--format', 'json']);
    const run = JSON.parse(r.stdout);
    const got = run.results.map((x: { id: string; project: string; status: string; known: boolean }) => [x.project, x.id, x.status, x.known]).sort();
    expect(got).toEqual([
      ['chromium', 'e2e/a.spec.ts > heading', 'passed', true],
      ['chromium', 'e2e/b.spec.ts > viewport > width', 'passed', true],
      ['narrow', 'e2e/a.spec.ts > heading', 'passed', true],
      ['narrow', 'e2e/b.spec.ts > viewport > width', 'passed', true],
    ]);
    expect(r.code).toBe(0);
  }, 120_000);
});
