import path from 'node:path';
import type { ScanCache } from '../cache/files.js';
import { classifyTests, createClassifier, type TierRule } from '../core/tiers.js';
import type { Diagnostic, Inventory, RepoInventory, RunnerId, TestFile } from '../core/types.js';
import { runners as scanPlugins } from '../runners/registry.js';
import type { RunnerScan, ScanContext, ScanPlugin } from '../runners/types.js';
import { chosenFolders, resolveClaims, runnerChoiceOf } from './claims.js';
import { closest } from '../core/strings.js';
import { describeError, SeamsError } from '../util/errors.js';
import { append } from '../util/strings.js';
import { createProgress, type Progress } from '../util/progress.js';
import { createFileLister } from '../workspace/files.js';
import { repoRootOf } from './root.js';

export const DEFAULT_REQUIREMENT_PATTERN = '\\b(FR|NFR|REQ|SC)-\\d{3,}\\b';

export interface ScanOptions {
  /** Tier rules from configuration (seams.yaml `tiers:`), applied before the conventions. */
  tierRules?: readonly TierRule[];
  /** Requirement id regex source. */
  requirementPattern?: string;
  /** Only these runner plugins (default: all). */
  plugins?: readonly ScanPlugin[];
  progress?: Progress;
  /** seams.yaml `runners:`: the runners of the repo (a list) or of folders (folder → list); overrides detection. */
  runners?: readonly string[] | Readonly<Record<string, readonly string[]>>;
  /** The repository's files when they were listed already (repo-relative POSIX, sorted). */
  listing?: readonly string[];
  /** Per-file caches of parse results (`.seams/cache`); absent: everything is parsed. */
  cache?: ScanCache;
}

/** Scans one repository with every runner plugin that applies. */
export async function scanRepo(rootArg: string, options: ScanOptions = {}): Promise<RepoInventory> {
  const root = await repoRootOf(rootArg);
  const progress = options.progress ?? createProgress();
  const ctx: ScanContext = {
    root,
    requirementPattern: new RegExp(options.requirementPattern ?? DEFAULT_REQUIREMENT_PATTERN, 'g'),
    listFiles: createFileLister(root, options.listing),
    progress,
    ...(options.cache ? { cache: options.cache } : {}),
  };
  const classifier = createClassifier(options.tierRules ?? []);
  const repo: RepoInventory = { root, name: path.basename(root), runners: [], files: [], tests: [], diagnostics: [] };

  const choice = runnerChoiceOf(options.runners);
  if (choice.size) ctx.chosenFolders = (runner) => chosenFolders(choice, runner);
  const known = new Set(scanPlugins.map((p) => p.id as string));
  for (const [folder, ids] of choice)
    for (const id of ids)
      if (!known.has(id)) {
        const near = closest(id, known);
        // a misspelt runner would silently hand its tests to another runner (or to none)
        throw new SeamsError('SEAMS_CONFIG_INVALID', `seams.yaml runners${folder ? ` (${folder}/)` : ''}: "${id}" is not a runner seams knows`, {
          hint: `${near ? `did you mean "${near}"? ` : ''}runners: ${[...known].join(', ')}`,
        });
      }
  const scanned: { id: RunnerId; language: string; result: RunnerScan }[] = [];
  for (const plugin of options.plugins ?? scanPlugins) {
    progress.update(`scan ${repo.name}: ${plugin.id}…`);
    try {
      const result = await plugin.scan(ctx);
      if (result) scanned.push({ id: plugin.id, language: plugin.language, result });
    } catch (error) {
      const failed = { severity: 'error' as const, code: 'RUNNER_FAILED', runner: plugin.id, message: `${plugin.id} scan failed: ${describeError(error)}` };
      scanned.push({ id: plugin.id, language: plugin.language, result: { runners: [], files: [], tests: [], diagnostics: [failed] } });
    }
  }
  for (const { result } of resolveClaims(scanned, choice)) {
    append(repo.runners, result.runners);
    append(repo.diagnostics, result.diagnostics);
    const tests = classifyTests(result.tests, classifier);
    append(repo.tests, tests);
    const counts = new Map<string, number>();
    for (const t of tests) {
      const key = `${t.project ?? ''}\0${t.file}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const tierOfFile = new Map<string, string>();
    for (const t of tests) if (!tierOfFile.has(`${t.project ?? ''}\0${t.file}`)) tierOfFile.set(`${t.project ?? ''}\0${t.file}`, t.tier);
    for (const f of result.files) {
      const key = `${f.project ?? ''}\0${f.file}`;
      const file: TestFile = {
        runner: f.runner,
        project: f.project,
        file: f.file,
        tier: tierOfFile.get(key) ?? classifier.classifyFile(f.file, f.tierHint).tier,
        tests: counts.get(key) ?? 0,
      };
      repo.files.push(file);
    }
  }
  progress.done();
  return repo;
}

/** Scans several repositories into one inventory. */
export async function scan(paths: readonly string[], options: ScanOptions = {}): Promise<Inventory> {
  const repos: RepoInventory[] = [];
  for (const p of paths) repos.push(await scanRepo(p, options));
  return { version: 1, repos };
}

export function countBySeverity(diagnostics: readonly Diagnostic[], severity: Diagnostic['severity']): number {
  return diagnostics.filter((d) => d.severity === severity).length;
}
