import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveredTest } from '../../src/core/types.js';
import { detectFormat, parseGoTestJson, parseJestJson, parsePlaywrightJson, readResults } from '../../src/results/index.js';

/** Reports produced by the real runners installed here, parsed and joined to ids. */
mkdirSync(path.resolve('.tmp'), { recursive: true });
const root = mkdtempSync(path.resolve('.tmp/reports-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const bin = (name: string) => path.resolve('node_modules/.bin', name);

function write(rel: string, text: string) {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

const tests = (runner: DiscoveredTest['runner'], ids: string[]): DiscoveredTest[] =>
  ids.map((id) => ({
    runner,
    project: null,
    id,
    file: id.split(' > ')[0]!,
    line: 1,
    titlePath: id.split(' > ').slice(1),
    name: id.split(' > ').at(-1)!,
    tier: 'integration',
    tierSource: 'path:integration',
    markers: [],
    status: 'active',
    dynamic: false,
    refs: { workflows: [], components: [], requirements: [] },
  }));

beforeAll(() => {
  const counter = `const fs = require('fs'); const p = __dirname + '/count-' + NAME; const n = fs.existsSync(p) ? +fs.readFileSync(p, 'utf8') : 0; fs.writeFileSync(p, String(n + 1));`;
  write(
    'jest/sum.test.js',
    `const NAME = 'jest';
describe('sum', () => {
  jest.retryTimes(2);
  test('adds', () => expect(1 + 1).toBe(2));
  test('fails', () => expect(1).toBe(2));
  test('retried', () => { ${counter} expect(n).toBeGreaterThan(0); });
  test.skip('skipped', () => {});
  test.todo('later');
});`,
  );
  write('jest/broken.test.js', 'this is not javascript (');
  spawnSync(bin('jest'), ['--rootDir', path.join(root, 'jest'), '--json', `--outputFile=${path.join(root, 'jest.json')}`], { cwd: path.join(root, 'jest'), stdio: 'ignore' });

  write('pw/package.json', '{ "type": "commonjs" }');
  write('pw/playwright.config.js', `module.exports = { testDir: '.', retries: 2, reporter: 'json' };`);
  write(
    'pw/a.spec.js',
    `const { test, expect } = require('@playwright/test');
const NAME = 'pw';
test.describe('group', () => {
  test('passes', () => expect(1).toBe(1));
  test('flaky', () => { ${counter} expect(n).toBeGreaterThan(0); });
  test('fails', () => expect(1).toBe(2));
  test('skipped', () => { test.skip(true, 'not on linux'); });
});`,
  );
  const pw = spawnSync(bin('playwright'), ['test', '--config', path.join(root, 'pw/playwright.config.js')], {
    cwd: path.join(root, 'pw'),
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(root, 'pw.json') },
    encoding: 'utf8',
  });
  void pw;
}, 120_000);

describe('real runner reports', () => {
  it('Jest --json: statuses, invocations from jest.retryTimes, file-level errors, ids joined', async () => {
    expect(await detectFormat(path.join(root, 'jest.json'))).toBe('jest');
    const data = JSON.parse(readFileSync(path.join(root, 'jest.json'), 'utf8'));
    const inv = tests('jest', ['jest/sum.test.js > sum > adds']);
    const rs = parseJestJson(data, 'jest', { root, tests: inv });
    const by = Object.fromEntries(rs.map((r) => [r.id, r]));
    expect(by['jest/sum.test.js > sum > adds']).toMatchObject({ status: 'passed', known: true, tier: 'integration', attempts: 1 });
    expect(by['jest/sum.test.js > sum > fails']).toMatchObject({ status: 'failed', known: false, attempts: 3 });
    expect(by['jest/sum.test.js > sum > fails']!.message).toMatch(/Expected: 2/);
    expect(by['jest/sum.test.js > sum > retried']).toMatchObject({ status: 'passed', flaky: true, attempts: 2 });
    expect(by['jest/sum.test.js > sum > skipped']).toMatchObject({ status: 'skipped' });
    expect(by['jest/sum.test.js > sum > later']).toMatchObject({ status: 'skipped', reason: 'todo' });
    expect(by['jest/broken.test.js']).toMatchObject({ status: 'error' });
  });

  it('Playwright JSON reporter: retries, flaky, skip reasons, title paths', async () => {
    expect(await detectFormat(path.join(root, 'pw.json'))).toBe('playwright');
    const data = JSON.parse(readFileSync(path.join(root, 'pw.json'), 'utf8'));
    const rs = parsePlaywrightJson(data, { root, tests: [] });
    const by = Object.fromEntries(rs.map((r) => [r.id, r]));
    expect(Object.keys(by).sort()).toEqual(['pw/a.spec.js > group > fails', 'pw/a.spec.js > group > flaky', 'pw/a.spec.js > group > passes', 'pw/a.spec.js > group > skipped']);
    expect(by['pw/a.spec.js > group > passes']).toMatchObject({ status: 'passed', attempts: 1, flaky: false });
    expect(by['pw/a.spec.js > group > flaky']).toMatchObject({ status: 'passed', attempts: 2, flaky: true });
    expect(by['pw/a.spec.js > group > fails']).toMatchObject({ status: 'failed', attempts: 3 });
    expect(by['pw/a.spec.js > group > skipped']).toMatchObject({ status: 'skipped', reason: 'not on linux' });
  });

  it('tells Vitest JSON from Jest JSON, and joins ids known under the other runner', async () => {
    const vitestReport = { numTotalTestSuites: 1, numPassedTestSuites: 1, testResults: [{ name: path.join(root, 'web/a.test.ts'), status: 'passed', assertionResults: [{ ancestorTitles: ['s'], title: 't', status: 'passed', duration: 3, failureMessages: [] }] }] };
    write('vitest.json', JSON.stringify(vitestReport));
    expect(await detectFormat(path.join(root, 'vitest.json'))).toBe('vitest');
    const inv = tests('vitest', ['web/a.test.ts > s > t']);
    const rs: { runner: string; id: string; known?: boolean }[] = [];
    for await (const b of readResults(path.join(root, 'vitest.json'), { root, tests: inv })) rs.push(...b);
    expect(rs.map((r) => [r.runner, r.id, r.known])).toEqual([['vitest', 'web/a.test.ts > s > t', true]]);
    // the same shape written by Jest with an id the inventory has under vitest still joins
    const asJest = parseJestJson(vitestReport, 'jest', { root, tests: inv });
    expect(asJest[0]).toMatchObject({ runner: 'vitest', known: true });
  });

  it('go test -json events', () => {
    const text = [
      '{"Action":"run","Package":"x/y","Test":"TestA"}',
      '{"Action":"output","Package":"x/y","Test":"TestB","Output":"    b_test.go:9: boom\\n"}',
      '{"Action":"pass","Package":"x/y","Test":"TestA","Elapsed":0.25}',
      '{"Action":"fail","Package":"x/y","Test":"TestB","Elapsed":1}',
      '# some build output',
      '{"Action":"skip","Package":"x/y","Test":"TestC","Elapsed":0}',
      '{"Action":"pass","Package":"x/y","Elapsed":1.3}',
    ].join('\n');
    const rs = parseGoTestJson(text, { root, tests: [] });
    expect(rs.map((r) => [r.id, r.status, r.durationMs])).toEqual([
      ['x/y::TestA', 'passed', 250],
      ['x/y::TestB', 'failed', 1000],
      ['x/y::TestC', 'skipped', 0],
    ]);
    expect(rs[1]!.message).toContain('boom');
  });

  it('pytest JUnit XML joins to node ids (classes, params), unknown ids are kept and marked', async () => {
    write('py/tests/test_m.py', 'import pytest\nclass TestK:\n    @pytest.mark.parametrize("v", ["a b", 2])\n    def test_p(self, v):\n        assert v != 2\ndef test_top():\n    pass\n');
    spawnSync("python3", ["-m", "pytest", "-q", "-p", "no:cacheprovider", `--junitxml=${path.join(root, "py.xml")}`, "tests"], { cwd: path.join(root, "py"), stdio: "ignore" });
    const inv: DiscoveredTest[] = tests("pytest", []).concat(["tests/test_m.py::TestK::test_p[a b]", "tests/test_m.py::TestK::test_p[2]"].map((id) => ({ ...tests("pytest", [id])[0]!, file: "tests/test_m.py" })));
    const rs: { id: string; status: string; known?: boolean }[] = [];
    for await (const b of readResults(path.join(root, "py.xml"), { root, tests: inv, runner: "pytest" })) rs.push(...b);
    expect(rs.map((r) => [r.id, r.status, r.known])).toEqual([
      ["tests/test_m.py::TestK::test_p[a b]", "passed", true],
      ["tests/test_m.py::TestK::test_p[2]", "failed", true],
      ["tests/test_m.py::test_top", "passed", false],
    ]);
  }, 30_000);
});
