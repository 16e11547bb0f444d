import { repoPaths } from '../../app/options.js';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { analyze } from '../../app/analyze.js';
import { REACH_HELP, REACH_MODES, type ReachMode } from '../../app/measured-reach.js';
import type { RepoAnalysis } from '../../core/analysis.js';
import { SEVERITIES, severityRank, type GapSeverity } from '../../core/gaps.js';
import { gapsRenderers, gapsWhyRenderers } from '../../report/renderers/analysis.js';
import { SeamsError } from '../../util/errors.js';
import { closest } from '../../core/strings.js';
import { plural } from '../../util/strings.js';
import { repoFolders, writeOutput, type CliIO } from '../io.js';
import { NO_CACHE_HELP, ROOT_ALIAS_HELP, type SetExit } from '../types.js';

export interface GapsCommandOptions {
  /** false with --no-cache */
  cache?: boolean;
  format: 'text' | 'json' | 'markdown';
  failOn?: GapSeverity;
  why?: string[];
  verbose?: boolean;
  config?: string;
  db?: string;
  reach?: ReachMode;
  output?: string;
  /** For tests: the date targets are measured against. */
  now?: Date;
}

export function registerGaps(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command('gaps')
    .description('workflows without integration tests, requirements without tests, and progress towards targets')
    .argument('[paths...]', 'repository folders (default: the current one)')
    .option('--root <dir>', ROOT_ALIAS_HELP)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a gap of this severity or worse exists').choices([...SEVERITIES]))
    .option('--why <id...>', 'which tests reach this workflow or component, and how (workflow:<id> / component:<id> when an id is both)')
    .option('-V, --verbose', 'show reach paths for every workflow, and every test of a --why component')
    .option('-c, --config <file>', 'seams.yaml to use (single repository only)')
    .addOption(new Option('--reach <mode>', REACH_HELP).choices([...REACH_MODES]).default('auto'))
    .option('--db <url>', 'history database measured reach is read from (sqlite:path or postgresql://…; default from seams.yaml or .seams/history.db)')
    .option('--no-cache', NO_CACHE_HELP)
    .option('-o, --output <file>', 'write the output to a file instead of stdout')
    .addHelpText(
      'after',
      `
Reach: a test reaches a component through its imports, a component marker or workflow tag, or —
where the history holds what the test executed (seams run --reach) — through execution: it then
reaches the components whose files it executed, not those it only imports (a mock).

Severity: a P1 workflow without an integration/e2e test is critical, P2 high, P3 medium
(also when reached only partially); requirements without a (fitting) test are medium (high when
critical); orphan / duplicate requirement ids and components no test reaches are low.

Examples:
  seams gaps                               the repository in the current folder
  seams gaps . --format markdown           tables for a planning document
  seams gaps . --why ecr-sync              which tests reach ecr-sync, and how
  seams gaps . --why ecr-pusher            every test reaching the component, per tier, with evidence
  seams gaps . --why ecr-pusher -f json    one object: exactly the tests reaching it (for scripts)
  seams gaps . --fail-on critical          for CI: exit 1 while a P1 workflow is uncovered

--why <id>: an id that names a workflow and a component shows the workflow; write
component:<id> (or workflow:<id>) to choose. With --format json it prints one object for one id
(schemas/gaps-why.schema.json): "tests" lists exactly the active tests that reach it under the
evidence in force and no other test id appears (--verbose adds importedNotExecutedTests).
--why prints text or JSON, not Markdown.

Exit codes: 0 analysed, 1 gaps at or above --fail-on, 2 bad path or configuration.`,
    )
    .action(async (paths: string[], opts: GapsCommandOptions & { root?: string }) => {
      setExit(await gapsCommand(repoPaths(paths, opts.root), opts, io));
    });
}

/** Scans and analyses each repo (shared by gaps and trace), paths relative to the working folder. */
export function analyzePaths(
  paths: readonly string[],
  opts: {
    config?: string;
    now?: Date;
    examples?: number;
    cache?: boolean;
    why?: { components?: readonly string[]; workflows?: readonly string[] };
    reach?: ReachMode;
    db?: string;
  },
  io: CliIO,
): Promise<RepoAnalysis[]> {
  return analyze(
    repoFolders(io, paths),
    {
      config: opts.config && path.resolve(io.cwd, opts.config),
      now: opts.now,
      examples: opts.examples,
      cache: opts.cache,
      env: io.env,
      why: opts.why,
      reach: opts.reach,
      db: opts.db,
    },
  );
}

/** A `--why` argument: `workflow:<id>`, `component:<id>`, or a bare id (a workflow first). */
interface WhyRequest {
  arg: string;
  kind?: 'workflow' | 'component';
  id: string;
}

function parseWhy(arg: string): WhyRequest {
  const m = /^(workflow|component):(.+)$/.exec(arg);
  return m ? { arg, kind: m[1] as WhyRequest['kind'], id: m[2]! } : { arg, id: arg };
}

