import { analyzeFlaky, runFacts, selectWindow, type FlakyReport, type WindowEntry, type WindowGroup } from '../../core/flaky.js';
import { type DiscoveredTest, type RepoInventory, type RunRecord, type TestResult } from '../../core/types.js';
import { ReportTestsBuilder, STATUSES } from './model.js';

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

/**
 * A result as the report reads it: the store's columns `[seq, ...REPORT_COLUMNS]` as arrays
 * (ResultStore.readResultColumns), no object per result. `project` is '' for none; numbers may
 * be strings (PostgreSQL).
 */
export type ReportResultRow = readonly unknown[];

/** The results columns the report reads, in the order of ReportResultRow after `seq`. */
export const REPORT_COLUMNS = ['runner', 'project', 'test_id', 'file', 'tier', 'status', 'duration_ms', 'flaky', 'message', 'reason', 'known'] as const;

/** A TestResult as a ReportResultRow (runs held in memory). */
export const reportRowOf = (r: TestResult): ReportResultRow => [
  0,
  r.runner,
  r.project ?? '',
  r.id,
  r.file ?? null,
  r.tier ?? null,
  r.status,
  r.durationMs,
  r.flaky ? 1 : 0,
  r.message ?? null,
  r.reason ?? null,
  r.known === undefined ? null : r.known ? 1 : 0,
];

/** A history the report reads: its runs (any order) and, run by run, their results in batches. */
export interface ReportHistory {
  runs: readonly ReportRunInfo[];
  read(runId: string): AsyncIterable<readonly ReportResultRow[]> | Iterable<readonly ReportResultRow[]>;
}

/** Per-test status codes in history strips (one char per run, oldest first). */
export const STATUS_CODE: Record<TestResult['status'], string> = { passed: 'P', failed: 'F', error: 'E', skipped: 'S', 'not-run': 'N', xfailed: 'X', xpassed: 'U' };
/** In a history string: the run did not select the test (other tier or runner, before the test existed): not shown. */
export const NOT_SELECTED = '-';
/** In a history string: the run selected the test's tier and runner but has no result for it. */
export const ABSENT = '.';
const CODE_CHAR = ['', ...STATUSES.slice(1).map((s) => STATUS_CODE[s as TestResult['status']])];

/** Longest message of a test's newest result kept. */
const MESSAGE_CUT = 2000;
const REASON_CUT = 500;
/** Longest message of an older run's result kept (the history strip's tooltips and the test's history list). */
const HISTORY_MESSAGE_CUT = 300;

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
  /** Those of `unmatched` that count in the figures (their tier has no test in the inventory). */
  unmatchedCounted: number;
}

/** Values held once, by a 1-based index (0 stands for "none"), so per-test columns can be typed arrays. */
class Interned<V> {
  private readonly values: V[] = [];
  private readonly byKey = new Map<string, number>();

  index(key: string, make?: () => V): number {
    let i = this.byKey.get(key);
    if (i === undefined) {
      this.values.push(make ? make() : (key as unknown as V));
      i = this.values.length;
      this.byKey.set(key, i);
    }
    return i;
  }

  value(i: number): V | undefined {
    return i ? this.values[i - 1] : undefined;
  }
}

const ms = (d: number): number => (d > 0 && Number.isFinite(d) ? Math.min(0xffffffff, Math.round(d)) : 0);

const PASSED = STATUSES.indexOf('passed');
const FAILED = STATUSES.indexOf('failed');
const ERROR = STATUSES.indexOf('error');
const NOT_RUN = STATUSES.indexOf('not-run');
/** In a run's status counts: results that passed on a retry. */
const RETRIED = STATUSES.length;

/** A status's code (STATUSES index) by comparing content: no hashing of a string that is new on every row. */
function codeOf(status: string): number {
  for (let k = 1; k < STATUSES.length; k++) if (STATUSES[k] === status) return k;
  return 0;
}

/**
 * Tests by runner and project, then id: the id strings themselves are the keys (a million tests
 * need no million concatenated keys), and the map of the previous row's (runner, project) is
 * reused, as a run's results share it.
 */
class TestMap<V> {
  private readonly outer = new Map<string, Map<string, V>>();
  private lastRunner = '';
  private lastProject = '';
  private last: Map<string, V> | undefined;

