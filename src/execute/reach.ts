import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { openFileHashes } from '../cache/files.js';
import { openCache } from '../cache/store.js';
import type { TestResult } from '../core/types.js';
import { describeError } from '../util/errors.js';
import type { RunReach } from '../store/types.js';
import type { TaskReport } from './join.js';
import type { PlannedTask } from './plan.js';
import { testKey } from './record.js';
import type { TaskExec } from './task.js';

/**
 * Measured reach of a run (`seams run --reach`): after each measured command, the coverage.py
 * data it wrote is read (its SQLite tables `file`, `context`, `line_bits`: which files have lines
 * executed under which test's context; a row whose line set is empty does not count) and joined to the command's results; at the end of the run
 * every file is hashed, so that a later read can tell a measurement made on other content.
 */

export interface ReachSummary {
  /** What the run stores in the history; null when nothing was measured or the run was interrupted. */
  data: RunReach | null;
  /** Tests with a measurement. */
  measured: number;
  /** Repo-relative files that failed to collect (the run went on without them). */
  collectErrors: string[];
  /** Tests of runners that are not measured, or of tier commands that cannot be (`tier` set): they keep static reach. */
  staticOnly: { runner: string; tests: number; tier?: string }[];
  /** Measured commands whose data is left out because they did not run to their end. */
  incomplete: { tier: string; runner: string; why: string }[];
}

/** Per coverage context, the absolute paths of the files with lines executed under it. */
export async function readCoverageContexts(dataFile: string): Promise<Map<string, string[]>> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(dataFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      // coverage.py writes a row, with no line in it, for every file a context merely touched
      .prepare('SELECT c.context, f.path FROM line_bits l JOIN context c ON c.id = l.context_id JOIN file f ON f.id = l.file_id WHERE length(l.numbits) > 0')
      .raw()
      .all() as [string, string][];
    const out = new Map<string, string[]>();
    for (const [context, file] of rows) {
      const list = out.get(context);
      if (list) list.push(file);
      else out.set(context, [file]);
    }
    return out;
  } finally {
    db.close();
  }
}

interface Notes {
  rootdir: string | null;
  collectErrors: string[];
}

function readNotes(file: string): Notes {
  const notes: Notes = { rootdir: null, collectErrors: [] };
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return notes;
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const o = JSON.parse(line) as { rootdir?: string; collectError?: string };
      if (typeof o.rootdir === 'string') notes.rootdir ??= o.rootdir;
      if (typeof o.collectError === 'string') notes.collectErrors.push(o.collectError);
    } catch {
      /* a line cut by a killed process */
    }
  }
  return notes;
}

const EXECUTED = new Set<TestResult['status']>(['passed', 'failed', 'error']);

const realpath = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/** Gathers the measurements of a run's commands. */
export class ReachCollector {
  private readonly rootReal: string;
  private readonly tests = new Map<string, { runner: string; project: string | null; id: string; file?: string; files: Set<string> }>();
  private readonly collectErrors = new Set<string>();
  private readonly staticOnly = new Map<string, { runner: string; tests: number; tier?: string }>();
  private readonly incomplete: ReachSummary['incomplete'] = [];

  constructor(
    private readonly root: string,
    private readonly options: { cache?: boolean } = {},
  ) {
    this.rootReal = realpath(root);
  }

  /** A repo-relative POSIX path for a file coverage.py measured (real, absolute), or null outside the repository. */
  private repoPath(abs: string): string | null {
    const rel = path.relative(this.rootReal, abs);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return null;
    return rel.split(path.sep).join('/');
  }

  /** After a command finished and its results were joined. */
  async addTask(tier: string, task: PlannedTask, exec: TaskExec, report: TaskReport, results: readonly TestResult[], tierCommand: boolean): Promise<void> {
    if (!task.reach) {
      const n = task.tests.length || results.length;
      const key = `${task.runner}\u0000${tierCommand ? tier : ''}`;
      const entry = this.staticOnly.get(key) ?? { runner: task.runner, tests: 0, ...(tierCommand ? { tier } : {}) };
      entry.tests += n;
      if (n) this.staticOnly.set(key, entry);
      return;
    }
    const { measurer, input, command } = task.reach;
    const notes = readNotes(command.notesFile);
    // the rootdir as pytest saw it is a real path; seams' may go through a symlink
    const ours = path.resolve(input.root, input.rootDir);
    const reported = notes.rootdir && notes.rootdir !== ours && realpath(ours) === notes.rootdir ? ours : notes.rootdir;
    for (const f of notes.collectErrors) this.collectErrors.add(measurer.collectErrorFile(f, reported, input));
    const why = report.error
      ? 'it wrote no report'
      : exec.aborted
        ? 'it was interrupted'
        : exec.timedOut
          ? 'it timed out'
          : exec.code === null || !command.completeExitCodes.includes(exec.code)
            ? `it stopped early (exit ${exec.code ?? exec.signal})`
            : !existsSync(command.dataFile)
              ? 'coverage.py wrote no data'
              : null;
    if (why) {
      this.incomplete.push({ tier, runner: task.runner, why });
      return;
    }
    let contexts: Map<string, string[]>;
    try {
      contexts = await readCoverageContexts(command.dataFile);
    } catch (error) {
      // coverage.py before 5 writes JSON, not SQLite
      this.incomplete.push({ tier, runner: task.runner, why: `its coverage data cannot be read (coverage.py 5 or later is needed): ${describeError(error)}` });
      return;
    }
    const executed = new Map<string, TestResult>();
    for (const r of results) if (r.runner === task.runner && (r.project ?? null) === task.project && EXECUTED.has(r.status)) executed.set(r.id, r);
    for (const [context, files] of contexts) {
      const id = measurer.testOf(context, reported, input);
      const r = id === null ? undefined : executed.get(id);
      if (!r) continue;
      const key = testKey(r);
      let entry = this.tests.get(key);
      if (!entry) this.tests.set(key, (entry = { runner: r.runner, project: r.project ?? null, id: r.id, file: r.file, files: new Set() }));
      for (const abs of files) {
        const rel = this.repoPath(abs);
        if (rel) entry.files.add(rel);
      }
    }
  }

  /** The run's measurement, its files hashed now (through the scan's stat index). */
  finish(interrupted: boolean): ReachSummary {
    const summary = {
      measured: interrupted ? 0 : this.tests.size,
      collectErrors: [...this.collectErrors].sort(),
      staticOnly: [...this.staticOnly.values()],
      incomplete: this.incomplete,
    };
    if (interrupted || !this.tests.size) return { data: null, ...summary };
    const hashes = openFileHashes(openCache(this.root, { enabled: this.options.cache !== false }), this.root);
    const files: Record<string, string> = {};
    const add = (p: string) => {
      if (!(p in files)) files[p] = hashes.hashOf(path.join(this.root, ...p.split('/')));
    };
    const tests: RunReach['tests'][number][] = [];
    for (const t of this.tests.values()) {
      const list = [...t.files].sort();
      for (const p of list) add(p);
      // the test's own file is hashed too, so a change to it marks the measurement stale
      if (t.file) add(t.file);
      tests.push({ runner: t.runner, project: t.project, id: t.id, files: list });
    }
    // the index is only read here: saving it from a few files' lookups would drop the scan's other entries
    return { data: { files, tests }, ...summary };
  }
}
