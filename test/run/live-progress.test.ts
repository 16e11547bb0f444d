import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/app/run.js';
import type { RunProgress, TaskProgress, TierDone } from '../../src/core/progress.js';
import { buildPytestCommand } from '../../src/runners/pytest/command.js';
import { writeRepo } from '../helpers/repo.js';

/**
 * Live progress through a real `seams run` (the app layer) with the real runners: pytest 9 with
 * seams' plugin, unittest and Django under Debian's Python, each reporting every test as it
 * finishes (docs/events.md), read by seams while the runner runs.
 */

interface Seen {
  tasks: TaskProgress[];
  finished: TaskProgress[];
  tiers: TierDone[];
  durations: ReadonlyMap<string, number>[];
  /** (done, failed) each time a task was polled mid-run: proof that events arrive before the end. */
  during: number[];
}

function recorder(live = true): { progress: RunProgress; seen: Seen } {
  const seen: Seen = { tasks: [], finished: [], tiers: [], durations: [], during: [] };
  let timer: NodeJS.Timeout | undefined;
  const progress: RunProgress = {
    live,
    taskStarted(plan, _tests, _keys) {
      // the real display's class, so the counts are the ones a terminal shows
      const { TaskProgress: Task } = progressModule;
      const t = new Task(plan, Date.now());
      seen.tasks.push(t);
      timer = setInterval(() => seen.during.push(t.done), 50);
      return t;
    },
    taskFinished(t) {
      clearInterval(timer);
      seen.finished.push(t);
    },
    tierFinished(t) {
      seen.tiers.push(t);
    },
    setDurations(d) {
      seen.durations.push(d);
    },
  };
  return { progress, seen };
}
const progressModule = await import('../../src/core/progress.js');

const PYTEST_TESTS = `
import time
import pytest

def test_ok():
    time.sleep(0.3)

def test_bad():
    time.sleep(0.3)
    assert 1 == 2, "one is not two"

@pytest.mark.skip(reason="not today")
def test_skipped():
    pass

@pytest.mark.xfail(reason="known")
def test_known_bug():
    assert False

@pytest.mark.parametrize("n", [1, 2, 3])
def test_param(n):
    time.sleep(0.3)
`;

const quiet = { log: () => undefined };

