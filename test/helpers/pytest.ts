import { execFileSync } from 'node:child_process';
import { parseCollectOnly } from '../../src/runners/pytest/verify.js';

/** Real `python3 -m pytest --collect-only -q` in `root`, parsed (exit code 2 — collection errors — still prints the listing). */
export function pytestCollectOnly(root: string): ReturnType<typeof parseCollectOnly> {
  let out: string;
  try {
    out = execFileSync('python3', ['-m', 'pytest', '--collect-only', '-q', '-p', 'no:cacheprovider'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    out = (error as { stdout: string }).stdout;
  }
  return parseCollectOnly(out);
}
