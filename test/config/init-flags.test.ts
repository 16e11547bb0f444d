import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { conftestFlags, renderInitConfig, tierOfFlag, type InitFacts } from '../../src/config/init.js';
import { parseConfig } from '../../src/config/load.js';
import { runCli } from '../helpers/cli.js';

const fixture = path.resolve(import.meta.dirname, '../fixtures/optin-flag');

describe('seams init proposes the opt-in flags a conftest defines', () => {
  it('reads store-true flags of pytest_addoption, and nothing else', () => {
    const text = [
      'import pytest',
      '',
      'OPT = "--not-this"',
      '',
      'def pytest_addoption(parser):',
      '    group = parser.getgroup("mine")',
      '    parser.addoption("--runintegration", action="store_true", default=False, help="run integration tests")',
      "    group.addoption('--run-e2e',",
      "                    action='store_true')",
      '    parser.addoption("--db-url", action="store", default="sqlite://")',
      '    parser.addoption("--browser-name", default="chromium")',
      '',
      '# a comment at the margin does not end the function',
      '    parser.addoption("--runslow", action="store_true")',
      '',
      'def other(parser):',
      '    parser.addoption("--outside", action="store_true")',
    ].join('\n');
    expect(conftestFlags(text)).toEqual(['--runintegration', '--run-e2e', '--runslow']);
    expect(conftestFlags('def test_a():\n    parser.addoption("--x", action="store_true")\n')).toEqual([]);
    expect([tierOfFlag('--runintegration'), tierOfFlag('--run-integration'), tierOfFlag('--run-e2e'), tierOfFlag('--browser'), tierOfFlag('--runslow')]).toEqual([
      'integration',
      'integration',
      'e2e',
      'e2e',
      undefined,
    ]);
  });

  const facts = (runners: string[]): InitFacts => ({
    name: 'x',
    runners: runners.map((runner) => ({ runner, configFile: null, project: null })),
    tiers: [{ tier: 'integration', paths: ['tests/integration/**'], markers: [], tests: 2, files: 1 }],
    unitTests: 1,
    sourceRoots: [],
    markers: [],
    components: [],
    externals: [],
    requirementSources: [],
    requirements: 0,
    pytestFlags: [
      { flag: '--runintegration', file: 'conftest.py', tier: 'integration', runner: 'pytest' },
      { flag: '--run-e2e', file: 'tests/conftest.py', tier: 'e2e', runner: 'pytest' },
      { flag: '--runslow', file: 'conftest.py', runner: 'pytest' },
      // the Python tests below it have no single runner: a comment only
      { flag: '--run-integration-db', file: 'svc/conftest.py', tier: 'integration' },
    ],
  });

  it('writes the flag as the tier\'s args with a comment, and an unplaced flag as a comment only', () => {
    const text = renderInitConfig(facts(['pytest']));
    const { config } = parseConfig(text, '/tmp/x/seams.yaml');
    expect(config.tiers.integration!.args).toEqual(['--runintegration']);
    expect(config.tiers.integration!.paths).toEqual(['tests/integration/**']);
    expect(config.tiers.e2e!.args).toEqual(['--run-e2e']);
    expect(text).toContain('# Proposed: conftest.py defines --runintegration (pytest_addoption)');
    expect(text).toContain('# Proposed: tests/conftest.py defines --run-e2e (pytest_addoption)');
    expect(text).toContain('# conftest.py defines --runslow (pytest_addoption): if a tier\'s tests skip without it, add args: ["--runslow"] under tiers.<tier>.');
    expect(text).toContain('# svc/conftest.py defines --run-integration-db (pytest_addoption): if a tier');
    expect(Object.values(config.tiers).some((t) => t.args?.includes('--runslow') || t.args?.includes('--run-integration-db'))).toBe(false);
    // with another runner in the repo, the flag goes to pytest only
    expect(parseConfig(renderInitConfig(facts(['pytest', 'vitest'])), '/tmp/x/seams.yaml').config.tiers.integration!.args).toEqual(['pytest:', '--runintegration']);
    expect(renderInitConfig(facts(['pytest']))).toBe(text);
  });

  it('on a repo whose conftest defines --runintegration: init proposes it and seams run integration passes (real pytest)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-init-flags-'));
    cpSync(fixture, root, { recursive: true, filter: (src) => !/[/\\](\.seams|__pycache__|\.pytest_cache)$/.test(src) });
    expect((await runCli(['init', root])).code).toBe(0);
    const text = readFileSync(path.join(root, 'seams.yaml'), 'utf8');
    expect(text).toContain('# Proposed: conftest.py defines --runintegration (pytest_addoption)');
    expect(text).toContain('    args: [ --runintegration ]');
    expect(text).toContain('conftest.py defines --run-slow (pytest_addoption): if a tier');
    const r = await runCli(['run', 'integration', '--root', root, '--no-history']);
    expect(r.stdout).toMatch(/PASSED: 2 passed, 0 failed/);
    expect(r.code).toBe(0);
  }, 60_000);
});
