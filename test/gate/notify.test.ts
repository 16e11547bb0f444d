import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentBranch, notifyGateFailure, postWebhook } from '../../src/notify/index.js';
import { runCli } from '../helpers/cli.js';
import { result, runRecord, saveRuns, tempRepo } from './helpers.js';

let server: Server;
let url = '';
const received: { path: string; body: unknown; type?: string }[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body || 'null'), type: req.headers['content-type'] });
      if (req.url?.startsWith('/fail')) res.writeHead(500).end('nope');
      else if (req.url?.startsWith('/slow')) setTimeout(() => res.writeHead(200).end('ok'), 2000);
      else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('notify webhook', () => {
  it('posts a Slack-compatible {text} on a default branch only', async () => {
    received.length = 0;
    const notify = { webhook: `${url}/hook`, branches: ['main'] };
    const failed = [{ name: 'p1-workflows', message: '1, expected ≤ 0 <b>' }];
    expect(await notifyGateFailure(notify, { repo: 'demo', branch: 'feature/x', failed })).toMatchObject({ sent: false, reason: 'branch feature/x is not one of main' });
    expect(received).toHaveLength(0);
    expect(await notifyGateFailure(notify, { repo: 'demo', branch: 'main', failed, url: 'https://ci/run/1' })).toEqual({ sent: true });
    expect(received[0]).toMatchObject({ path: '/hook', type: 'application/json' });
    expect(received[0]!.body).toEqual({ text: ':x: seams gate failed on demo (main): 1 rule\n• p1-workflows: 1, expected ≤ 0 &lt;b&gt;\nhttps://ci/run/1' });
  });

  it('a failing, unreachable or slow webhook is a warning, never a crash', async () => {
    expect(await postWebhook(`${url}/fail`, 'x')).toEqual({ sent: false, warning: `webhook ${url}/… answered HTTP 500` });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = await postWebhook(`http://127.0.0.1:${port}/x`, 'x');
    expect(down).toMatchObject({ sent: false, warning: expect.stringMatching(/could not be reached: ECONNREFUSED/) });
    expect(await postWebhook(`${url}/slow`, 'x', { timeoutMs: 200 })).toMatchObject({ sent: false, warning: expect.stringMatching(/timed out/) });
  });

  it('finds the branch from CI variables (pull requests are never the default branch) or git', async () => {
    expect(await currentBranch({ GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push', GITHUB_REF_NAME: 'main' }, '/')).toBe('main');
    expect(await currentBranch({ GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF_NAME: '12/merge', GITHUB_HEAD_REF: 'feat' }, '/')).toBe('feat');
    expect(await currentBranch({ CI_COMMIT_BRANCH: 'master' }, '/')).toBe('master');
    expect(await currentBranch({}, '/')).toBeNull();
  });

  it('seams gate notifies when it fails on main, and still exits 1 when the webhook is down', async () => {
    received.length = 0;
    const root = tempRepo({ 'seams.yaml': `notify: { webhook: "${url}/gate" }\ngates:\n  pass: { metric: passrate, min: 1 }\n` });
    await saveRuns(root, [runRecord([result('tests/a.py::t', 'failed')])]);
    const r = await runCli(['gate', root], { env: { SEAMS_BRANCH: 'main' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('notified the webhook');
    expect((received[0]!.body as { text: string }).text).toMatch(/^:x: seams gate failed on seams-gate-\w+ \(main\): 1 rule\n• pass: 0%, expected ≥ 100%/);
    const r2 = await runCli(['gate', root], { env: { SEAMS_BRANCH: 'feature' } });
    expect(r2.stderr).not.toContain('notified');
    expect(received).toHaveLength(1);
    const down = tempRepo({ 'seams.yaml': `notify: { webhook: "${url}/fail" }\ngates:\n  pass: { metric: passrate, min: 1 }\n` });
    await saveRuns(down, [runRecord([result('tests/a.py::t', 'failed')])]);
    const r3 = await runCli(['gate', down], { env: { SEAMS_BRANCH: 'main' } });
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(/seams: warning: webhook http:\/\/127\.0\.0\.1:\d+\/… answered HTTP 500/);
  });
});
