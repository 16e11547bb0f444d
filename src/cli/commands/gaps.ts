import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { analyze } from '../../app/analyze.js';
import type { RepoAnalysis } from '../../core/analysis.js';
import { SEVERITIES, severityRank, type GapSeverity } from '../../core/gaps.js';
import { gapsRenderers } from '../../report/renderers/analysis.js';
import { SeamsError } from '../../util/errors.js';
import { closest } from '../../core/strings.js';
import { plural } from '../../util/strings.js';
import { writeOutput, type CliIO } from '../io.js';
import { NO_CACHE_HELP, type SetExit } from '../types.js';

export interface GapsCommandOptions {
  /** false with --no-cache */
  cache?: boolean;
  format: 'text' | 'json' | 'markdown';
  failOn?: GapSeverity;
  why?: string[];
  verbose?: boolean;
  config?: string;
  output?: string;
  /** For tests: the date targets are measured against. */
  now?: Date;
}

export function registerGaps(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command('gaps')
    .description('workflows without integration tests, requirements without tests, and progress towards targets')
    .argument('[paths...]', 'repository folders', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a gap of this severity or worse exists').choices([...SEVERITIES]))
    .option('--why <workflow...>', 'show which tests reach the workflow and through which imports')
    .option('-V, --verbose', 'show reach paths for every workflow')
    .option('-c, --config <file>', 'seams.yaml to use (single repository only)')
    .option('--no-cache', NO_CACHE_HELP)
    .option('-o, --output <file>', 'write the output to a file instead of stdout')
    .addHelpText(
      'after',
      `
Severity: a P1 workflow without an integration/e2e test is critical, P2 high, P3 medium
(also when reached only partially); requirements without a (fitting) test are medium (high when
critical); orphan / duplicate requirement ids and components no test reaches are low.

Examples:
  seams gaps                               the repository in the current folder
  seams gaps . --format markdown           tables for a planning document
  seams gaps . --why ecr-sync              which tests reach ecr-sync, and how
  seams gaps . --fail-on critical          for CI: exit 1 while a P1 workflow is uncovered

Exit codes: 0 analysed, 1 gaps at or above --fail-on, 2 bad path or configuration.`,
    )
    .action(async (paths: string[], opts: GapsCommandOptions) => {
      setExit(await gapsCommand(paths, opts, io));
    });
}

/** Scans and analyses each repo (shared by gaps and trace), paths relative to the working folder. */
export function analyzePaths(paths: readonly string[], opts: { config?: string; now?: Date; examples?: number; cache?: boolean }, io: CliIO): Promise<RepoAnalysis[]> {
  return analyze(
    paths.map((p) => path.resolve(io.cwd, p)),
    { config: opts.config && path.resolve(io.cwd, opts.config), now: opts.now, examples: opts.examples, cache: opts.cache, env: io.env },
  );
}

export async function gapsCommand(paths: string[], opts: GapsCommandOptions, io: CliIO): Promise<number> {
  const analyses = await analyzePaths(paths, opts, io);
  for (const w of opts.why ?? []) {
    const known = analyses.flatMap((a) => a.workflows.workflows.map((x) => x.id));
    if (!known.includes(w)) {
      const guess = closest(w, known);
      throw new SeamsError('SEAMS_UNKNOWN_WORKFLOW', `--why: unknown workflow "${w}"${guess ? ` (did you mean "${guess}"?)` : ''}`, {
        hint: known.length ? `workflows: ${known.join(', ')}` : 'declare workflows: in seams.yaml',
      });
    }
  }
  const text = gapsRenderers[opts.format](analyses, {
    now: opts.now,
    why: opts.why,
    verbose: opts.verbose,
    cwd: io.cwd,
    width: io.stdout.isTTY && !opts.output ? io.stdout.columns : undefined,
  });
  if (opts.output) await writeOutput(io, opts.output, text);
  else io.stdout.write(text);
  return exitCodeFor(analyses, opts.failOn, io);
}

export function exitCodeFor(analyses: readonly RepoAnalysis[], failOn: GapSeverity | undefined, io?: CliIO, what = 'gap'): number {
  if (!failOn) return 0;
  const limit = severityRank(failOn);
  const counts = SEVERITIES.filter((s) => severityRank(s) <= limit)
    .map((s) => [s, analyses.reduce((n, a) => n + a.findings[s], 0)] as const)
    .filter(([, n]) => n > 0);
  if (!counts.length) return 0;
  // The closing line a CI log needs to explain the red build.
  io?.stderr.write(`seams: ${failOnSummary(counts, failOn, what)} (--fail-on ${failOn})\n`);
  return 1;
}

/** "2 critical gaps", or "3 gaps at high or worse: 2 critical, 1 high". */
export function failOnSummary(counts: readonly (readonly [GapSeverity, number])[], failOn: GapSeverity, what: string): string {
  const total = counts.reduce((n, [, c]) => n + c, 0);
  if (counts.length === 1) return `${plural(total, `${counts[0]![0]} ${what}`)}`;
  return `${plural(total, what)} at ${failOn} or worse: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}`;
}
