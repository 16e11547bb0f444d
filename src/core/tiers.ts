import picomatch from 'picomatch';
import { closest } from './strings.js';
import type { DiscoveredTest, RawTest, Tier } from './types.js';

/**
 * Tier classification. A test's tier comes from, in order:
 *   1. a configured marker (`tiers.<name>.markers` in seams.yaml),
 *   2. a configured path glob (`tiers.<name>.paths`),
 *   3. a conventional marker or tag with the tier's name (`@pytest.mark.integration`, `@e2e`),
 *   4. a conventional path segment (`tests/integration/…`, `integration_tests/`, `x.e2e.test.ts`),
 *   5. the runner's own implication (Playwright tests are e2e),
 *   6. `unit`.
 * `tierSource` records which rule decided, so users can see and correct it.
 */

export interface TierRule {
  tier: Tier;
  /** Repo-relative globs (picomatch syntax). */
  paths: string[];
  markers: string[];
}

/** Words that name a tier in paths, markers and tags. */
export const TIER_ALIASES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  unit: ['unit', 'units', 'unittest', 'unittests'],
  contract: ['contract', 'contracts', 'pact'],
  integration: ['integration', 'integrations', 'integ'],
  e2e: ['e2e', 'end2end', 'endtoend', 'end-to-end', 'end_to_end'],
  golden: ['golden', 'snapshot-golden'],
  functional: ['functional'],
  system: ['system'],
  smoke: ['smoke'],
  performance: ['performance', 'perf', 'load', 'benchmark', 'benchmarks', 'stress'],
});

const ALIAS_TO_TIER = new Map<string, Tier>();
for (const [tier, aliases] of Object.entries(TIER_ALIASES)) for (const a of aliases) ALIAS_TO_TIER.set(a, tier);

const TEST_WORDS = new Set(['test', 'tests', 'spec', 'specs', 'testing', 'suite', 'suites']);

/** The tier a single directory name stands for: `integration`, `integration_tests`, `tests-e2e`. */
export function tierOfDirectory(segment: string): Tier | undefined {
  const lower = segment.toLowerCase();
  const whole = ALIAS_TO_TIER.get(lower);
  if (whole) return whole;
  const parts = lower.split(/[-_]/);
  if (parts.length === 2) {
    const [a, b] = parts as [string, string];
    if (TEST_WORDS.has(b) && ALIAS_TO_TIER.has(a)) return ALIAS_TO_TIER.get(a);
    if (TEST_WORDS.has(a) && ALIAS_TO_TIER.has(b)) return ALIAS_TO_TIER.get(b);
  }
  return undefined;
}

/** The tier a file name implies through a dotted part: `app.e2e-spec.ts`, `db.integration.test.ts`. */
export function tierOfFileName(name: string): Tier | undefined {
  const parts = name.toLowerCase().split('.');
  // the first part is the base name, the last the extension; only middle parts count.
  for (let i = parts.length - 2; i >= 1; i--) {
    const part = parts[i]!;
    const t = ALIAS_TO_TIER.get(part) ?? tierOfDirectory(part);
    if (t) return t;
  }
  return undefined;
}

/** The tier the path conventions give a repo-relative file, closest segment first. */
export function tierOfPath(file: string): { tier: Tier; segment: string } | undefined {
  const segments = file.split('/');
  const name = segments.pop() ?? '';
  const fromName = tierOfFileName(name);
  if (fromName) return { tier: fromName, segment: name };
  for (let i = segments.length - 1; i >= 0; i--) {
    const t = tierOfDirectory(segments[i]!);
    if (t) return { tier: t, segment: segments[i]! };
  }
  return undefined;
}

/** The tier a marker or tag names (`integration`, `@e2e`, `e2e_test`). */
export function tierOfMarker(marker: string): Tier | undefined {
  const m = marker.replace(/^@/, '').toLowerCase();
  return ALIAS_TO_TIER.get(m) ?? tierOfDirectory(m);
}

export interface Classifier {
  classify(test: RawTest): { tier: Tier; tierSource: string };
  classifyFile(file: string, tierHint?: Tier): { tier: Tier; tierSource: string };
}

export function createClassifier(rules: readonly TierRule[] = []): Classifier {
  const compiled = rules.map((r) => ({
    tier: r.tier,
    markers: new Set(r.markers.map((m) => m.replace(/^@/, ''))),
    match: r.paths.length ? picomatch(r.paths, { dot: true }) : () => false,
  }));

  function classifyFile(file: string, tierHint?: Tier) {
    for (const r of compiled) if (r.match(file)) return { tier: r.tier, tierSource: `config:tiers.${r.tier}.paths` };
    const byPath = tierOfPath(file);
    if (byPath) return { tier: byPath.tier, tierSource: `path:${byPath.segment}` };
    if (tierHint) return { tier: tierHint, tierSource: 'runner' };
    return { tier: 'unit', tierSource: 'default' };
  }

  return {
    classifyFile,
    classify(test: RawTest) {
      for (const r of compiled)
        for (const m of test.markers)
          if (r.markers.has(m.replace(/^@/, ''))) return { tier: r.tier, tierSource: `config:tiers.${r.tier}.markers` };
      for (const r of compiled) if (r.match(test.file)) return { tier: r.tier, tierSource: `config:tiers.${r.tier}.paths` };
      for (const m of test.markers) {
        const t = tierOfMarker(m);
        if (t) return { tier: t, tierSource: `marker:${m}` };
      }
      const byPath = tierOfPath(test.file);
      if (byPath) return { tier: byPath.tier, tierSource: `path:${byPath.segment}` };
      if (test.tierHint) return { tier: test.tierHint, tierSource: `runner:${test.runner}` };
      return { tier: 'unit', tierSource: 'default' };
    },
  };
}

/** Attaches tiers to raw tests. */
export function classifyTests(tests: readonly RawTest[], classifier: Classifier): DiscoveredTest[] {
  return tests.map((t) => {
    const { tierHint: _hint, ...rest } = t;
    return { ...rest, ...classifier.classify(t) };
  });
}

/** Orders tiers for display: the conventional pyramid first, then others alphabetically. */
export function compareTiers(a: Tier, b: Tier): number {
  const order = ['unit', 'contract', 'integration', 'functional', 'system', 'e2e', 'smoke', 'golden', 'performance'];
  const ia = order.indexOf(a);
  const ib = order.indexOf(b);
  if (ia !== -1 && ib !== -1) return ia - ib;
  if (ia !== -1) return -1;
  if (ib !== -1) return 1;
  return a.localeCompare(b);
}

/**
 * The usage error of a tier nobody knows, one wording for every command that takes a tier
 * (`seams run`, `seams flaky`): `unknown tier "smok" (did you mean "smoke"?)` and a hint listing
 * the tiers there are (`known`; the guess is the closest of `candidates`, by default the same).
 * The caller throws it (core has no error class of its own).
 */
export function unknownTier(tier: string, known: readonly string[], candidates: readonly string[] = known): { message: string; hint: string } {
  const guess = closest(tier, candidates);
  return { message: `unknown tier "${tier}"${guess ? ` (did you mean "${guess}"?)` : ''}`, hint: `tiers here: ${known.join(', ') || '(none)'}` };
}
