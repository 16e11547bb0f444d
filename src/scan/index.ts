import { stat } from 'node:fs/promises';
import path from 'node:path';
import { classifyTests, createClassifier, type TierRule } from '../core/tiers.js';
import type { Diagnostic, Inventory, RepoInventory, TestFile } from '../core/types.js';
import { scanPlugins } from '../runners/index.js';
import type { ScanContext, ScanPlugin } from '../runners/types.js';
import { describeError, SeamsError } from '../util/errors.js';
import { append } from '../util/strings.js';
import { createProgress, type Progress } from '../util/progress.js';
import { createFileLister } from '../workspace/files.js';

/** Kept for the callers outside scan/ (analysis, init); the lister lives in workspace/files.ts. */
export { createFileLister };

export const DEFAULT_REQUIREMENT_PATTERN = '\\b(FR|NFR|REQ|SC)-\\d{3,}\\b';

export interface ScanOptions {
  /** Tier rules from configuration (seams.yaml `tiers:`), applied before the conventions. */
  tierRules?: readonly TierRule[];
  /** Requirement id regex source. */
  requirementPattern?: string;
  /** Only these runner plugins (default: all). */
  plugins?: readonly ScanPlugin[];
  progress?: Progress;
}

/** Scans one repository with every runner plugin that applies. */
export async function scanRepo(rootArg: string, options: ScanOptions = {}): Promise<RepoInventory> {
  const root = path.resolve(rootArg);
  let info;
  try {
    info = await stat(root);
  } catch {
    throw new SeamsError('SEAMS_PATH_NOT_FOUND', `path does not exist: ${rootArg}`, {
      hint: 'pass the folder of a repository, e.g. `seams scan .`',
    });
  }
  if (!info.isDirectory())
    throw new SeamsError('SEAMS_NOT_A_DIRECTORY', `not a directory: ${rootArg}`, {
      hint: 'pass the folder of a repository, not a file',
    });

  const progress = options.progress ?? createProgress();
  const ctx: ScanContext = {
    root,
    requirementPattern: new RegExp(options.requirementPattern ?? DEFAULT_REQUIREMENT_PATTERN, 'g'),
    listFiles: createFileLister(root),
    progress,
  };
  const classifier = createClassifier(options.tierRules ?? []);
  const repo: RepoInventory = { root, name: path.basename(root), runners: [], files: [], tests: [], diagnostics: [] };

  for (const plugin of options.plugins ?? scanPlugins) {
    progress.update(`scan ${repo.name}: ${plugin.id}…`);
    let result;
    try {
      result = await plugin.scan(ctx);
    } catch (error) {
      repo.diagnostics.push({
        severity: 'error',
        code: 'RUNNER_FAILED',
        runner: plugin.id,
        message: `${plugin.id} scan failed: ${describeError(error)}`,
      });
      continue;
    }
    if (!result) continue;
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
