import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { relativeToCwd } from '../../src/cli/commands/scan.js';
import { runCli } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo.js';

/** base/app: a pytest repo whose pyproject.toml is broken; base/empty: no tests. The CLI runs from base. */
function setup(): { base: string; app: string } {
  const base = writeRepo({
    'app/tests/test_a.py': 'def test_a():\n    pass\n',
    'app/pyproject.toml': '[tool.pytest.ini_options\ntestpaths = [\n',
  }, 'seams-scanpaths-');
  mkdirSync(path.join(base, 'empty'));
  return { base, app: path.join(base, 'app') };
}

describe('seams scan names paths from the working folder', () => {
  it('no tests, a missing --config: the folder as seen from the cwd, absolute only outside it', async () => {
    const { base } = setup();
    const empty = await runCli(['scan', 'empty'], { cwd: base });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^seams: no tests found in empty\nhint: /);
    expect(empty.stderr).not.toContain(base);
    // the same folder given absolute, from elsewhere (outside the cwd): absolute
    const far = await runCli(['scan', path.join(base, 'empty')], { cwd: path.join(base, 'app') });
    expect(far.stderr).toMatch(new RegExp(`^seams: no tests found in ${path.join(base, 'empty').replace(/[/.-]/g, '\\$&')}\\n`));

    const config = await runCli(['scan', 'app', '-c', 'conf/seams.yaml'], { cwd: base });
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/^seams: config file does not exist: conf\/seams\.yaml\nhint: /);
  });

  it('--verify: the collector error names app/pyproject.toml, not its absolute path', async () => {
    const { base } = setup();
    const r = await runCli(['scan', 'app', '--verify'], { cwd: base });
    expect(r.stdout).toMatch(/verify pytest: could not run .*app\/pyproject\.toml/);
    expect(r.stdout).not.toContain(base);
    expect(r.code).toBe(2);
    // JSON keeps what the collector said
    const json = await runCli(['scan', 'app', '--verify', '--format', 'json'], { cwd: base });
    expect(json.stdout).toContain(path.join(base, 'app', 'pyproject.toml'));
  });

  it('relativeToCwd: only the given paths, whole path names only', () => {
    const io = { cwd: '/w', stdout: { write: () => true }, stderr: { write: () => true }, env: {} };
    expect(relativeToCwd(io, 'ERROR: /w/app/pyproject.toml: bad; in /w/app.', ['/w/app'])).toBe('ERROR: app/pyproject.toml: bad; in app.');
    expect(relativeToCwd(io, '/w/app2/x and /w/app', ['/w/app'])).toBe('/w/app2/x and app');
    expect(relativeToCwd(io, 'in /w/x', ['/w'])).toBe('in x');
    expect(relativeToCwd(io, 'in /elsewhere/x', ['/elsewhere'])).toBe('in /elsewhere/x');
  });
});
