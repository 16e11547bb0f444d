// pytest node ids: seams' static inventory against `pytest --collect-only -q`, shared by
// bench/pytest/bench.mjs and bench/inventory/corpus.mjs. Parsing and the comparison over the
// files pytest collects without error are seams' own (`runners/pytest/verify.js` in dist/).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The pytest collect-only parser and comparison of the build under test. */
export async function loadPytestVerify(dist) {
  const { parseCollectOnly, compareIds } = await import(pathToFileURL(path.join(dist, 'runners/pytest/verify.js')).href);
  return { parseCollectOnly, compareIds };
}

/** The argv that lists a repo's tests natively (run in the repo root, as `seams scan --verify` does). */
export const collectOnlyArgs = ['-m', 'pytest', '--collect-only', '-q', '-p', 'no:cacheprovider'];

/**
 * Which native ids a `dynamic` seams test stands for: `id[…]` (parametrized at run time) or
 * `id::…` (a class built at run time).
 */
export function dynamicCover(tests) {
  const dyn = tests.filter((t) => t.dynamic).map((t) => t.id);
  const dynSet = new Set(dyn);
  return {
    dynamicIds: dyn,
    isDynamic: (id) => dynSet.has(id),
    covered: (id) => dynSet.has(id.replace(/\[.*$/, '')) || dyn.some((d) => id.startsWith(`${d}::`)),
  };
}

/**
 * Accuracy of seams' pytest ids against the native listing, over the files pytest collects
 * without error: `raw` compares every id; `outsideDynamic` leaves out seams' `dynamic` tests and
 * the native ids they stand for (a figure that leaves data out is always reported next to `raw`).
 * recall = identical / native, precision = identical / seams.
 */
export function pytestAccuracy(compareIds, native, tests) {
  const staticIds = tests.map((t) => t.id);
  const raw = compareIds(native.ids, staticIds, native.erroredFiles);
  const { dynamicIds, isDynamic, covered } = dynamicCover(tests);
  const outside = compareIds(
    native.ids.filter((id) => !covered(id)),
    staticIds.filter((id) => !isDynamic(id)),
    native.erroredFiles,
  );
  return { raw: rates(raw), outsideDynamic: rates(outside), dynamic: dynamicIds.length };
}

/** recall, precision and the old "exact rate" (identical / max) from a compareIds result. */
export function rates(c) {
  return {
    native: c.nativeCount,
    static: c.staticCount,
    matched: c.matched,
    recall: c.nativeCount ? c.matched / c.nativeCount : 1,
    precision: c.staticCount ? c.matched / c.staticCount : 1,
    rate: c.matchRate,
    missing: c.missing,
    extra: c.extra,
  };
}
