import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { RunnerId } from '../../core/types.js';
import { ingestRenderers } from '../../report/renderers/history.js';
import type { IngestOptions } from '../../app/ingest.js';
import { repoRoot, shardOption } from '../../app/options.js';
import type { CliIO } from '../io.js';
import { NO_CACHE_HELP, type SetExit } from '../types.js';
import { resultFormatIds, runnerIds } from '../../runners/registry.js';

interface IngestCommandOptions {
  /** false with --no-cache */
  cache?: boolean;
  root: string;
  config?: string;
  db?: string;
  runId?: string;
  tier?: string;
  runner?: RunnerId;
  format?: IngestOptions['format'];
  commit?: string;
  branch?: string;
  shard?: string;
  replace?: boolean;
  scan: boolean;
}

export function registerIngest(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command('ingest')
    .description('store results produced elsewhere (CI shards, other machines) in history; merges shards of one run')
    .argument('<files...>', 'seams results files (seams run -o), JUnit XML, Jest/Vitest/Playwright JSON, go test -json')
    .option('--root <dir>', 'repository the results belong to (joins them to its test ids)', '.')
    .option('-c, --config <file>', 'seams.yaml to use')
    .option('--no-cache', NO_CACHE_HELP)
    .option('--db <url>', 'history database (default: SEAMS_DATABASE_URL, history.db in seams.yaml, sqlite:.seams/history.db)')
    .option('--run-id <id>', 'run id (default: the id in seams results files, or derived from the files’ content, whatever their order)')
    .option('--tier <tier>', 'tier of results that match no inventory test')
    .addOption(new Option('--runner <runner>', 'runner that produced JUnit XML').choices(runnerIds()))
    .addOption(new Option('--format <format>', 'format of the files (default: detected)').choices(resultFormatIds()))
    .option('--commit <sha>', 'commit the results were produced on')
    .option('--branch <name>', 'branch the results were produced on')
    .option('--shard <i/n>', 'record the run as this shard')
    .option('--replace', 'replace a stored run (same run id) whose results differ from these files, in one transaction; with shards, give them all')
    .option('--no-scan', 'do not scan the repository (results stay unjoined to inventory ids)')
    .addHelpText(
      'after',
      `
Examples:
  seams ingest report.xml --runner pytest --tier integration    JUnit XML from a pytest run elsewhere
  seams ingest shard*.json                       merge the shards of one CI run (seams run --shard i/n -o …)
  seams ingest results.json --db postgresql://ci@db/seams       into the team's history

The run is a function of the files' content: the same files in any order are one run, a file given
twice (same path or same content) is read once, and ingesting them again changes nothing ("already
stored"; --commit/--branch/--tier that differ from the stored run get a warning: they are not applied).
Results that differ from a run (or shard) stored under the same id are refused with the difference
unless --replace. A malformed, truncated or empty report stores nothing.
Exit codes: 0 stored (or already stored), 1 differs from the stored run (see --replace),
2 usage error or unreadable/malformed/empty input, 3 internal error.`,
    )
    .action(async (files: string[], opts: IngestCommandOptions) => {
      setExit(await ingestCommand(files, opts, io));
    });
}

export async function ingestCommand(files: string[], opts: IngestCommandOptions, io: CliIO): Promise<number> {
  const root = repoRoot(io, opts.root);
  if (opts.shard !== undefined) shardOption(opts.shard);
  const { ingest } = await import('../../app/ingest.js');
  const result = await ingest(
    files.map((f) => path.resolve(io.cwd, f)),
    {
      ...{ root, config: opts.config, cache: opts.cache, db: opts.db, env: io.env, runId: opts.runId, tier: opts.tier, runner: opts.runner, format: opts.format },
      ...{ commit: opts.commit, branch: opts.branch, shard: opts.shard, replace: opts.replace, scan: opts.scan },
      onNote: (line) => io.stderr.write(`seams: ${line}\n`),
      onUnjoined: (why) => io.stderr.write(`seams: results are stored without test ids from the repository: ${why}\n`),
    },
  );
  const text = ingestRenderers.text(result.reports, result.location);
  for (const r of result.reports) if (r.replaced) io.stdout.write(`replaced the stored run ${r.runId}\n`);
  io.stdout.write(text.stdout);
  io.stderr.write(text.stderr);
  return 0;
}
