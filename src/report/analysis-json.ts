import type { RepoAnalysis } from '../core/analysis.js';

/**
 * The envelope the gaps and trace JSON documents share: a version, when it was made, and per
 * repository its name, root and config file followed by the command's own fields.
 */
export function analysisDocument<T extends object>(
  analyses: readonly RepoAnalysis[],
  generatedAt: Date,
  fields: (a: RepoAnalysis) => T,
) {
  return {
    version: 1 as const,
    generatedAt: generatedAt.toISOString(),
    repos: analyses.map((a) => ({ name: a.name, root: a.root, config: a.configFile, ...fields(a) })),
  };
}