  inner(runner: string, project: string, create: boolean): Map<string, V> | undefined {
    if (this.last && runner === this.lastRunner && project === this.lastProject) return this.last;
    const k = `${runner}\0${project}`;
    let m = this.outer.get(k);
    if (!m && create) this.outer.set(k, (m = new Map()));
    if (m) {
      this.last = m;
      this.lastRunner = runner;
      this.lastProject = project;
    }
    return m;
  }

  get(runner: string, project: string | null, id: string): V | undefined {
    return this.inner(runner, project ?? '', false)?.get(id);
  }

  get size(): number {
    let n = 0;
    for (const m of this.outer.values()) n += m.size;
    return n;
  }
}

/** Flags per test over the history, for flaky candidates. */
const PASS = 1;
const FAIL = 2;
const RETRY_PASS = 4;

export class RepoReportBuilder {
  /** Runs that count (not incomplete), oldest first: the columns of the history strips. */
  readonly hist: ReportRunInfo[];
  private readonly runIndex = new Map<string, number>();
  private readonly R: number;
  private readonly index = new TestMap<DiscoveredTest>();
  /** Tiers of which the inventory has no test: results of these count in the figures although they match none. */
  private readonly inventoryTiers: Set<string>;
  private readonly hasInventory: boolean;

  private readonly tids = new TestMap<number>();
  private n = 0;
  private cap = 0;
  private ids: string[] = [];
  /** Per test: its (runner, project) pair, an index into `pairs`. */
  private pair = new Uint32Array(0);
  private readonly pairs = new Interned<{ runner: string; project: string | null }>();
  /** Per test: tier from its first result (the strip's selection rule). */
  private firstTier = new Uint32Array(0);
  private first = new Int32Array(0);
  private flags = new Uint8Array(0);
  /** Newest result: run index, status code, duration, message index, tier, file. */
  private latestRun = new Int32Array(0);
  private latestStatus = new Uint8Array(0);
  private latestDuration = new Uint32Array(0);
  /** Index into `tierNames` / `fileNames`; 0: the result had none. */
  private latestTier = new Uint32Array(0);
  private latestFile = new Uint32Array(0);
  private readonly tierNames = new Interned<string>();
  private readonly fileNames = new Interned<string>();
  /** Per (test, run): status code (0 none), duration. */
  private strip = new Uint8Array(0);
  private durations = new Uint32Array(0);
  /** The newest result's message or reason, per test that has one. */
  private readonly latestText = new Map<number, string>();
  /** Per (test, run) with a message: its index in the messages dictionary. */
  private readonly cellMessage = new Map<number, number>();
  /** Per (test, run) where the result passed on a retry. */
  private readonly cellRetry = new Set<number>();
  /** Further results of a test within one run (rare: one id twice in a run), kept for flaky detection. */
  private readonly dups: { tid: number; run: number; status: TestResult['status']; flaky: boolean; durationMs: number }[] = [];
  /** The previous row's file and tier as read, and their indexes in `fileNames` / `tierNames` (0: none). */
  private lastFile: string | null = null;
  private lastFileIndex = 0;
  private lastTier: string | null = null;
  private lastTierIndex = 0;

  private readonly runTiers: Set<string>[];
  private readonly runRunners: Set<string>[];
  private readonly executed: Int32Array;
  private readonly bad: Int32Array;
  /** First test of each run (its marker entry for flaky detection). */
  private readonly firstOfRun: Int32Array;
  private readonly tallies: RunTally[];
  /** Per run, results counted per status code (RETRIED: passed on a retry); `tally(i)` turns them into names. */
  private readonly statusCounts: Int32Array[];
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
    for (const t of inventory.tests) this.index.inner(t.runner, t.project ?? '', true)!.set(t.id, t);
    this.inventoryTiers = new Set(inventory.tests.map((t) => t.tier));
    this.hasInventory = inventory.tests.length > 0;
    this.runTiers = this.hist.map((r) => new Set(r.tiers));
    this.runRunners = this.hist.map(() => new Set());
    this.executed = new Int32Array(this.R);
    this.bad = new Int32Array(this.R);
    this.firstOfRun = new Int32Array(this.R).fill(-1);
    this.tallies = this.hist.map(() => ({ total: 0, passed: 0, failed: 0, tiers: {}, byStatus: {}, unmatched: 0, unmatchedCounted: 0 }));
    this.statusCounts = this.hist.map(() => new Int32Array(STATUSES.length + 1));
    this.grow(1024);
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
    this.pair = g(this.pair, cap);
    this.firstTier = g(this.firstTier, cap);
    this.latestTier = g(this.latestTier, cap);
    this.latestFile = g(this.latestFile, cap);
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