describe('live progress from the real runners', () => {
  it('pytest: every test as it finishes, failures by their inventory id and first line, the tier\'s counts equal the stored run', async () => {
    const root = writeRepo({ 'tests/test_live.py': PYTEST_TESTS, 'pytest.ini': '[pytest]\n' });
    const { progress, seen } = recorder();
    const result = await run({ root, tiers: ['unit'], progress, env: { ...process.env, CI: '' }, ...quiet });
    const task = seen.finished[0]!;
    expect(seen.finished).toHaveLength(1);
    expect(task.plan).toMatchObject({ tier: 'unit', runner: 'pytest', live: true, planned: 7 });
    expect(task.runnerTotal).toBe(7);
    expect([task.done, task.passed, task.failed, task.skipped]).toEqual([7, 4, 1, 2]);
    expect(task.failures.map(({ name, message }) => ({ name, message }))).toEqual([{ name: 'tests/test_live.py::test_bad', message: 'AssertionError: one is not two' }]);
    // events arrived while pytest ran, not all at its end
    expect(seen.during.some((d) => d > 0 && d < 7)).toBe(true);
    const stored = result.outcomes[0]!.run.results;
    expect(seen.tiers).toEqual([{ tier: 'unit', tierIndex: 1, tierCount: 1, tests: stored.length, counts: { passed: 4, failed: 1, skipped: 1, xfailed: 1 }, ms: expect.any(Number) }]);
    // every name a failure is shown by is a test of the run
    for (const f of task.failures) expect(stored.map((r) => r.id)).toContain(f.name);

    // a second run: the history's durations reach the display for the ETA
    const { progress: p2, seen: s2 } = recorder();
    await run({ root, tiers: ['unit'], progress: p2, env: { ...process.env, CI: '' }, ...quiet });
    expect(s2.durations).toHaveLength(1);
    expect(s2.durations[0]!.get('pytest||tests/test_live.py::test_ok')).toBeGreaterThan(250);
    // and how the task went last time on this machine: 7 tests, 5 of them 0.3 s apart or more
    const prev = s2.finished[0]!.plan.previous!;
    expect(prev.tests).toBe(7);
    expect(prev.wallMs).toBeGreaterThanOrEqual(prev.firstResultMs + prev.afterLastMs + 4 * 300);
  }, 60_000);

  it('an ini file below the repository (pytest\'s rootdir there): events still name tests by their inventory ids', async () => {
    const root = writeRepo({ 'svc/pytest.ini': '[pytest]\n', 'svc/tests/test_a.py': 'def test_a():\n    assert False\n' });
    const { progress, seen } = recorder();
    const keys: string[][] = [];
    const wrapped: RunProgress = {
      ...progress,
      taskStarted(plan, tests, k) {
        keys.push(...tests.map((t) => [...k(t)]));
        return progress.taskStarted(plan, tests, k);
      },
    };
    await run({ root, progress: wrapped, env: { ...process.env, CI: '' }, ...quiet });
    expect(keys).toEqual([['svc/tests/test_a.py::test_a']]);
    // pytest's node id is relative to svc/; the plugin names it from where pytest started
    expect(seen.finished[0]!.failures.map((f) => f.name)).toEqual(['svc/tests/test_a.py::test_a']);
  }, 60_000);

  it('without a live display the command is the one seams always built: no events file, no SEAMS_EVENTS', async () => {
    const root = writeRepo({ 'tests/test_a.py': 'def test_a():\n    pass\n' });
    const { progress, seen } = recorder(false);
    const result = await run({ root, progress, env: { ...process.env, CI: 'true' }, ...quiet });
    expect(result.outcomes[0]!.run.status).toBe('passed');
    expect(seen.finished[0]!.plan.live).toBe(false);
    expect(seen.finished[0]!.done).toBe(0);
    expect(seen.tiers[0]!.counts).toEqual({ passed: 1 });
    const base = { root, project: null, rootDir: '.', tests: [], allTests: [], exclude: new Set<string>(), resultFile: '/w/r.xml', workDir: '/w', extraArgs: [], python: 'python3' };
    expect(buildPytestCommand(base).env).not.toHaveProperty('SEAMS_EVENTS');
    expect(buildPytestCommand({ ...base, events: '/w/r.events' }).env).toMatchObject({ SEAMS_EVENTS: '/w/r.events' });
    expect(buildPytestCommand({ ...base, events: '/w/r.events' }).argv).toEqual(buildPytestCommand(base).argv);
  }, 60_000);

  it('unittest under Debian\'s Python: the total from the suite, each test by its dotted id', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-live-unittest-'));
    cpSync(path.resolve('test/fixtures/unittest/calc'), root, { recursive: true });
    const { progress, seen } = recorder();
    const result = await run({ root, progress, python: '/usr/bin/python3', env: { ...process.env, CI: '' }, ...quiet });
    const stored = result.outcomes.flatMap((o) => o.run.results);
    const tasks = seen.finished.filter((t) => t.plan.runner === 'unittest');
    expect(tasks.length).toBeGreaterThan(0);
    const done = tasks.reduce((s, t) => s + t.done, 0);
    expect(done).toBe(stored.filter((r) => r.runner === 'unittest' && r.status !== 'not-run').length);
    expect(tasks.every((t) => t.runnerTotal !== undefined && t.done === t.runnerTotal)).toBe(true);
    const failed = stored.filter((r) => r.runner === 'unittest' && (r.status === 'failed' || r.status === 'error')).map((r) => r.id);
    expect(tasks.flatMap((t) => t.failures.map((f) => f.name)).sort()).toEqual(failed.sort());
  }, 60_000);

  it('Django (manage.py test under seams\' runner): every test reported', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-live-django-'));
    cpSync(path.resolve('test/fixtures/django/shop'), root, { recursive: true });
    const { progress, seen } = recorder();
    const result = await run({ root, progress, python: '/usr/bin/python3', env: { ...process.env, CI: '' }, ...quiet });
    const stored = result.outcomes.flatMap((o) => o.run.results).filter((r) => r.runner === 'django' && r.status !== 'not-run');
    const tasks = seen.finished.filter((t) => t.plan.runner === 'django');
    expect(stored.length).toBeGreaterThan(0);
    expect(tasks.reduce((s, t) => s + t.done, 0)).toBe(stored.length);
    expect(readdirSync(root).includes('.seams')).toBe(true);
  }, 90_000);

  it.each(['vitest', 'jest', 'playwright'])('%s through seams run: the reporter seams loads reports every test it stores, failures by their inventory ids', async (name) => {
    // in place: the fixture's runner resolves from seams' own node_modules; what the run leaves
    // (.seams/: the scan cache, the task timings) goes, as other tests list the fixtures' files
    const root = path.resolve('test/fixtures/live-events', name);
    const { progress, seen } = recorder();
    const left = path.join(root, '.seams');
    const had = existsSync(left);
    const result = await run({ root, progress, history: false, env: { ...process.env, CI: '' }, ...quiet }).finally(() => {
      if (!had) rmSync(left, { recursive: true, force: true });
    });
    const stored = result.outcomes.flatMap((o) => o.run.results).filter((r) => r.status !== 'not-run');
    const tasks = seen.finished.filter((t) => t.plan.runner === name);
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.every((t) => t.plan.live)).toBe(true);
    // a file that fails to load is one error result in the report, an error event live
    expect(tasks.reduce((s, t) => s + t.done + t.errors.length, 0)).toBe(stored.filter((r) => r.runner === name).length);
    for (const e of tasks.flatMap((t) => t.errors)) if (e.name !== 'error') expect(path.isAbsolute(e.name), e.name).toBe(false);
    const failedIds = new Set(stored.filter((r) => r.status === 'failed' || r.status === 'error').map((r) => r.id));
    const shown = tasks.flatMap((t) => t.failures.map((f) => f.name.replace(/ \([^)]*\)$/, '')));
    expect(shown.length).toBeGreaterThan(0);
    for (const id of shown) expect(failedIds, id).toContain(id);
  }, 120_000);
});
