import type { Diagnostic, LanguageId, RawTest, RepoInventory, RunnerId, RunnerInfo, Tier, VerifyReport } from '../core/types.js';
import type { ScanCache } from '../cache/files.js';
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
  /**
   * Per-file caches (`.seams/cache`): a plugin keeps what it parsed from a file under the file's
   * content hash (`cache.hashes`, through the stat index) and the key of everything else the value
   * depends on. Absent with `--no-cache` and for library callers of scanRepo.
   */
  cache?: ScanCache;
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

export type { VerifyReport } from '../core/types.js';

export interface ScanPlugin {
  id: RunnerId;
  language: LanguageId;
  /** Scans the repo; returns null when the runner is not used there. Never throws for one bad file. */
  scan(ctx: ScanContext): Promise<RunnerScan | null>;
  /** Runs the native collector and compares with the inventory's tests of this runner. */
  verify?(root: string, inventory: RepoInventory, options: VerifyOptions): Promise<VerifyReport[]>;
}
