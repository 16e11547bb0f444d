import { analyzeRepo, type RepoAnalysis } from '../analysis/index.js';
import { createFileLister } from '../scan/index.js';
import { loadRepos } from './context.js';

/** `seams gaps` and `seams trace`: the workflow and traceability analysis of each repository. */

export interface AnalyzeOptions {
  /** seams.yaml to use (one repository only). */
  config?: string;
  /** The date targets are measured against (default now). */
  now?: Date;
  /** Reach examples per workflow and tier (default 3; `seams trace` uses 0). */
  examples?: number;
}

export async function analyze(paths: readonly string[], options: AnalyzeOptions = {}): Promise<RepoAnalysis[]> {
  const repos = await loadRepos(paths, options);
  const out: RepoAnalysis[] = [];
  for (const r of repos)
    out.push(await analyzeRepo(r.inventory, r.config, { files: await createFileLister(r.inventory.root)(), now: options.now, examples: options.examples }));
  return out;
}
