import type { ResultStatus } from './types.js';

/**
 * Live run progress as plain data: the events a runner reports as tests finish (docs/events.md),
 * one task's counts and failures, and its ETA from the history's durations. Pure: the caller
 * passes the clock (`now`, ms) in, so every estimate is tested without waiting.
 */

export type LiveStatus = 'passed' | 'failed' | 'skipped' | 'error';

/** One line of an events file, checked (`execute/events.ts` reads and validates them). */
export type LiveEvent =
  | { event: 'start'; runner?: string }
  | { event: 'total'; tests: number }
  | { event: 'collected'; tests: number }
  | { event: 'test'; status: LiveStatus; id?: string; file?: string; titlePath?: string[]; project?: string; ms?: number; message?: string }
  | { event: 'error'; message: string; file?: string }
  | { event: 'end' };

/** What a task is, for its progress: seams' own plan of it. */
export interface TaskPlan {
  tier: string;
  runner: string;
  project: string | null;
  /** `unit · pytest` / `e2e · playwright (chromium)`. */
  label: string;
  /** Tests seams selected for it (0 for a tier command it knows no tests of). */
  planned: number;
  /** The runner reports each test (an events file); false: only the elapsed time is known. */
  live: boolean;
  /** The position of the tier in the run: 1-based, and how many tiers run. */
  tierIndex: number;
  tierCount: number;
  /** How the same task went last time on this machine (`execute/timings.ts`), when known. */
  previous?: TaskTimings;
}

/**
 * A task's phases as they went: from the start to its first result (start-up and collection:
 * click spends 12 s deselecting 31,000 stress tests), from the first to the last result, and
 * from the last result to the runner's exit (its report, its teardown).
 */
export interface TaskTimings {
  tests: number;
  wallMs: number;
  firstResultMs: number;
  afterLastMs: number;
}

/** A failed test as it was reported: its name (the runner's id) and the first line of why. */
export interface LiveFailure {
  name: string;
  message?: string;
}

/** How long each planned test took in the history (ms), by every key its events may carry. */
export interface ExpectedDurations {
  /** A planned test's expected duration by its event key (`keysOf`), unknown ones absent. */
  byKey: ReadonlyMap<string, number>;
  /** The sum over the planned tests, with the median standing in for a test without history. */
  total: number;
  /** The median of the known durations: what an unknown test weighs. */
  median: number;
}

/** Clamp of the observed pace (wall time per history time): parallel runners go far below 1. */
const PACE_MIN = 0.01;
const PACE_MAX = 50;
/** Results, and wall time between the first and the last of them, before the pace is measured instead of assumed. */
const PACE_AFTER = 5;
const PACE_SPAN_MS = 1000;

/**
 * Expected durations of a task's tests. `durations` is the history's (`runner|project|id` →
 * ms); `keys` gives, per planned test, the keys its event may carry. Null when the history knows
 * none of them (the ETA then comes from the pace alone).
 */
export function expectedDurations(
  planned: readonly { runner: string; project: string | null; id: string }[],
  durations: ReadonlyMap<string, number>,
  keys: (t: { id: string }) => readonly string[],
): ExpectedDurations | null {
  const known: number[] = [];
  const byKey = new Map<string, number>();
  let unknown = 0;
  for (const t of planned) {
    const d = durations.get(`${t.runner}|${t.project ?? ''}|${t.id}`);
    if (d === undefined || !Number.isFinite(d) || d < 0) {
      unknown++;
      continue;
    }
    known.push(d);
    for (const k of keys(t)) byKey.set(k, d);
  }
  if (!known.length) return null;
  const sorted = [...known].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const total = known.reduce((s, d) => s + d, 0) + unknown * median;
  return { byKey, total, median };
}

/** One running (or finished) task: what its events said so far. */
export class TaskProgress {
  readonly plan: TaskPlan;
  readonly startedAt: number;
  runnerTotal: number | undefined;
  collected = 0;
  done = 0;
  passed = 0;
  failed = 0;
  skipped = 0;
  /** Errors outside any test (a file that failed to import). */
  errors: LiveFailure[] = [];
  failures: (LiveFailure & { key: string })[] = [];
  finishedAt: number | undefined;
  /** Each test's status so far, by project and key (a retry replaces it). */
  private readonly statuses = new Map<string, LiveStatus>();
  private expected: ExpectedDurations | null = null;
  private doneExpected = 0;
  private firstResultAt: number | undefined;
  private firstExpected = 0;
  private lastResultAt: number | undefined;

  constructor(plan: TaskPlan, now: number) {
    this.plan = plan;
    this.startedAt = now;
  }

  /** The history's durations arrived (they load while the runner starts). */
  setExpected(expected: ExpectedDurations | null): void {
    this.expected = expected;
  }

  /** Tests the task will run: the runner's own count once it said it, else seams' plan (or more, as collected). */
  get total(): number {
    const t = this.runnerTotal ?? Math.max(this.plan.planned, this.collected);
    return Math.max(t, this.done);
  }

