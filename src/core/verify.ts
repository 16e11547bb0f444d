import { explainedByDynamic, type ListedTest } from './origin.js';
import type { DiscoveredTest, VerifyFileReport } from './types.js';

/**
 * The per-file view of a verification (`seams scan --verify`): for each compared file the ids
 * both sides list, those only the runner lists (missing) and those only seams lists (extra), and
 * how many of the differences come from tests seams itself listed as `dynamic` — an extra id that
 * is a dynamic test, a missing id that a dynamic test of its file stands for (`core/origin.ts`).
 * Differences that no dynamic test explains are the ones that make the inventory untrustworthy.
 */

export type ComparedItem =
  | { kind: 'identical'; file: string }
  | { kind: 'missing'; file: string; listed: ListedTest }
  | { kind: 'extra'; file: string; dynamic: boolean };

export function verifyByFile(items: Iterable<ComparedItem>, staticTests: readonly DiscoveredTest[], fileOf: (t: DiscoveredTest) => string = (t) => t.file): { files: VerifyFileReport[]; explained: number } {
  const byFile = new Map<string, DiscoveredTest[]>();
  for (const t of staticTests) {
    const f = fileOf(t);
    let list = byFile.get(f);
    if (!list) byFile.set(f, (list = []));
    list.push(t);
  }
  const files = new Map<string, VerifyFileReport>();
  const entry = (file: string) => {
    let e = files.get(file);
    if (!e) files.set(file, (e = { file, identical: 0, missing: 0, extra: 0, explained: 0, dynamic: (byFile.get(file) ?? []).filter((t) => t.dynamic).length }));
    return e;
  };
  let explained = 0;
  for (const item of items) {
    const e = entry(item.file);
    if (item.kind === 'identical') e.identical++;
    else if (item.kind === 'extra') {
      e.extra++;
      if (item.dynamic) e.explained++, explained++;
    } else {
      e.missing++;
      if (e.dynamic && explainedByDynamic(item.listed, byFile.get(item.file) ?? [])) e.explained++, explained++;
    }
  }
  return { files: [...files.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)), explained };
}
