import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunRecord, TestResult } from '../../src/core/types.js';
import { openStore } from '../../src/store/index.js';
import { cellWidth } from '../../src/util/term.js';
import { hasPty, seamsUnderPty } from '../helpers/pty.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/seams.js');
const ANSI = /\u001b\[[0-9;]*m/;
/** The built CLI under a real terminal, stdout only (stderr, where progress goes, to /dev/null). */
const underPty = (args: string[], cols: number, env: Record<string, string> = {}, cwd = root): string => seamsUnderPty(args, cols, { env, cwd }).out;

const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

/** The built CLI under a real terminal: needs dist/ (npm test builds it). */
describe.skipIf(!hasPty)('seams in a pseudo-terminal', () => {
  it('gaps at 80 columns: every line fits, severities are coloured; piped: plain, full text', () => {
    const tty = underPty(['gaps', 'examples/platform'], 80, { CI: 'true' });
    expect(tty).toMatch(ANSI);
    const lines = tty.split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) expect(cellWidth(l), l).toBeLessThanOrEqual(80);
    expect(tty).toContain('…');

    const piped = spawnSync('node', [bin, 'gaps', 'examples/platform'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '' } });
    expect(piped.stdout).not.toMatch(ANSI);
    // full text: the workflow the terminal cuts is whole in the pipe
    expect(stripAnsi(tty)).toMatch(/secret-prov\S*…/);
    expect(piped.stdout).toContain('secret-provisioning');
    expect(piped.stdout.split('\n').some((l) => cellWidth(l) > 80)).toBe(true);
    // the fitted text says the same things: every workflow of the pipe's table is on the terminal
    for (const id of ['ecr-sync', 'sync-lock', 'audit-trail']) {
      expect(piped.stdout).toContain(id);
      expect(stripAnsi(tty)).toContain(id);
    }
  });

  it('--wide --no-color on the terminal: the piped text exactly', () => {
    const tty = underPty(['gaps', 'examples/platform', '--wide', '--no-color'], 80);
    const piped = spawnSync('node', [bin, 'gaps', 'examples/platform'], { cwd: root, encoding: 'utf8' });
    expect(tty).not.toMatch(ANSI);
    expect(tty).toBe(piped.stdout);
  });

  it('NO_COLOR on the terminal: fitted but plain', () => {
    const tty = underPty(['scan', 'examples/platform'], 60, { NO_COLOR: '1' });
    expect(tty).not.toMatch(ANSI);
    for (const l of tty.split('\n')) expect(cellWidth(l), l).toBeLessThanOrEqual(60);
  });

  it('history list at 80 columns: fitted (numbers compacted, tiers and branch cut, ids whole); --wide and piped: full text', async () => {
    const repo = mkdtempSync(path.join(tmpdir(), 'seams-pty-hist-'));
    const store = await openStore('sqlite:.seams/history.db', repo);
    const res = (i: number, status: TestResult['status']): TestResult => ({ runner: 'pytest', project: null, id: `t::test_${i}`, name: `test_${i}`, tier: 'integration', status, durationMs: 1, attempts: 1, flaky: false });
    const ids: string[] = [];
    for (let k = 0; k < 3; k++) {
      const id = `20261207T10000${k}-a1b2c${k}`;
      ids.push(id);
      const results = Array.from({ length: k === 0 ? 12_345 : 40 }, (_, i) => res(i, i % 7 === 0 && k === 1 ? 'failed' : 'passed'));
      const run: RunRecord = {
        id, repo: 'demo', commit: `${k}abcdef`.repeat(5), branch: 'feature/very-long-branch-name-for-the-history-table', tiers: ['integration', 'contract-consumer', 'end-to-end-browser'],
        environment: {}, shard: null, startedAt: `2026-12-07T10:00:0${k}.000Z`, finishedAt: `2026-12-07T10:01:0${k}.000Z`, status: k === 1 ? 'failed' : 'passed', services: [], results,
      };
      await store.saveRun(run);
    }
    await store.close();

    const tty = underPty(['history', 'list', '--root', repo], 80, { CI: 'true' });
    const lines = stripAnsi(tty).split('\n');
    expect(lines.length).toBeGreaterThan(4);
    for (const l of lines) expect(cellWidth(l), l).toBeLessThanOrEqual(80);
    expect(stripAnsi(tty)).toContain('…');
    expect(stripAnsi(tty)).toMatch(/\b12k\b/);
    for (const id of ids) expect(stripAnsi(tty)).toContain(id); // the id history show takes stays whole
    expect(stripAnsi(tty)).toContain('12-07 10:00'); // the start, shortened
    expect(stripAnsi(tty)).toMatch(/left out to fit: commit, tiers.*--wide shows them/);

    const piped = spawnSync('node', [bin, 'history', 'list', '--root', repo], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '' } });
    expect(piped.stdout).not.toMatch(ANSI);
    expect(piped.stdout).toContain('feature/very-long-branch-name-for-the-history-table');
    expect(piped.stdout).toContain('integration,contract-consumer,end-to-end-browser');
    expect(piped.stdout).toContain('12345');
    expect(piped.stdout).not.toContain('left out');
    const wide = underPty(['history', 'list', '--root', repo, '--wide', '--no-color'], 80);
    expect(wide).toBe(piped.stdout);
    // at 120 columns cutting the branch and tiers is enough: every column stays
    const at120 = stripAnsi(underPty(['history', 'list', '--root', repo], 120));
    for (const l of at120.split('\n')) expect(cellWidth(l), l).toBeLessThanOrEqual(120);
    expect(at120).not.toContain('left out');
    expect(at120).toContain('2026-12-07 10:00:00Z');
    expect(at120).toMatch(/feature\S*…/);
  });
});