  /** A batch of the current run's results (ReportResultRow), in the order they were saved. */
  add(rows: readonly ReportResultRow[]): void {
    const i = this.current;
    if (i < 0) return;
    const run = this.hist[i]!;
    const single = run.tiers.length === 1 ? run.tiers[0]! : undefined;
    const tally = this.tallies[i]!;
    const byStatus = this.statusCounts[i]!;
    const R = this.R;
    const hasIndex = this.hasInventory;
    // A string from the driver is a new object per row: compared by content with the previous
    // row's (a file's results are stored together), and only hashed (Map, Set, property) when it changed.
    let lastRunner: string | undefined;
    let lastProject: string | undefined;
    let lastTierKey: string | null | undefined;
    let ids: Map<string, number> | undefined;
    let counted = 0; // the row's tier is one the inventory has no test of (undefined: not looked up yet)
    for (let j = 0; j < rows.length; j++) {
      const row = rows[j]!;
      const runner = row[1] as string;
      const project = row[2] as string;
      const id = row[3] as string;
      const rowFile = row[4] as string | null;
      const rowTier = row[5] as string | null;
      const status = row[6] as string;
      const durationMs = Number(row[7]);
      const retried = Number(row[8]) === 1;
      const message = row[9] as string | null;
      const reason = row[10] as string | null;
      const storedKnown = row[11] === null || row[11] === undefined ? undefined : Number(row[11]) === 1;
      if (runner !== lastRunner || project !== lastProject || !ids) {
        ids = this.tids.inner(runner, project, true)!;
        lastRunner = runner;
        lastProject = project;
        this.runRunners[i]!.add(runner);
      }
      let tid = ids.get(id);
      const known = hasIndex ? this.index.get(runner, project, id) : undefined;
      // interned once per change (a file's results are stored together): each string held once
      if (rowFile !== this.lastFile) {
        this.lastFile = rowFile;
        this.lastFileIndex = rowFile === null ? 0 : this.fileNames.index(rowFile);
      }
      if (rowTier !== this.lastTier) {
        this.lastTier = rowTier;
        this.lastTierIndex = rowTier === null ? 0 : this.tierNames.index(rowTier);
      }
      const ownTier = this.tierNames.value(this.lastTierIndex);
      if (rowTier !== lastTierKey) {
        lastTierKey = rowTier;
        const t = ownTier ?? single ?? '';
        this.runTiers[i]!.add(t);
        counted = !hasIndex || !this.inventoryTiers.has(ownTier ?? single ?? 'unit') ? 1 : 0;
      }
      if (tid === undefined) {
        tid = this.n++;
        if (tid >= this.cap) this.grow(tid + 1);
        ids.set(id, tid);
        this.ids.push(id);
        this.pair[tid] = this.pairs.index(`${runner}\0${project}`, () => ({ runner, project: project === '' ? null : project }));
        this.firstTier[tid] = this.tierNames.index(ownTier ?? known?.tier ?? single ?? '');
        this.first[tid] = i;
      }
      if (this.firstOfRun[i] === -1) this.firstOfRun[i] = tid;
      const cell = tid * R + i;
      const code = codeOf(status);
      const text = message ? message.slice(0, MESSAGE_CUT) : reason ? reason.slice(0, REASON_CUT) : '';
      // the latest result's message whole (up to MESSAGE_CUT); older runs' messages cut shorter:
      // they differ run by run (times, addresses), so a long history would hold each in full
      const m = text && code !== PASSED ? this.out.msg(text.length > HISTORY_MESSAGE_CUT ? text.slice(0, HISTORY_MESSAGE_CUT) : text) : 0;
      if (this.strip[cell] !== 0) {
        // the test's id twice in one run: the strip shows the last, flaky detection sees both
        this.dups.push({ tid, run: i, status: STATUSES[code] as TestResult['status'], flaky: retried, durationMs });
        this.cellMessage.delete(cell);
      }
      this.strip[cell] = code;
      this.durations[cell] = ms(durationMs);
      if (m) this.cellMessage.set(cell, m);
      if (code === PASSED) {
        this.flags[tid]! |= PASS;
        if (retried) {
          this.flags[tid]! |= RETRY_PASS;
          this.cellRetry.add(cell);
        }
        this.executed[i]!++;
      } else if (code === FAILED || code === ERROR) {
        this.flags[tid]! |= FAIL;
        this.executed[i]!++;
        this.bad[i]!++;
      }
      // the newest result of the test: the first of the newest run that has one
      if (this.latestRun[tid]! < i) {
        this.latestRun[tid] = i;
        this.latestStatus[tid] = code;
        this.latestDuration[tid] = ms(durationMs);
        // held as text until the rows are made: a newer run may still replace it (no dictionary entry for every run's message)
        if (text) this.latestText.set(tid, text);
        else this.latestText.delete(tid);
        this.latestTier[tid] = this.lastTierIndex;
        this.latestFile[tid] = this.lastFileIndex;
      }
      // the run's figures: the repo's tests (isKnownResult); results matching none only where the
      // inventory has no test of their tier (a history ingested without the repo counts whole)
      const isKnown = known !== undefined || storedKnown === true;
      if (!isKnown) {
        tally.unmatched++;
        if (counted) tally.unmatchedCounted++;
      }
      if (isKnown || counted) {
        tally.total++;
        const t = ownTier ?? single ?? 'unknown';
        tally.tiers[t] = (tally.tiers[t] ?? 0) + 1;
        if (code === PASSED) tally.passed++;
        else if (code === FAILED || code === ERROR || code === NOT_RUN) tally.failed++;
        byStatus[code]!++;
        if (code === PASSED && retried) byStatus[RETRIED]!++;
      }
    }
  }

