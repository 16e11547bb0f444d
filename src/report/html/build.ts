import { analyzeFlaky, selectWindow, type FlakyReport, type WindowEntry, type WindowGroup } from '../../core/flaky.js';
import { testKey } from '../../core/metrics/selectors.js';
import { outcomeOf, type DiscoveredTest, type RepoInventory, type RunRecord, type TestResult } from '../../core/types.js';
import { ReportTestsBuilder, STATUSES, statusCode } from './model.js';

/**
 * One repository's part of the HTML report, built from its runs one result at a time: the runs
 * are fed in order (oldest first) in batches, and only compact per-test state is kept (typed
 * arrays indexed by test and run, interned strings), never every result object at once. The same
 * code serves runs held in memory (`buildReportData`) and runs streamed from the history store
 * (`buildReportDataFrom`), so a report of 100 runs in a test and of a million results from
 * PostgreSQL are built alike.
 */

/** What the report needs to know of a stored run besides its results (a store's run summary has it). */
export interface ReportRunInfo {
  id: string;
  repo: string;
  startedAt: string;
  finishedAt: string;
  commit: string | null;
  branch: string | null;
  tiers: string[];
  shard: string | null;
  status: RunRecord['status'];
}

/** A history the report reads: its runs (any order) and, run by run, their results in batches. */
export interface ReportHistory {
  runs: readonly ReportRunInfo[];
  read(runId: string): AsyncIterable<readonly TestResult[]> | Iterable<readonly TestResult[]>;
}

/** Per-test status codes in history strips (one char per run, oldest first). */
export const STATUS_CODE: Record<TestResult['status'], string> = { passed: 'P', failed: 'F', error: 'E', skipped: 'S', 'not-run': 'N', xfailed: 'X', xpassed: 'U' };
/** In a history string: the run did not select the test (other tier or runner, before the test existed): not shown. */
export const NOT_SELECTED = '-';
/** In a history string: the run selected the test's tier and runner but has no result for it. */
export const ABSENT = '.';
const CODE_CHAR = ['', ...STATUSES.slice(1).map((s) => STATUS_CODE[s as TestResult['status']])];

/** Longest latest message kept per test (history messages share it: one dictionary entry per text). */
const MESSAGE_CUT = 2000;
const REASON_CUT = 500;

/** Counts of one run as the report shows them (latest run panel, trends). */
export interface RunTally {
  /** Results counted: the repo's tests (see `counted`). */
  total: number;
  passed: number;
  /** failed + error + not-run. */
  failed: number;
  tiers: Record<string, number>;
  /** Per status, and `retried` (passed on a retry, among the passed). */
  byStatus: Record<string, number>;
  /** Results that matched no inventory test (counted in the figures only when the inventory has no test of their tier). */
  unmatched: number;
}

/** A test's key: core/metrics `testKey` (the inventory index's key), so one string serves both lookups. */
const key = (runner: string, project: string | null | undefined, id: string) => testKey({ runner, project: project ?? null, id });

/** Flags per test over the history, for flaky candidates. */
const PASS = 1;
const FAIL = 2;
const RETRY_PASS = 4;

export class RepoReportBuilder {
  /** Runs that count (not incomplete), oldest first: the columns of the history strips. */
  readonly hist: ReportRunInfo[];
  private readonly runIndex = new Map<string, number>();
  private readonly R: number;
  private readonly index: Map<string, DiscoveredTest>;
  /** Tiers of which the inventory has no test: results of these count in the figures although they match none. */
  private readonly inventoryTiers: Set<string>;
  private readonly hasInventory: boolean;

