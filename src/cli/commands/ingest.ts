import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { DiscoveredTest, RunnerId } from '../../core/types.js';
import { loadConfig } from '../../config/index.js';
import type { ResultFormat } from '../../results/index.js';
import { isSeamsError } from '../../util/errors.js';
import { repoRoot } from '../../execute/root.js';
import { shardOption } from '../../execute/shard.js';
import type { CliIO } from '../io.js';
import type { SetExit } from '../types.js';

interface IngestCommandOptions {
  root: string;
  config?: string;
  db?: string;
  runId?: string;
  tier?: string;
  runner?: RunnerId;
  format?: ResultFormat;
  commit?: string;
  branch?: string;
  shard?: string;
  scan: boolean;
}

export function registerIngest(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command('ingest')
    .description('store results produced elsewhere (CI shards, other machines) in history; merges shards of one run')
    .argument('<files...>', 'seams results files (seams run -o), JUnit XML, Jest/Vitest/Playwright JSON, go test -json')
    .option('--root <dir>', 'repository the results belong to (joins them to its test ids)', '.')
    .option('-c, --config <file>', 'seams.yaml to use')
    .option('--db <url>', 'history database (default: SEAMS_DATABASE_URL, history.db in seams.yaml, sqlite:.seams/history.db)')
    .option('--run-id <id>', 'run id (default: the id in seams results files, or derived from the files’ content)')
    .option('--tier <tier>', 'tier of results that match no inventory test')
    .addOption(new Option('--runner <runner>', 'runner that produced JUnit XML').choices(['pytest', 'vitest', 'jest', 'playwright', 'mocha', 'node-test']))
    .addOption(new Option('--format <format>', 'format of the files (default: detected)').choices(['junit', 'jest', 'vitest', 'playwright', 'go']))
    .option('--commit <sha>', 'commit the results were produced on')
    .option('--branch <name>', 'branch the results were produced on')
    .option('--shard <i/n>', 'record the run as this shard')
    .option('--no-scan', 'do not scan the repository (results stay unjoined to inventory ids)')
    .addHelpText(
      'after',
      `
Examples:
  seams ingest report.xml --runner pytest --tier integration    JUnit XML from a pytest run elsewhere
  seams ingest shard*.json                       merge the shards of one CI run (seams run --shard i/n -o …)
  seams ingest results.json --db postgresql://ci@db/seams       into the team's history

Ingesting the same files twice changes nothing; a malformed or truncated file stores nothing.
Exit codes: 0 stored (or already stored), 2 usage error or unreadable/malformed input, 3 internal error.`,
    )
    .action(async (files: string[], opts: IngestCommandOptions) => {
      setExit(await ingestCommand(files, opts, io));
    });
}

export async function ingestCommand(files: string[], opts: IngestCommandOptions, io: CliIO): Promise<number> {
  const root = repoRoot(io, opts.root);
  if (opts.shard !== undefined) shardOption(opts.shard);
  const [{ scanConfigured }, { openHistory }, { ingestFiles }] = await Promise.all([
    import('../../scan/configured.js'),
    import('../../execute/history.js'),
    import('../../execute/ingest.js'),
  ]);
  let tests: readonly DiscoveredTest[] = [];
  let repo = path.basename(root);
  let config = (await loadConfig(root, opts.config)).config;
  if (opts.scan) {
    try {
      const { repos } = await scanConfigured([root], { configFile: opts.config });
      tests = repos[0]!.inventory.tests;
      repo = repos[0]!.inventory.name;
      config = repos[0]!.config.config;
    } catch (error) {
      if (!isSeamsError(error)) throw error;
      io.stderr.write(`seams: results are stored without test ids from the repository: ${error.message}\n`);
    }
  }
  const store = await openHistory(root, io, opts.db, config.history.db);
  try {
    const reports = await ingestFiles(
      files.map((f) => path.resolve(io.cwd, f)),
      { root, repo, tests, config, store, runId: opts.runId, tier: opts.tier, runner: opts.runner, format: opts.format, commit: opts.commit, branch: opts.branch, shard: opts.shard },
    );
    for (const r of reports) {
      const c = r.save.counts;
      const shards = (list: string[]) => `shard${list.length === 1 ? '' : 's'} ${list.join(', ')}`;
      if (!r.save.inserted)
        io.stdout.write(r.already?.length ? `${shards(r.already)} of run ${r.runId} already stored: nothing changed\n` : `run ${r.runId} is already stored: nothing changed\n`);
      else {
        const merged = r.save.merged || (r.added?.length ?? 0) > 0;
        const what = r.save.merged ? `${shards(r.added ?? [])} into run ${r.runId}` : `run ${r.runId}`;
        io.stdout.write(
          `${r.save.merged ? 'merged' : 'stored'} ${what} from ${r.files.length} file${r.files.length === 1 ? '' : 's'}: ${merged && r.save.merged ? 'now ' : ''}${c.total} results (${c.passed} passed, ${c.failed + c.error} failed, ${c.skipped} skipped, ${c.notRun} not run) — ${r.save.status}\n`,
        );
        if (r.already?.length) io.stdout.write(`  ${shards(r.already)} already stored: not added again\n`);
      }
      if (r.unknown) io.stderr.write(`  ${r.unknown} result${r.unknown === 1 ? '' : 's'} matched no test in the inventory (stored with known=false)\n`);
    }
    io.stdout.write(`history: ${store.location.replace(`${root}/`, '')}\n`);
  } finally {
    await store.close();
  }
  return 0;
}
