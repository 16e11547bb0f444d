import { outcomeOf, type RunRecord, type TestResult } from '../core/types.js';
import { missingFlagHints } from '../config/tier-args.js';
import { textTable } from '../util/table.js';
import { tone } from '../util/term.js';

/** The summary of `seams run` on a terminal: values in, text out. */

/** What the summary shows of one runner task (execute/join.ts TaskReport). */
export interface RunTaskView {
  tier: string;
  runner: string;
  argv: string[];
  log: string;
  error?: string;
  /** The last lines of the runner's log when it failed without a report. */
  logTail?: string[];
  durationMs: number;
  /** Selected tests the runner did not report: deselected by the extra arguments after `--`. */
  deselected?: { count: number; args: string[] };
}

const secs = (ms: number) => (ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s` : `${(ms / 1000).toFixed(1)}s`);
const oneLine = (s: string | undefined, max = 160) => {
  const line = (s ?? '').split('\n').find((l) => l.trim()) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/**
 * The counts the summary line adds after `N skipped`, only when not zero: `, 1 xfailed, 2 xpassed,
 * 1 flaky` (flaky tests passed on a retry and are among the passed).
 */
export function runSummaryExtras(results: readonly TestResult[]): string {
  const n = { xfailed: 0, xpassed: 0, flaky: 0 };
  for (const r of results) {
    const o = outcomeOf(r);
    if (o === 'xfailed' || o === 'xpassed' || o === 'flaky') n[o]++;
  }
  return Object.entries(n)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `, ${v} ${k}`)
    .join('');
}

/** The terminal summary of a run: services, a table per tier, failures and not-run tests with reasons. */
export function renderRunText(run: RunRecord, tasks: readonly RunTaskView[], options: { stored?: string; maxListed?: number } = {}): string {
  const max = options.maxListed ?? 30;
  const lines: string[] = [];
  lines.push(`seams run ${run.id} · ${run.tiers.join(', ') || '(no tiers)'} · ${run.repo}${run.commit ? ` @ ${run.commit.slice(0, 10)}` : ''}${run.branch ? ` (${run.branch})` : ''}${run.shard ? ` · shard ${run.shard}` : ''}`);
  if (run.services.length)
    lines.push(
      `services: ${run.services
        .map((s) => `${s.name} ${s.status}${s.readyMs !== undefined && s.status === 'ready' ? ` ${secs(s.readyMs)}` : ''}${s.status !== 'ready' && s.message ? ` (${oneLine(s.message, 100)})` : ''}`)
        .join(' · ')}`,
    );
  const tiers = [...new Set([...run.tiers, ...run.results.map((r) => r.tier ?? '?')])];
  const rows = tiers.map((tier) => {
    const rs = run.results.filter((r) => (r.tier ?? '?') === tier);
    const c = (s: TestResult['status']) => rs.filter((r) => r.status === s).length;
    const time = tasks.filter((t) => t.tier === tier).reduce((s, t) => s + t.durationMs, 0);
    return [tier, rs.length, c('passed'), c('failed') + c('error'), c('skipped'), c('not-run'), rs.filter((r) => r.flaky).length, c('xfailed'), c('xpassed'), secs(time)];
  });
  // xfailed / xpassed columns only when the run has any (most runs have none)
  const header = ['tier', 'tests', 'passed', 'failed', 'skipped', 'not run', 'flaky', 'xfailed', 'xpassed', 'time'];
  const shown = header.map((_, i) => i !== 7 && i !== 8 || rows.some((r) => r[i] !== 0));
  lines.push('', textTable(header.filter((_, i) => shown[i]), rows.map((r) => r.filter((_, i) => shown[i]))));
  for (const t of tasks)
    if (t.deselected)
      lines.push(`${t.tier} · ${t.runner}: ${t.deselected.count} selected test${t.deselected.count === 1 ? '' : 's'} deselected by ${t.deselected.args.join(' ')} (not counted)`);
  const failed = run.results.filter((r) => r.status === 'failed' || r.status === 'error');
  if (failed.length) {
    lines.push('', `Failed (${failed.length}):`);
    for (const r of failed.slice(0, max)) {
      lines.push(`  ${tone('✗', 'bad')} ${r.id}${r.project ? ` [${r.project}]` : ''}${r.status === 'error' ? ' (error)' : ''}`);
      const msg = oneLine(r.message);
      if (msg) lines.push(`      ${msg}`);
    }
    if (failed.length > max) lines.push(`  … and ${failed.length - max} more (seams run --format json for all)`);
    // tests a conftest skips without an option (--runintegration): the tier can pass it (tiers.<t>.args)
    lines.push(...missingFlagHints(failed).map((h) => `  ${h}`));
  }
  const notRun = run.results.filter((r) => r.status === 'not-run');
  if (notRun.length) {
    lines.push('', `Not run (${notRun.length}):`);
    const byReason = new Map<string, TestResult[]>();
    for (const r of notRun) byReason.set(r.reason ?? 'unknown', [...(byReason.get(r.reason ?? 'unknown') ?? []), r]);
    for (const [reason, rs] of byReason) {
      lines.push(`  - ${rs.length} test${rs.length === 1 ? '' : 's'}: ${oneLine(reason, 200)}`);
      for (const r of rs.slice(0, 5)) lines.push(`      ${r.id}`);
      if (rs.length > 5) lines.push(`      … ${rs.length - 5} more`);
    }
  }
  const flaky = run.results.filter((r) => r.flaky);
  if (flaky.length) {
    lines.push('', `Passed only on retry (${flaky.length}):`);
    for (const r of flaky.slice(0, max)) lines.push(`  ~ ${r.id} (${r.attempts} attempts)`);
  }
  const broken = tasks.filter((t) => t.error);
  if (broken.length) {
    lines.push('', 'Runner problems:');
    for (const t of broken) {
      lines.push(`  ! ${t.tier} · ${t.runner}: ${t.error}`, `      command: ${t.argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`, `      log: ${t.log}`);
      if (t.logTail?.length) lines.push(`      last lines of the log:`, ...t.logTail.map((l) => `        | ${l}`));
      else if (t.logTail) lines.push('      (the log is empty)');
    }
  }
  const passed = run.results.filter((r) => r.status === 'passed').length;
  // scripts read this line: its first four counts keep their form; the other outcomes follow when there are any
  const more = runSummaryExtras(run.results);
  const word = run.environment.interrupted ? 'INTERRUPTED' : run.status === 'passed' ? 'PASSED' : run.status === 'failed' ? 'FAILED' : 'ERROR';
  // an incomplete run's verdict line is replaced (INCOMPLETE: …, cli/commands/run.ts): it stays plain for that
  const verdict = run.status === 'incomplete' ? word : tone(word, run.status === 'passed' && !run.environment.interrupted ? 'good' : 'bad');
  const failedCount = failed.length ? tone(`${failed.length} failed`, 'bad') : '0 failed';
  lines.push(
    '',
    `${verdict}: ${passed ? tone(`${passed} passed`, 'good') : '0 passed'}, ${failedCount}, ${notRun.length} not run, ${run.results.filter((r) => r.status === 'skipped').length} skipped${more} in ${secs(Date.parse(run.finishedAt) - Date.parse(run.startedAt))}${options.stored ? ` · history: ${options.stored}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
