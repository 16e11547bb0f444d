import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DiscoveredTest, IncompleteInfo, RunRecord, ServiceRecord, TestResult } from '../core/types.js';
import { getRunner } from '../runners/registry.js';
import { execCommand } from '../util/exec.js';
import { redactSecrets, type Secret } from '../util/urls.js';

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
  /** Set when a task could not run its tests: the run is stored as `incomplete`. */
  incomplete?: IncompleteInfo;
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
  /** Values masked wherever the record shows them (the services' secrets); URL passwords always are. */
  secrets?: readonly Secret[];
}

/** The run record, with every secret masked (it is stored, written by `-o` and printed). */
export function runRecord(o: RecordInput): RunRecord {
  return redactRun({
    id: o.id,
    repo: o.repo,
    commit: o.git.commit,
    branch: o.git.branch,
    tiers: o.tiers,
    environment: { ...environmentOf(o.env, o.repetition), ...(o.interrupted ? { interrupted: 'true' } : {}) },
    shard: o.shard ? `${o.shard.index}/${o.shard.total}` : null,
    startedAt: o.startedAt,
    finishedAt: new Date().toISOString(),
    status: o.incomplete ? 'incomplete' : o.status,
    services: o.services,
    results: o.results,
    ...(o.incomplete ? { incomplete: o.incomplete } : {}),
  }, o.secrets ?? []);
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

/** The most of a runner's log an incomplete run keeps (its end: where runners say why they stopped). */
export const ERROR_TEXT_BYTES = 4096;

/**
 * Why a finished task could not run its tests, or null when it ran them. It could not when the
 * runner wrote no (readable) report — whatever its exit code — or when it ended with one of its
 * `stoppedExitCodes` (pytest: 2, 3, 4) with nothing but collection errors reported. A task interrupted by the user is
 * not incomplete here (the run records the interrupt).
 */
export function incompleteReason(t: {
  runner: string;
  exitCode: number | null;
  error?: string;
  aborted: boolean;
  timedOut: boolean;
  results: readonly TestResult[];
}): string | null {
  if (t.aborted && !t.timedOut) return null;
  // what the runner reported: not the not-run fillers, not the tier-command error seams adds
  const reported = t.results.filter((r) => r.status !== 'not-run' && !(r.runner === 'junit' && r.id.endsWith('::command') && r.status === 'error' && !r.known && r.message === t.error));
  if (t.error && !reported.length) return t.error.replace(/ \(see [^)]*\)$/, '');
  // the runner's own exit codes for "stopped before the tests" (the registry's stoppedExitCodes)
  const what = t.exitCode === null ? undefined : getRunner(t.runner)?.stoppedExitCodes?.[t.exitCode];
  if (what && reported.every((r) => r.status === 'error')) {
    const n = reported.length;
    return `${t.runner} stopped before running tests (exit ${t.exitCode}, ${what}${n ? `: ${n} collection error${n === 1 ? '' : 's'}` : ''})`;
  }
  return null;
}

/** Names of environment variables whose values are never printed or stored. */
const SECRET_NAME = /pass(word)?|secret|token|api_?key|private|credential|auth|_key$|^key$/i;

/**
 * The secrets of an environment for `redactSecrets`: the values (6 characters or more) of
 * secret-looking variables, and `secrets` (the services' `secret: true` and `env_file:` values).
 */
export function secretsOf(env: NodeJS.ProcessEnv, secrets: readonly Secret[] = []): Secret[] {
  const named = Object.entries(env)
    .filter(([k, v]) => v && v.length >= 6 && SECRET_NAME.test(k))
    .map(([, v]) => v!);
  return [...named, ...secrets];
}

/**
 * `text` with secrets masked: the values of secret-looking variables of `env`, `secrets`, and
 * passwords in URLs (`scheme://user:***@host`).
 */
export function maskSecrets(text: string, env: NodeJS.ProcessEnv, secrets: readonly Secret[] = []): string {
  return redactSecrets(text, secretsOf(env, secrets));
}

/**
 * A run record as seams may store and print it: service URLs and messages, test messages and
 * reasons, and why a run is incomplete, with every secret masked.
 */
