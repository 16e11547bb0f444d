import { analyzeRepo, type RepoAnalysis } from '../analysis/index.js';
import { companionFilesOf } from '../runners/registry.js';
import { createFileLister } from '../workspace/files.js';
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
  /** The environment (PYTHONPATH keys the scan cache); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Components and workflows to answer `--why` for (ids not declared in a repository are ignored there). */
  why?: { components?: readonly string[]; workflows?: readonly string[] };
}

export async function analyze(paths: readonly string[], options: AnalyzeOptions = {}): Promise<RepoAnalysis[]> {
  const repos = await loadRepos(paths, options);
  const out: RepoAnalysis[] = [];
  for (const r of repos) {
    const files = await createFileLister(r.inventory.root)();
    out.push(await analyzeRepo(r.inventory, r.config, { files, companions: companionFilesOf(r.inventory.tests, files), now: options.now, examples: options.examples, why: options.why }));
  }
  return out;
}
