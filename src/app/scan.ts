import type { Inventory, RepoInventory, VerifyReport } from '../core/types.js';
import { SeamsError } from '../util/errors.js';
import { resolvePython } from '../util/python.js';
import { loadRepos } from './repos.js';

/** `seams scan`: the inventory of each repository (configured by its seams.yaml), optionally verified. */

export interface ScanOptions {
  /** seams.yaml to use (one repository only). */
  config?: string;
  /** Cross-check with each runner's own collector (`pytest --collect-only`, `vitest list`, …). */
  verify?: boolean;
  /** Python interpreter for pytest verification and resolution (default: $SEAMS_PYTHON, else python3). */
  python?: string;
  /**
   * List the files that hold dynamic tests with the runner's own collector (runs the repo's
   * collection code). Undefined: as seams.yaml `scan.resolve` says (default off).
   */
  resolve?: boolean;
  /** Timeout of each collector command of `resolve`, in milliseconds (default 120 s). */
  resolveTimeoutMs?: number;
  /** false (`--no-cache`): scan everything again, without `.seams/cache`. */
  cache?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** The inventory; with `verify`, each repo carries the verification of its runners. */
export interface ScanResult extends Inventory {
  repos: (RepoInventory & { verification?: VerifyReport[] })[];
}

export async function scan(paths: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const configured = await loadRepos(paths, options);
  const repos: RepoInventory[] = [];
  for (const { inventory, config } of configured) {
    if (!(options.resolve ?? config.config.scan.resolve === 'dynamic')) {
      repos.push(inventory);
      continue;
    }
    // loaded only to resolve: a cached scan loads no runner, parser or schema
    const [{ resolveDynamic }, { tierRulesOf }, { createClassifier }, { createProgress }] = await Promise.all([
      import('../scan/resolve.js'),
      import('../config/index.js'),
      import('../core/tiers.js'),
      import('../util/progress.js'),
    ]);
    const resolved = await resolveDynamic(inventory, {
      python: resolvePython(options.python, options.env ?? process.env),
      timeoutMs: options.resolveTimeoutMs,
      cache: options.cache,
      classifier: createClassifier(tierRulesOf(config.config)),
      progress: createProgress(),
    });
    repos.push(resolved.repo);
  }
  const inventory: Inventory = { version: 1, repos };
  await assertSomethingScanned(inventory);
  if (!options.verify) return inventory;
  const verification = await verifyInventory(inventory, options.python);
  return { ...inventory, repos: repos.map((r, i) => ({ ...r, verification: verification[i] ?? [] })) };
}

/** The verification of each repo (empty without --verify). */
export function verificationOf(result: ScanResult): VerifyReport[][] {
  return result.repos.some((r) => r.verification) ? result.repos.map((r) => r.verification ?? []) : [];
}

/** Exit status of a verification: 2 a collector could not run, 1 differences, 0 agreement. */
export function verificationStatus(verification: readonly VerifyReport[][]): 0 | 1 | 2 {
  const reports = verification.flat();
  if (reports.some((r) => r.error)) return 2;
  if (reports.some((r) => r.missing.length || r.extra.length)) return 1;
  return 0;
}

/** A repo with no test files is a usage error; one whose files all failed to parse is a failure. */
async function assertSomethingScanned(inventory: Inventory): Promise<void> {
  for (const repo of inventory.repos) {
    if (repo.files.length === 0 && repo.tests.length === 0) {
      const failed = repo.diagnostics.filter((d) => d.severity === 'error');
      if (failed.length)
        throw new SeamsError('SEAMS_NOTHING_SCANNED', `nothing could be scanned in ${repo.root}: ${failed[0]!.message}`, {
          hint: 'run with --format json to see every diagnostic',
          exitCode: 1,
        });
      const { runners: scanPlugins } = await import('../runners/registry.js');
      throw new SeamsError('SEAMS_NO_TESTS', `no tests found in ${repo.root}`, {
        hint: `seams finds ${scanPlugins.map((r) => r.title).join(', ')} suites; point it at the repository root`,
      });
    }
  }
}

export async function verifyInventory(inventory: Inventory, python?: string): Promise<VerifyReport[][]> {
  // the plugins are loaded only to verify: a cached scan loads none
  const { runners: scanPlugins } = await import('../runners/registry.js');
  const all: VerifyReport[][] = [];
  for (const repo of inventory.repos) {
    const reports: VerifyReport[] = [];
    const used = new Set(repo.runners.map((r) => r.runner));
    for (const plugin of scanPlugins) {
      if (!plugin.verify || !used.has(plugin.id)) continue;
      for (const r of await plugin.verify(repo.root, repo, { python })) reports.push({ ...r, unit: plugin.verifyUnit });
    }
    all.push(reports);
  }
  return all;
}
