import type { TestResult } from '../../core/types.js';

/**
 * The tests of an HTML report, column by column (issue 14): one typed array or string list per
 * field, every repeated string held once in a dictionary, so a million tests take tens of
 * megabytes in the builder, in the file and in the browser instead of a million row objects.
 *
 * Row i of the Tests list is the i-th entry of every column. Dictionary columns hold indexes:
 * into `strings` (tiers, runners, markers, flaky reasons, stale dates, history strips; index 0 is
 * always ''), into `messages` (index 0 is always '', no message) or into ReportData's `files`.
 * Variable-length per-test lists (the history's durations and messages) are flattened with
 * offsets: row i's entries are `[start[i], start[i + 1])`.
 */
export interface ReportTests {
  /** Rows. */
  count: number;
  /** Interned strings; `strings[0]` is ''. */
  strings: string[];
  /** Interned messages (failure messages, skip and not-run reasons); `messages[0]` is ''. */
  messages: string[];
  /** Repository index (into ReportData.repos). */
  repo: Uint8Array;
  /** The runner's test id. */
  id: string[];
  /** Index into ReportData.files. */
  file: Uint32Array;
  /** 1-based line of the test's definition; 0 when unknown. */
  line: Uint32Array;
  tier: Uint32Array;
  runner: Uint32Array;
  /** The newest result's status: an index into STATUSES (0: never run in the history read). */
  status: Uint8Array;
  /** The newest result's duration in ms. */
  duration: Uint32Array;
  /** The newest result's message or reason (index into `messages`). */
  message: Uint32Array;
  /** Markers / tags, space-separated (index into `strings`). */
  markers: Uint32Array;
  /**
   * The history strip (index into `strings`): one char per run of `historyRuns` (oldest first),
   * a STATUS_CODE, NOT_SELECTED or ABSENT.
   */
  history: Uint32Array;
  /** `seams flaky`'s reasons, e.g. 'retry,same-commit' (index into `strings`; 0: not flaky). */
  flaky: Uint32Array;
  /**
   * Index into `strings`: 0 when the newest result is from the latest run of its tier set, else
   * the start (ISO) of the older run it comes from (the test was not in the latest run).
   */
  stale: Uint32Array;
  /** 1: in the inventory; 0: only in the recorded results (renamed, removed, ingested without a repo). */
  known: Uint8Array;
  /** Offsets into `historyDurations`, count + 1 entries. */
  historyStart: Uint32Array;
  /** Durations (ms) of each row's history results, in the order of its strip's results. */
  historyDurations: Uint32Array;
  /** Offsets into `historyMessageRun` / `historyMessage`, count + 1 entries. */
  historyMessageStart: Uint32Array;
  /** Run index (into the repo's `historyRuns`) of a history message. */
  historyMessageRun: Uint16Array;
  /** The history message (index into `messages`, cut at 300 characters). */
  historyMessage: Uint32Array;
}

/** Status of column `status`: `STATUSES[code]`; 0 is "never run". */
export const STATUSES: readonly ('' | TestResult['status'])[] = ['', 'passed', 'failed', 'error', 'skipped', 'not-run', 'xfailed', 'xpassed'];

export const statusCode = (s: TestResult['status'] | ''): number => {
  const i = STATUSES.indexOf(s);
  return i < 0 ? 0 : i;
};

/** Row i of `tests` as one object (tests, decoders and tools; the page reads the columns). */
export interface ReportTestRow {
  repo: number;
  id: string;
  file: number;
  line: number;
  tier: string;
  runner: string;
  status: '' | TestResult['status'];
  duration: number;
  message: string;
  markers: string;
  history: string;
  flaky: string;
  stale: string;
  known: boolean;
  historyDurations: number[];
  historyMessages: [number, string][];
}

