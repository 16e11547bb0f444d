import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { redactPath } from '../util/urls.js';

/**
 * Notifications: a Slack-compatible webhook (`{"text": "…"}`) posted when a gate fails on one
 * of the configured branches. Delivery problems are returned as a warning string, never thrown:
 * a broken webhook must not turn a gate result into a crash.
 */

const run = promisify(execFile);

/** The branch being built: CI variables first (GitHub, GitLab, Buildkite, Jenkins…), then git. */
export async function currentBranch(env: NodeJS.ProcessEnv, cwd: string): Promise<string | null> {
  // Pull requests are not the default branch, whatever GITHUB_REF_NAME says (`123/merge`).
  if (env.GITHUB_ACTIONS && env.GITHUB_EVENT_NAME?.startsWith('pull_request')) return env.GITHUB_HEAD_REF || null;
  const fromEnv =
    env.SEAMS_BRANCH ||
    (env.GITHUB_REF_TYPE === 'tag' ? undefined : env.GITHUB_REF_NAME) ||
    env.CI_COMMIT_BRANCH ||
    env.BUILDKITE_BRANCH ||
    env.CIRCLE_BRANCH ||
    env.BRANCH_NAME ||
    env.GIT_BRANCH?.replace(/^origin\//, '');
  if (fromEnv) return fromEnv;
  try {
    const { stdout } = await run('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd, timeout: 5000 });
    const b = stdout.trim();
    return b && b !== 'HEAD' ? b : null;
  } catch {
    return null;
  }
}

export interface NotifyOutcome {
  sent: boolean;
  /** Why nothing was sent, or the warning when delivery failed. */
  reason?: string;
  warning?: string;
}

export async function postWebhook(url: string, text: string, options: { timeoutMs?: number } = {}): Promise<NotifyOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 10_000);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
      signal: controller.signal,
      redirect: 'error',
    });
    // drain the body so the socket is released
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) return { sent: false, warning: `webhook ${redactPath(url)} answered HTTP ${res.status}` };
    return { sent: true };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why = err.name === 'AbortError' ? 'timed out' : (err.cause?.code ?? err.cause?.message ?? err.message);
    return { sent: false, warning: `webhook ${redactPath(url)} could not be reached: ${why}` };
  } finally {
    clearTimeout(timer);
  }
}

export interface GateNotice {
  repo: string;
  branch: string;
  failed: { name: string; message: string }[];
  /** Link to the CI run, when known. */
  url?: string;
}

/** The message text: one line per failed rule, Slack mrkdwn-safe (&, <, > escaped). */
export function gateMessage(n: GateNotice): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const lines = [`:x: seams gate failed on ${esc(n.repo)} (${esc(n.branch)}): ${n.failed.length} rule${n.failed.length === 1 ? '' : 's'}`];
  for (const f of n.failed.slice(0, 10)) lines.push(`• ${esc(f.name)}: ${esc(f.message)}`);
  if (n.failed.length > 10) lines.push(`• … and ${n.failed.length - 10} more`);
  if (n.url) lines.push(n.url);
  return lines.join('\n');
}

/** CI run URL from the environment (GitHub Actions, GitLab CI). */
export function ciRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID)
    return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  return env.CI_JOB_URL || env.CI_PIPELINE_URL || undefined;
}

/** Sends when the branch is one of `branches`; returns what happened (never throws). */
export async function notifyGateFailure(
  notify: { webhook: string; branches: string[] },
  notice: Omit<GateNotice, 'branch'> & { branch: string | null },
  options: { timeoutMs?: number } = {},
): Promise<NotifyOutcome> {
  if (!notice.branch) return { sent: false, reason: 'branch unknown (no CI variable, not a git checkout)' };
  if (!notify.branches.includes(notice.branch))
    return { sent: false, reason: `branch ${notice.branch} is not one of ${notify.branches.join(', ')}` };
  return postWebhook(notify.webhook, gateMessage({ ...notice, branch: notice.branch }), options);
}
