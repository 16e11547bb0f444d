import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunRecord, TestResult } from '../../src/core/types.js';
import { versionInsideCommand } from '../../src/cli/main.js';
import { openStore } from '../../src/store/index.js';
import { SEAMS_VERSION } from '../../src/util/version.js';
import { runCli } from '../helpers/cli.js';

/** base/<name>/ holds a git repo with a quick pytest tier `smoke`; base/elsewhere is a sibling folder. */
function setup(name = 'app'): { base: string; root: string; elsewhere: string } {
  const base = mkdtempSync(path.join(tmpdir(), 'seams-args-'));
  const root = path.join(base, name);
  const files: Record<string, string> = {
    'seams.yaml': 'tiers:\n  smoke:\n    command: python3 -m pytest tests/smoke -p no:cacheprovider\n',
    'tests/smoke/test_a.py': 'def test_a():\n    pass\n\ndef test_b():\n    pass\n',
  };
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), text);
  }
  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'init'], { cwd: root });
  mkdirSync(path.join(base, 'elsewhere'));
  return { base, root, elsewhere: path.join(base, 'elsewhere') };
}

const testIds = (stdout: string): string[] => (JSON.parse(stdout) as RunRecord).results.map((r) => r.id).sort();

describe('run: the repository folder and the tiers as arguments, in any order', () => {
  it('run <tier> <dir>, run <dir> <tier> and run <tier> --root <dir> run the same tests', async () => {
    const { base, root } = setup();
    const forms = [
      ['run', 'smoke', 'app'],
      ['run', 'app', 'smoke'],
      ['run', 'smoke', '--root', 'app'],
      ['run', root, 'smoke'],
    ];
    const seen: string[][] = [];
    for (const args of forms) {
      const r = await runCli([...args, '--no-history', '--format', 'json'], { cwd: base });
      expect(r.stderr, args.join(' ')).toMatch(/^tier smoke: 2 tests, 2 passed in \d+s\n$/);
      expect(r.code, args.join(' ')).toBe(0);
      seen.push(testIds(r.stdout));
    }
    expect(seen[0]).toHaveLength(2);
    for (const s of seen) expect(s).toEqual(seen[0]);
    expect(existsSync(path.join(base, '.seams'))).toBe(false); // nothing written in the working folder
  });

  it('a misspelt tier gets "did you mean" and the list of tiers (exit 2)', async () => {
    const { base } = setup();
    const r = await runCli(['run', 'smok', 'app'], { cwd: base });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('seams: unknown tier "smok" (did you mean "smoke"?)\nhint: tiers here: smoke\n');
    const far = await runCli(['run', 'performance', 'app'], { cwd: base });
    expect(far.code).toBe(2);
    expect(far.stderr).toBe('seams: unknown tier "performance"\nhint: tiers here: smoke\n');
  });

  it('a path that is not there is a bad path, not an unknown tier', async () => {
    const { base } = setup();
    const r = await runCli(['run', 'smoke', 'examples/platfrom'], { cwd: base });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^seams: path does not exist: examples\/platfrom\nhint: /);
  });

  it('two repositories are a usage error', async () => {
    const { base } = setup();
    const r = await runCli(['run', 'smoke', 'app', '--root', 'elsewhere'], { cwd: base });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^seams: seams run works on one repository at a time, got elsewhere, app\n/);
  });

  it('a conventional tier name stays a tier even where a folder of that name exists', async () => {
    const { root } = setup();
    mkdirSync(path.join(root, 'e2e'));
    const r = await runCli(['run', 'e2e'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^seams: unknown tier "e2e"/);
  });
});