export function testRowAt(t: ReportTests, i: number): ReportTestRow {
  const messages: [number, string][] = [];
  for (let k = t.historyMessageStart[i]!; k < t.historyMessageStart[i + 1]!; k++) messages.push([t.historyMessageRun[k]!, t.messages[t.historyMessage[k]!]!]);
  return {
    repo: t.repo[i]!,
    id: t.id[i]!,
    file: t.file[i]!,
    line: t.line[i]!,
    tier: t.strings[t.tier[i]!]!,
    runner: t.strings[t.runner[i]!]!,
    status: STATUSES[t.status[i]!]!,
    duration: t.duration[i]!,
    message: t.messages[t.message[i]!]!,
    markers: t.strings[t.markers[i]!]!,
    history: t.strings[t.history[i]!]!,
    flaky: t.strings[t.flaky[i]!]!,
    stale: t.strings[t.stale[i]!]!,
    known: t.known[i] === 1,
    historyDurations: [...t.historyDurations.subarray(t.historyStart[i]!, t.historyStart[i + 1]!)],
    historyMessages: messages,
  };
}

/** Every row as an object (small reports and tests only: a million rows are a million objects). */
export const testRows = (t: ReportTests): ReportTestRow[] => Array.from({ length: t.count }, (_, i) => testRowAt(t, i));

/**
 * Builds the columns row by row, growing its arrays as needed and interning strings; `finish()`
 * trims them to the row count. The one writer of ReportTests.
 */
export class ReportTestsBuilder {
  private n = 0;
  private cap = 1024;
  private readonly stringIndex = new Map<string, number>([['', 0]]);
  private readonly messageIndex = new Map<string, number>([['', 0]]);
  readonly strings: string[] = [''];
  readonly messages: string[] = [''];
  private readonly ids: string[] = [];
  private cols = {
    repo: new Uint8Array(1024),
    file: new Uint32Array(1024),
    line: new Uint32Array(1024),
    tier: new Uint32Array(1024),
    runner: new Uint32Array(1024),
    status: new Uint8Array(1024),
    duration: new Uint32Array(1024),
    message: new Uint32Array(1024),
    markers: new Uint32Array(1024),
    history: new Uint32Array(1024),
    flaky: new Uint32Array(1024),
    stale: new Uint32Array(1024),
    known: new Uint8Array(1024),
    historyStart: new Uint32Array(1025),
    historyMessageStart: new Uint32Array(1025),
  };
  private durations = new Uint32Array(1024);
  private nDurations = 0;
  private hmRun = new Uint16Array(256);
  private hmText = new Uint32Array(256);
  private nMessages = 0;

  get count(): number {
    return this.n;
  }

