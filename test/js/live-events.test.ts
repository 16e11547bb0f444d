import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestResult } from '../../src/core/types.js';
import type { BuildInput, RunnerPlugin } from '../../src/runners/contract.js';
import { jestPlugin } from '../../src/runners/jest/plugin.js';
import { SEAMS_REPORTERS_DIR } from '../../src/runners/js/reporters.js';
import { playwrightPlugin } from '../../src/runners/playwright/plugin.js';
import { vitestPlugin } from '../../src/runners/vitest/plugin.js';
import { parseJestJson, parsePlaywrightJson, readJson } from '../../src/results/json.js';
import { scanRepo } from '../../src/scan/index.js';

/**
 * The live events reporters (reporters/*, docs/events.md) inside the real Vitest, Jest and
 * Playwright, started with the command each runner plugin builds with `events` set, on the small
 * projects of test/fixtures/live-events/.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.join(here, '../..');
const fixture = (name: string) => path.join(here, '../fixtures/live-events', name);

interface Event {
  event: string;
  [key: string]: unknown;
}
interface TestEvent extends Event {
  status: string;
  file: string;
  titlePath: string[];
  ms?: number;
  message?: string;
  project?: string;
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'seams-live-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let seq = 0;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  argv: string[];
  env: Record<string, string>;
  resultFile: string;
  eventsFile: string;
}

/**
 * Builds the plugin's command for the whole fixture and runs it. `events` asks for live events;
 * `env` overrides the built environment (SEAMS_EVENTS: null removes it).
 */
async function runFixture(plugin: RunnerPlugin, name: string, options: { events?: string; env?: Record<string, string | null>; extraArgs?: string[] } = {}): Promise<Run> {
  const root = fixture(name);
  const repo = await scanRepo(root, { plugins: [plugin] });
  const tag = `${plugin.id}-${++seq}`;
  const input: BuildInput = {
    root,
    project: null,
    rootDir: '.',
    tests: repo.tests,
    allTests: repo.tests,
    exclude: new Set(),
    resultFile: path.join(tmp, `${tag}.json`),
    workDir: tmp,
    extraArgs: options.extraArgs ?? [],
    python: 'python3',
    executable: path.join(repoRoot, 'node_modules/.bin', plugin.id),
    ...(options.events ? { events: options.events } : {}),
  };
  const spec = plugin.buildCommand(input);
  const env: NodeJS.ProcessEnv = { ...process.env, ...spec.env, CI: '1', FORCE_COLOR: '0' };
  delete env.SEAMS_EVENTS;
  if (spec.env.SEAMS_EVENTS) env.SEAMS_EVENTS = spec.env.SEAMS_EVENTS;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === null) delete env[k];
    else env[k] = v;
  }
  const r = spawnSync(spec.argv[0]!, spec.argv.slice(1), { cwd: spec.cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, argv: spec.argv, env: spec.env, resultFile: spec.resultFile, eventsFile: options.events ?? '' };
}

function readEvents(file: string): Event[] {
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Event);
}

/** The inventory id seams builds from a `test` event (docs/events.md): repo-relative file, then the title path. */
function idOf(root: string, e: TestEvent): string {
  const file = path.isAbsolute(e.file) ? e.file : path.join(root, e.file);
  return [path.relative(root, file).split(path.sep).join('/'), ...e.titlePath].join(' > ');
}

/** The ids `seams scan --format json` gives the fixture (the CLI of dist/, as a user runs it). */
function scanIds(root: string): Set<string> {
  const out = execFileSync(process.execPath, [path.join(repoRoot, 'bin/seams.js'), 'scan', root, '--format', 'json'], { encoding: 'utf8' });
  const json = JSON.parse(out) as { repos: { tests: { id: string }[] }[] };
  return new Set(json.repos.flatMap((r) => r.tests.map((t) => t.id)));
}