describe('flaky, ingest, services: the repository from anywhere', () => {
  const res = (id: string, status: TestResult['status']): TestResult => ({
    runner: 'pytest', project: null, id, name: id, tier: 'smoke', status, durationMs: 5, attempts: 1, flaky: false,
  });
  const record = (id: string, minute: number, status: TestResult['status']): RunRecord => ({
    id, repo: 'r', commit: 'c1', branch: 'main', tiers: ['smoke'], environment: {}, shard: null,
    startedAt: `2026-03-01T10:0${minute}:00.000Z`, finishedAt: `2026-03-01T10:0${minute}:30.000Z`,
    status: status === 'passed' ? 'passed' : 'failed', services: [], results: [res('t::flip', status), res('t::ok', 'passed')],
  });

  it('flaky <dir>, flaky --root <dir>, flaky <tier> <dir> and flaky <dir> --tier <tier> agree', async () => {
    const { base, root } = setup();
    const store = await openStore('sqlite:.seams/history.db', root);
    await store.saveRun(record('r1', 1, 'passed'));
    await store.saveRun(record('r2', 2, 'failed'));
    await store.close();
    const outputs: string[] = [];
    for (const args of [['app'], ['--root', 'app'], ['smoke', 'app'], ['app', '--tier', 'smoke']]) {
      const r = await runCli(['flaky', ...args, '--format', 'json'], { cwd: base });
      expect(r.code, args.join(' ')).toBe(0);
      outputs.push(r.stdout);
    }
    expect(outputs[0]).toContain('t::flip');
    for (const o of outputs) expect(o).toBe(outputs[0]);
    const other = await runCli(['flaky', 'unit', 'app', '--format', 'json'], { cwd: base });
    expect(other.stdout).not.toContain('t::flip');
    const two = await runCli(['flaky', 'smoke', 'app', '--tier', 'unit'], { cwd: base });
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/^seams: seams flaky looks at one tier at a time, got unit, smoke\n/);
  });

  it('ingest <files> --root <dir> and services status --root <dir> keep their forms', async () => {
    const { base, root } = setup();
    const run = await runCli(['run', 'smoke', 'app', '--no-history', '-o', 'out.json'], { cwd: base });
    expect(run.code).toBe(0);
    const ingest = await runCli(['ingest', 'out.json', '--root', 'app'], { cwd: base });
    expect(ingest.code).toBe(0);
    expect(existsSync(path.join(root, '.seams/history.db'))).toBe(true);
    const status = await runCli(['services', 'status', '--root', 'app', '--format', 'json'], { cwd: base });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual({ runs: [] });
  });
});

describe('-v / --version only before a command', () => {
  it('seams -v and seams --version print the version', async () => {
    for (const flag of ['-v', '--version']) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${SEAMS_VERSION}\n`);
    }
  });

  it('-v inside a command is one line of error with exit 2, and the command does not run', async () => {
    const { base } = setup();
    const r = await runCli(['scan', 'app', '-v'], { cwd: base });
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'seams: -v is not an option of seams scan; seams -v prints the version\n' });
    const s = await runCli(['services', 'status', '--version'], { cwd: base });
    expect(s).toEqual({ code: 2, stdout: '', stderr: 'seams: --version is not an option of seams services status; seams --version prints the version\n' });
  });

  it('runner arguments after -- and the verbose flag -V are left alone', () => {
    expect(versionInsideCommand(['run', 'smoke', '--', '-v'])).toBeUndefined();
    expect(versionInsideCommand(['run', 'smoke', '-V'])).toBeUndefined();
    expect(versionInsideCommand(['-v'])).toBeUndefined();
    expect(versionInsideCommand(['gaps', '-v'])).toBe('-v is not an option of seams gaps; seams -v prints the version');
  });
});

describe('files and folders named relative to the working folder', () => {
  it('init, ci init and scan from the parent folder name paths from there', async () => {
    const { base } = setup();
    const init = await runCli(['init', 'app', '--force', '--ci', 'github'], { cwd: base });
    expect(init.code).toBe(0);
    expect(init.stderr).toMatch(/^seams: (wrote|updated) app\/seams\.yaml /m);
    expect(init.stderr).toMatch(/^seams: wrote app\/\.github\/workflows\/seams\.yml$/m);
    const scan = await runCli(['scan', 'app'], { cwd: base });
    expect(scan.stdout.split('\n')[0]).toBe('app  app');
    const viaRoot = await runCli(['scan', '--root', 'app'], { cwd: base });
    expect(viaRoot.stdout).toBe(scan.stdout);
    const gaps = await runCli(['gaps', 'app'], { cwd: base });
    expect(gaps.stdout.split('\n')[0]).toMatch(/^app {2}app\b/);
  });

  it('outside the working folder\'s tree the path is absolute', async () => {
    const { root, elsewhere } = setup();
    const scan = await runCli(['scan', '../app'], { cwd: elsewhere });
    expect(scan.stdout.split('\n')[0]).toBe(`app  ${root}`);
    const ci = await runCli(['ci', 'init', 'github', '../app'], { cwd: elsewhere });
    expect(ci.stderr).toMatch(new RegExp(`^seams: wrote ${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.github/workflows/seams\\.yml$`, 'm'));
  });

  it('help names --root as an alias of the path argument', async () => {
    for (const cmd of ['scan', 'gaps', 'trace', 'gate', 'report', 'run', 'flaky', 'init']) {
      const r = await runCli([cmd, '--help']);
      expect(r.stdout, cmd).toMatch(/--root <dir>\s+repository folder: an alias of (a|the folder) (path )?argument/);
    }
  });
});
