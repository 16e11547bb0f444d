import type { DiscoveredTest } from './types.js';

/**
 * Which static test a test the runner listed comes from: the link between a runner's own listing
 * (`scan --resolve`, `--verify`) and the tests seams found, in particular those it listed once as
 * `dynamic` (a parametrized function whose values it could not compute stands for all of its
 * `[params]` ids; a test call in a loop for every test it makes).
 */

/** A test as a runner lists it. */
export interface ListedTest {
  id: string;
  project: string | null;
  titlePath: readonly string[];
  /** The line of the test call, when the listing says. */
  line?: number;
  /** The id the runner's id syntax derives this one from (pytest: the id without `[params]`). */
  origin?: string;
}

/** `id` continues `base` at a boundary of the runners' id syntax: `base::x`, `base[x]`, `base > x`. */
export function extendsId(id: string, base: string): boolean {
  if (id.length <= base.length || !id.startsWith(base)) return false;
  const rest = id.slice(base.length);
  return rest.startsWith('::') || rest.startsWith('[') || rest.startsWith(' > ');
}

const isPrefix = (prefix: readonly string[], of: readonly string[]) => prefix.length < of.length && prefix.every((t, i) => of[i] === t);

/**
 * The static test of the same project that `listed` is, or comes from, by the first rule that
 * applies: the same id; the id it derives from; a dynamic test on the same line (a test call in a
 * loop); the longest static id it extends (`test_x` for `test_x[1]`, a class made at run time for
 * its methods), dynamic ones first; the dynamic test with the longest suite path that contains it
 * (a test made in a loop inside `describe('a')`).
 */
export function originOf(listed: ListedTest, candidates: readonly DiscoveredTest[]): DiscoveredTest | undefined {
  const same = candidates.filter((s) => s.project === listed.project);
  const exact = same.find((s) => s.id === listed.id);
  if (exact) return exact;
  if (listed.origin) {
    const o = same.find((s) => s.id === listed.origin);
    if (o) return o;
  }
  if (listed.line) {
    const onLine = same.find((s) => s.dynamic && s.line === listed.line);
    if (onLine) return onLine;
  }
  let best: DiscoveredTest | undefined;
  for (const s of same) {
    if (!extendsId(listed.id, s.id)) continue;
    if (!best || (s.dynamic && !best.dynamic) || (s.dynamic === best.dynamic && s.id.length > best.id.length)) best = s;
  }
  if (best) return best;
  for (const s of same) {
    if (!s.dynamic) continue;
    const suites = s.titlePath.slice(0, -1);
    if (suites.length && isPrefix(suites, listed.titlePath) && (!best || suites.length > best.titlePath.length - 1)) best = s;
  }
  return best;
}

/** Whether a dynamic static test of the file stands for `listed` (a difference `--verify` can explain). */
export function explainedByDynamic(listed: ListedTest, fileTests: readonly DiscoveredTest[]): boolean {
  const dynamic = fileTests.filter((t) => t.dynamic);
  return dynamic.length > 0 && originOf(listed, dynamic) !== undefined;
}