/** What seams stores from a run's JSON report, without the durations (they differ run to run). */
async function storedResults(plugin: RunnerPlugin, name: string, resultFile: string) {
  const root = fixture(name);
  const repo = await scanRepo(root, { plugins: [plugin] });
  const data = await readJson(resultFile);
  const ctx = { root, tests: repo.tests, runner: plugin.id };
  const results: TestResult[] = plugin.id === 'playwright' ? parsePlaywrightJson(data, ctx) : parseJestJson(data, plugin.id, ctx);
  return results
    .map((r) => ({ id: r.id, project: r.project, status: r.status, attempts: r.attempts, flaky: r.flaky, message: r.message ?? null }))
    .sort((a, b) => `${a.project}|${a.id}`.localeCompare(`${b.project}|${b.id}`));
}

/** The last `test` event of each (project, id): a retried test's last attempt counts. */
function lastById(root: string, events: Event[]): Map<string, TestEvent> {
  const out = new Map<string, TestEvent>();
  for (const e of events) if (e.event === 'test') out.set(`${(e as TestEvent).project ?? ''}|${idOf(root, e as TestEvent)}`, e as TestEvent);
  return out;
}

const tests = (events: Event[]) => events.filter((e): e is TestEvent => e.event === 'test');
const sumOf = (events: Event[], kind: string) => events.filter((e) => e.event === kind).reduce((s, e) => s + (e.tests as number), 0);

describe('the reporters folder', () => {
  it('is found from the module (src/ here, dist/ in the package)', () => {
    expect(SEAMS_REPORTERS_DIR).toBe(path.join(repoRoot, 'reporters'));
    for (const f of ['events.cjs', 'vitest.mjs', 'jest.cjs', 'playwright.cjs']) expect(existsSync(path.join(SEAMS_REPORTERS_DIR!, f))).toBe(true);
  });
});

describe('without SEAMS_EVENTS', () => {
  it('each reporter takes every call of its runner and writes nothing', async () => {
    const saved = process.env.SEAMS_EVENTS;
    delete process.env.SEAMS_EVENTS;
    const before = new Set(readdirSync(tmp));
    try {
      const require = createRequire(import.meta.url);
      const Jest = require(path.join(repoRoot, 'reporters/jest.cjs')) as new () => Record<string, (...a: unknown[]) => unknown>;
      const Playwright = require(path.join(repoRoot, 'reporters/playwright.cjs')) as new () => Record<string, (...a: unknown[]) => unknown>;
      const Vitest = ((await import(pathToFileURL(path.join(repoRoot, 'reporters/vitest.mjs')).href)) as { default: new () => Record<string, (...a: unknown[]) => unknown> }).default;
      const file = path.join(tmp, 'a.test.js');
      const jest = new Jest();
      jest.onTestCaseResult!({ path: file }, { title: 't', status: 'failed', failureMessages: ['boom'] });
      jest.onTestResult!({ path: file }, { testFilePath: file, testResults: [{ title: 't', status: 'failed' }] });
      jest.onRunComplete!();
      expect(jest.getLastError!()).toBeUndefined();
      const pw = new Playwright();
      expect(pw.printsToStdio!()).toBe(false);
      const suite = { type: 'file', title: 'a.test.js', project: () => undefined };
      pw.onBegin!({}, { allTests: () => [] });
      pw.onTestEnd!({ title: 't', parent: suite, location: { file }, expectedStatus: 'passed' }, { status: 'failed', duration: 1 });
      pw.onError!({ message: 'x' });
      pw.onEnd!({ status: 'failed' });
      const vitest = new Vitest();
      const module = { moduleId: file, children: { allTests: () => [] }, errors: () => [] };
      vitest.onTestModuleCollected!(module);
      vitest.onTestCaseResult!({ id: '1', name: 't', type: 'test', parent: module, module, result: () => ({ state: 'passed' }), diagnostic: () => undefined });
      vitest.onTestModuleEnd!(module);
      vitest.onTestRunEnd!([], []);
    } finally {
      if (saved !== undefined) process.env.SEAMS_EVENTS = saved;
    }
    expect(readdirSync(tmp).filter((f) => !before.has(f))).toEqual([]);
  });
});

