import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellWidth } from '../../src/util/term.js';
import { hasPty, seamsUnderPty } from '../helpers/pty.js';
import { writeRepo } from '../helpers/repo.js';
import { screen } from '../helpers/screen.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/seams.js');
/**
 * `seams run` under a real pseudo-terminal, stdout and stderr both on it as in a terminal window,
 * CI unset unless `env` sets it: what the terminal received, raw.
 */
const runUnderPty = (args: string[], cols: number, env: Record<string, string> = {}) => seamsUnderPty(args, cols, { env: { CI: '', ...env }, stderr: true });

const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

// 12 tests of 0.25 s: the runner takes 3 s, so the display is drawn many times before the end
const TESTS = `
import time
import pytest

@pytest.mark.parametrize("n", range(10))
def test_slow(n):
    time.sleep(0.25)

def test_broken_widget_with_a_long_name_that_will_not_fit():
    time.sleep(0.25)
    assert 1 == 2, "widget is broken"

def test_last():
    time.sleep(0.25)
`;

describe.skipIf(!hasPty)('seams run in a pseudo-terminal', () => {
  it('draws tests done of total and the failure by name while pytest runs, every line fits, and nothing of it stays on the screen', () => {
    const repo = writeRepo({ 'tests/test_slow.py': TESTS, 'pytest.ini': '[pytest]\n' });
    const { out, code } = runUnderPty(['run', repo, '--no-history'], 80);
    expect(code).toBe(1);
    const plain = stripAnsi(out);
    const summaryAt = plain.indexOf('FAILED: ');
    expect(summaryAt).toBeGreaterThan(0);
    const during = plain.slice(0, summaryAt);
    // frames of the live line, counting up to the total, before the summary
    const counts = [...during.matchAll(/unit · pytest {2}(\d+)\/12 /g)].map((m) => Number(m[1]));
    expect(counts.length).toBeGreaterThan(2);
    expect(Math.max(...counts)).toBe(12);
    expect(counts.some((n) => n > 0 && n < 12)).toBe(true);
    // the failure by name (cut to the width) and its first line, as it happened
    expect(during).toMatch(/✗ tests\/test_slow\.py::test_broken_widget_with_a_long_name/);
    // every line drawn fits 80 columns (the live lines are separated by erase sequences)
    for (const frame of out.split(/\r|\n|\u001b\[\d*A|\u001b\[J/)) expect(cellWidth(frame), frame).toBeLessThanOrEqual(80);
    // what the screen shows at the end: the run's lines, no progress line left behind
    const final = screen(out).map(stripAnsi);
    expect(final.some((l) => /\d+\/12 /.test(l) || /ETA|finishing/.test(l))).toBe(false);
    expect(final).toContain('tier unit: 12 tests, 11 passed, 1 failed in ' + final.find((l) => l.startsWith('tier unit: '))!.split(' in ')[1]);
    expect(final.some((l) => l.startsWith('FAILED: 11 passed, 1 failed'))).toBe(true);
  }, 120_000);

  it('CI set on a terminal: no live lines, one line per finished tier', () => {
    const repo = writeRepo({ 'tests/test_a.py': 'def test_a():\n    pass\n' });
    const { out, code } = runUnderPty(['run', repo, '--no-history'], 80, { CI: 'true' });
    expect(code).toBe(0);
    expect(out).not.toMatch(/\u001b\[J|\u001b\[\d*A/);
    expect(stripAnsi(out)).toMatch(/^tier unit: 1 test, 1 passed in \d+s$/m);
  }, 60_000);
});

describe('seams run without a terminal', () => {
  it('stderr holds one line per finished tier and no escape codes', () => {
    const repo = writeRepo({
      'seams.yaml': 'tiers:\n  unit:\n    paths: ["tests/unit/**"]\n  integration:\n    paths: ["tests/integration/**"]\n',
      'tests/unit/test_u.py': 'def test_u():\n    pass\n',
      'tests/integration/test_i.py': 'import pytest\n\n@pytest.mark.skip(reason="x")\ndef test_i():\n    pass\n\ndef test_j():\n    assert False\n',
    });
    const r = spawnSync('node', [bin, 'run', repo, '--no-history'], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/\u001b/);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('tier '));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^tier unit \(1\/2\): 1 test, 1 passed in \d+s$/);
    // skips fail in the integration tier (its strict skip policy)
    expect(lines[1]).toMatch(/^tier integration \(2\/2\): 2 tests, 2 failed in \d+s$/);
  }, 60_000);
});
