import type { LoadedCoverage } from '../core/metrics/index.js';
import { loadCoverage, type CoverageConfig } from '../coverage/index.js';
import { isSeamsError } from '../util/errors.js';

/**
 * Reads the named `coverage:` entries of a repo before any metric is evaluated. A report that is
 * missing, too large or in the wrong format is kept as its error: it becomes a configuration error
 * (exit 2) only when a rule or report section reads that entry.
 */
export async function loadCoverageEntries(root: string, entries: Readonly<Record<string, CoverageConfig>>, names: readonly string[]): Promise<Record<string, LoadedCoverage>> {
  const out: Record<string, LoadedCoverage> = {};
  for (const name of names) {
    const entry = entries[name];
    if (!entry) continue;
    try {
      out[name] = { report: await loadCoverage(root, name, entry) };
    } catch (e) {
      if (!isSeamsError(e)) throw e;
      out[name] = { error: { message: e.message, ...(e.hint ? { hint: e.hint } : {}) } };
    }
  }
  return out;
}
