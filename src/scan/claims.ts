/**
 * Which runner owns which test file. Two rules, applied after every runner has scanned:
 * 1. seams.yaml `runners:` (folder → runner ids): below a chosen folder (the longest one that
 *    contains the file), only the runners it lists keep their files and tests.
 * 2. No test is claimed by two runners: a Python file claimed by a runner earlier in the plugin
 *    order is dropped from every later Python runner (with an info diagnostic saying so). The JS
 *    runners keep their own overlap rules (a Vitest include that also matches Playwright specs is
 *    reported by them, as before), so the rule applies to the languages in `EXCLUSIVE_LANGUAGES`.
 */
import type { Diagnostic, RunnerId } from '../core/types.js';
import type { RunnerScan } from '../runners/types.js';

/** Languages whose runners never share a test file. */
export const EXCLUSIVE_LANGUAGES: ReadonlySet<string> = new Set(['python']);

/** seams.yaml `runners:` as folder ('' for the repo root) → runner ids. */
export type RunnerChoice = ReadonlyMap<string, readonly string[]>;

/** Normalises the config value: a list applies to the repo root; keys lose `./` and trailing `/`. */
export function runnerChoiceOf(value: readonly string[] | Readonly<Record<string, readonly string[]>> | undefined): RunnerChoice {
  const out = new Map<string, readonly string[]>();
  if (!value) return out;
  if (Array.isArray(value)) {
    out.set('', value as readonly string[]);
    return out;
  }
  for (const [k, v] of Object.entries(value as Record<string, readonly string[]>)) out.set(normFolder(k), v);
  return out;
}

export function normFolder(k: string): string {
  const f = k.trim().replace(/^\.\/+/, '').replace(/\/+$/, '');
  return f === '.' ? '' : f;
}

const within = (file: string, folder: string) => folder === '' || file === folder || file.startsWith(`${folder}/`);

/** The runners seams.yaml allows for a repo path, or undefined when no chosen folder contains it. */
export function allowedRunners(choice: RunnerChoice, file: string): readonly string[] | undefined {
  let best: string | undefined;
  for (const folder of choice.keys()) if (within(file, folder) && (best === undefined || folder.length > best.length)) best = folder;
  return best === undefined ? undefined : choice.get(best);
}

/** The folders where seams.yaml names `runner`. */
export function chosenFolders(choice: RunnerChoice, runner: RunnerId): string[] {
  return [...choice].filter(([, ids]) => ids.includes(runner)).map(([folder]) => folder);
}

/**
 * Applies both rules to the runners' results, in priority order (earlier claims win). Returns
 * new results; runners left with nothing they were allowed to keep are dropped.
 */
export function resolveClaims<T extends { id: RunnerId; language: string; result: RunnerScan }>(results: readonly T[], choice: RunnerChoice): T[] {
  const owner = new Map<string, RunnerId>();
  const folderOwners: { folder: string; runner: RunnerId; language: string }[] = [];
  const out: T[] = [];
  for (const entry of results) {
    const { id, result, language } = entry;
    const allowed = (file: string) => {
      const ids = allowedRunners(choice, file);
      return ids === undefined || ids.includes(id);
    };
    const dropped = new Map<RunnerId, number>();
    let refused = 0;
    const keep = (file: string, runner: RunnerId) => {
      if (!allowed(file)) {
        refused++;
        return false;
      }
      if (!EXCLUSIVE_LANGUAGES.has(language)) return true;
      const o = owner.get(file) ?? folderOwners.find((c) => c.language === language && c.runner !== runner && within(file, c.folder))?.runner;
      if (o !== undefined && o !== runner) {
        dropped.set(o, (dropped.get(o) ?? 0) + 1);
        return false;
      }
      return true;
    };
    const files = result.files.filter((f) => keep(f.file, f.runner));
    const tests = result.tests.filter((t) => keep(t.file, t.runner));
    if (EXCLUSIVE_LANGUAGES.has(language)) {
      for (const f of files) owner.set(f.file, f.runner);
      for (const t of tests) owner.set(t.file, t.runner);
      // a folder claim holds only where seams.yaml lets this runner be (a Makefile running
      // unittest must not take the files of a repo whose seams.yaml says pytest)
      for (const folder of result.claimedFolders ?? []) if (allowed(folder)) folderOwners.push({ folder, runner: id, language });
    }
    // a runner whose every file went to others (or to no chosen runner) is not used in the repo
    const lostAll = result.files.length + result.tests.length > 0 && files.length + tests.length === 0;
    const runners = lostAll ? [] : result.runners.filter((r) => allowed(r.rootDir === '.' ? '' : r.rootDir) || files.length > 0 || tests.length > 0);
    const diagnostics: Diagnostic[] = [...result.diagnostics];
    for (const [other, n] of dropped)
      diagnostics.push({ severity: 'info', code: 'CLAIMED_BY_OTHER_RUNNER', runner: id, message: `${n} ${id} test file/test entries left to ${other}, which claims the same files (no test belongs to two runners)` });
    if (refused && runners.length)
      diagnostics.push({ severity: 'info', code: 'RUNNER_NOT_CHOSEN', runner: id, message: `${refused} ${id} test file/test entries are in folders where seams.yaml runners: chooses other runners` });
    if (!runners.length && !files.length && !tests.length && result.runners.length) continue;
    out.push({ ...entry, result: { ...result, runners, files, tests, diagnostics: runners.length || files.length || tests.length ? diagnostics : result.diagnostics } });
  }
  return out;
}