describe('Vitest: reporters/vitest.mjs', () => {
  const root = fixture('vitest');
  let run: Run;
  let events: Event[];
  beforeAll(async () => {
    run = await runFixture(vitestPlugin, 'vitest', { events: path.join(tmp, 'vitest.ndjson') });
    events = readEvents(run.eventsFile);
  });

  it('is loaded next to the JSON reporter, with SEAMS_EVENTS', () => {
    expect(run.argv).toContain('--reporter=json');
    expect(run.argv).toContain(`--reporter=${path.join(repoRoot, 'reporters/vitest.mjs')}`);
    expect(run.env.SEAMS_EVENTS).toBe(run.eventsFile);
    expect(run.code).toBe(1); // the fixture has failing tests
  });

  it('start, collected per file adding up to the tests, one test event per test, error, end', () => {
    expect(events[0]).toEqual({ event: 'start', runner: 'vitest', v: 1 });
    expect(events.at(-1)).toEqual({ event: 'end' });
    expect(events.filter((e) => e.event === 'total')).toEqual([]);
    expect(events.filter((e) => e.event === 'collected').length).toBe(2); // the file that fails to load has no tests
    expect(sumOf(events, 'collected')).toBe(10);
    expect(tests(events).length).toBe(10); // Vitest reports a retried test once, after its retries
    const errors = events.filter((e) => e.event === 'error');
    expect(errors).toEqual([{ event: 'error', message: 'cannot load this file', file: path.join(root, 'broken.spec.ts') }]);
  });

  it('statuses, durations and first lines of the failures; ids are the ids of `seams scan`', () => {
    const ids = scanIds(root);
    const last = lastById(root, events);
    for (const key of last.keys()) expect(ids).toContain(key.slice(1));
    const status = Object.fromEntries([...last].map(([k, e]) => [k.slice(1), e.status]));
    expect(status).toEqual({
      'math.spec.ts > math > adds': 'passed',
      'math.spec.ts > math > fails': 'failed',
      'math.spec.ts > math > skipped': 'skipped',
      'math.spec.ts > math > later': 'skipped', // todo
      'math.spec.ts > math > nested > deep': 'passed',
      'math.spec.ts > top level': 'passed',
      'more.spec.ts > each 1': 'passed',
      'more.spec.ts > each 2': 'passed',
      'more.spec.ts > flaky': 'passed',
      'more.spec.ts > two lines': 'failed',
    });
    expect(last.get('|math.spec.ts > math > fails')!.message).toBe('expected 2 to be 3 // Object.is equality');
    expect(last.get('|more.spec.ts > two lines')!.message).toBe('line one');
    expect(last.get('|math.spec.ts > math > adds')!.message).toBeUndefined();
    expect(typeof last.get('|math.spec.ts > math > adds')!.ms).toBe('number');
  });

  it('leaves the JSON report seams reads as it is without events', async () => {
    const plain = await runFixture(vitestPlugin, 'vitest');
    expect(plain.argv.some((a) => a.includes('reporters/'))).toBe(false);
    expect(plain.env).toEqual({});
    expect(plain.code).toBe(run.code);
    const withEvents = await storedResults(vitestPlugin, 'vitest', run.resultFile);
    expect(withEvents.length).toBe(11);
    expect(withEvents).toEqual(await storedResults(vitestPlugin, 'vitest', plain.resultFile));
  });

  it('writes nothing without SEAMS_EVENTS, and an unwritable file does not fail the run', async () => {
    const unset = await runFixture(vitestPlugin, 'vitest', { events: path.join(tmp, 'vitest-unset.ndjson'), env: { SEAMS_EVENTS: null } });
    expect(unset.argv).toContain(`--reporter=${path.join(repoRoot, 'reporters/vitest.mjs')}`);
    expect(unset.code).toBe(1);
    expect(existsSync(unset.eventsFile)).toBe(false);
    expect(await storedResults(vitestPlugin, 'vitest', unset.resultFile)).toEqual(await storedResults(vitestPlugin, 'vitest', run.resultFile));
    const bad = await runFixture(vitestPlugin, 'vitest', { events: path.join(tmp, 'no-such-dir', 'x.ndjson') });
    expect(bad.code).toBe(1);
    expect(`${bad.stdout}${bad.stderr}`).not.toMatch(/SEAMS_EVENTS|events\.cjs|ENOENT/);
    expect(await storedResults(vitestPlugin, 'vitest', bad.resultFile)).toEqual(await storedResults(vitestPlugin, 'vitest', run.resultFile));
  });
});