  private readonly tids = new Map<string, number>();
  private n = 0;
  private cap = 0;
  private ids: string[] = [];
  private runners: string[] = [];
  private projects: (string | null)[] = [];
  /** Per test: tier from its first result (the strip's selection rule). */
  private firstTier: string[] = [];
  private first = new Int32Array(0);
  private flags = new Uint8Array(0);
  /** Newest result: run index, status code, duration, message index, tier, file. */
  private latestRun = new Int32Array(0);
  private latestStatus = new Uint8Array(0);
  private latestDuration = new Float64Array(0);
  private latestMessage = new Uint32Array(0);
  private latestTier: (string | undefined)[] = [];
  private latestFile: (string | undefined)[] = [];
  /** Per (test, run): status code (0 none), duration. */
  private strip = new Uint8Array(0);
  private durations = new Float64Array(0);
  /** Per (test, run) with a message: its index in the messages dictionary. */
  private readonly cellMessage = new Map<number, number>();
  /** Per (test, run) where the result passed on a retry. */
  private readonly cellRetry = new Set<number>();
  /** Further results of a test within one run (rare: one id twice in a run), kept for flaky detection. */
  private readonly dups: { tid: number; run: number; status: TestResult['status']; flaky: boolean; durationMs: number }[] = [];

  private readonly runTiers: Set<string>[];
  private readonly runRunners: Set<string>[];
  private readonly executed: Int32Array;
  private readonly bad: Int32Array;
  /** First test of each run (its marker entry for flaky detection). */
  private readonly firstOfRun: Int32Array;
  readonly tallies: RunTally[];
  private readonly strings = new Map<string, string>();
  private current = -1;

