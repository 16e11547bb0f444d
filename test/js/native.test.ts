import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { jestPlugin } from '../../src/runners/jest/plugin.js';
import { playwrightPlugin } from '../../src/runners/playwright/plugin.js';
import type { ScanPlugin } from '../../src/runners/types.js';
import { vitestPlugin } from '../../src/runners/vitest/plugin.js';
import { scanRepo } from '../../src/scan/index.js';

/**
 * The static scan against the real runners installed as devDependencies of seams
 * (node_modules/.bin/vitest, playwright, jest): every fixture must list exactly what the runner lists.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => path.join(here, '../fixtures/js', name);
const repoRoot = path.join(here, '../..');

async function verify(name: string, plugin: ScanPlugin) {
  const repo = await scanRepo(fixture(name), { plugins: [plugin] });
  const reports = await plugin.verify!(repo.root, repo, { timeoutMs: 120_000 });
  return { repo, reports };
}

describe('Vitest fixtures against `vitest list --json`', () => {
  for (const name of ['vitest-basic', 'vitest-projects']) {
    it(`${name}: identical (project, file, name) for active tests`, async () => {
      const { repo, reports } = await verify(name, vitestPlugin);
      expect(reports).toHaveLength(1);
      const [r] = reports;
      expect(r!.error).toBeUndefined();
      expect({ missing: r!.missing, extra: r!.extra }).toEqual({ missing: [], extra: [] });
      expect(r!.nativeCount).toBeGreaterThan(5);
      expect(r!.matchRate).toBe(1);
      // skipped and todo tests are in the inventory even though vitest list leaves them out
      if (name === 'vitest-basic') expect(repo.tests.filter((t) => t.status !== 'active').length).toBe(2);
    });
  }
});

describe('Playwright fixture against `playwright test --list --reporter=json`', () => {
  it('lists each test once per matching project', async () => {
    const { repo, reports } = await verify('playwright-basic', playwrightPlugin);
    const [r] = reports;
    expect(r!.error).toBeUndefined();
    expect({ missing: r!.missing, extra: r!.extra }).toEqual({ missing: [], extra: [] });
    expect(r!.nativeCount).toBe(21);
    expect(new Set(repo.tests.map((t) => t.project))).toEqual(new Set(['setup', 'chromium', 'firefox']));
    expect(repo.tests.every((t) => t.tier !== 'unit')).toBe(true);
    const links = repo.tests.find((t) => t.name === 'home page › links work' && t.project === 'chromium')!;
    expect(links.tier).toBe('integration');
    expect(links.refs).toEqual({ workflows: ['checkout'], components: [], requirements: ['FR-101'] });
    const step = repo.tests.find((t) => t.name.endsWith('step one [REQ-002]'))!;
    expect(step.refs.requirements).toEqual(['REQ-002']);
    expect(step.id).toBe('e2e/home.spec.ts > home page > serial group > step one [REQ-002]');
  });
});

describe('Jest fixtures', () => {
  for (const name of ['jest-basic', 'jest-projects', 'jest-preset']) {
    it(`${name}: files equal \`jest --listTests\``, async () => {
      const { reports } = await verify(name, jestPlugin);
      const [r] = reports;
      expect(r!.error).toBeUndefined();
      expect({ missing: r!.missing, extra: r!.extra }).toEqual({ missing: [], extra: [] });
      expect(r!.nativeCount).toBeGreaterThan(0);
    });

    it(`${name}: names and statuses equal the fullName/status of \`jest --json\``, async () => {
      const repo = await scanRepo(fixture(name), { plugins: [jestPlugin] });
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'seams-jest-'));
      const out = path.join(tmp, 'r.json');
      try {
        execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/jest/bin/jest.js'), '--json', `--outputFile=${out}`], {
          cwd: fixture(name),
          stdio: 'ignore',
          env: { ...process.env, CI: '1' },
        });
      } catch {
        /* a failing suite still writes the report */
      }
      const json = JSON.parse(readFileSync(out, 'utf8')) as {
        testResults: { name: string; displayName?: { name: string }; assertionResults: { fullName: string; status: string }[] }[];
      };
      rmSync(tmp, { recursive: true, force: true });
      // (jest --json carries no project name per file; projects are checked in config.test.ts)
      const status = (s: string) => (s === 'pending' ? 'skip' : s === 'todo' ? 'todo' : 'active');
      const native = json.testResults
        .flatMap((f) => f.assertionResults.map((a) => `${path.relative(fixture(name), f.name).split(path.sep).join('/')} | ${a.fullName} | ${status(a.status)}`))
        .sort();
      const seams = repo.tests.map((t) => `${t.file} | ${t.name} | ${t.status}`).sort();
      expect(seams).toEqual(native);
    });
  }
});

describe('Playwright without a config file', () => {
  it('@playwright/test declared, no playwright.config.*: defaults with testDir = the package folder, as `playwright test --list`', async () => {
    const { repo, reports } = await verify('playwright-noconfig', playwrightPlugin);
    const [r] = reports;
    expect(r!.error).toBeUndefined();
    expect({ missing: r!.missing, extra: r!.extra }).toEqual({ missing: [], extra: [] });
    expect(r!.nativeCount).toBe(3);
    expect(repo.tests.map((t) => `${t.file} ${t.name}`).sort()).toEqual(['src/b.test.mjs three', 'tests/a.spec.ts group › two', 'tests/a.spec.ts one']);
    expect(repo.runners).toEqual([expect.objectContaining({ runner: 'playwright', project: null, rootDir: '', configFile: null })]);
    expect(repo.diagnostics).toContainEqual(expect.objectContaining({ code: 'PLAYWRIGHT_NO_CONFIG', file: 'package.json' }));
  });
});
