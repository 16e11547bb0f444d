import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TaskProgress, expectedDurations, type LiveEvent, type TaskPlan } from '../../src/core/progress.js';
import { EventsTail, MAX_EVENT_LINE, parseEventLine } from '../../src/execute/events.js';
import { TaskTimingsFile, timingsKey } from '../../src/execute/timings.js';
import { clock, taskLines, tierDoneLine } from '../../src/report/progress.js';
import { createLiveRegion } from '../../src/util/progress.js';
import { cellWidth } from '../../src/util/term.js';
import { screen } from '../helpers/screen.js';

const plan = (over: Partial<TaskPlan> = {}): TaskPlan => ({ tier: 'unit', runner: 'pytest', project: null, label: 'unit · pytest', planned: 10, live: true, tierIndex: 1, tierCount: 1, ...over });
const keyOf = (e: Extract<LiveEvent, { event: 'test' }>) => e.id ?? `${e.file} > ${e.titlePath!.join(' > ')}`;
const test = (id: string, status: 'passed' | 'failed' | 'skipped' | 'error' = 'passed', message?: string): LiveEvent => ({ event: 'test', id, status, ...(message ? { message } : {}) });

describe('live events: one line', () => {
  it('takes the events of docs/events.md and drops unknown fields', () => {
    expect(parseEventLine('{"event":"total","tests":3}')).toEqual({ event: 'total', tests: 3 });
    expect(parseEventLine('{"event":"collected","tests":2,"extra":1}')).toEqual({ event: 'collected', tests: 2 });
    expect(parseEventLine('{"event":"test","id":"a.py::t","status":"failed","ms":1.5,"message":"boom","x":[1]}')).toEqual({ event: 'test', id: 'a.py::t', status: 'failed', ms: 1.5, message: 'boom' });
    expect(parseEventLine('{"event":"test","file":"/r/a.test.ts","titlePath":["s","t"],"status":"passed"}')).toEqual({ event: 'test', file: '/r/a.test.ts', titlePath: ['s', 't'], status: 'passed' });
    expect(parseEventLine('{"event":"error","message":"ImportError","file":"b.py"}')).toEqual({ event: 'error', message: 'ImportError', file: 'b.py' });
    expect(parseEventLine('{"event":"end"}')).toEqual({ event: 'end' });
  });

  it('refuses what is not an event: no JSON, no object, a wrong type, an unknown status or event, a test without a name', () => {
    for (const line of [
      '',
      'not json',
      '[1,2]',
      '{"event":"total","tests":-1}',
      '{"event":"total","tests":"3"}',
      '{"event":"test","id":"a","status":"xfailed"}',
      '{"event":"test","status":"passed"}',
      '{"event":"test","file":"a.ts","status":"passed"}',
      '{"event":"test","file":"a.ts","titlePath":[1],"status":"passed"}',
      '{"event":"later"}',
      '{"tests":3}',
    ])
      expect(parseEventLine(line), line).toBeNull();
    // the protocol's limit: a longer line is not read at all
    expect(parseEventLine(`{"event":"error","message":"${'x'.repeat(MAX_EVENT_LINE)}"}`)).toBeNull();
  });

  it('keeps a message to 200 characters', () => {
    const e = parseEventLine(JSON.stringify({ event: 'test', id: 'a', status: 'failed', message: 'm'.repeat(500) }));
    expect(e).toMatchObject({ message: 'm'.repeat(200) });
  });
});

