import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DiscoveredTest, RunRecord, ServiceRecord, TestResult } from '../core/types.js';
import { execCommand } from '../util/exec.js';

/** The run record: its id, the git state, the environment, the not-run results and the final status. */

export function newRunId(): string {
  const d = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '');
  return `${d}-${randomBytes(3).toString('hex')}`;
}

export async function gitInfo(root: string, env: NodeJS.ProcessEnv): Promise<{ commit: string | null; branch: string | null }> {
  const [c, b] = await Promise.all([
    execCommand('git', ['rev-parse', 'HEAD'], { cwd: root, timeoutMs: 5000 }),
    execCommand('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: root, timeoutMs: 5000 }),
  ]);
  const commit = c.code === 0 ? c.stdout.trim() : (env.GITHUB_SHA ?? env.CI_COMMIT_SHA ?? null);
  let branch = b.code === 0 ? b.stdout.trim() : null;
  if (!branch || branch === 'HEAD') branch = env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || env.CI_COMMIT_REF_NAME || branch || null;
  return { commit, branch };
}

/** The key results and inventory tests join on. */
export const testKey = (t: { runner: string; project: string | null; id: string }): string => `${t.runner}|${t.project ?? ''}|${t.id}`;

/** A selected test that did not run, and why. */
export function notRun(t: DiscoveredTest, reason: string, services?: string[]): TestResult {
  return {
    runner: t.runner,
    project: t.project,
    id: t.id,
    file: t.file,
    name: t.name,
    tier: t.tier,
    status: 'not-run',
    durationMs: 0,
    attempts: 0,
    flaky: false,
    reason,
    known: true,
    ...(services?.length ? { services } : {}),
  };
}

export function environmentOf(env: NodeJS.ProcessEnv, repetition?: number): Record<string, string> {
  const out: Record<string, string> = {
    os: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    node: process.version,
    host: os.hostname(),
  };
  if (env.CI) out.ci = env.GITHUB_ACTIONS ? 'github' : env.GITLAB_CI ? 'gitlab' : 'ci';
  if (repetition !== undefined) out.repetition = String(repetition);
  return out;
}

/** A run is an error when infrastructure failed (services, interrupt, a runner), failed when a test failed or did not run. */
export function runStatus(results: readonly TestResult[], infrastructureError: boolean): RunRecord['status'] {
  const counts = { failed: 0, notRun: 0 };
  for (const r of results) {
    if (r.status === 'failed' || r.status === 'error') counts.failed++;
    if (r.status === 'not-run') counts.notRun++;
  }
  return infrastructureError ? 'error' : counts.failed || counts.notRun ? 'failed' : 'passed';
}

export interface RecordInput {
  id: string;
  repo: string;
  git: { commit: string | null; branch: string | null };
  tiers: string[];
  env: NodeJS.ProcessEnv;
  repetition?: number;
  interrupted: boolean;
  shard?: { index: number; total: number };
  startedAt: string;
  status: RunRecord['status'];
  services: ServiceRecord[];
  results: TestResult[];
}

export function runRecord(o: RecordInput): RunRecord {
  return {
    id: o.id,
    repo: o.repo,
    commit: o.git.commit,
    branch: o.git.branch,
    tiers: o.tiers,
    environment: { ...environmentOf(o.env, o.repetition), ...(o.interrupted ? { interrupted: 'true' } : {}) },
    shard: o.shard ? `${o.shard.index}/${o.shard.total}` : null,
    startedAt: o.startedAt,
    finishedAt: new Date().toISOString(),
    status: o.status,
    services: o.services,
    results: o.results,
  };
}

/** Keeps the logs of the newest `keep` runs (run ids sort by time). */
export function pruneLogs(dir: string, keep: number): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const n of names.slice(0, Math.max(0, names.length - keep))) rmSync(path.join(dir, n), { recursive: true, force: true });
}