export function redactRun(run: RunRecord, secrets: readonly Secret[]): RunRecord {
  const r = (t: string) => redactSecrets(t, secrets);
  return {
    ...run,
    services: run.services.map((s) => ({ ...s, ...(s.url !== undefined ? { url: r(s.url) } : {}), ...(s.message !== undefined ? { message: r(s.message) } : {}) })),
    results: run.results.map((t) => (t.message === undefined && t.reason === undefined ? t : { ...t, ...(t.message !== undefined ? { message: r(t.message) } : {}), ...(t.reason !== undefined ? { reason: r(t.reason) } : {}) })),
    ...(run.incomplete
      ? { incomplete: { ...run.incomplete, reason: r(run.incomplete.reason), ...(run.incomplete.errorText !== undefined ? { errorText: r(run.incomplete.errorText) } : {}) } }
      : {}),
  };
}

/**
 * Masks the secrets in a log file seams keeps (a runner's or a service's output), in place: read
 * in chunks cut at line ends, written to a new file that replaces it only when a line changed.
 */
export function redactLogFile(file: string, secrets: readonly Secret[]): boolean {
  const CHUNK = 1 << 20;
  const tmp = `${file}.${process.pid}.redact`;
  let changed = false;
  let input: number | undefined;
  let output: number | undefined;
  try {
    input = openSync(file, 'r');
    output = openSync(tmp, 'w', 0o600);
    const buf = Buffer.alloc(CHUNK);
    let carry = Buffer.alloc(0);
    const emit = (bytes: Buffer) => {
      const text = bytes.toString('utf8');
      const masked = redactSecrets(text, secrets);
      if (masked !== text) changed = true;
      writeSync(output!, masked);
    };
    for (;;) {
      const n = readSync(input, buf, 0, CHUNK, null);
      if (!n) break;
      const data = Buffer.concat([carry, buf.subarray(0, n)]);
      const cut = data.lastIndexOf(0x0a);
      // a line longer than a chunk is masked as it is (no line end to wait for)
      if (cut === -1 && data.length < CHUNK * 4) {
        carry = data;
        continue;
      }
      const end = cut === -1 ? data.length : cut + 1;
      emit(data.subarray(0, end));
      carry = Buffer.from(data.subarray(end));
    }
    if (carry.length) emit(carry);
  } catch {
    changed = false;
  } finally {
    if (input !== undefined) closeSync(input);
    if (output !== undefined) closeSync(output);
    if (changed) renameSync(tmp, file);
    else rmSync(tmp, { force: true });
  }
  return changed;
}

/**
 * Masks the secrets in every log a run keeps (`.seams/logs/<run id>/*.log`: its runners and
 * services), but those in `skip` (a service that still runs writes to its file: replacing it
 * would lose what it writes next).
 */
export function redactLogs(root: string, runId: string, secrets: readonly Secret[], skip: readonly string[] = []): void {
  const dir = path.join(root, '.seams', 'logs', runId);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.endsWith('.log') && !skip.includes(n)) redactLogFile(path.join(dir, n), secrets);
}

/** The end of a log (at most `ERROR_TEXT_BYTES`, from a line start), secrets masked; undefined when empty or unreadable. */
export function errorTextOf(logFile: string, env: NodeJS.ProcessEnv, secrets: readonly Secret[] = []): string | undefined {
  let fd: number;
  try {
    fd = openSync(logFile, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, ERROR_TEXT_BYTES * 2);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    let text = maskSecrets(buf.toString('utf8'), env, secrets).trimEnd();
    if (Buffer.byteLength(text) > ERROR_TEXT_BYTES) {
      text = Buffer.from(text).subarray(-ERROR_TEXT_BYTES).toString('utf8').replace(/^\uFFFD+/, '');
      const nl = text.indexOf('\n');
      if (nl !== -1 && nl < text.length - 1) text = text.slice(nl + 1);
    }
    return text.trim() ? text : undefined;
  } finally {
    closeSync(fd);
  }
}

/** What an incomplete run records: the first task that could not run its tests, and how many did not. */
export function incompleteInfo(tasks: readonly (IncompleteInfo & { tier: string; runner: string })[]): IncompleteInfo | undefined {
  const first = tasks[0];
  if (!first) return undefined;
  const more = tasks.length > 1 ? ` (and ${tasks.length - 1} more task${tasks.length === 2 ? '' : 's'}: ${tasks.slice(1).map((t) => `${t.tier} · ${t.runner}`).join(', ')})` : '';
  return { reason: `${first.tier} · ${first.runner}: ${first.reason}${more}`, ...(first.errorText ? { errorText: first.errorText } : {}), ...(first.log ? { log: first.log } : {}) };
}
