import { afterEach, describe, expect, it } from 'vitest';
import { cellWidth, colorize, compactNumber, cutToCells, decideColor, decideWidth, setTerminal, stripAnsi, wrapProse } from '../../src/util/term.js';
import { textTable } from '../../src/util/table.js';
import { run } from '../../src/cli/main.js';

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
  it('colours severity, status and counts without changing the cells', () => {
    const text = 'CRITICAL x\nHIGH y\nFAIL ✗ 3 failed, 12 passed\nPASS ✓';
    const c = colorize(text);
    expect(c).toMatch(ANSI);
    expect(stripAnsi(c)).toBe(text);
    for (const word of ['CRITICAL', 'HIGH', 'FAIL', '✗', '3 failed', '12 passed', 'PASS', '✓']) expect(c).toMatch(new RegExp(`\\u001b\\[[0-9;]*m${word}`));
    expect(colorize('0 failed')).toBe('0 failed');
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
