import picomatch from 'picomatch';
import { CONVENTIONAL_TIERS, type Tier } from '../types.js';
import { closest } from '../strings.js';
import { GateConfigError, type MetricInputs, type ScenarioRule } from './types.js';

/** Checks of a rule's tier, scenario and repo against what the repo defines (unknown ones are configuration errors). */
export function knownTiers(ctx: MetricInputs): Set<Tier> {
  const tiers = new Set<Tier>(CONVENTIONAL_TIERS);
  for (const t of Object.keys(ctx.config.tiers)) tiers.add(t);
  for (const t of ctx.inventory?.tests ?? []) tiers.add(t.tier);
  for (const r of ctx.runs) for (const t of r.tiers) tiers.add(t);
  for (const w of ctx.flakyWindows?.values() ?? []) for (const r of w.runs) for (const t of r.tiers) tiers.add(t);
  return tiers;
}

export function checkTier(tier: string | undefined, ctx: MetricInputs): void {
  if (tier === undefined || tier === 'total') return;
  const tiers = knownTiers(ctx);
  if (!tiers.has(tier)) {
    const guess = closest(tier, tiers);
    throw new GateConfigError(`unknown tier "${tier}"${guess ? ` (did you mean "${guess}"?)` : ''}`, 'tiers are the conventional ones (unit, integration, e2e, …) or those under tiers: in seams.yaml');
  }
}

export function checkScenario(name: string | undefined, ctx: MetricInputs): ScenarioRule | undefined {
  if (name === undefined) return undefined;
  const s = ctx.config.scenarios[name];
  if (!s) {
    const guess = closest(name, Object.keys(ctx.config.scenarios));
    throw new GateConfigError(
      `unknown scenario "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
      Object.keys(ctx.config.scenarios).length ? `defined scenarios: ${Object.keys(ctx.config.scenarios).join(', ')}` : 'define it under scenarios: with select: [selectors]',
    );
  }
  return s;
}

/** `repo:` on a rule: the repo's own name selects everything, anything else is a path (package) inside it. */
export function repoFilter(repo: string | undefined, ctx: MetricInputs): ((file: string) => boolean) | null {
  if (!repo || repo === ctx.inventory?.name || repo === '.') return null;
  const glob = repo.replace(/\/$/, '');
  const m = picomatch([glob, `${glob}/**`], { dot: true });
  return (file) => m(file);
}
