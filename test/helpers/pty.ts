import { spawnSync } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repoRoot, 'bin/seams.js');

/** Python's pty module is there: the pseudo-terminal tests need it. */
export const hasPty = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status === 0;

const SCRIPT = `
import os, pty, sys
cols = int(sys.argv[1]); quiet_err = sys.argv[2] == '1'; argv = sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    import fcntl, struct, termios
    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack('HHHH', 50, cols, 0, 0))
    if quiet_err:
        err = os.open(os.devnull, os.O_WRONLY); os.dup2(err, 2)
    os.execvp(argv[0], argv)
out = b''
while True:
    try: d = os.read(fd, 65536)
    except OSError: break
    if not d: break
    out += d
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.WEXITSTATUS(status))
`;

export interface PtyOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Keep stderr (where progress goes) on the terminal too; default: stdout only, stderr to /dev/null. */
  stderr?: boolean;
  timeout?: number;
}

/**
 * Runs the built CLI with `args` under a real pseudo-terminal of `cols` columns (Python's pty
 * module). NO_COLOR and FORCE_COLOR of this process are dropped unless `env` sets them.
 * Returns what the terminal received (\r\n as \n) and the exit code.
 */
export function seamsUnderPty(args: string[], cols: number, options: PtyOptions = {}): { out: string; code: number } {
  const env: NodeJS.ProcessEnv = { ...process.env, COLUMNS: String(cols) };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  Object.assign(env, options.env ?? {});
  const r = spawnSync('python3', ['-c', SCRIPT, String(cols), options.stderr ? '0' : '1', 'node', bin, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    env,
    timeout: options.timeout ?? 120_000,
  });
  return { out: r.stdout.replace(/\r\n/g, '\n'), code: r.status ?? -1 };
}