describe('Jest: reporters/jest.cjs', () => {
  const root = fixture('jest');
  let run: Run;
  let events: Event[];
  beforeAll(async () => {
    // the file that fails to load has no tests in the inventory: it is passed by hand
    run = await runFixture(jestPlugin, 'jest', { events: path.join(tmp, 'jest.ndjson'), extraArgs: ['src/broken.test.js'] });
    events = readEvents(run.eventsFile);
  });

  it('is loaded after the default reporter, with SEAMS_EVENTS', () => {
    const i = run.argv.indexOf('--reporters=default');
    expect(i).toBeGreaterThan(0);
    expect(run.argv[i + 1]).toBe(`--reporters=${path.join(repoRoot, 'reporters/jest.cjs')}`);
    expect(run.env.SEAMS_EVENTS).toBe(run.eventsFile);
    expect(run.code).toBe(1);
    // Jest's default reporter still prints its summary
    expect(run.stderr).toMatch(/Tests:\s+2 failed, 1 skipped, 1 todo, 6 passed, 10 total/);
  });

  it('start, collected per finished file adding up to the tests, one test event per attempt, error, end', () => {
    expect(events[0]).toEqual({ event: 'start', runner: 'jest', v: 1 });
    expect(events.at(-1)).toEqual({ event: 'end' });
    expect(events.filter((e) => e.event === 'total')).toEqual([]);
    expect(sumOf(events, 'collected')).toBe(10);
    const last = lastById(root, events);
    expect(last.size).toBe(10);
    // the retried test reports each attempt
    const flaky = tests(events).filter((e) => idOf(root, e) === 'src/more.test.js > flaky');
    expect(flaky.map((e) => e.status)).toEqual(['failed', 'passed']);
    expect(flaky[0]!.message).toBe('Error: first attempt fails');
    const errors = events.filter((e) => e.event === 'error');
    expect(errors).toEqual([{ event: 'error', message: expect.stringContaining('cannot load this file'), file: path.join(root, 'src/broken.test.js') }]);
  });

  it('statuses and first lines of the failures; ids are the ids of `seams scan`', () => {
    const ids = scanIds(root);
    const last = lastById(root, events);
    for (const key of last.keys()) expect(ids).toContain(key.slice(1));
    const status = Object.fromEntries([...last].map(([k, e]) => [k.slice(1), e.status]));
    expect(status).toEqual({
      'src/math.test.js > math > adds': 'passed',
      'src/math.test.js > math > fails': 'failed',
      'src/math.test.js > math > skipped': 'skipped',
      'src/math.test.js > math > later': 'skipped', // todo
      'src/math.test.js > math > nested > deep': 'passed',
      'src/math.test.js > top level': 'passed',
      'src/more.test.js > each 1': 'passed',
      'src/more.test.js > each 2': 'passed',
      'src/more.test.js > flaky': 'passed',
      'src/more.test.js > setup fails > needs the database': 'failed',
    });
    expect(last.get('|src/math.test.js > math > fails')!.message).toBe('Error: expect(received).toBe(expected) // Object.is equality');
    expect(last.get('|src/more.test.js > setup fails > needs the database')!.message).toBe('Error: no database');
  });

  it('leaves the JSON report seams reads as it is without events', async () => {
    const plain = await runFixture(jestPlugin, 'jest', { extraArgs: ['src/broken.test.js'] });
    expect(plain.argv.some((a) => a.startsWith('--reporters'))).toBe(false);
    expect(plain.env).toEqual({});
    expect(plain.code).toBe(run.code);
    const withEvents = await storedResults(jestPlugin, 'jest', run.resultFile);
    expect(withEvents.length).toBe(11); // 10 tests and the file that failed to load
    expect(withEvents).toEqual(await storedResults(jestPlugin, 'jest', plain.resultFile));
  });

  it('writes nothing without SEAMS_EVENTS, and an unwritable file does not fail the run', async () => {
    const unset = await runFixture(jestPlugin, 'jest', { events: path.join(tmp, 'jest-unset.ndjson'), env: { SEAMS_EVENTS: null } });
    expect(unset.code).toBe(1);
    expect(existsSync(unset.eventsFile)).toBe(false);
    const bad = await runFixture(jestPlugin, 'jest', { events: path.join(tmp, 'no-such-dir', 'x.ndjson') });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Tests:\s+2 failed, 1 skipped, 1 todo, 6 passed, 10 total/);
    expect(await storedResults(jestPlugin, 'jest', bad.resultFile)).toEqual(await storedResults(jestPlugin, 'jest', unset.resultFile));
  });
});

