import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniqueNames } from '../../src/util/paths.js';
import { runCli } from '../helpers/cli.js';
import { writeRepo } from '../gaps/helpers.js';

/** Two repos with the same folder name, x/app and y/app, under one temp dir. */
function twoApps(): { base: string; x: string; y: string } {
  const base = writeRepo({
    'x/app/tests/test_a.py': 'def test_a():\n    pass\n',
    'y/app/tests/integration/test_b.py': 'def test_b():\n    pass\n\ndef test_c():\n    pass\n',
  });
  return { base, x: path.join(base, 'x/app'), y: path.join(base, 'y/app') };
}

describe('several repositories on the command line', () => {
  it('names repos by the shortest path suffix that tells them apart', () => {
    expect(uniqueNames(['/a/x/app', '/a/y/app', '/a/web'])).toEqual(['x/app', 'y/app', 'web']);
    expect(uniqueNames(['/r/one/x/app', '/r/two/x/app'])).toEqual(['one/x/app', 'two/x/app']);
    expect(uniqueNames(['/srv/api'])).toEqual(['api']);
  });

  it('scan: repos with the same folder name get distinct column headers', async () => {
    const { x, y } = twoApps();
    const r = await runCli(['scan', x, y, '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| Tier | x/app tests (files) | y/app tests (files) | Total tests | Total files |');
    const json = JSON.parse((await runCli(['scan', x, y, '--format', 'json'])).stdout);
    expect(json.repos.map((repo: { name: string }) => repo.name)).toEqual(['x/app', 'y/app']);
  });

  it('the same folder twice (also as ./ or through a symlink) is scanned once', async () => {
    const { base, x } = twoApps();
    symlinkSync(x, path.join(base, 'link'));
    for (const args of [[x, x], [x, `${x}/`], [x, path.join(base, 'link')], [x, path.join(base, 'x/../x/app')]]) {
      const json = JSON.parse((await runCli(['scan', ...args, '--format', 'json'])).stdout);
      expect(json.repos).toHaveLength(1);
      expect(json.repos[0].name).toBe('app');
      expect(json.repos[0].tests).toHaveLength(1);
    }
    const gaps = await runCli(['gaps', x, x, '--format', 'markdown']);
    expect(gaps.stdout).not.toMatch(/Total tests/); // one repo: no side-by-side comparison
  });

  it('gaps and trace tables tell same-named repos apart', async () => {
    const { x, y } = twoApps();
    const gaps = await runCli(['gaps', x, y, '--format', 'markdown']);
    expect(gaps.stdout).toMatch(/\| Tier \| x\/app tests \(files\) \| y\/app tests \(files\) \| Total tests \|/);
    const trace = await runCli(['trace', x, y]);
    expect(trace.stdout).toMatch(/^x\/app: /m);
    expect(trace.stdout).toMatch(/^y\/app: /m);
  });

  it('--config with several repositories is a usage error in every command that takes both', async () => {
    const { base, x, y } = twoApps();
    const config = path.join(base, 'shared.yaml');
    writeFileSync(config, 'tiers: {}\n');
    mkdirSync(path.join(base, 'out'));
    for (const cmd of [['scan'], ['gaps'], ['trace'], ['gate'], ['report', '--markdown', path.join(base, 'out/r.md')]]) {
      const r = await runCli([...cmd, x, y, '-c', config]);
      expect(r.code, cmd[0]).toBe(2);
      expect(r.stderr).toBe(
        'seams: --config applies to one repository; got 2 paths\nhint: run seams once per repository with its --config, or put a seams.yaml in each repository\n',
      );
      expect(r.stdout).toBe('');
    }
    // one repository given twice is still one repository
    expect((await runCli(['gaps', x, x, '-c', config])).code).toBe(0);
  });
});
