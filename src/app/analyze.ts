import { analyzeRepo, type RepoAnalysis } from '../analysis/index.js';
import { companionFilesOf } from '../runners/registry.js';
import { createFileLister } from '../workspace/files.js';
import { measuredReachOf, type ReachMode } from './measured-reach.js';
import { loadRepos } from './repos.js';

/** `seams gaps` and `seams trace`: the workflow and traceability analysis of each repository. */

export interface AnalyzeOptions {
  /** seams.yaml to use (one repository only). */
  config?: string;
  /** The date targets are measured against (default now). */
  now?: Date;
  /** Reach examples per workflow and tier (default 3; `seams trace` uses 0). */
  examples?: number;
  /** false (`--no-cache`): scan without `.seams/cache`. */
  cache?: boolean;
  /** The environment (PYTHONPATH keys the scan cache; SEAMS_DATABASE_URL); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Components and workflows to answer `--why` for (ids not declared in a repository are ignored there). */
  why?: { components?: readonly string[]; workflows?: readonly string[] };
  /** Measured reach from the history: `auto` (default), `static` (never read), `measured` (required). */
  reach?: ReachMode;
  /** History database for measured reach (`sqlite:path` or `postgresql://…`); default from seams.yaml or .seams/history.db. */
  db?: string;
}

export async function analyze(paths: readonly string[], options: AnalyzeOptions = {}): Promise<RepoAnalysis[]> {
  const repos = await loadRepos(paths, options);
  const out: RepoAnalysis[] = [];
  for (const r of repos) {
    const files = await createFileLister(r.inventory.root)();
    const reach = await measuredReachOf(r, { reach: options.reach, db: options.db, env: options.env, cache: options.cache });
    const analysis = await analyzeRepo(r.inventory, r.config, {
      files,
      companions: companionFilesOf(r.inventory.tests, files),
      now: options.now,
      examples: options.examples,
      why: options.why,
      measured: reach.measured,
    });
    if (reach.note) analysis.diagnostics.push({ severity: 'warning', code: 'MEASURED_REACH_UNREADABLE', message: reach.note });
    out.push(analysis);
  }
  return out;
}
