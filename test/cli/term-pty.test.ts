import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellWidth } from '../../src/util/term.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/seams.js');
const ANSI = /\u001b\[[0-9;]*m/;
const hasPython = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status === 0;

/**
 * Runs `args` of the built CLI under a real pseudo-terminal of `cols` columns (Python's pty module),
 * stdout only (stderr, where progress goes, to /dev/null). Returns what the terminal received.
 */
function underPty(args: string[], cols: number, env: Record<string, string> = {}): string {
  const script = `
import os, pty, sys
cols = int(sys.argv[1]); argv = sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    import fcntl, struct, termios
    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack('HHHH', 50, cols, 0, 0))
    err = os.open(os.devnull, os.O_WRONLY); os.dup2(err, 2)
    os.execvp(argv[0], argv)
out = b''
while True:
    try: d = os.read(fd, 65536)
    except OSError: break
    if not d: break
    out += d
os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
`;
  const env2 = { ...process.env, COLUMNS: String(cols), ...env };
  delete env2.NO_COLOR;
  delete env2.FORCE_COLOR;
  Object.assign(env2, env);
  const r = spawnSync('python3', ['-c', script, String(cols), 'node', bin, ...args], { cwd: root, encoding: 'utf8', env: env2 });
  return r.stdout.replace(/\r\n/g, '\n');
}

const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

/** The built CLI under a real terminal: needs dist/ (npm test builds it). */
describe.skipIf(!hasPython)('seams in a pseudo-terminal', () => {
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
});
