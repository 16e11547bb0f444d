import { TaskProgress, expectedDurations, type RunProgress, type TaskPlan, type TierDone } from '../core/progress.js';
import { taskLines, tierDoneLine } from '../report/progress.js';
import { createLiveRegion } from '../util/progress.js';
import { cutToCells } from '../util/term.js';
import type { CliIO } from './io.js';

/** How often the live lines are redrawn (ms): the clock and ETA move between events too. */
const REDRAW_MS = 200;

export interface RunDisplay {
  progress: RunProgress;
  /** Lines that stay (warnings, the interrupt): printed above the live lines. */
  line(text: string): void;
  /**
   * Progress lines (a service is ready, a runner starts): drawn in place until the next one on a
   * terminal, so none stays in the scrollback; lines that stay under `--verbose`.
   */
  status(text: string): void;
  /** Erases what is still drawn (an interrupt, an error). */
  close(): void;
}

/**
 * What `seams run` shows while it runs, on stderr:
 * - `live` (a terminal, no `--verbose`): the running task's tests done of total, failures with
 *   their names as they happen, the elapsed time and an ETA, redrawn in place and erased when the
 *   task ends; then one line per finished tier that stays.
 * - otherwise (CI, a pipe, `--verbose`): one line per finished tier, nothing in between.
 */
export function runDisplay(io: CliIO, options: { live: boolean; color: boolean }): RunDisplay {
  const write = (text: string) => io.stderr.write(`${text}\n`);
  if (!options.live)
    return {
      progress: {
        live: false,
        taskStarted: (plan, _tests, _keys) => new TaskProgress(plan, Date.now()),
        taskFinished: () => undefined,
        tierFinished: (t: TierDone) => write(tierDoneLine(t)),
      },
      line: write,
      status: write,
      close: () => undefined,
    };

  const region = createLiveRegion(io.stderr);
  let durations: ReadonlyMap<string, number> | undefined;
  let current: { task: TaskProgress; tests: Parameters<RunProgress['taskStarted']>[1]; keys: Parameters<RunProgress['taskStarted']>[2] } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const style = () => ({ width: Math.max(20, (io.stderr.columns ?? 80) - 1), color: options.color });
  const draw = () => {
    if (current) region.set(taskLines(current.task, Date.now(), style()));
  };
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const expect = () => {
    if (current && durations) current.task.setExpected(expectedDurations(current.tests, durations, current.keys));
  };
  const progress: RunProgress = {
    live: true,
    taskStarted(plan: TaskPlan, tests, keys) {
      const task = new TaskProgress(plan, Date.now());
      current = { task, tests, keys };
      expect();
      draw();
      stopTimer();
      timer = setInterval(draw, REDRAW_MS);
      timer.unref();
      return task;
    },
    taskFinished(task) {
      if (current?.task !== task) return;
      stopTimer();
      current = undefined;
      region.clear();
    },
    tierFinished(t) {
      region.log(tierDoneLine(t, options.color));
    },
    setDurations(d) {
      durations = d;
      expect();
    },
  };
  return {
    progress,
    line: (text) => region.log(text),
    status(text) {
      // a running task's lines win; between tasks (services starting) the newest status shows
      if (!current) region.set([cutToCells(text, style().width)]);
    },
    close() {
      stopTimer();
      current = undefined;
      region.clear();
    },
  };
}