  /**
   * Applies one event. `keyOf` turns a test event into the key of `ExpectedDurations.byKey` and
   * the name shown for a failure.
   */
  apply(e: LiveEvent, now: number, keyOf: (e: Extract<LiveEvent, { event: 'test' }>) => string): void {
    switch (e.event) {
      case 'total':
        this.runnerTotal = e.tests;
        break;
      case 'collected':
        this.collected += e.tests;
        break;
      case 'error':
        this.errors.push({ name: e.file ?? 'error', message: e.message });
        break;
      case 'test': {
        const key = keyOf(e);
        // a retried test reports each attempt (Jest, Playwright): the last one counts
        const seenKey = e.project ? `${e.project}\u0000${key}` : key;
        const before = this.statuses.get(seenKey);
        this.statuses.set(seenKey, e.status);
        if (before !== undefined) {
          this.count(before, -1);
          if (before === 'failed' || before === 'error') this.failures = this.failures.filter((f) => f.key !== seenKey);
        } else this.done++;
        this.count(e.status, 1);
        if (e.status === 'failed' || e.status === 'error') this.failures.push({ name: e.project ? `${key} (${e.project})` : key, ...(e.message ? { message: e.message } : {}), key: seenKey });
        if (before !== undefined) {
          this.lastResultAt = now;
          break;
        }
        const weight = this.expected ? (this.expected.byKey.get(key) ?? this.expected.median) : 0;
        if (this.firstResultAt === undefined) {
          this.firstResultAt = now;
          this.firstExpected = weight;
        }
        this.doneExpected += weight;
        this.lastResultAt = now;
        break;
      }
      default:
        break;
    }
  }

  finish(now: number): void {
    this.finishedAt = now;
  }

  private count(status: LiveStatus, by: 1 | -1): void {
    if (status === 'passed') this.passed += by;
    else if (status === 'skipped') this.skipped += by;
    else this.failed += by;
  }

  /** The phases of a task that ran to its end with live results (none otherwise): for the next run's ETA. */
  timings(): TaskTimings | undefined {
    if (this.finishedAt === undefined || this.firstResultAt === undefined || this.lastResultAt === undefined || !this.done) return undefined;
    return {
      tests: this.done,
      wallMs: this.finishedAt - this.startedAt,
      firstResultMs: this.firstResultAt - this.startedAt,
      afterLastMs: this.finishedAt - this.lastResultAt,
    };
  }

  /**
   * Milliseconds left, or undefined while nothing can be said. Three phases, as the same task
   * went last time (`plan.previous`) where known:
   * - before the first result: what is left of last time's start-up, then the tests, then the
   *   wind-down;
   * - while results come: the tests not yet done, then the wind-down. The tests' time is, with
   *   the history's durations, the expected time of the tests not yet done scaled by the pace
   *   observed so far (wall time per expected time: parallel workers, a slower machine; measured
   *   once 5 tests over at least a second have finished); without them, the mean time between
   *   results times the tests left (or last time's per-test time until there is a pace);
   * - once every test has reported: what is left of last time's wind-down.
   * Less the time since the last result; never negative.
   */
  eta(now: number): number | undefined {
    if (!this.plan.live || this.finishedAt !== undefined) return undefined;
    const prev = this.plan.previous;
    const after = prev?.afterLastMs ?? 0;
    const left = this.total - this.done;
    if (left <= 0) return this.lastResultAt !== undefined && prev ? Math.max(0, after - (now - this.lastResultAt)) : 0;
    const tests = this.testsLeft(left);
    if (this.lastResultAt === undefined) {
      // still starting: last time's start-up, the whole selection, the wind-down
      if (tests === undefined) return undefined;
      const elapsed = now - this.startedAt;
      // without last time's phases, the time so far is taken as spent on the tests
      return prev ? Math.max(0, prev.firstResultMs - elapsed) + tests + after : Math.max(0, tests - elapsed);
    }
    if (tests === undefined) return undefined;
    return Math.max(0, tests - (now - this.lastResultAt)) + after;
  }

  /** The time the tests not yet done will take, by the best evidence there is. */
  private testsLeft(left: number): number | undefined {
    const prev = this.plan.previous;
    const prevPerTest = prev && prev.tests > 1 ? (prev.wallMs - prev.firstResultMs - prev.afterLastMs) / (prev.tests - 1) : undefined;
    const span = this.lastResultAt !== undefined && this.firstResultAt !== undefined ? this.lastResultAt - this.firstResultAt : 0;
    const measured = this.done >= PACE_AFTER && span >= PACE_SPAN_MS;
    if (this.expected) {
      const remaining = Math.max(0, this.expected.total - this.doneExpected);
      const expectedSpan = this.doneExpected - this.firstExpected;
      if (measured && expectedSpan > 0) return remaining * Math.min(PACE_MAX, Math.max(PACE_MIN, span / expectedSpan));
      // no pace yet: last time's pace over the whole selection, else the durations as they are
      if (prevPerTest !== undefined && this.expected.total > 0) return (prevPerTest * Math.max(0, this.total - 1) * remaining) / this.expected.total;
      return remaining;
    }
    if (this.done >= 3 && span >= PACE_SPAN_MS) return (span / (this.done - 1)) * left;
    if (prevPerTest !== undefined) return prevPerTest * left;
    return undefined;
  }
}

/**
 * What `seams run` tells its progress display. `execute/` calls it; the CLI draws it on a
 * terminal, or prints one line per finished tier elsewhere.
 */
export interface RunProgress {
  /** True when each test is drawn as it finishes: runners that can are asked for live events. */
  readonly live: boolean;
  /** A task (one runner of a tier) starts; its events go to the returned object. */
  taskStarted(plan: TaskPlan, tests: readonly { runner: string; project: string | null; id: string }[], keys: (t: { id: string }) => readonly string[]): TaskProgress;
  /** The task's runner ended (its report is read next). */
  taskFinished(task: TaskProgress): void;
  /** The history's durations per test (`runner|project|id` → ms), once loaded: for the ETA. */
  setDurations?(durations: ReadonlyMap<string, number>): void;
  /** A tier is done: its results as stored. */
  tierFinished(tier: TierDone): void;
}

/** A finished tier: its results by stored status (after its skip policy), as the run summary counts them. */
export interface TierDone {
  tier: string;
  tierIndex: number;
  tierCount: number;
  tests: number;
  counts: Partial<Record<ResultStatus, number>>;
  ms: number;
}
