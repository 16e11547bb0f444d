import type { TestResult } from '../core/types.js';

/** `tiers.<t>.args` in seams.yaml: the hint `seams run` gives when a strict tier's tests were skipped for want of a runner option. */

/**
 * The option a skip reason says the test needs (`need --runintegration option to run`, `needs
 * --runslow`, `use --run-e2e to run`, `requires the --integration flag`): a `--flag-name` token
 * that a word of need comes before, or `option`/`flag` after. Nothing when the reason names no
 * such option (never guessed from the reason's other words); an option with a value (`--env=x`)
 * is not one a plain flag satisfies.
 */
export function missingFlagOf(reason: string | undefined): string | undefined {
  if (!reason) return undefined;
  const flag = String.raw`[\`'"]?(--[A-Za-z0-9][A-Za-z0-9_-]*)[\`'"]?(?![=\w-])`;
  const before = new RegExp(String.raw`\b(?:needs?|needed|requires?|required|use|pass|add|set|specify|enable|give|run (?:with|using)|only with)\s+(?:the\s+|a\s+)?(?:option\s+|flag\s+)?${flag}`, 'i');
  const after = new RegExp(String.raw`(?:^|[\s(:])${flag}\s+(?:command[- ]line\s+)?(?:option|flag|switch)\b`, 'i');
  return (before.exec(reason) ?? after.exec(reason))?.[1];
}

/**
 * Hints for tests skipped in a strict tier because a runner option was missing (a conftest that
 * skips integration tests without `--runintegration`): the tier can pass the option itself with
 * `tiers.<tier>.args` in seams.yaml. One line per (tier, option).
 */
export function missingFlagHints(results: readonly TestResult[]): string[] {
  const seen = new Map<string, { tier: string; flag: string; tests: number }>();
  for (const r of results) {
    if (r.status !== 'failed' || !r.tier || !r.message?.startsWith(`skipped in the ${r.tier} tier, where skips count as failures`)) continue;
    const flag = missingFlagOf(r.reason);
    if (!flag) continue;
    const key = `${r.tier}\u0000${flag}`;
    const entry = seen.get(key) ?? { tier: r.tier, flag, tests: 0 };
    entry.tests++;
    seen.set(key, entry);
  }
  return [...seen.values()].map(
    (h) => `hint: ${h.tests} test${h.tests === 1 ? '' : 's'} of the ${h.tier} tier skipped without ${h.flag}: add args: ["${h.flag}"] to tiers.${h.tier} in seams.yaml so the tier always passes it`,
  );
}
