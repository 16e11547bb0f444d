/**
 * What the Django and unittest runners share around their native commands: parsing the listing
 * the shipped scripts print, comparing it with the inventory, the test labels of a run, the
 * JUnit naming (`classname` = `<module>.<Class>`, `name` = method) and the outcome mapping.
 */
import type { DiscoveredTest, ResultStatus } from '../../../core/types.js';
import type { BuildInput, JUnitNaming } from '../../contract.js';
import type { VerifyReport } from '../../types.js';
import { verifyByFile, type ComparedItem } from '../../../core/verify.js';
import { LIST_ERROR, LIST_TEST } from './python.js';

/**
 * unittest's outcomes and what seams stores. The shipped result class writes them as JUnit XML:
 * an expected failure as `<skipped type="unittest.expectedFailure">` (xfailed), an unexpected
 * success as a `<failure>` (unittest's `wasSuccessful()` is false on it since Python 3.4).
 */
export const UNITTEST_OUTCOMES: Readonly<Record<string, ResultStatus>> = Object.freeze({
  success: 'passed',
  failure: 'failed',
  error: 'error',
  skip: 'skipped',
  expectedFailure: 'xfailed',
  unexpectedSuccess: 'failed',
});

/** `<module>.<Class>` + method: how the shipped result class names a test in JUnit XML. */
export const unittestJUnit: JUnitNaming = {
  keys(test: DiscoveredTest): string[] {
    const dot = test.id.lastIndexOf('.');
    return dot < 0 ? [] : [`${test.id.slice(0, dot)}\u0000${test.id.slice(dot + 1)}`];
  },
  guessId(c) {
    return c.classname ? `${c.classname}.${c.name}` : c.name;
  },
};

export interface Listing {
  ids: string[];
  /** Modules unittest could not import (dotted names). */
  erroredModules: string[];
}

/** Reads the `SEAMS-TEST` / `SEAMS-ERROR` lines of the listing scripts. */
export function parseListing(stdout: string): Listing {
  const ids = new Set<string>();
  const erroredModules = new Set<string>();
  for (const line of stdout.split(/\r?\n/)) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const kind = line.slice(0, tab);
    const value = line.slice(tab + 1).trim();
    if (kind === LIST_TEST) ids.add(value);
    else if (kind === LIST_ERROR) erroredModules.add(value);
  }
  return { ids: [...ids], erroredModules: [...erroredModules].sort() };
}

/**
 * Compares native and static ids, leaving out tests of modules unittest could not import; per
 * file (the module's file when a static test names it, else the module), with the differences
 * that tests seams listed as dynamic explain (`tests`: the static tests of the ids).
 */
export function compareListing(
  native: Listing,
  staticIds: readonly string[],
  tests: readonly DiscoveredTest[] = [],
): Pick<VerifyReport, 'nativeCount' | 'staticCount' | 'matched' | 'missing' | 'extra' | 'matchRate' | 'files' | 'explained'> {
  const leftOut = (id: string) => native.erroredModules.some((m) => id === m || id.startsWith(`${m}.`));
  const nat = new Set(native.ids.filter((id) => !leftOut(id)));
  const stat = new Set(staticIds.filter((id) => !leftOut(id)));
  let matched = 0;
  for (const id of nat) if (stat.has(id)) matched++;
  const denom = Math.max(nat.size, stat.size);
  const missing = [...nat].filter((id) => !stat.has(id)).sort();
  const extra = [...stat].filter((id) => !nat.has(id)).sort();
  // module → file, from the static tests (`module.Class.method`)
  const fileOfModule = new Map<string, string>();
  const byId = new Map<string, DiscoveredTest>();
  for (const t of tests) {
    byId.set(t.id, t);
    const parts = t.id.split('.');
    if (parts.length > 2) fileOfModule.set(parts.slice(0, -2).join('.'), t.file);
  }
  const fileOf = (id: string) => {
    const parts = id.split('.');
    for (let n = parts.length - 1; n > 0; n--) {
      const f = fileOfModule.get(parts.slice(0, n).join('.'));
      if (f) return f;
    }
    return byId.get(id)?.file ?? parts.slice(0, -2).join('.');
  };
  const items: ComparedItem[] = [];
  for (const id of nat) if (stat.has(id)) items.push({ kind: 'identical', file: fileOf(id) });
  for (const id of missing) {
    const dot = id.lastIndexOf('.');
    items.push({ kind: 'missing', file: fileOf(id), listed: { id, project: tests[0]?.project ?? null, titlePath: dot < 0 ? [id] : [id.slice(0, dot), id.slice(dot + 1)] } });
  }
  for (const id of extra) items.push({ kind: 'extra', file: fileOf(id), dynamic: byId.get(id)?.dynamic === true });
  const byFile = verifyByFile(items, tests.filter((t) => !leftOut(t.id)));
  return { nativeCount: nat.size, staticCount: stat.size, matched, missing, extra, matchRate: denom === 0 ? 1 : matched / denom, files: byFile.files, explained: byFile.explained };
}

/** Argument lists longer than this go into a labels file. */
const MAX_ARGV_CHARS = 100_000;

/**
 * The labels of a run: none when every test of the group is selected (the runner discovers them
 * itself), else the selected ids minus the excluded ones; in a file when they are many.
 */
export function runLabels(input: BuildInput, fileName: string): { labels: string[]; file?: { path: string; content: string } } {
  const selected = input.tests.filter((t) => !input.exclude.has(t.id));
  const all = selected.length === input.allTests.length && input.exclude.size === 0;
  if (all) return { labels: [] };
  const labels = [...new Set(selected.map((t) => t.id))];
  if (labels.join(' ').length <= MAX_ARGV_CHARS) return { labels };
  return { labels: [], file: { path: `${input.workDir}/${fileName}`, content: `${labels.join('\n')}\n` } };
}