  /**
   * `seams flaky`'s analysis (core/flaky.ts: selectWindow, runFacts as windowEntriesOf uses them,
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
      const tid = this.tids.get(f.runner, f.project, f.id);
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
    const base = { runId: g.id, commit: g.commit, branch: g.branch, startedAt: g.startedAt, ...runFacts(executed, bad) };
    const entry = (tid: number, status: TestResult['status'], flaky: boolean, durationMs: number): WindowEntry => {
      const tier = this.tierNames.value(this.latestTier[tid]!) ?? (g.runs.length && g.tiers.length === 1 ? g.tiers[0] : undefined);
      const file = this.fileNames.value(this.latestFile[tid]!);
      const { runner, project } = this.pairs.value(this.pair[tid]!)!;
      return {
        ...base,
        runner: runner as WindowEntry['runner'],
        project,
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

  /** Run i's figures (i: index into `hist`). */
  tally(i: number): RunTally {
    const t = this.tallies[i]!;
    const counts = this.statusCounts[i]!;
    const byStatus: Record<string, number> = {};
    for (let k = 1; k < STATUSES.length; k++) if (counts[k]) byStatus[STATUSES[k]!] = counts[k]!;
    if (counts[RETRIED]) byStatus.retried = counts[RETRIED]!;
    return { ...t, byStatus };
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
    this.out.reserve(this.out.count + this.inventory.tests.length + this.n);
    const seen = new Uint8Array(this.n);
    const row = (t: DiscoveredTest | null, tid: number | undefined) => {
      const has = tid !== undefined && this.latestRun[tid]! >= 0;
      const h = tid === undefined ? { h: '', d: [] as number[], m: [] as [number, string][] } : this.historyOf(tid);
      const latestRun = has ? this.hist[this.latestRun[tid!]!]! : undefined;
      this.out.add(
        {
          repo: repoIndex,
          id: t?.id ?? this.ids[tid!]!,
          file: intern(t?.file ?? (has ? this.fileNames.value(this.latestFile[tid!]!) : undefined) ?? ''),
          line: t?.line ?? 0,
          tier: t?.tier ?? (has ? this.tierNames.value(this.latestTier[tid!]!) : undefined) ?? '',
          runner: t?.runner ?? this.pairs.value(this.pair[tid!]!)!.runner,
          status: has ? STATUSES[this.latestStatus[tid!]!]! : '',
          duration: has ? this.latestDuration[tid!]! : 0,
          message: has ? this.latestText.get(tid!) ?? '' : '',
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
      const tid = this.tids.get(t.runner, t.project, t.id);
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
    const tier = this.tierNames.value(this.firstTier[tid]!) ?? '';
    const runner = this.pairs.value(this.pair[tid]!)!.runner;
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
