import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tcpOpen } from '../../src/services/util.js';
import { runCli } from '../helpers/cli.js';

describe('seams services up | status | down', () => {
  it('keeps services running between commands, prints their environment, stops them on down', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-svc-cli-'));
    writeFileSync(
      path.join(root, 'seams.yaml'),
      `services:
  cache:
    command: redis-server --port {port} --save ""
    ready: { exec: "redis-cli -p {port} ping" }
    env: { REDIS_URL: "redis://127.0.0.1:{port}/0" }
  cache2:
    command: redis-server --port {port} --save ""
tiers:
  both:
    paths: ["none/**"]
    services: [cache, cache2]
  integration:
    paths: ["tests/**"]
    services: [cache]
    command: ["python3", "-c", "import os, sys; sys.exit(0 if os.environ['CACHE_PORT'] == os.environ['EXPECTED_PORT'] else 3)"]
`,
    );
    const up = await runCli(['services', 'up', 'integration', '--root', root]);
    expect(up.code).toBe(0);
    const port = Number(/export CACHE_PORT=(\d+)/.exec(up.stdout)![1]);
    expect(up.stdout).toContain(`export REDIS_URL=redis://127.0.0.1:${port}/0`);
    expect(up.stdout).toMatch(/export SEAMS_RUN_ID=\S+/);
    expect(await tcpOpen('127.0.0.1', port)).toBe(true);
    // up again: the running set and its environment, not a second set
    const again = await runCli(['services', 'up', 'integration', '--root', root]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(up.stdout);
    expect(again.stderr).toMatch(/^cache is already running \(run \S+\); not starting it again\. Stop with: seams services down\n$/);
    // a set that only partly runs: refused with a hint instead of a second cache
    const partly = await runCli(['services', 'up', 'both', '--root', root]);
    expect(partly.code).toBe(2);
    expect(partly.stderr).toMatch(/^seams: cache is already running \(run \S+, from seams services up\); cache2 is not\nhint: stop it first with seams services down, then seams services up both starts the whole set\n$/);
    const status = await runCli(['services', 'status', '--root', root]);
    expect(status.stdout.match(/^run /gm)).toHaveLength(1);
    expect(status.stdout).toContain('kept (seams services down stops them)');
    expect(status.stdout).toMatch(/cache: running, pid \d+/);
    // a local run reuses the kept services (same port), and leaves them running
    const run = await runCli(['run', 'integration', '--root', root], { env: { CI: '', EXPECTED_PORT: String(port) } });
    expect(run.stderr).toMatch(/reusing cache from seams services up/);
    expect(run.code).toBe(0);
    expect(await tcpOpen('127.0.0.1', port)).toBe(true);
    const down = await runCli(['services', 'down', '--root', root]);
    expect(down.stdout).toMatch(/stopped cache \(run /);
    expect(await tcpOpen('127.0.0.1', port)).toBe(false);
    expect((await runCli(['services', 'status', '--root', root])).stdout).toContain('no services started by seams are running here');
    expect((await runCli(['services', 'down', '--root', root])).stdout).toContain('nothing to stop');
  });
});

describe('seams services up: a required service that fails', () => {
  it('says which, with its log lines and a hint to its log, exit 2, nothing left running', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-svc-fail-'));
    writeFileSync(
      path.join(root, 'seams.yaml'),
      'services:\n  api:\n    command: ["sh", "-c", "echo listening is broken >&2; exit 4"]\n    ready: { tcp: "127.0.0.1:{port}" }\ntiers:\n  integration:\n    paths: ["tests/**"]\n    services: [api]\n',
    );
    const r = await runCli(['services', 'up', 'integration', '--root', root], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^seams: service api failed to start: [^\n]*exited[^]*listening is broken\n/);
    expect(r.stderr).toMatch(/\nhint: its log is \.seams\/logs\/[^/]+\/api\.log; fix services\.api in seams\.yaml, or give a slow machine --timeout-multiplier 3\n$/);
    expect((await runCli(['services', 'status', '--root', root])).stdout).toContain('no services started by seams are running here');
  });

  it('an external url service that is down is "not reachable at <url>", not "failed to start" (#35)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-svc-url-'));
    writeFileSync(path.join(root, 'seams.yaml'), 'services:\n  cache:\n    url: redis://127.0.0.1:1\n    ready: { timeout: 300ms }\ntiers:\n  integration:\n    services: [cache]\n');
    const r = await runCli(['services', 'up', 'integration', '--root', root], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^seams: service cache is not reachable at redis:\/\/127\.0\.0\.1:1\nhint: start it/);
  });
});