describe('live events: following the file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'seams-events-'));

  it('reads complete lines as they are appended; a partial line waits for its newline; a missing file is no error', () => {
    const file = path.join(dir, 'a.events');
    const got: LiveEvent[] = [];
    const tail = new EventsTail(file, (e) => got.push(e));
    expect(tail.poll()).toBe(0); // not there yet
    writeFileSync(file, '{"event":"total","tests":2}\n{"event":"test","id":"x","sta');
    expect(tail.poll()).toBe(1);
    appendFileSync(file, 'tus":"passed"}\r\n');
    expect(tail.poll()).toBe(1);
    appendFileSync(file, 'garbage\n{"event":"test","id":"y","status":"failed"}');
    expect(tail.poll()).toBe(0);
    tail.close(); // the rest: a last line without its newline is not an event yet
    expect(got).toEqual([
      { event: 'total', tests: 2 },
      { event: 'test', id: 'x', status: 'passed' },
    ]);
    expect(tail.poll()).toBe(0);
  });

  it('drops an overlong line as it arrives and goes on with the next one', () => {
    const file = path.join(dir, 'b.events');
    const got: LiveEvent[] = [];
    const tail = new EventsTail(file, (e) => got.push(e));
    writeFileSync(file, `{"event":"error","message":"${'x'.repeat(MAX_EVENT_LINE + 10)}`);
    tail.poll();
    appendFileSync(file, `${'y'.repeat(300_000)}"}\n{"event":"end"}\n`);
    tail.close();
    expect(got).toEqual([{ event: 'end' }]);
  });

  it('decodes UTF-8 split between two reads', () => {
    const file = path.join(dir, 'c.events');
    const got: LiveEvent[] = [];
    const tail = new EventsTail(file, (e) => got.push(e));
    const bytes = Buffer.from('{"event":"test","id":"t[ü→✓]","status":"passed"}\n');
    const cut = bytes.indexOf(Buffer.from('→')) + 1;
    writeFileSync(file, bytes.subarray(0, cut));
    tail.poll();
    appendFileSync(file, bytes.subarray(cut));
    tail.close();
    expect(got).toEqual([{ event: 'test', id: 't[ü→✓]', status: 'passed' }]);
  });
});

