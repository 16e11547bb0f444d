import path from 'node:path';
import type { DiscoveredTest } from '../../core/types.js';
import type { BuildInput } from '../contract.js';

/**
 * Helpers that several command builders share: which files or single ids to pass, paths relative
 * to the runner root, the JS runner's executable. All pure.
 */

/** A repo-relative path relative to the runner root, POSIX. */
export const relToRoot = (rootDir: string, file: string): string => path.posix.relative(rootDir === '.' ? '' : rootDir, file) || file;

/** The working directory of a runner group: its root folder. */
export const cwdOf = (input: Pick<BuildInput, 'root' | 'rootDir'>): string => path.resolve(input.root, input.rootDir);

/** Files whose every test is selected (then the file is passed), plus single ids for the rest. */
export function selectionTargets(input: Pick<BuildInput, 'tests' | 'allTests' | 'exclude'>): { files: string[]; ids: DiscoveredTest[] } {
  const selected = new Set(input.tests.map((t) => t.id));
  const byFile = new Map<string, DiscoveredTest[]>();
  for (const t of input.allTests) {
    const list = byFile.get(t.file) ?? [];
    list.push(t);
    byFile.set(t.file, list);
  }
  const files: string[] = [];
  const ids: DiscoveredTest[] = [];
  const seenFiles = new Set<string>();
  for (const t of input.tests) {
    if (seenFiles.has(t.file)) continue;
    const all = byFile.get(t.file) ?? [t];
    if (all.every((x) => selected.has(x.id) && !input.exclude.has(x.id))) {
      files.push(t.file);
      seenFiles.add(t.file);
    }
  }
  for (const t of input.tests) if (!seenFiles.has(t.file) && !input.exclude.has(t.id)) ids.push(t);
  return { files, ids };
}

/** The test files of the selection (JS runners select by file), relative to the runner root. */
export function selectedFiles(input: Pick<BuildInput, 'tests' | 'exclude' | 'rootDir'>): string[] {
  return [...new Set(input.tests.filter((t) => !input.exclude.has(t.id)).map((t) => relToRoot(input.rootDir, t.file)))];
}

/**
 * A JS runner's CLI: the executable pre-flight found (`node_modules/.bin/<name>` from the runner
 * root upwards, else on PATH), or `npx --no-install <name>` when none was given (pre-flight stops
 * a run before that when the runner is not installed).
 */
export const jsExecutable = (input: Pick<BuildInput, 'executable'>, name: string): string[] => (input.executable ? [input.executable] : ['npx', '--no-install', name]);

/** The JS runner's requirement: its CLI installed in node_modules/.bin (or on PATH). */
export const jsBinRequirement = (name: string) => ({ kind: 'js-bin' as const, name, installHint: 'npm install' });

/** The program names of a command line (`/usr/bin/python3` → `python3`). */
export const argvWords = (argv: readonly string[]): string[] => argv.map((a) => path.basename(a));

/** User arguments that repeat an option seams sets: `--reporter`, `--reporter=x`, `--outputFile x`. */
export function optionConflicts(args: readonly string[], options: readonly string[], reason: (opt: string) => string, hint: string) {
  const out: { arg: string; reason: string; hint: string }[] = [];
  for (const a of args) {
    const opt = options.find((o) => a === o || a.startsWith(`${o}=`));
    if (opt) out.push({ arg: a, reason: reason(opt), hint });
  }
  return out;
}
