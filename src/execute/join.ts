import { existsSync } from 'node:fs';
import type { TestResult } from '../core/types.js';
import { readResults, type InventoryIndex } from '../results/index.js';
import { tailFile } from '../services/probes.js';
import { describeError } from '../util/errors.js';
import type { PlannedTask } from './plan.js';
import { notRun, testKey } from './record.js';
import type { TaskExec } from './task.js';

/** Result joining: a finished task's report read and joined to the inventory, with what is missing said. */

export interface TaskReport {
  tier: string;
  runner: string;
  project: string | null;
  argv: string[];
  cwd: string;
  exitCode: number | null;
  log: string;
  error?: string;
  /** The last lines of the runner's log when it failed without a report. */
  logTail?: string[];
  durationMs: number;
  /** Selected tests the runner did not report although it ran to the end: deselected by the extra arguments after `--`. */
  deselected?: { count: number; args: string[] };
}

export interface JoinInput {
  tier: string;
  task: PlannedTask;
  exec: TaskExec;
  report: TaskReport;
  /** Absolute path of the task's log. */
  logFile: string;
  /** The tier has a configured command (`tiers.<t>.command`), and a configured report path. */
  tierCommand: boolean;
  tierResults: boolean;
  timeoutMs: number | undefined;
  extraArgs: string[];
  services: string[];
  index: InventoryIndex;
  startedAt: number;
}

/** A command seams knows no report for, that wrote none to $SEAMS_JUNIT_XML: its exit code is the result. */
function exitCodeResult(j: JoinInput): TestResult {
  const { exec, task, report, tier } = j;
  return {
    runner: 'junit',
    project: null,
    id: `${tier}::command`,
    name: `${tier} command`,
    tier,
    status: exec.timedOut ? 'error' : exec.code === 0 ? 'passed' : 'failed',
    durationMs: Date.now() - j.startedAt,
    attempts: 1,
    flaky: false,
    known: false,
    ...(exec.code !== 0 ? { message: `${task.spec.argv.join(' ')} exited with ${exec.code ?? exec.signal} (log: ${report.log})` } : {}),
  };
}

/** Reads the task's report; sets `report.error` when there is none or it cannot be read. */
async function readTaskResults(j: JoinInput): Promise<TestResult[]> {
  const { exec, task, report } = j;
  const got: TestResult[] = [];
  const reportFile = task.spec.resultFromStdout ? j.logFile : task.spec.resultFile;
  const exitCodeOnly = task.runner === 'command' && !j.tierResults && !existsSync(reportFile);
  if (exec.spawnError) report.error = `could not start ${task.spec.argv[0]}: ${exec.spawnError}`;
  else if (exitCodeOnly) got.push(exitCodeResult(j));
  else if (!existsSync(reportFile)) {
    // interrupted before it wrote a report: its tests are not run ("interrupted"), not a runner problem
    if (!exec.aborted || exec.timedOut)
      report.error = exec.timedOut
        ? `timed out after ${Math.round((j.timeoutMs ?? 0) / 1000)}s before writing a report`
        : `${task.runner} exited with ${exec.code ?? exec.signal} and wrote no report (see ${report.log})`;
    // the runner's own words say why (a config error, a missing package): show them
    if (report.error) report.logTail = tailFile(j.logFile, 12).map((l) => (l.length > 300 ? `${l.slice(0, 299)}…` : l));
  } else {
    try {
      for await (const batch of readResults(reportFile, task.ctx, task.spec.format, j.index)) got.push(...batch);
    } catch (error) {
      report.error = describeError(error);
    }
  }
  if (exec.timedOut && !report.error) report.error = `timed out after ${Math.round((j.timeoutMs ?? 0) / 1000)}s`;
  return got;
}

/** The results of one finished task: what it reported, plus a not-run result for every selected test it did not. */
export async function joinTask(j: JoinInput): Promise<TestResult[]> {
  const { exec, task, report, tier } = j;
  const got = await readTaskResults(j);
  for (const r of got) {
    r.tier ??= tier;
    if (!r.known) r.tier = tier;
  }
  const results = [...got];
  // selected tests the runner did not report: say so instead of dropping them
  const seen = new Set(got.map(testKey));
  const reason = exec.aborted && !exec.timedOut ? 'interrupted' : report.error ? `no result: ${report.error}` : 'no result: the runner did not report this test';
  // (only for commands seams built without extra arguments: those may deselect on purpose)
  const complete = !j.tierCommand && !j.extraArgs.length;
  if (complete || report.error || exec.aborted) {
    for (const t of task.tests) if (!t.dynamic && !seen.has(testKey(t))) results.push(notRun(t, reason, j.services));
  } else if (!j.tierCommand) {
    const count = task.tests.filter((t) => !t.dynamic && !seen.has(testKey(t))).length;
    if (count) report.deselected = { count, args: j.extraArgs };
  }
  if (report.error && !got.length && !task.tests.some((t) => !t.dynamic))
    results.push({ runner: 'junit', project: null, id: `${tier}::command`, name: `${tier} command`, tier, status: 'error', durationMs: report.durationMs, attempts: 1, flaky: false, message: report.error });
  return results;
}
