import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { DiscoveredTest, RepoInventory } from '../../src/core/types.js';
import { extraArgsOf, planTierTests } from '../../src/execute/plan.js';
import { missingFlagHints, missingFlagOf } from '../../src/execute/policy.js';
import { SeamsError } from '../../src/util/errors.js';
import { runCli } from '../helpers/cli.js';

const fixture = path.resolve(import.meta.dirname, '../fixtures/optin-flag');

function copyFixture(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'seams-targs-'));
  cpSync(fixture, root, { recursive: true, filter: (src) => !/[/\\](\.seams|__pycache__|\.pytest_cache)$/.test(src) });
  return root;
}

function errorOf(f: () => unknown): SeamsError {
  try {
    f();
  } catch (e) {
    if (e instanceof SeamsError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const test = (id: string, runner: string, tier = 'integration'): DiscoveredTest =>
  ({ id, runner, project: null, tier, file: id.split('::')[0]!, name: id.split('::').pop()!, line: 1, markers: [], dynamic: false }) as unknown as DiscoveredTest;

function inventoryOf(tests: DiscoveredTest[]): RepoInventory {
  const runners = [...new Set(tests.map((t) => t.runner))].map((runner) => ({ runner, project: null, rootDir: '.', configFile: null }));
  return { tests, runners } as unknown as RepoInventory;
}

describe('tiers.<tier>.args in seams.yaml', () => {
  it('refuses args next to a tier command, at the key, with a hint (exit 2)', () => {
    const e = errorOf(() => parseConfig('tiers:\n  integration:\n    command: pytest -m integration\n    args: ["--runintegration"]\n', '/tmp/x/seams.yaml'));
    expect(e.message).toMatch(/seams\.yaml:4:11: tier "integration" has both args and command/);
    expect(e.hint).toMatch(/tiers\.integration\.command/);
    expect(e.exitCode).toBe(2);
    // a list of strings, nothing else
    expect(errorOf(() => parseConfig('tiers:\n  integration:\n    args: --runintegration\n', '/tmp/x/seams.yaml')).message).toMatch(/:3:11: tiers\.integration\.args/);
    expect(parseConfig('tiers:\n  integration:\n    args: ["--runintegration"]\n', '/tmp/x/seams.yaml').config.tiers.integration!.args).toEqual(['--runintegration']);
  });

  it('refuses arguments that replace the report seams reads, naming the tier and the key', () => {
    const config = parseConfig('tiers:\n  integration:\n    args: ["--runintegration", "--junitxml=out.xml"]\n', '/tmp/x/seams.yaml');
    const inventory = inventoryOf([test('tests/test_a.py::test_a', 'pytest')]);
    const e = errorOf(() => extraArgsOf({ inventory, config, extraArgs: [] }, ['integration']));
    expect(e.code).toBe('SEAMS_CONFIG_INVALID');
    expect(e.message).toMatch(/seams\.yaml:3:11: tiers\.integration\.args: --junitxml=out\.xml for pytest: /);
    expect(e.hint).toMatch(/remove it from tiers\.integration\.args/);
    const vitest = parseConfig('tiers:\n  integration:\n    args: ["--reporter=dot"]\n', '/tmp/x/seams.yaml');
    expect(errorOf(() => extraArgsOf({ inventory: inventoryOf([test('a.test.ts::a', 'vitest')]), config: vitest, extraArgs: [] }, ['integration'])).message).toMatch(/--reporter=dot for vitest/);
    // another tier's runner is not judged by this tier's args
    expect(() => extraArgsOf({ inventory: inventoryOf([test('a.test.ts::a', 'vitest', 'unit')]), config: vitest, extraArgs: [] }, ['unit'])).not.toThrow();
  });

  it('need a runner section when the tier runs several runners', () => {
    const inventory = inventoryOf([test('tests/test_a.py::test_a', 'pytest'), test('web/a.test.ts::a', 'vitest')]);
    const plain = parseConfig('tiers:\n  integration:\n    args: ["--runintegration"]\n', '/tmp/x/seams.yaml');
    const e = errorOf(() => extraArgsOf({ inventory, config: plain, extraArgs: [] }, ['integration']));
    expect(e.message).toMatch(/:3:11: tiers\.integration\.args \(--runintegration\) are ambiguous: the integration tier runs pytest and vitest/);
    expect(e.hint).toContain('args: ["pytest:", "--runintegration"]');
    const sectioned = parseConfig('tiers:\n  integration:\n    args: ["pytest:", "--runintegration"]\n', '/tmp/x/seams.yaml');
    expect(() => extraArgsOf({ inventory, config: sectioned, extraArgs: [] }, ['integration'])).not.toThrow();
  });

  it('go into the built command before the arguments after --', () => {
    const root = '/tmp/x';
    const config = parseConfig('tiers:\n  integration:\n    args: ["--runintegration", "-p", "no:randomly"]\n', `${root}/seams.yaml`);
    const inventory = inventoryOf([test('tests/test_a.py::test_a', 'pytest'), test('web/a.test.ts::a', 'vitest', 'unit')]);
    const o = { root, inventory, config, env: {}, python: 'python3', extraArgs: ['-k', 'test_a'] };
    const argsFor = extraArgsOf(o, ['integration']);
    const [task] = planTierTests(o, { tier: 'integration', runnable: inventory.tests.filter((t) => t.tier === 'integration'), workDir: '/tmp/x/work', argsFor, services: [] });
    const argv = task!.spec.argv;
    const at = argv.indexOf('--runintegration');
    expect(at).toBeGreaterThan(0);
    expect(argv.slice(at, at + 3)).toEqual(['--runintegration', '-p', 'no:randomly']);
    expect(argv.indexOf('-k')).toBeGreaterThan(at);
    expect(task!.extraArgs).toEqual(['--runintegration', '-p', 'no:randomly', '-k', 'test_a']);
    // the unit tier has no args: its command is what it was
    const [unit] = planTierTests(o, { tier: 'unit', runnable: inventory.tests.filter((t) => t.tier === 'unit'), workDir: '/tmp/x/work', argsFor: () => [], services: [] });
    expect(unit!.spec.argv).not.toContain('--runintegration');
    expect(unit!.extraArgs).toBeUndefined();
  });

  it('a missing-option skip reason names the option, and nothing else does', () => {
    expect(missingFlagOf('need --runintegration option to run')).toBe('--runintegration');
    expect(missingFlagOf('needs --runslow')).toBe('--runslow');
    expect(missingFlagOf('use --run-e2e to run')).toBe('--run-e2e');
    expect(missingFlagOf('requires the `--integration` flag')).toBe('--integration');
    expect(missingFlagOf('Skipped: pass --run-db-tests to run these')).toBe('--run-db-tests');
    expect(missingFlagOf('--runslow option not given')).toBe('--runslow');
    expect(missingFlagOf('broken with --foo since 2.0')).toBeUndefined();
    expect(missingFlagOf('needs --env=staging')).toBeUndefined();
    expect(missingFlagOf('need a database')).toBeUndefined();
    expect(missingFlagOf(undefined)).toBeUndefined();
    const hints = missingFlagHints([
      { tier: 'integration', status: 'failed', reason: 'need --runintegration option to run', message: 'skipped in the integration tier, where skips count as failures: need --runintegration option to run' },
      { tier: 'integration', status: 'failed', reason: 'need --runintegration option to run', message: 'skipped in the integration tier, where skips count as failures: need --runintegration option to run' },
      { tier: 'integration', status: 'failed', reason: 'need --runslow', message: 'assert 1 == 2' },
    ] as never);
    expect(hints).toEqual(['hint: 2 tests of the integration tier skipped without --runintegration: add args: ["--runintegration"] to tiers.integration in seams.yaml so the tier always passes it']);
  });

  it('seams run integration: fails with the hint without args, passes with them (real pytest)', async () => {
    const root = copyFixture();
    const without = await runCli(['run', 'integration', '--root', root, '--no-history']);
    expect(without.code).toBe(1);
    expect(without.stdout).toMatch(/skipped in the integration tier, where skips count as failures: need --runintegration option to run/);
    expect(without.stdout).toContain('hint: 2 tests of the integration tier skipped without --runintegration: add args: ["--runintegration"] to tiers.integration in seams.yaml');

    writeFileSync(path.join(root, 'seams.yaml'), 'tiers:\n  integration:\n    args: ["--runintegration"]\n');
    const withArgs = await runCli(['run', 'integration', '--root', root, '--no-history']);
    expect(withArgs.stdout).toMatch(/PASSED: 2 passed, 0 failed, 0 not run, 0 skipped/);
    expect(withArgs.code).toBe(0);
    expect(withArgs.stdout).not.toContain('hint:');

    // the refusals reach the command line as config errors (exit 2), before anything runs
    writeFileSync(path.join(root, 'seams.yaml'), 'tiers:\n  integration:\n    args: ["--runintegration", "--junitxml", "x.xml"]\n');
    const refused = await runCli(['run', 'integration', '--root', root, '--no-history']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/seams\.yaml:3:11: tiers\.integration\.args: --junitxml for pytest/);
  }, 60_000);
});