describe('a task\'s progress', () => {
  it('counts: the runner\'s total wins over seams\' plan; collected adds up; failures keep their names and first lines in order', () => {
    const t = new TaskProgress(plan({ planned: 10 }), 0);
    expect(t.total).toBe(10);
    t.apply({ event: 'collected', tests: 4 }, 1, keyOf);
    t.apply({ event: 'collected', tests: 8 }, 1, keyOf);
    expect(t.total).toBe(12); // more collected than planned (parametrized tests the scan saw once)
    t.apply({ event: 'total', tests: 11 }, 1, keyOf);
    expect(t.total).toBe(11);
    t.apply(test('a'), 2, keyOf);
    t.apply(test('b', 'failed', 'assert 1 == 2'), 3, keyOf);
    t.apply(test('c', 'skipped'), 4, keyOf);
    t.apply(test('d', 'error', 'fixture boom'), 5, keyOf);
    t.apply({ event: 'error', message: 'ImportError', file: 'x.py' }, 6, keyOf);
    expect([t.done, t.passed, t.failed, t.skipped]).toEqual([4, 1, 2, 1]);
    expect(t.failures.map(({ name, message }) => ({ name, message }))).toEqual([
      { name: 'b', message: 'assert 1 == 2' },
      { name: 'd', message: 'fixture boom' },
    ]);
    expect(t.errors).toEqual([{ name: 'x.py', message: 'ImportError' }]);
  });

  it('a retried test counts once, by its last attempt; the same id in two projects is two tests', () => {
    const t = new TaskProgress(plan({ planned: 3 }), 0);
    t.apply({ event: 'test', id: 'a', status: 'failed', message: 'first try', project: 'chromium' }, 1, keyOf);
    expect([t.done, t.failed, t.failures.length]).toEqual([1, 1, 1]);
    t.apply({ event: 'test', id: 'a', status: 'passed', project: 'chromium' }, 2, keyOf);
    expect([t.done, t.passed, t.failed, t.failures.length]).toEqual([1, 1, 0, 0]);
    t.apply({ event: 'test', id: 'a', status: 'failed', message: 'firefox only', project: 'firefox' }, 3, keyOf);
    t.apply({ event: 'test', id: 'b', status: 'error', message: 'once' }, 4, keyOf);
    t.apply({ event: 'test', id: 'b', status: 'failed', message: 'twice' }, 5, keyOf);
    expect([t.done, t.passed, t.failed]).toEqual([3, 1, 2]);
    expect(t.failures.map(({ name, message }) => ({ name, message }))).toEqual([
      { name: 'a (firefox)', message: 'firefox only' },
      { name: 'b', message: 'twice' },
    ]);
    expect(parseEventLine('{"event":"test","id":"a","status":"passed","project":"chromium"}')).toEqual({ event: 'test', id: 'a', status: 'passed', project: 'chromium' });
  });

  it('never shows fewer tests than are done', () => {
    const t = new TaskProgress(plan({ planned: 1 }), 0);
    for (const id of ['a', 'b', 'c']) t.apply(test(id), 1, keyOf);
    expect(t.total).toBe(3);
  });

  it('ETA without history: the pace between results times the tests left, once there is a pace', () => {
    const t = new TaskProgress(plan({ planned: 10 }), 0);
    t.apply(test('a'), 1000, keyOf);
    t.apply(test('b'), 1500, keyOf);
    expect(t.eta(1500)).toBeUndefined(); // two results say nothing yet
    t.apply(test('c'), 2000, keyOf);
    expect(t.eta(2000)).toBe(3500); // 500 ms a test, 7 left
    expect(t.eta(3000)).toBe(2500); // the clock runs down between results
    expect(t.eta(99_000)).toBe(0);
  });

  it('ETA with history: the expected time of the tests not yet done; the slow test still to come counts', () => {
    const planned = ['fast1', 'fast2', 'slow'].map((id) => ({ runner: 'pytest', project: null, id }));
    const durations = new Map([
      ['pytest||fast1', 100],
      ['pytest||fast2', 100],
      ['pytest||slow', 10_000],
    ]);
    const t = new TaskProgress(plan({ planned: 3 }), 0);
    t.setExpected(expectedDurations(planned, durations, (x) => [x.id]));
    expect(t.eta(0)).toBe(10_200);
    t.apply(test('fast1'), 100, keyOf);
    t.apply(test('fast2'), 200, keyOf);
    // a pace estimate would say 1 test × 100 ms; the history knows the slow one is left
    expect(t.eta(200)).toBe(10_000);
    t.apply(test('slow'), 10_200, keyOf);
    expect(t.eta(10_200)).toBe(0);
  });

  it('ETA with history scales by the observed pace (parallel workers run 4× faster than the sum)', () => {
    const planned = Array.from({ length: 100 }, (_, i) => ({ runner: 'pytest', project: null, id: `t${i}` }));
    const durations = new Map(planned.map((p) => [`pytest||${p.id}`, 100]));
    const t = new TaskProgress(plan({ planned: 100 }), 0);
    t.setExpected(expectedDurations(planned, durations, (x) => [x.id]));
    for (let i = 0; i < 50; i++) t.apply(test(`t${i}`), 1000 + i * 25, keyOf); // 25 ms a test on the wall
    // 50 left × 100 ms expected × pace 0.25, less nothing since the last result
    expect(t.eta(1000 + 49 * 25)).toBeCloseTo(50 * 100 * 0.25, 0);
  });

  it('ETA with last time\'s phases: start-up left, then the tests, then the wind-down; the wind-down alone once every test reported', () => {
    const previous = { tests: 101, wallMs: 30_000, firstResultMs: 12_000, afterLastMs: 8_000 }; // 100 ms a test between first and last
    const t = new TaskProgress(plan({ planned: 101, previous }), 0);
    expect(t.eta(0)).toBe(12_000 + 101 * 100 + 8_000);
    expect(t.eta(5_000)).toBe(7_000 + 101 * 100 + 8_000);
    expect(t.eta(15_000)).toBe(101 * 100 + 8_000); // start-up took longer this time: none of it left
    t.apply(test('a'), 15_000, keyOf);
    expect(t.eta(15_000)).toBe(100 * 100 + 8_000);
    for (let i = 0; i < 100; i++) t.apply(test(`t${i}`), 15_100 + i * 100, keyOf);
    expect(t.eta(25_000)).toBe(8_000);
    expect(taskLines(t, 25_000, { width: 80, color: false })[0]).toMatch(/101\/101 100% {2}25s {2}finishing {2}ETA 8s$/);
    expect(t.eta(40_000)).toBe(0);
  });

  it('timings: the phases of a task that ran to its end with results, none for one that reported nothing', () => {
    const t = new TaskProgress(plan({ planned: 2 }), 1_000);
    t.apply(test('a'), 4_000, keyOf);
    t.apply(test('b'), 5_000, keyOf);
    expect(t.timings()).toBeUndefined(); // still running
    t.finish(9_000);
    expect(t.timings()).toEqual({ tests: 2, wallMs: 8_000, firstResultMs: 3_000, afterLastMs: 4_000 });
    const silent = new TaskProgress(plan(), 0);
    silent.finish(10);
    expect(silent.timings()).toBeUndefined();
  });

  it('the timings file: read back by task, the newest wins, a broken file or a folder it cannot write is no error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seams-timings-'));
    const f = new TaskTimingsFile(dir);
    expect(f.get(timingsKey('unit', 'pytest', null))).toBeUndefined();
    f.set(timingsKey('unit', 'pytest', null), { tests: 5, wallMs: 900, firstResultMs: 300, afterLastMs: 100 }, new Date(0));
    f.set(timingsKey('e2e', 'playwright', 'chromium'), { tests: 1, wallMs: 5, firstResultMs: 1, afterLastMs: 1 }, new Date(0));
    f.set(timingsKey('unit', 'pytest', null), { tests: 6, wallMs: 1000, firstResultMs: 300, afterLastMs: 100 }, new Date(0));
    const again = new TaskTimingsFile(dir);
    expect(again.get('unit|pytest|')).toEqual({ tests: 6, wallMs: 1000, firstResultMs: 300, afterLastMs: 100 });
    expect(again.get('e2e|playwright|chromium')?.tests).toBe(1);
    writeFileSync(path.join(dir, '.seams', 'timings.json'), '{"version":1,"tasks":{"unit|pytest|":{"tests":"x"}}');
    expect(new TaskTimingsFile(dir).get('unit|pytest|')).toBeUndefined();
    writeFileSync(path.join(dir, '.seams', 'timings.json'), 'not json');
    expect(new TaskTimingsFile(dir).get('unit|pytest|')).toBeUndefined();
    // a folder seams cannot write in (here .seams is a file: root ignores permissions)
    const blocked = mkdtempSync(path.join(tmpdir(), 'seams-timings-'));
    writeFileSync(path.join(blocked, '.seams'), '');
    expect(() => new TaskTimingsFile(blocked).set('unit|pytest|', { tests: 1, wallMs: 1, firstResultMs: 0, afterLastMs: 0 }, new Date())).not.toThrow();
    expect(new TaskTimingsFile(blocked).get('unit|pytest|')).toBeUndefined();
  });

  it('a test the history does not know weighs the median; no known duration gives no history at all', () => {
    const planned = ['a', 'b', 'c'].map((id) => ({ runner: 'pytest', project: null, id }));
    const e = expectedDurations(planned, new Map([['pytest||a', 10], ['pytest||b', 30]]), (x) => [x.id])!;
    expect(e.median).toBe(30);
    expect(e.total).toBe(70);
    expect(expectedDurations(planned, new Map([['vitest||a', 10]]), (x) => [x.id])).toBeNull();
  });

  it('a runner without events has no ETA and shows the elapsed time only', () => {
    const t = new TaskProgress(plan({ live: false, planned: 5 }), 0);
    expect(t.eta(10_000)).toBeUndefined();
    expect(taskLines(t, 65_000, { width: 80, color: false })).toEqual(['unit · pytest  5 tests  1m05s']);
  });
});

