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
tiers:
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
    const status = await runCli(['services', 'status', '--root', root]);
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
