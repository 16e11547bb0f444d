import type { Diagnostic, LanguageId, RawTest, RepoInventory, RunnerId, RunnerInfo, Tier } from '../core/types.js';
import type { Progress } from '../util/progress.js';

/**
 * What a runner plugin gets to scan one repository. Plugins read the file system only through
 * `root` (absolute) and report everything with repo-relative POSIX paths.
 */
export interface ScanContext {
  /** Absolute path of the repository root being scanned. */
  root: string;
  /** Requirement id pattern (global flag set) used to pick references out of docstrings, comments and titles. */
  requirementPattern: RegExp;
  /** Every regular file below root (repo-relative POSIX), excluding `.git` and `node_modules`, memoised across plugins. */
  listFiles(): Promise<readonly string[]>;
  progress: Progress;
  /**
   * Folders (repo-relative, '' for the root) where seams.yaml `runners:` names this runner: the
   * runner is used there even when its detection would not pick it. Absent: no choice made.
   */
  chosenFolders?(runner: RunnerId): readonly string[];
}

export interface ScannedFile {
  runner: RunnerId;
  project: string | null;
  file: string;
  tierHint?: Tier;
}

export interface RunnerScan {
  runners: RunnerInfo[];
  /** Every file the runner would collect (also those with no tests). */
  files: ScannedFile[];
  tests: RawTest[];
  diagnostics: Diagnostic[];
  /**
   * Folders (repo-relative, '' for the root) whose test files belong to this runner alone:
   * later runners of the same language keep nothing below them (a Django project's folder).
   */
  claimedFolders?: string[];
}

export interface VerifyOptions {
  /** Python interpreter for pytest (`--python`). */
  python?: string;
  timeoutMs?: number;
}

/** The result of comparing the static inventory with the runner's own collection. */
export interface VerifyReport {
  runner: RunnerId;
  project: string | null;
  /** The native command that was run, for the user to reproduce. */
  command: string;
  /** Ids the native collector listed. */
  nativeCount: number;
  /** Ids seams found statically (for the same files / scope). */
  staticCount: number;
  matched: number;
  /** Listed by the runner, not found by seams. */
  missing: string[];
  /** Found by seams, not listed by the runner. */
  extra: string[];
  /** Files the native collector could not collect (errors), left out of the comparison. */
  erroredFiles: string[];
  /** matched / max(native, static) over the compared files; 1 when both are empty. */
  matchRate: number;
  /** Set when the native collector could not run at all (missing interpreter, runner not installed). */
  error?: string;
  /** What the collector lists: test ids, or only test files (`jest --listTests`); from the runner's `verifyUnit`. */
  unit?: 'ids' | 'files';
}

export interface ScanPlugin {
  id: RunnerId;
  language: LanguageId;
  /** Scans the repo; returns null when the runner is not used there. Never throws for one bad file. */
  scan(ctx: ScanContext): Promise<RunnerScan | null>;
  /** Runs the native collector and compares with the inventory's tests of this runner. */
  verify?(root: string, inventory: RepoInventory, options: VerifyOptions): Promise<VerifyReport[]>;
}