  constructor(
    private readonly inventory: RepoInventory,
    runs: readonly ReportRunInfo[],
    private readonly out: ReportTestsBuilder,
    maxRuns: number,
  ) {
    const sorted = [...runs].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.id.localeCompare(a.id));
    this.hist = sorted
      .filter((r) => (r.status as string) !== 'incomplete')
      .slice(0, maxRuns)
      .reverse();
    this.hist.forEach((r, i) => this.runIndex.set(r.id, i));
    this.R = this.hist.length;
    this.index = new Map(inventory.tests.map((t) => [testKey(t), t]));
    this.inventoryTiers = new Set(inventory.tests.map((t) => t.tier));
    this.hasInventory = inventory.tests.length > 0;
    this.runTiers = this.hist.map((r) => new Set(r.tiers));
    this.runRunners = this.hist.map(() => new Set());
    this.executed = new Int32Array(this.R);
    this.bad = new Int32Array(this.R);
    this.firstOfRun = new Int32Array(this.R).fill(-1);
    this.tallies = this.hist.map(() => ({ total: 0, passed: 0, failed: 0, tiers: {}, byStatus: {}, unmatched: 0 }));
    this.grow(1024);
  }

  /** Equal strings held once (a test's file, tier and runner recur in every run). */
  private share(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }

  private grow(min: number): void {
    let cap = Math.max(1024, this.cap);
    while (cap < min) cap *= 2;
    if (cap === this.cap) return;
    const R = this.R;
    const g = <A extends Int32Array | Uint8Array | Uint32Array | Float64Array>(a: A, size: number, fill?: number): A => {
      const b = new (a.constructor as new (n: number) => A)(size);
      if (fill !== undefined) b.fill(fill);
      b.set(a);
      return b;
    };
    this.first = g(this.first, cap, -1);
    this.flags = g(this.flags, cap);
    this.latestRun = g(this.latestRun, cap, -1);
    this.latestStatus = g(this.latestStatus, cap);
    this.latestDuration = g(this.latestDuration, cap);
    this.latestMessage = g(this.latestMessage, cap);
    this.strip = g(this.strip, cap * R);
    this.durations = g(this.durations, cap * R);
    this.cap = cap;
  }

  /** Starts run `runId`'s results; false when the run is not one the report shows (incomplete, beyond the window). */
  beginRun(runId: string): boolean {
    const i = this.runIndex.get(runId);
    this.current = i ?? -1;
    return i !== undefined;
  }

  /** A batch of the current run's results, in the order they were saved. */
  add(results: readonly TestResult[]): void {
    const i = this.current;
    if (i < 0) return;
    const run = this.hist[i]!;
    const single = run.tiers.length === 1 ? run.tiers[0]! : undefined;
    const tiers = this.runTiers[i]!;
    const runners = this.runRunners[i]!;
    const tally = this.tallies[i]!;
    const R = this.R;
    for (const r of results) {
      const k = key(r.runner, r.project, r.id);
      let tid = this.tids.get(k);
      // the same key as the inventory's index (core/metrics testKey): one string per result
      const known = this.index.size ? this.index.get(k) : undefined;
      if (tid === undefined) {
        tid = this.n++;
        if (tid >= this.cap) this.grow(tid + 1);
        this.tids.set(k, tid);
        this.ids.push(r.id);
        this.runners.push(this.share(r.runner));
        this.projects.push(r.project === null ? null : this.share(r.project));
        this.firstTier.push(this.share(r.tier ?? known?.tier ?? single ?? ''));
        this.latestTier.push(undefined);
        this.latestFile.push(undefined);
        this.first[tid] = i;
      }
      if (this.firstOfRun[i] === -1) this.firstOfRun[i] = tid;
      tiers.add(r.tier ?? single ?? '');
      runners.add(r.runner);
      const cell = tid * R + i;
      const code = statusCode(r.status);
      if (this.strip[cell] !== 0) this.dups.push({ tid, run: i, status: r.status, flaky: r.flaky, durationMs: r.durationMs });
      this.strip[cell] = code;
      this.durations[cell] = r.durationMs;
      const text = r.message ? r.message.slice(0, MESSAGE_CUT) : r.reason ? r.reason.slice(0, REASON_CUT) : '';
      const m = text ? this.out.msg(text) : 0;
      if (m && r.status !== 'passed') this.cellMessage.set(cell, m);
      else this.cellMessage.delete(cell);
      if (r.status === 'passed') {
        this.flags[tid]! |= PASS;
        if (r.flaky) {
          this.flags[tid]! |= RETRY_PASS;
          this.cellRetry.add(cell);
        }
      } else if (r.status === 'failed' || r.status === 'error') this.flags[tid]! |= FAIL;
      if (r.status === 'passed' || r.status === 'failed' || r.status === 'error') {
        this.executed[i]!++;
        if (r.status !== 'passed') this.bad[i]!++;
      }
      // the newest result of the test: the first of the newest run that has one
      if (this.latestRun[tid]! < i) {
        this.latestRun[tid] = i;
        this.latestStatus[tid] = code;
        this.latestDuration[tid] = r.durationMs;
        this.latestMessage[tid] = m;
        this.latestTier[tid] = r.tier === undefined ? undefined : this.share(r.tier);
        this.latestFile[tid] = r.file === undefined ? undefined : this.share(r.file);
      }
      // the run's figures: the repo's tests; results matching none only where the inventory has no test of their tier
      const tier = r.tier ?? known?.tier ?? single ?? 'unit';
      const isKnown = known !== undefined || r.known === true; // isKnownResult, with the lookup done
      if (!isKnown) tally.unmatched++;
      if (isKnown || !this.hasInventory || !this.inventoryTiers.has(tier)) {
        tally.total++;
        const t = r.tier ?? (single ?? 'unknown');
        tally.tiers[t] = (tally.tiers[t] ?? 0) + 1;
        if (r.status === 'passed') tally.passed++;
        else if (r.status === 'failed' || r.status === 'error' || r.status === 'not-run') tally.failed++;
        tally.byStatus[r.status] = (tally.byStatus[r.status] ?? 0) + 1;
        if (outcomeOf(r) === 'flaky') tally.byStatus.retried = (tally.byStatus.retried ?? 0) + 1;
      }
    }
  }

  /**
   * `seams flaky`'s analysis (core/flaky.ts: selectWindow, the run facts of windowEntriesOf,
   * analyzeFlaky) over the report's runs with a window of `window` runs per tier set; and, per
   * run, the count it gives over the runs up to that one (the Flaky trend). Only tests with a
   * retry pass, or with both a pass and a failure, can be flaky: entries are made for those (and
   * one per run, so every run is counted and its failure ratio seen).
   */
  flaky(window: number): { report: FlakyReport; perRun: Map<string, number>; reasons: Map<number, string> } {
    const newestFirst = [...this.hist].reverse();
    const groups = selectWindow(newestFirst, Number.MAX_SAFE_INTEGER);
    const candidates: number[] = [];
    for (let tid = 0; tid < this.n; tid++) {
      const f = this.flags[tid]!;
      if ((f & (PASS | FAIL)) === (PASS | FAIL) || f & RETRY_PASS) candidates.push(tid);
    }
    const dupsOf = new Map<number, typeof this.dups>();
    for (const d of this.dups) {
      let list = dupsOf.get(d.run);
      if (!list) dupsOf.set(d.run, (list = []));
      list.push(d);
    }
    const entries: WindowEntry[] = [];
    for (const g of [...groups].reverse()) entries.push(...this.groupEntries(g, candidates, dupsOf));
    const upTo = (i: number): WindowEntry[] => {
      const ids = new Set(selectWindow(newestFirst.slice(this.R - 1 - i), window).map((g) => g.id));
      return entries.filter((e) => ids.has(e.runId));
    };
    const report = analyzeFlaky(this.R ? upTo(this.R - 1) : []);
    const perRun = new Map<string, number>();
    this.hist.forEach((run, i) => perRun.set(run.id, candidates.length ? analyzeFlaky(upTo(i)).flaky.length : 0));
    const reasons = new Map<number, string>();
    for (const f of report.flaky) {
      const tid = this.tids.get(key(f.runner, f.project, f.id));
      if (tid !== undefined) reasons.set(tid, f.reasons.join(','));
    }
    return { report, perRun, reasons };
  }

  /** The window entries of one logical run: its candidates' results and its first result, with the run's facts over all its results. */
  private groupEntries(g: WindowGroup<ReportRunInfo>, candidates: readonly number[], dupsOf: Map<number, typeof this.dups>): WindowEntry[] {
    const runIdx = g.runs.map((r) => this.runIndex.get(r.id)!);
    let executed = 0;
    let bad = 0;
    for (const i of runIdx) {
      executed += this.executed[i]!;
      bad += this.bad[i]!;
    }
    const base = { runId: g.id, commit: g.commit, branch: g.branch, startedAt: g.startedAt, runFailureRatio: executed ? bad / executed : 0, runExecuted: executed };
    const entry = (tid: number, status: TestResult['status'], flaky: boolean, durationMs: number): WindowEntry => {
      const tier = this.latestTier[tid] ?? (g.runs.length && g.tiers.length === 1 ? g.tiers[0] : undefined);
      const file = this.latestFile[tid];
      return {
        ...base,
        runner: this.runners[tid] as WindowEntry['runner'],
        project: this.projects[tid]!,
        id: this.ids[tid]!,
        ...(file !== undefined ? { file } : {}),
        ...(tier !== undefined ? { tier } : {}),
        status,
        attempts: flaky ? 2 : 1,
        flaky,
        durationMs,
      };
    };
    const out: WindowEntry[] = [];
    const isCandidate = new Set<number>();
    for (const i of runIdx) {
      for (const tid of candidates) {
        const cell = tid * this.R + i;
        const code = this.strip[cell]!;
        if (!code) continue;
        isCandidate.add(tid);
        out.push(entry(tid, STATUSES[code] as TestResult['status'], this.cellRetry.has(cell), this.durations[cell]!));
      }
      for (const d of dupsOf.get(i) ?? []) out.push(entry(d.tid, d.status, d.flaky, d.durationMs));
    }
    const firstRun = runIdx.find((i) => this.firstOfRun[i] !== -1);
    if (firstRun !== undefined) {
      const tid = this.firstOfRun[firstRun]!;
      if (!isCandidate.has(tid)) {
        const cell = tid * this.R + firstRun;
        out.unshift(entry(tid, STATUSES[this.strip[cell]!] as TestResult['status'], this.cellRetry.has(cell), this.durations[cell]!));
      }
    }
    return out;
  }

  /** The newest run of each tier set (teams run tiers apart: "the latest run" is the latest of each). */
  latestPerTierSet(): ReportRunInfo[] {
    const seen = new Map<string, ReportRunInfo>();
    for (let i = this.R - 1; i >= 0; i--) {
      const run = this.hist[i]!;
      const k = [...run.tiers].sort().join('+');
      if (!seen.has(k)) seen.set(k, run);
    }
    return [...seen.values()];
  }

  /**
   * The rows of the Tests list: the inventory's tests joined with their newest result, then
   * results of tests the inventory does not know (renamed, removed, ingested without the repo).
   */
  rows(repoIndex: number, intern: (file: string) => number, flakyReasons: Map<number, string>): void {
    const latestIds = new Set(this.latestPerTierSet().map((r) => r.id));
    const seen = new Uint8Array(this.n);
    const row = (t: DiscoveredTest | null, tid: number | undefined) => {
      const has = tid !== undefined && this.latestRun[tid]! >= 0;
      const h = tid === undefined ? { h: '', d: [] as number[], m: [] as [number, string][] } : this.historyOf(tid);
      const latestRun = has ? this.hist[this.latestRun[tid!]!]! : undefined;
      this.out.add(
        {
          repo: repoIndex,
          id: t?.id ?? this.ids[tid!]!,
          file: intern(t?.file ?? (has ? this.latestFile[tid!] : undefined) ?? ''),
          line: t?.line ?? 0,
          tier: t?.tier ?? (has ? this.latestTier[tid!] : undefined) ?? '',
          runner: t?.runner ?? this.runners[tid!] ?? '',
          status: has ? STATUSES[this.latestStatus[tid!]!]! : '',
          duration: has ? this.latestDuration[tid!]! : 0,
          message: has ? this.out.messages[this.latestMessage[tid!]!]! : '',
          markers: t?.markers.join(' ') ?? '',
          history: h.h,
          flaky: tid === undefined ? '' : flakyReasons.get(tid) ?? '',
          stale: latestRun && !latestIds.has(latestRun.id) ? latestRun.startedAt : '',
          known: !!t,
        },
        h.d,
        h.m,
      );
    };
    for (const t of this.inventory.tests) {
      const tid = this.tids.get(key(t.runner, t.project, t.id));
      if (tid !== undefined) seen[tid] = 1;
      row(t, tid);
    }
    // results the inventory does not know, newest first (by the run of their newest result)
    const rest: number[] = [];
    for (let tid = 0; tid < this.n; tid++) if (!seen[tid]) rest.push(tid);
    rest.sort((a, b) => this.latestRun[b]! - this.latestRun[a]! || a - b);
    for (const tid of rest) row(null, tid);
  }

  /** A test's history strip over the runs that selected it (its tier and runner, from its first result on), with durations and messages. */
  private historyOf(tid: number): { h: string; d: number[]; m: [number, string][] } {
    const R = this.R;
    const tier = this.firstTier[tid]!;
    const runner = this.runners[tid]!;
    const first = this.first[tid]!;
    let h = '';
    const d: number[] = [];
    const m: [number, string][] = [];
    for (let i = 0; i < R; i++) {
      const cell = tid * R + i;
      const code = this.strip[cell]!;
      if (code) {
        h += CODE_CHAR[code];
        d.push(this.durations[cell]!);
        const msg = this.cellMessage.get(cell);
        if (msg) m.push([i, this.out.messages[msg]!]);
      } else if (i > first && !this.hist[i]!.shard && this.runTiers[i]!.has(tier) && (this.runRunners[i]!.has(runner) || !this.runRunners[i]!.size)) h += ABSENT;
      else h += NOT_SELECTED;
    }
    return { h, d, m };
  }
}