describe('Playwright: reporters/playwright.cjs', () => {
  const root = fixture('playwright');
  let run: Run;
  let events: Event[];
  beforeAll(async () => {
    run = await runFixture(playwrightPlugin, 'playwright', { events: path.join(tmp, 'playwright.ndjson') });
    events = readEvents(run.eventsFile);
  }, 120_000);

  it('joins the JSON reporter in the one --reporter list, with SEAMS_EVENTS', () => {
    expect(run.argv.filter((a) => a.startsWith('--reporter'))).toEqual([`--reporter=json,${path.join(repoRoot, 'reporters/playwright.cjs')}`]);
    expect(run.env.SEAMS_EVENTS).toBe(run.eventsFile);
    expect(run.env.PLAYWRIGHT_JSON_OUTPUT_NAME).toBe(run.resultFile);
    expect(run.code).toBe(1);
  });

  it('start, total of every project, one test event per attempt (the last counts), end', () => {
    expect(events[0]).toEqual({ event: 'start', runner: 'playwright', v: 1 });
    expect(events.at(-1)).toEqual({ event: 'end' });
    expect(events.filter((e) => e.event === 'total')).toEqual([{ event: 'total', tests: 12 }]);
    const last = lastById(root, events);
    expect(last.size).toBe(12);
    expect(tests(events).length).toBe(14); // two retried attempts
    for (const project of ['alpha', 'beta']) {
      const attempts = tests(events).filter((e) => e.project === project && idOf(root, e) === 'tests/basic.spec.ts > retried > passes on the retry');
      expect(attempts.map((e) => e.status)).toEqual(['failed', 'passed']);
    }
  });

  it('statuses and first lines of the failures; ids (without the project) are the ids of `seams scan`', () => {
    const ids = scanIds(root);
    const last = lastById(root, events);
    for (const e of last.values()) expect(ids).toContain(idOf(root, e));
    const status = Object.fromEntries([...last].map(([k, e]) => [k, e.status]));
    const expected: Record<string, string> = {};
    for (const p of ['alpha', 'beta'])
      Object.assign(expected, {
        [`${p}|tests/basic.spec.ts > passes`]: 'passed',
        [`${p}|tests/basic.spec.ts > fails`]: 'failed',
        [`${p}|tests/basic.spec.ts > skipped`]: 'skipped',
        [`${p}|tests/basic.spec.ts > expected to fail`]: 'skipped', // test.fail(), failing as expected: an xfail
        [`${p}|tests/basic.spec.ts > retried > passes on the retry`]: 'passed',
        [`${p}|tests/basic.spec.ts > retried > deeper > inner`]: 'passed',
      });
    expect(status).toEqual(expected);
    expect(last.get('alpha|tests/basic.spec.ts > fails')!.message).toBe('Error: expect(received).toBe(expected) // Object.is equality');
  });

  it('leaves the JSON report seams reads, and Playwright own output, as they are without events; an unwritable file does not fail the run', async () => {
    const plain = await runFixture(playwrightPlugin, 'playwright');
    expect(plain.argv.filter((a) => a.startsWith('--reporter'))).toEqual(['--reporter=json']);
    expect(plain.env).toEqual({ PLAYWRIGHT_JSON_OUTPUT_NAME: plain.resultFile });
    expect(plain.code).toBe(run.code);
    const withEvents = await storedResults(playwrightPlugin, 'playwright', run.resultFile);
    expect(withEvents.length).toBe(12);
    expect(withEvents).toEqual(await storedResults(playwrightPlugin, 'playwright', plain.resultFile));
    // the reporter prints nothing, so Playwright still adds its own dot reporter (no terminal here)
    const summary = (s: string) => s.split('\n').filter((l) => /^\s+\d+ (passed|failed|flaky|skipped)/.test(l)).map((l) => l.replace(/\s*\(.*\)$/, ''));
    expect(summary(run.stdout)).toEqual(summary(plain.stdout));
    expect(summary(plain.stdout)).toEqual(['  2 failed', '  2 flaky', '  2 skipped', '  6 passed']);

    mkdirSync(path.join(tmp, 'read-only'));
    const bad = await runFixture(playwrightPlugin, 'playwright', { events: path.join(tmp, 'read-only') }); // a folder: cannot be opened for appending
    expect(bad.code).toBe(run.code);
    expect(await storedResults(playwrightPlugin, 'playwright', bad.resultFile)).toEqual(withEvents);
  }, 180_000);
});

