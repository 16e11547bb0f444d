import picomatch from 'picomatch';
import type { DiscoveredTest, TestResult, Tier } from '../types.js';

/**
 * Scenario selectors: which tests (from the inventory) or results (from a run) belong to a
 * named scenario. A selector is one of
 *   `path/glob/**`             files matching the glob (picomatch, repo-relative)
 *   `glob::Class`              tests in matching files whose first name part (pytest class, outermost
 *                              describe) matches `Class` (a glob too); `glob::Class::test` goes deeper
 *   `@tag` / `marker:name`     tests carrying the marker or tag
 *   `tier:name`                tests of a tier
 *   `id:<exact id>`            one test
 * A test is selected when any selector matches it. Negation: a selector starting with `!`
 * removes what it matches.
 */

/** What a selector can look at; built from a DiscoveredTest, a TestResult, or both joined. */
export interface Selectable {
  id: string;
  file: string;
  /** Name parts below the file: pytest `Class::test[param]`, JS `describe > test`. */
  parts: string[];
  markers: string[];
  tier: Tier;
}

export type Selector = (t: Selectable) => boolean;

export function compileSelector(raw: string): Selector {
  const s = raw.trim();
  if (s.startsWith('!')) {
    const inner = compileSelector(s.slice(1));
    return (t) => !inner(t);
  }
  if (s.startsWith('tier:')) {
    const tier = s.slice(5);
    return (t) => t.tier === tier;
  }
  if (s.startsWith('@') || s.startsWith('marker:') || s.startsWith('tag:')) {
    const name = s.replace(/^(@|marker:|tag:)/, '').replace(/^@/, '');
    return (t) => t.markers.some((m) => m.replace(/^@/, '') === name);
  }
  if (s.startsWith('id:')) {
    const id = s.slice(3);
    return (t) => t.id === id;
  }
  const [fileGlob, ...nameGlobs] = s.split('::');
  const fileMatch = picomatch(fileGlob || '**', { dot: true });
  const nameMatchers = nameGlobs.map((g) => picomatch(g, { dot: true }));
  return (t) => {
    if (!fileMatch(t.file)) return false;
    for (let i = 0; i < nameMatchers.length; i++) {
      const part = t.parts[i];
      if (part === undefined) return false;
      // `Class::test` also selects parametrised `test[x]`.
      if (!nameMatchers[i]!(part) && !nameMatchers[i]!(part.replace(/\[.*$/s, ''))) return false;
    }
    return true;
  };
}

/** A list of selectors as one predicate: any positive one matches, and no negative one excludes. */
export function compileSelectors(raw: readonly string[]): Selector {
  const positive = raw.filter((r) => !r.trim().startsWith('!')).map(compileSelector);
  const negative = raw.filter((r) => r.trim().startsWith('!')).map((r) => compileSelector(r.trim().slice(1)));
  return (t) => (positive.length === 0 || positive.some((p) => p(t))) && !negative.some((n) => n(t));
}

/** Name parts below the file of a runner id: `f.py::A::test[x]` → [A, test[x]]; `f.ts > d > t` → [d, t]. */
export function idParts(id: string): { file: string | null; parts: string[] } {
  const py = id.indexOf('::');
  if (py >= 0) {
    const parts = id.slice(py + 2).split('::');
    return { file: id.slice(0, py), parts };
  }
  const js = id.split(' > ');
  if (js.length > 1) return { file: js[0]!, parts: js.slice(1) };
  return { file: null, parts: [id] };
}

export function selectableTest(t: DiscoveredTest): Selectable {
  return { id: t.id, file: t.file, parts: t.titlePath.length ? t.titlePath : idParts(t.id).parts, markers: t.markers, tier: t.tier };
}

/** A result joined to its inventory test when known (markers, file and tier come from the inventory). */
export function selectableResult(r: TestResult, known?: DiscoveredTest): Selectable {
  if (known) return { ...selectableTest(known), tier: r.tier ?? known.tier };
  const fromId = idParts(r.id);
  const parts = fromId.parts.length > 1 || !r.suite ? fromId.parts : [...r.suite.split(/::|\.| > /).slice(-1), r.name];
  return { id: r.id, file: r.file ?? fromId.file ?? '', parts, markers: [], tier: r.tier ?? 'unit' };
}

/** Key joining results to the inventory. */
export const testKey = (t: { runner: string; project: string | null; id: string }) => `${t.runner}\0${t.project ?? ''}\0${t.id}`;
