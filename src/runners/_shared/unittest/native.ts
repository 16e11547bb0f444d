/**
 * What the Django and unittest runners share around their native commands: parsing the listing
 * the shipped scripts print, comparing it with the inventory, the test labels of a run, the
 * JUnit naming (`classname` = `<module>.<Class>`, `name` = method) and the outcome mapping.
 */
import type { DiscoveredTest, ResultStatus } from '../../../core/types.js';
import type { BuildInput, JUnitNaming } from '../../contract.js';
import type { VerifyReport } from '../../types.js';
import { LIST_ERROR, LIST_TEST } from './python.js';

/** unittest's outcomes and what seams stores (expected failures as pytest's xfail: skipped). */
export const UNITTEST_OUTCOMES: Readonly<Record<string, ResultStatus>> = Object.freeze({
  success: 'passed',
  failure: 'failed',
  error: 'error',
  skip: 'skipped',
  expectedFailure: 'skipped',
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

/** Compares native and static ids, leaving out tests of modules unittest could not import. */
export function compareListing(
  native: Listing,
  staticIds: readonly string[],
): Pick<VerifyReport, 'nativeCount' | 'staticCount' | 'matched' | 'missing' | 'extra' | 'matchRate'> {
  const leftOut = (id: string) => native.erroredModules.some((m) => id === m || id.startsWith(`${m}.`));
  const nat = new Set(native.ids.filter((id) => !leftOut(id)));
  const stat = new Set(staticIds.filter((id) => !leftOut(id)));
  let matched = 0;
  for (const id of nat) if (stat.has(id)) matched++;
  const denom = Math.max(nat.size, stat.size);
  return {
    nativeCount: nat.size,
    staticCount: stat.size,
    matched,
    missing: [...nat].filter((id) => !stat.has(id)).sort(),
    extra: [...stat].filter((id) => !nat.has(id)).sort(),
    matchRate: denom === 0 ? 1 : matched / denom,
  };
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
