import { chmodSync, cpSync, rmSync, mkdirSync, mkdtempSync, symlinkSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { readStates } from '../../src/services/state.js';
import { runCli } from '../helpers/cli.js';

/**
 * The bundled example's integration tier, with one command, against real moto_server,
 * Postgres (initdb/postgres as the postgres user) and Redis, on a copy of the example.
 */
/** Copies of the example: each sits alone in its own temp folder, removed with it. */
const copies: string[] = [];
/** Temp folders to remove themselves (never their parent). */
const binDirs: string[] = [];
afterAll(() => {
  for (const c of copies) rmSync(path.dirname(c), { recursive: true, force: true });
  for (const d of binDirs) rmSync(d, { recursive: true, force: true });
});

function copyExample(): string {
  // inside the repo (.tmp/ is ignored) so the example's web tests resolve vitest and pg from
  // the repo's node_modules, as they do in place
  mkdirSync(path.resolve('.tmp'), { recursive: true });
  const root = path.join(mkdtempSync(path.resolve('.tmp/example-')), 'platform');
  copies.push(root);
  cpSync(path.resolve('examples/platform'), root, { recursive: true, filter: (src) => !/[/\\](\.seams|node_modules|__pycache__|\.pytest_cache)$/.test(src) });
  return root;
}

describe('examples/platform: seams run integration', () => {
  it('starts aws, db and cache, runs pytest and vitest against them, stores the run, leaves nothing behind', async () => {
    const root = copyExample();
    const r = await runCli(['run', 'integration', '--root', root]);
    expect(r.stdout).toMatch(/^services: aws ready [\d.]+s · db ready [\d.]+s · cache ready [\d.]+s$/m);
    // CI is set and stderr is no terminal: no progress lines, the result and a line for the tier
    expect(r.stderr).toMatch(/^tier integration: \d+ tests, \d+ passed in \d+s\n$/);
    expect(r.stdout).toMatch(/PASSED: \d+ passed, 0 failed, 0 not run/);
    expect(r.code).toBe(0);
    const store = await openStore('sqlite:.seams/history.db', root);
    const [run] = await store.listRuns();
    const full = await store.getRun(run!.id);
    await store.close();
    expect(new Set(full!.results.map((x) => x.runner))).toEqual(new Set(['pytest', 'vitest']));
    expect(full!.results.every((x) => x.known && x.status === 'passed')).toBe(true);
    expect(full!.services.map((s) => [s.name, s.status])).toEqual([
      ['aws', 'ready'],
      ['db', 'ready'],
      ['cache', 'ready'],
    ]);
    expect(readStates(root)).toEqual([]);
  }, 120_000);

  it('without redis-server, the cache tests are reported as not run because cache is missing', async () => {
    const root = copyExample();
    // a PATH with everything but redis-server
    // outside the repo: the postgres user must reach these binaries even when the clone sits in a
    // root-only (0700) folder
    const bin = mkdtempSync(path.join(tmpdir(), 'seams-bin-'));
    chmodSync(bin, 0o755);
    binDirs.push(bin);
    for (const dir of (process.env.PATH ?? '').split(':')) {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const n of names) {
        if (n.startsWith('redis-server')) continue;
        try {
          symlinkSync(path.join(dir, n), path.join(bin, n));
        } catch {
          /* first one on PATH wins */
        }
      }
    }
    const r = await runCli(['run', 'integration', '--root', root], { env: { PATH: bin } });
    expect(r.stdout).toContain('cache missing (command not found: redis-server)');
    expect(r.stdout).toMatch(/1 test: cache is missing: command not found: redis-server\n\s+tests\/integration\/test_run_lock.py::test_only_one_holder/);
    expect(r.code).toBe(1);
  }, 120_000);
});
