import type { TestResult } from '../core/types.js';

/**
 * "Tests fail, never skip": in strict tiers (integration, e2e, … or `skips.policy: fail`) a
 * skipped test counts as a failure unless its reason matches the tier's allow-list (substring,
 * or `/regex/`). Expected failures (pytest xfail) are not skips.
 */
export function applySkipPolicy(
  results: TestResult[],
  tier: string,
  skips: { policy?: 'fail' | 'allow'; allow?: string[] } | undefined,
  strictTiers: readonly string[],
): number {
  const strict = skips?.policy ? skips.policy === 'fail' : strictTiers.includes(tier);
  if (!strict) return 0;
  const allow = (skips?.allow ?? []).map((a) => {
    const re = /^\/(.*)\/([a-z]*)$/.exec(a);
    return re ? (s: string) => new RegExp(re[1]!, re[2]).test(s) : (s: string) => s.includes(a);
  });
  let changed = 0;
  for (const r of results) {
    if (r.tier !== tier || r.status !== 'skipped') continue;
    const reason = r.reason ?? '';
    if (/^xfail\b/.test(reason)) continue;
    if (allow.some((f) => f(reason))) continue;
    r.status = 'failed';
    r.message = `skipped in the ${tier} tier, where skips count as failures${reason ? `: ${reason}` : ''}`;
    changed++;
  }
  return changed;
}


// the hint lives with the config key it points at (report may not import execute)
export { missingFlagHints, missingFlagOf } from '../config/tier-args.js';