describe('progress lines', () => {
  it('status line, the newest failures with their first line, and how many more; all fit the width', () => {
    const t = new TaskProgress(plan({ planned: 200, tierIndex: 2, tierCount: 3 }), 0);
    for (let i = 0; i < 5; i++) t.apply(test(`tests/test_mod.py::test_case_with_a_rather_long_name_${i}`, 'failed', `AssertionError: value ${i} was not what was expected at all`), 100 * i, keyOf);
    for (let i = 0; i < 45; i++) t.apply(test(`ok${i}`), 1000 + 30 * i, keyOf);
    const lines = taskLines(t, 4000, { width: 60, color: false });
    expect(lines[0]).toMatch(/^\[2\/3\] unit · pytest {2}50\/200 25% {2}✗ 5 {2}4s {2}ETA \d+s$/);
    expect(lines.slice(1, 4).every((l) => l.startsWith('  ✗ tests/test_mod.py::test_case'))).toBe(true);
    expect(lines[3]).toContain('name_4');
    expect(lines[4]).toBe('  … 2 more failures (all of them in the summary)');
    for (const l of lines) expect(cellWidth(l), l).toBeLessThanOrEqual(60);
    const wide = taskLines(t, 4000, { width: 200, color: false });
    expect(wide[1]).toBe('  ✗ tests/test_mod.py::test_case_with_a_rather_long_name_2  AssertionError: value 2 was not what was expected at all');
  });

  it('colour only where asked, and a cut line drops its colour rather than a half sequence', () => {
    const t = new TaskProgress(plan(), 0);
    t.apply(test('a', 'failed', 'boom'), 1, keyOf);
    expect(taskLines(t, 1000, { width: 80, color: false }).join('\n')).not.toMatch(/\u001b/);
    expect(taskLines(t, 1000, { width: 80, color: true })[0]).toMatch(/\u001b\[31m✗ 1/);
    const cut = taskLines(t, 1000, { width: 12, color: true });
    expect(cut[0]).toContain('…'); // the status line had to be cut
    for (const l of cut) {
      if (l.includes('…')) expect(l).not.toMatch(/\u001b/);
      expect(cellWidth(l)).toBeLessThanOrEqual(12);
    }
    expect(cut[1]).toMatch(/\u001b\[31m✗/); // the failure line fits whole: its colour stays
  });

  it('says finishing once every test reported (the runner writes its report)', () => {
    const t = new TaskProgress(plan({ planned: 1 }), 0);
    t.apply(test('a'), 10, keyOf);
    expect(taskLines(t, 3000, { width: 80, color: false })[0]).toBe('unit · pytest  1/1 100%  3s  finishing');
  });

  it('one line per finished tier, the statuses that occurred in the summary\'s order', () => {
    expect(tierDoneLine({ tier: 'unit', tierIndex: 1, tierCount: 2, tests: 2016, counts: { passed: 1991, skipped: 24, xfailed: 1 }, ms: 13_200 })).toBe(
      'tier unit (1/2): 2016 tests, 1991 passed, 24 skipped, 1 xfailed in 13s',
    );
    expect(tierDoneLine({ tier: 'integration', tierIndex: 1, tierCount: 1, tests: 3, counts: { failed: 1, 'not-run': 2 }, ms: 125_000 })).toBe('tier integration: 3 tests, 1 failed, 2 not run in 2m05s');
    expect(clock(3_725_000)).toBe('1h02m');
  });
});

describe('the live region', () => {
  it('redraws in place, prints lasting lines above itself, and leaves nothing when cleared', () => {
    let out = '';
    const r = createLiveRegion({ write: (s: string) => (out += s) });
    r.set(['a 1/3', '  ✗ x']);
    r.set(['a 2/3', '  ✗ x']);
    r.log('running b');
    r.clear();
    expect(screen(out)).toEqual(['running b']);
    expect(out).toContain('\x1b[1A\x1b[J'); // up one line, erase to the end: both lines of the block
  });
});