  str(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  msg(s: string | undefined | null): number {
    if (!s) return 0;
    let i = this.messageIndex.get(s);
    if (i === undefined) {
      i = this.messages.length;
      this.messages.push(s);
      this.messageIndex.set(s, i);
    }
    return i;
  }

  add(row: Omit<ReportTestRow, 'historyDurations' | 'historyMessages'>, historyDurations: ArrayLike<number> = [], historyMessages: readonly (readonly [number, string])[] = []): number {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    const c = this.cols;
    c.repo[i] = row.repo;
    this.ids.push(row.id);
    c.file[i] = row.file;
    c.line[i] = Math.max(0, Math.trunc(row.line) || 0);
    c.tier[i] = this.str(row.tier);
    c.runner[i] = this.str(row.runner);
    c.status[i] = statusCode(row.status);
    c.duration[i] = clampMs(row.duration);
    c.message[i] = this.msg(row.message);
    c.markers[i] = this.str(row.markers);
    c.history[i] = this.str(row.history);
    c.flaky[i] = this.str(row.flaky);
    c.stale[i] = this.str(row.stale);
    c.known[i] = row.known ? 1 : 0;
    for (let k = 0; k < historyDurations.length; k++) {
      if (this.nDurations === this.durations.length) this.durations = grown(this.durations, this.durations.length * 2);
      this.durations[this.nDurations++] = clampMs(historyDurations[k]!);
    }
    c.historyStart[i + 1] = this.nDurations;
    for (const [run, text] of historyMessages) {
      if (this.nMessages === this.hmRun.length) {
        this.hmRun = grown(this.hmRun, this.hmRun.length * 2);
        this.hmText = grown(this.hmText, this.hmText.length * 2);
      }
      this.hmRun[this.nMessages] = Math.min(0xffff, run);
      this.hmText[this.nMessages++] = this.msg(text);
    }
    c.historyMessageStart[i + 1] = this.nMessages;
    return i;
  }

  /** Room for `rows` rows in all (one allocation instead of doubling up to a million). */
  reserve(rows: number): void {
    if (rows > this.cap) this.grow(rows);
  }

  private grow(min = 0): void {
    const cap = Math.max(this.cap * 2, min);
    const c = this.cols;
    this.cols = {
      repo: grown(c.repo, cap),
      file: grown(c.file, cap),
      line: grown(c.line, cap),
      tier: grown(c.tier, cap),
      runner: grown(c.runner, cap),
      status: grown(c.status, cap),
      duration: grown(c.duration, cap),
      message: grown(c.message, cap),
      markers: grown(c.markers, cap),
      history: grown(c.history, cap),
      flaky: grown(c.flaky, cap),
      stale: grown(c.stale, cap),
      known: grown(c.known, cap),
      historyStart: grown(c.historyStart, cap + 1),
      historyMessageStart: grown(c.historyMessageStart, cap + 1),
    };
    this.cap = cap;
  }

  finish(): ReportTests {
    const n = this.n;
    const c = this.cols;
    return {
      count: n,
      strings: this.strings,
      messages: this.messages,
      repo: c.repo.slice(0, n),
      id: this.ids,
      file: c.file.slice(0, n),
      line: c.line.slice(0, n),
      tier: c.tier.slice(0, n),
      runner: c.runner.slice(0, n),
      status: c.status.slice(0, n),
      duration: c.duration.slice(0, n),
      message: c.message.slice(0, n),
      markers: c.markers.slice(0, n),
      history: c.history.slice(0, n),
      flaky: c.flaky.slice(0, n),
      stale: c.stale.slice(0, n),
      known: c.known.slice(0, n),
      historyStart: c.historyStart.slice(0, n + 1),
      historyDurations: this.durations.slice(0, this.nDurations),
      historyMessageStart: c.historyMessageStart.slice(0, n + 1),
      historyMessageRun: this.hmRun.slice(0, this.nMessages),
      historyMessage: this.hmText.slice(0, this.nMessages),
    };
  }
}

const clampMs = (ms: number): number => (Number.isFinite(ms) && ms > 0 ? Math.min(0xffffffff, Math.round(ms)) : 0);

function grown<A extends Uint8Array | Uint16Array | Uint32Array>(a: A, size: number): A {
  const out = new (a.constructor as new (n: number) => A)(size);
  out.set(a);
  return out;
}

/**
 * Whether row i counts in the report's figures (status totals, failure groups): a test of the
 * inventory, or a result of a tier the repository's inventory has no test of (a history ingested
 * without the repo counts whole, as the gates count it). `inventoryTiers[repo]`: the tiers with
 * tests in that repository's inventory.
 */
export function countedRow(t: ReportTests, i: number, inventoryTiers: readonly ReadonlySet<string>[]): boolean {
  return t.known[i] === 1 || !inventoryTiers[t.repo[i]!]?.has(t.strings[t.tier[i]!]!);
}

/** Per repository, the tiers its inventory has tests of (ReportData.repos[].tiers). */
export const inventoryTiersOf = (repos: readonly { tiers: readonly { tier: string; tests: number }[] }[]): Set<string>[] =>
  repos.map((r) => new Set(r.tiers.filter((t) => t.tests > 0).map((t) => t.tier)));
