import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/seams.js');

/** The built CLI as users run it (npm test builds dist/ first). */
describe('bin/seams.js', () => {
  it('stops quietly when the reader of its output goes away (| head)', () => {
    const r = spawnSync('bash', ['-c', `node ${bin} scan examples/platform | head -1; echo "status=\${PIPESTATUS[0]}"`], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    expect(r.stdout).toMatch(/^platform /);
    expect(r.stdout).toContain('status=0');
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });

  it('prints one error line and a hint, exit 2, for a missing path', () => {
    const r = spawnSync('node', [bin, 'scan', 'does/not/exist'], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('seams: path does not exist: does/not/exist\nhint: pass the folder of a repository, e.g. `seams scan .`\n');
  });

  it('answers --version and suggests a command for a typo', () => {
    expect(spawnSync('node', [bin, '--version'], { encoding: 'utf8' }).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const typo = spawnSync('node', [bin, 'scna'], { encoding: 'utf8' });
    expect(typo.status).toBe(2);
    expect(typo.stderr).toBe("seams: unknown command 'scna' (did you mean scan?)\nhint: see seams --help\n");
  });
});
