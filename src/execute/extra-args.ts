import { extraArgSections, getRunner } from '../runners/registry.js';
import { SeamsError } from '../util/errors.js';

/**
 * Extra arguments after `--` (`seams run integration -- -k ecr`) and which runner gets them.
 *
 * - When the selected tiers run exactly one runner (or one tier command), every argument goes to it.
 * - Otherwise address runners with sections: `-- pytest: -k ecr vitest: -t audit`. A section starts
 *   at a token `<runner>:` (a registered runner id, see `runners/registry.ts`; `command:` for a
 *   tier's configured command) and runs to the next section. Arguments before the first section
 *   with several runners are ambiguous: a usage error with a hint, never passed to every runner
 *   (a `-k` pytest understands makes Vitest fail).
 * - A section for a runner the run does not use is a usage error.
 */
export interface ExtraArgs {
  /** Arguments before any section (only allowed when the run has one runner). */
  common: string[];
  sections: Map<string, string[]>;
}

export function parseExtraArgs(args: readonly string[]): ExtraArgs {
  const sections = new Set(extraArgSections());
  const out: ExtraArgs = { common: [], sections: new Map() };
  let current = out.common;
  for (const a of args) {
    if (a.endsWith(':') && sections.has(a.slice(0, -1))) {
      const name = a.slice(0, -1);
      current = out.sections.get(name) ?? [];
      out.sections.set(name, current);
    } else current.push(a);
  }
  return out;
}

/**
 * Checks the extra arguments against the runners of the run (`command` for a tier command) and
 * returns the arguments of each runner. Throws a usage error (exit 2) when ambiguous.
 */
export function extraArgsByRunner(args: readonly string[], runners: readonly string[], tiers: readonly string[]): (runner: string) => string[] {
  const parsed = parseExtraArgs(args);
  const used = [...new Set(runners)].sort();
  const example = (r: string) => `seams run ${tiers.join(' ')} -- ${r}: ${parsed.common.join(' ') || '…'}`;
  if (parsed.common.length && used.length > 1)
    throw new SeamsError(
      'SEAMS_USAGE',
      `extra arguments after -- (${parsed.common.join(' ')}) are ambiguous: ${tiers.join(', ')} run${tiers.length === 1 ? 's' : ''} ${used.join(' and ')}`,
      { hint: `say which runner gets them, e.g. \`${example(used[0]!)}\` (sections: ${used.map((r) => `${r}:`).join(' ')})` },
    );
  for (const name of parsed.sections.keys())
    if (!used.includes(name))
      throw new SeamsError('SEAMS_USAGE', `extra arguments for ${name}: but ${tiers.join(', ')} run${tiers.length === 1 ? 's' : ''} ${used.join(' and ') || 'no runner'}`, {
        hint: used.length ? `sections this run understands: ${used.map((r) => `${r}:`).join(' ')}` : 'check the tier names',
      });
  const argsOf = (runner: string) => parsed.sections.get(runner) ?? (used.length <= 1 ? parsed.common : []);
  for (const runner of used) refuseConflicts(runner, argsOf(runner));
  return argsOf;
}

/**
 * Arguments that collide with the report options seams sets (`--junitxml`, `--reporter`): the run
 * would write no report where seams reads it, so they are a usage error (exit 2) with a hint.
 */
export function refuseConflicts(runner: string, args: readonly string[]): void {
  const conflicts = getRunner(runner)?.conflictingArgs?.(args) ?? [];
  if (!conflicts.length) return;
  const c = conflicts[0]!;
  throw new SeamsError('SEAMS_USAGE', `extra argument ${c.arg} for ${runner}: ${c.reason}`, { hint: c.hint });
}

/**
 * A tier's own arguments (`tiers.<t>.args` in seams.yaml), added to the commands seams builds for
 * the tier, before the arguments after `--`. They follow the rules of `--` arguments, but as a
 * config error (exit 2, `file:line:col`): with several runners in the tier, plain arguments are
 * ambiguous and need sections (`["pytest:", "--runintegration"]`); arguments that would move or
 * turn off the report seams reads are refused. A section for a runner the tier does not run is
 * ignored (the config outlives one inventory).
 */
export function tierArgsByRunner(tier: string, args: readonly string[], runners: readonly string[], where: string): (runner: string) => string[] {
  const parsed = parseExtraArgs(args);
  const used = [...new Set(runners)].sort();
  if (parsed.common.length && used.length > 1)
    throw new SeamsError('SEAMS_CONFIG_INVALID', `${where}: tiers.${tier}.args (${parsed.common.join(' ')}) are ambiguous: the ${tier} tier runs ${used.join(' and ')}`, {
      hint: `say which runner gets them, e.g. args: ["${used[0]}:", ${parsed.common.map((a) => JSON.stringify(a)).join(', ')}] (sections: ${used.map((r) => `${r}:`).join(' ')})`,
    });
  const argsOf = (runner: string) => parsed.sections.get(runner) ?? (used.length <= 1 ? parsed.common : []);
  for (const runner of used) {
    const c = getRunner(runner)?.conflictingArgs?.(argsOf(runner))[0];
    if (c) throw new SeamsError('SEAMS_CONFIG_INVALID', `${where}: tiers.${tier}.args: ${c.arg} for ${runner}: ${c.reason}`, { hint: `remove it from tiers.${tier}.args; ${c.hint}` });
  }
  return argsOf;
}
