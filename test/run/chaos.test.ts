import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript shared with the bench (bench/chaos/kill.mjs)
import { chaos } from '../../bench/chaos/harness.mjs';

/**
 * The bounded chaos test (issue 13): `seams run integration` on a copy of examples/platform
 * (moto_server, initdb + postgres as the postgres user, redis-server), kill -9 at seeded random
 * points of start-up, then the documented recovery (`seams services down`, and every fourth
 * time the next `seams run`). Leftovers must be 0: no process of the run, no listening port,
 * no state file, no scratch or seams-run-* folder. The long version: node bench/chaos/kill.mjs.
 */
const KILLS = 20;

// `npm test` builds dist/ right before vitest; run alone, the test builds a private copy
const fromNpmTest = process.env.npm_lifecycle_event === 'test' && existsSync(path.resolve('dist/cli/main.js'));
const dist = fromNpmTest ? path.resolve('dist') : path.resolve('node_modules/.cache/seams-chaos-dist');
const bin = fromNpmTest ? path.resolve('bin/seams.js') : path.join(dist, 'seams-bin.mjs');
// inside the repo (.tmp/ is ignored): the example's web tests resolve vitest from its node_modules
const work = path.resolve('.tmp', `chaos-test-${process.pid}`);

beforeAll(() => {
  if (fromNpmTest) return;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', dist, '--declaration', 'false', '--sourceMap', 'false'], { stdio: 'ignore' });
  mkdirSync(dist, { recursive: true });
  writeFileSync(bin, `import { run } from ${JSON.stringify(path.join(dist, 'cli/main.js'))};\nprocess.exitCode = await run(process.argv.slice(2));\n`);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('chaos: kill -9 at random points of service start-up', () => {
  it(`${KILLS} kills, recovery as documented, leftovers: 0`, async () => {
    const r = await chaos({ work, kills: KILLS, seed: 13, minMs: 300, maxMs: 2200, recovery: (i: number) => (i % 4 === 3 ? 'run' : 'down'), bin });
    const bad = r.badKills.map((b: { kill: number; delayMs: number; processes: { cmd: string }[]; ports: number[]; stateFiles: string[]; scratch: string[] }) => ({
      kill: b.kill,
      delayMs: b.delayMs,
      processes: b.processes.map((p) => p.cmd),
      ports: b.ports,
      stateFiles: b.stateFiles,
      scratch: b.scratch,
    }));
    expect(bad).toEqual([]);
    expect(r.leftovers).toBe(0);
    // the kills hit start-up for real: in most of them services had started (ports seen)
    expect(r.killsWithServices).toBeGreaterThanOrEqual(KILLS / 2);
  }, 240_000);
});