/**
 * Vitest 2 and 3 (the reporter's older hooks, and the ≥ 3 hooks before Vitest 4): folders where
 * `npm install vitest@2` / `vitest@3` was run, colon-separated in SEAMS_TEST_VITEST_DIRS (seams
 * itself installs Vitest 4 only). The fixture's files are copied there and run with the reporter.
 */
const legacyDirs = (process.env.SEAMS_TEST_VITEST_DIRS ?? '').split(':').filter(Boolean);
describe.skipIf(!legacyDirs.length)('older Vitest versions (SEAMS_TEST_VITEST_DIRS)', () => {
  for (const dir of legacyDirs) {
    it(dir, () => {
      const version = (JSON.parse(readFileSync(path.join(dir, 'node_modules/vitest/package.json'), 'utf8')) as { version: string }).version;
      const root = mkdtempSync(path.join(dir, 'live-'));
      try {
        for (const f of ['math.spec.ts', 'more.spec.ts', 'broken.spec.ts']) writeFileSync(path.join(root, f), readFileSync(path.join(fixture('vitest'), f)));
        const events = path.join(root, 'events.ndjson');
        const r = spawnSync(
          process.execPath,
          [path.join(dir, 'node_modules/vitest/vitest.mjs'), 'run', '--root', root, '--reporter=json', `--reporter=${path.join(repoRoot, 'reporters/vitest.mjs')}`, `--outputFile=${path.join(root, 'r.json')}`],
          { cwd: root, env: { ...process.env, SEAMS_EVENTS: events, CI: '1' }, encoding: 'utf8', timeout: 120_000 },
        );
        expect(r.status, `${version}: ${r.stderr}`).toBe(1);
        const all = readEvents(events);
        expect(all[0]).toEqual({ event: 'start', runner: 'vitest', v: 1 });
        expect(all.at(-1)).toEqual({ event: 'end' });
        expect(sumOf(all, 'collected')).toBe(10);
        const status = Object.fromEntries([...lastById(root, all)].map(([k, e]) => [k.slice(1), e.status]));
        expect(status).toEqual({
          'math.spec.ts > math > adds': 'passed',
          'math.spec.ts > math > fails': 'failed',
          'math.spec.ts > math > skipped': 'skipped',
          'math.spec.ts > math > later': 'skipped',
          'math.spec.ts > math > nested > deep': 'passed',
          'math.spec.ts > top level': 'passed',
          'more.spec.ts > each 1': 'passed',
          'more.spec.ts > each 2': 'passed',
          'more.spec.ts > flaky': 'passed',
          'more.spec.ts > two lines': 'failed',
        });
        expect(tests(all).length).toBe(10);
        expect(all.filter((e) => e.event === 'error')).toEqual([{ event: 'error', message: 'cannot load this file', file: path.join(root, 'broken.spec.ts') }]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }
});
