import { repoPaths } from '../../app/options.js';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { RepoAnalysis } from '../../core/analysis.js';
import { requirementFindings } from '../../core/findings.js';
import { SEVERITIES, type GapSeverity } from '../../core/gaps.js';
import { traceRenderers } from '../../report/renderers/analysis.js';
import { writeOutput, type CliIO } from '../io.js';
import { NO_CACHE_HELP, ROOT_ALIAS_HELP, type SetExit } from '../types.js';
import { analyzePaths, exitCodeFor } from './gaps.js';

export interface TraceCommandOptions {
  /** false with --no-cache */
  cache?: boolean;
  format: 'text' | 'json' | 'markdown';
  failOn?: GapSeverity;
  verbose?: boolean;
  config?: string;
  output?: string;
  now?: Date;
}

export function registerTrace(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command('trace')
    .description('the traceability matrix: requirement ids from the specs → tests per tier → status')
    .argument('[paths...]', 'repository folders (default: the current one)')
    .option('--root <dir>', ROOT_ALIAS_HELP)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a requirement gap of this severity or worse exists').choices([...SEVERITIES]))
    .option('-V, --verbose', 'list the tests behind every requirement')
    .option('-c, --config <file>', 'seams.yaml to use (single repository only)')
    .option('--no-cache', NO_CACHE_HELP)
    .option('-o, --output <file>', 'write the output to a file instead of stdout')
    .addHelpText(
      'after',
      `
Requirements are read from requirements.sources (default specs/**/*.md, docs/**/*.md): headings,
list items (spec-kit "- **FR-001**: System MUST …"), paragraphs and table rows that start with an
id matching requirements.pattern. Tests reference ids through markers (requirement/req/covers/
verifies), docstrings, comments, titles ([FR-001], @FR-001), tags and annotations.

Status: covered · covered-only-by-unit (the text asks for integration/e2e) · only-skipped · uncovered.

Examples:
  seams trace                          the matrix for the repository in the current folder
  seams trace . -V                     with the tests behind every requirement
  seams trace . --format markdown      for a planning document
  seams trace . --fail-on medium       for CI: exit 1 while a requirement has no (fitting) test

Exit codes: 0 analysed, 1 gaps at or above --fail-on, 2 bad path or configuration.`,
    )
    .action(async (paths: string[], opts: TraceCommandOptions & { root?: string }) => {
      setExit(await traceCommand(repoPaths(paths, opts.root), opts, io));
    });
}

export async function traceCommand(paths: string[], opts: TraceCommandOptions, io: CliIO): Promise<number> {
  // requirement references do not depend on reach: the history is not read
  const analyses = await analyzePaths(paths, { ...opts, examples: 0, reach: 'static' }, io);
  const text = traceRenderers[opts.format](analyses, { now: opts.now, verbose: opts.verbose });
  if (opts.output) await writeOutput(io, opts.output, text);
  else io.stdout.write(text);
  if (!opts.failOn) return 0;
  // trace fails only on requirement findings
  const onlyRequirements = analyses.map((a) => ({ ...a, findings: requirementSeverities(a) }));
  return exitCodeFor(onlyRequirements, opts.failOn, io, 'requirement gap');
}

function requirementSeverities(a: RepoAnalysis): Record<GapSeverity, number> {
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<GapSeverity, number>;
  for (const f of requirementFindings(a.trace)) out[f.severity]++;
  return out;
}
