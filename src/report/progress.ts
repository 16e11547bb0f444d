import type { TaskProgress, TierDone } from '../core/progress.js';
import { RESULT_STATUSES } from '../core/types.js';
import { cellWidth, cutToCells, stripAnsi, tone, type Tone } from '../util/term.js';

/** The live progress of `seams run` as text: values in, lines out (the CLI draws them). */

export interface ProgressStyle {
  /** Every line is cut to this many cells (a line that wrapped would break the redraw). */
  width: number;
  color: boolean;
}

/** At most this many failures are listed under the status line (the newest). */
export const SHOWN_FAILURES = 3;

/** `7s`, `2m05s`, `1h02m`: whole seconds, so a redrawn line does not flicker. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The lines of a running task: `unit · pytest  412/2016 20%  ✗ 2  13s  ETA 41s`, then its newest
 * failures with their first line (`  ✗ tests/test_a.py::test_bad  assert 1 == 2`) and how many
 * more. A runner without live events shows the elapsed time only.
 */
export function taskLines(task: TaskProgress, now: number, style: ProgressStyle): string[] {
  const paint = (kind: Tone, text: string) => tone(text, kind, { color: style.color });
  const { plan } = task;
  const where = plan.tierCount > 1 ? `[${plan.tierIndex}/${plan.tierCount}] ` : '';
  const elapsed = clock(now - task.startedAt);
  if (!plan.live) {
    const count = plan.planned ? `  ${plural(plan.planned, 'test')}` : '';
    return [cutToCells(`${where}${plan.label}${count}  ${elapsed}`, style.width)];
  }
  const total = task.total;
  const pct = total ? `${Math.floor((task.done / total) * 100)}%` : '';
  const bad = task.failed + task.errors.length;
  const eta = task.eta(now);
  const parts = [
    `${where}${plan.label}`,
    `${task.done}/${total}${pct ? ` ${pct}` : ''}`,
    ...(bad ? [paint('bad', `✗ ${bad}`)] : []),
    ...(task.skipped ? [`${task.skipped} skipped`] : []),
    elapsed,
    // every test reported: the runner writes its report and exits (last time's wind-down, if known)
    ...(total && task.done >= total ? ['finishing'] : []),
    ...(eta !== undefined && !(total && task.done >= total && !eta) ? [`ETA ${clock(eta)}`] : []),
  ];
  const lines = [fit(parts.join('  '), style.width)];
  const problems = [...task.errors, ...task.failures];
  for (const f of problems.slice(-SHOWN_FAILURES)) lines.push(fit(`  ${paint('bad', '✗')} ${f.name}${f.message ? `  ${f.message}` : ''}`, style.width));
  if (problems.length > SHOWN_FAILURES) lines.push(fit(`  … ${plural(problems.length - SHOWN_FAILURES, 'more failure')} (all of them in the summary)`, style.width));
  return lines;
}

/**
 * One line per finished tier: `unit: 2016 tests, 1991 passed, 24 skipped, 1 xfailed in 13s`
 * (the statuses that occurred, in the summary's order). What `seams run` prints where it draws no
 * live progress (CI, a pipe): the log then shows each tier as it ends.
 */
export function tierDoneLine(t: TierDone, color = false): string {
  const kind = (s: string): Tone | undefined => (s === 'passed' ? 'good' : s === 'failed' || s === 'error' || s === 'not-run' ? 'bad' : undefined);
  const counts = RESULT_STATUSES.filter((s) => t.counts[s]).map((s) => {
    const text = `${t.counts[s]} ${s === 'not-run' ? 'not run' : s}`;
    const k = kind(s);
    return k ? tone(text, k, { color }) : text;
  });
  const where = t.tierCount > 1 ? ` (${t.tierIndex}/${t.tierCount})` : '';
  return `tier ${t.tier}${where}: ${plural(t.tests, 'test')}${counts.length ? `, ${counts.join(', ')}` : ''} in ${clock(t.ms)}`;
}

/** Cuts a line that may hold colour codes: colour is dropped from a line that had to be cut. */
function fit(line: string, width: number): string {
  return cellWidth(line) <= width ? line : cutToCells(stripAnsi(line), width);
}
