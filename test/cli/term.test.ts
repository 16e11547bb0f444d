import { afterEach, describe, expect, it } from 'vitest';
import { cellWidth, compactNumber, cutToCells, decideColor, decideWidth, setTerminal, stripAnsi, tone, wrapProse } from '../../src/util/term.js';
import type { RunRecord, TestResult } from '../../src/core/types.js';
import { renderGateText } from '../../src/report/gate.js';
import { renderRunText } from '../../src/report/run.js';
import { textTable } from '../../src/util/table.js';
import { run } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo.js';

const ANSI = /\u001b\[[0-9;]*m/;
const fits = (text: string, width: number) => text.split('\n').every((l) => cellWidth(l) <= width);

afterEach(() => setTerminal({ color: false }));

describe('colour decision', () => {
  const cases: [boolean, Record<string, string>, boolean, boolean][] = [
    // isTTY, env, --no-color, expected
    [true, {}, false, true],
    [false, {}, false, false],
    [true, { NO_COLOR: '1' }, false, false],
    [true, { NO_COLOR: '' }, false, true], // empty NO_COLOR does not count
    [true, {}, true, false],
    [false, { FORCE_COLOR: '1' }, false, true],
    [true, { FORCE_COLOR: '0' }, false, false],
    [false, { FORCE_COLOR: '1', NO_COLOR: '1' }, false, false],
    [false, { FORCE_COLOR: '1' }, true, false],
    [true, { CI: 'true' }, false, true], // CI plays no part
    [false, { CI: 'true' }, false, false],
  ];
  it.each(cases)('tty=%s env=%j --no-color=%s → %s', (isTTY, env, noColor, expected) => {
    expect(decideColor({ isTTY, env, noColor })).toBe(expected);
  });

  it('width: the columns on a TTY only, none with --wide or in a pipe', () => {
    expect(decideWidth({ isTTY: true, columns: 80 })).toBe(80);
    expect(decideWidth({ isTTY: true, columns: 80, wide: true })).toBeUndefined();
    expect(decideWidth({ isTTY: false, columns: 80 })).toBeUndefined();
  });
});

describe('cells, numbers, prose', () => {
  it('counts wide CJK and emoji as two cells, colour codes as none', () => {
    expect(cellWidth('abc')).toBe(3);
    expect(cellWidth('日本語')).toBe(6);
    expect(cellWidth('ok 🚀')).toBe(5);
    expect(cellWidth('\u001b[31mFAIL\u001b[39m')).toBe(4);
    const cut = cutToCells('日本語のテスト', 7);
    expect(cellWidth(cut)).toBeLessThanOrEqual(7);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('compacts numbers, leaves other text', () => {
    expect(compactNumber('12,345')).toBe('12k');
    expect(compactNumber('1234567')).toBe('1.2M');
    expect(compactNumber('9999')).toBe('9999');
    expect(compactNumber('59.1%')).toBe('59.1%');
    expect(compactNumber('2026-12-31')).toBe('2026-12-31');
  });

  it('wraps prose at word boundaries, keeping the indent', () => {
    const line = '  Requirements: 22 defined, 13 covered (59.1%), 8 uncovered, 1 only by unit tests; 1 orphan reference';
    const w = wrapProse(line, 40);
    expect(fits(w, 40)).toBe(true);
    expect(w.split('\n').length).toBeGreaterThan(2);
    // no word is split, every word is still there in order
    expect(w.replace(/\s+/g, ' ').trim()).toBe(line.trim());
    for (const l of w.split('\n').slice(1)) expect(l.startsWith('    ')).toBe(true);
    expect(wrapProse(line, undefined)).toBe(line);
    // wide characters wrap by cells
    const cjk = wrapProse('テスト '.repeat(20), 30);
    expect(fits(cjk, 30)).toBe(true);
  });
});

describe('tables fitted to the terminal', () => {
  const header = ['Workflow', 'Tests', 'Results', 'Status'];
  const rows = [
    ['secret-provisioning', 12_345, '1,234,567', 'partial: missing secret-templates and secrets-manager'],
    ['ecr-sync', 8, '90', 'covered'],
    ['画像ダッシュボード', 3, '40', '✓ 全部 covered by the e2e tier of the web app'],
  ];

  it('keeps the full text with no width', () => {
    const text = textTable(header, rows);
    expect(text).toContain('12345');
    expect(text).toContain('1,234,567');
    expect(text).toContain('partial: missing secret-templates and secrets-manager');
  });

  it('at 120 columns: everything fits as is', () => {
    const text = textTable(header, rows, '  ', { maxWidth: 120 });
    expect(fits(text, 120)).toBe(true);
    expect(text).toContain('1,234,567');
  });

  it('at 60 columns: numbers compacted first, then … on the free-text column, every line within 60 cells', () => {
    const text = textTable(header, rows, '  ', { maxWidth: 60, shrink: [3, 0] });
    expect(fits(text, 60)).toBe(true);
    expect(text).toContain('12k');
    expect(text).toContain('1.2M');
    expect(text).not.toContain('1,234,567');
    expect(text).toMatch(/partial: missing.*…/);
    expect(text).toContain('secret-provisioning'); // the first column keeps its room
  });

  it('leaves out the columns of `drop` only when cutting is not enough, and says so', () => {
    const opts = { shrink: [3], minWidth: { 0: 30 }, drop: [2, 1] };
    const roomy = textTable(header, rows, '  ', { ...opts, maxWidth: 90 });
    expect(roomy).not.toContain('left out');
    expect(roomy).toContain('Results');
    const narrow = textTable(header, rows, '  ', { ...opts, maxWidth: 44 });
    expect(fits(narrow, 44)).toBe(true);
    expect(narrow).toContain('secret-provisioning');
    expect(narrow.split('\n')[0]).not.toContain('Results');
    expect(narrow.replace(/\s+/g, ' ')).toMatch(/left out to fit: Results; --wide shows them/);
    expect(narrow.split('\n')[0]).toMatch(/Workflow\s+Tests\s+Status/);
  });

  it('reads the width from the terminal state when the renderer gives none', () => {
    setTerminal({ color: false, width: 60 });
    expect(fits(textTable(header, rows), 60)).toBe(true);
    setTerminal({ color: false, width: undefined, wide: true });
    expect(textTable(header, rows)).toContain('secrets-manager');
  });
});

describe('colour in text', () => {
  it('tone colours the token it is given, only on a colour terminal', () => {
    expect(tone('FAIL', 'bad', { color: false })).toBe('FAIL');
    const c = tone('FAIL', 'bad', { color: true });
    expect(c).toMatch(ANSI);
    expect(stripAnsi(c)).toBe('FAIL');
    expect(tone('CRITICAL', 'critical', { color: true })).toMatch(/\u001b\[1m/);
    expect(tone('', 'bad', { color: true })).toBe('');
  });

  it('cutToCells keeps colour codes whole and ends a colour it cuts', () => {
    const c = `\u001b[31m${'UNCOVERED'}\u001b[39m and more text`;
    const cut = cutToCells(c, 6);
    expect(stripAnsi(cut)).toBe('UNCOV…');
    expect(cellWidth(cut)).toBe(6);
    expect(cut).toMatch(/^\u001b\[31mUNCOV\u001b\[0m…$/);
  });

  it('a run summary colours its own marks and verdict, never a word of a test name or message', () => {
    setTerminal({ color: true });
    const res = (id: string, status: TestResult['status'], message?: string): TestResult => ({ runner: 'vitest', project: null, id, name: id, tier: 'unit', status, durationMs: 1, attempts: 1, flaky: false, ...(message ? { message } : {}) });
    const run: RunRecord = {
      id: 'r1', repo: 'demo', commit: null, branch: null, tiers: ['unit'], environment: {}, shard: null, startedAt: '2026-12-07T10:00:00.000Z', finishedAt: '2026-12-07T10:00:01.000Z',
      status: 'failed', services: [],
      results: [res('src/a.test.ts > shows PASSED banner', 'failed', 'ERROR: expected FAILED to be PASS'), res('tests/test_a.py::test_status[FAIL]', 'error', 'CRITICAL HIGH WARN ✓'), res('ok 1 passed', 'passed')],
    };
    const text = renderRunText(run, []);
    for (const name of ['src/a.test.ts > shows PASSED banner', 'tests/test_a.py::test_status[FAIL]', 'ERROR: expected FAILED to be PASS', 'CRITICAL HIGH WARN ✓']) {
      const line = text.split('\n').find((l) => stripAnsi(l).includes(name))!;
      expect(line, name).toBeDefined();
      expect(line, name).toContain(name); // the name as written: no escape code inside it
      expect(line.slice(line.indexOf(name) + name.length), name).not.toMatch(ANSI); // nor after it
    }
    expect(text).toMatch(/\u001b\[31m✗\u001b\[39m src\/a\.test\.ts/);
    expect(text).toMatch(/\u001b\[31mFAILED\u001b\[39m: \u001b\[32m1 passed\u001b\[39m, \u001b\[31m2 failed\u001b\[39m/);
    setTerminal({ color: false });
    expect(renderRunText(run, [])).not.toMatch(ANSI);
  });

  it('gate text: the PASS/FAIL/WARN marks are coloured, a rule named after them is not', () => {
    setTerminal({ color: true });
    const rule = (name: string, status: 'pass' | 'fail' | 'warn') => ({ name, status, metric: 'pass_rate', value: 0.5, unit: 'ratio', threshold: '>= 0.9', message: `${name} said FAIL`, items: [] });
    const text = renderGateText([{ repo: 'demo', passed: false, counts: { pass: 1, fail: 1, warn: 1 }, results: [rule('PASS rate of FAIL tests', 'fail'), rule('no WARN', 'warn'), rule('ok', 'pass')] } as never]);
    expect(text).toContain('PASS rate of FAIL tests');
    expect(text).toContain('no WARN');
    expect(text).toContain('said FAIL');
    expect(text).toMatch(/\u001b\[31mFAIL\u001b\[39m PASS rate of FAIL tests: PASS rate of FAIL tests said FAIL/);
    expect(text).toMatch(/\u001b\[33mWARN\u001b\[39m no WARN/);
    expect(stripAnsi(text)).toMatch(/gate FAILED: 1 passed, 1 failed, 1 warnings/);
  });
});

describe('seams run on a colour terminal (FORCE_COLOR=1, real pytest)', () => {
  it('test names and messages that hold FAIL / PASSED / ERROR stay uncoloured; the marks and the verdict are coloured', async () => {
    const repo = writeRepo({
      'tests/test_status.py': [
        'import pytest',
        '',
        '@pytest.mark.parametrize("word", ["FAIL", "PASSED"])',
        'def test_status(word):',
        '    assert word == "OK", "ERROR: the PASSED banner shows FAIL"',
        '',
        'def test_FAIL_handling():',
        '    pass',
        '',
      ].join('\n'),
    });
    const r = await runCli(['run', repo, '--no-history'], { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(r.code).toBe(1);
    for (const id of ['tests/test_status.py::test_status[FAIL]', 'tests/test_status.py::test_status[PASSED]']) {
      const line = r.stdout.split('\n').find((l) => l.includes('test_status[') && stripAnsi(l).includes(id))!;
      expect(line, id).toMatch(new RegExp(`\\u001b\\[31m✗\\u001b\\[39m ${id.replace(/[[\].]/g, '\\$&')}$`));
    }
    const message = r.stdout.split('\n').find((l) => l.includes('the PASSED banner'))!;
    expect(message).not.toMatch(ANSI);
    expect(r.stdout).toMatch(/\u001b\[31mFAILED\u001b\[39m: \u001b\[32m1 passed\u001b\[39m, \u001b\[31m2 failed\u001b\[39m/);
  });
});

describe('the CLI in-process', () => {
  const io = (isTTY: boolean, env: Record<string, string> = {}, columns = 80) => {
    let out = '';
    return {
      io: { stdout: { write: (s: string) => (out += s), isTTY, columns }, stderr: { write: () => true }, cwd: process.cwd(), env },
      out: () => out,
    };
  };

  it('on a TTY: fitted and coloured; --wide --no-color: full and plain; CI ignored', async () => {
    const tty = io(true, { CI: 'true' }, 80);
    expect(await run(['gaps', 'examples/platform'], tty.io)).toBeGreaterThanOrEqual(0);
    expect(tty.out()).toMatch(ANSI);
    expect(fits(tty.out(), 80)).toBe(true);

    const wide = io(true, {}, 80);
    await run(['gaps', 'examples/platform', '--wide', '--no-color'], wide.io);
    expect(wide.out()).not.toMatch(ANSI);
    expect(wide.out().split('\n').some((l) => cellWidth(l) > 80)).toBe(true);

    const pipe = io(false, {}, 80);
    await run(['gaps', 'examples/platform'], pipe.io);
    expect(pipe.out()).toBe(wide.out());
  });

  it('JSON on a TTY stays plain, full and parseable', async () => {
    const tty = io(true, { FORCE_COLOR: '1' }, 40);
    await run(['gaps', 'examples/platform', '--format', 'json'], tty.io);
    expect(tty.out()).not.toMatch(ANSI);
    expect(() => JSON.parse(tty.out())).not.toThrow();
  });
});