/** Which workflow or component each `--why` names: exit 2 with "did you mean" for an id that is neither. */
function resolveWhy(requests: readonly WhyRequest[], analyses: readonly RepoAnalysis[], io: CliIO): { workflows: string[]; components: string[] } {
  const workflows = [...new Set(analyses.flatMap((a) => a.workflows.workflows.map((x) => x.id)))];
  const components = [...new Set(analyses.flatMap((a) => a.workflows.components.map((x) => x.id)))];
  const out = { workflows: [] as string[], components: [] as string[] };
  for (const r of requests) {
    const isWorkflow = workflows.includes(r.id);
    const isComponent = components.includes(r.id);
    if (r.kind === 'workflow' ? isWorkflow : r.kind === 'component' ? isComponent : isWorkflow || isComponent) {
      const kind = r.kind ?? (isWorkflow ? 'workflow' : 'component');
      if (!r.kind && isWorkflow && isComponent)
        io.stderr.write(`seams: note: "${r.id}" is a workflow and a component; showing the workflow (--why component:${r.id} for the component)\n`);
      out[kind === 'workflow' ? 'workflows' : 'components'].push(r.id);
      continue;
    }
    const known = r.kind === 'workflow' ? workflows : r.kind === 'component' ? components : [...workflows, ...components];
    const guess = closest(r.id, known);
    const what = r.kind ?? 'workflow or component';
    throw new SeamsError('SEAMS_UNKNOWN_WORKFLOW', `--why: unknown ${what} "${r.id}"${guess ? ` (did you mean "${guess}"?)` : ''}`, {
      hint: known.length
        ? [r.kind !== 'component' && workflows.length ? `workflows: ${workflows.join(', ')}` : '', r.kind !== 'workflow' && components.length ? `components: ${components.join(', ')}` : ''].filter(Boolean).join('; ')
        : 'declare components: and workflows: in seams.yaml',
    });
  }
  return out;
}

export async function gapsCommand(paths: string[], opts: GapsCommandOptions, io: CliIO): Promise<number> {
  const requests = (opts.why ?? []).map(parseWhy);
  if (opts.format === 'json' && requests.length > 1)
    throw new SeamsError('SEAMS_USAGE', `--why with --format json answers one id, got ${requests.length}: ${requests.map((r) => r.arg).join(', ')}`, {
      hint: 'run seams gaps --why <id> --format json once per id',
    });
  if (opts.format === 'markdown' && requests.length)
    throw new SeamsError('SEAMS_USAGE', '--why prints text or JSON, not Markdown', { hint: 'seams gaps --why <id> (text) or --format json' });
  const ids = requests.map((r) => r.id);
  const analyses = await analyzePaths(paths, { ...opts, why: requests.length ? { components: ids, workflows: ids } : undefined }, io);
  const why = resolveWhy(requests, analyses, io);
  if (opts.format === 'json' && requests.length) {
    const text = gapsWhyRenderers.json(whyAnswer(analyses, why), { verbose: opts.verbose });
    if (opts.output) await writeOutput(io, opts.output, text);
    else io.stdout.write(text);
    return exitCodeFor(analyses, opts.failOn, io);
  }
  const text = gapsRenderers[opts.format](analyses, {
    now: opts.now,
    why: why.workflows,
    whyComponents: why.components,
    verbose: opts.verbose,
    cwd: io.cwd,
    width: io.stdout.isTTY && !opts.output ? io.stdout.columns : undefined,
  });
  if (opts.output) await writeOutput(io, opts.output, text);
  else io.stdout.write(text);
  return exitCodeFor(analyses, opts.failOn, io);
}

/** The one answer of `--why <id> --format json`: the id must name a workflow or component of one repository. */
function whyAnswer(analyses: readonly RepoAnalysis[], why: { workflows: string[]; components: string[] }): Parameters<typeof gapsWhyRenderers.json>[0] {
  const kind = why.workflows.length ? 'workflow' : 'component';
  const id = why.workflows[0] ?? why.components[0]!;
  type Answer = Parameters<typeof gapsWhyRenderers.json>[0];
  const found = analyses.flatMap((a): Answer[] =>
    kind === 'workflow'
      ? (a.workflows.why?.workflows ?? []).filter((w) => w.workflow === id).map((w) => ({ repo: a.name, workflow: w }))
      : (a.workflows.why?.components ?? []).filter((c) => c.component === id).map((c) => ({ repo: a.name, component: c })),
  );
  if (found.length > 1)
    throw new SeamsError('SEAMS_USAGE', `--why ${id}: ${found.length} repositories declare that ${kind} (${found.map((f) => f.repo).join(', ')})`, {
      hint: 'give one repository path with --why --format json',
    });
  return found[0]!;
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
