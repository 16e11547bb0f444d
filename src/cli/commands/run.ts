import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Option } from 'commander';
import { repoAndTiers, shardOption } from '../../app/options.js';
import { CONVENTIONAL_TIERS } from '../../core/types.js';
import { runRenderers } from '../../report/renderers/history.js';
import { SeamsError } from '../../util/errors.js';
import { isInteractive } from '../../util/progress.js';
import { decideColor } from '../../util/term.js';
import { runDisplay } from '../run-progress.js';
import type { RunResult } from '../../app/run.js';
import { runners } from '../../runners/registry.js';
import type { CliIO } from '../io.js';
import { NO_CACHE_HELP, type SetExit } from '../types.js';

export interface RunCommandOptions {
  /** false with --no-cache */
  cache?: boolean;
  root?: string;
  config?: string;
  db?: string;
  history: boolean;
  keepServices?: boolean;
  python?: string;
  timeoutMultiplier?: string;
  repeat?: string;
  shard?: string;
  runId?: string;
  format: 'text' | 'json';
  output?: string;
  verbose?: boolean;
  /** --reach / --no-reach (undefined: seams.yaml run.reach) */
  reach?: boolean;
  /** The global --no-color. */
  noColor?: boolean;
}

export function registerRun(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command('run')
    .description('run tiers with the services they need, store every result in history')
    .argument('[tiers-and-path...]', 'tiers to run (default: every configured tier) and the repository folder (default: the current one), in any order; runner arguments after --')
    .option('--root <dir>', 'repository folder: an alias of the folder argument')
    .option('-c, --config <file>', 'seams.yaml to use')
    .option('--no-cache', NO_CACHE_HELP)
    .option('--db <url>', 'history database: sqlite:path or postgresql://… (default: SEAMS_DATABASE_URL, history.db in seams.yaml, sqlite:.seams/history.db)')
    .option('--no-history', 'do not store the run')
    .option('--keep-services', 'leave the services running afterwards (stop them with seams services down)')
    .option('--python <interpreter>', 'Python interpreter for the Python runners (default: $SEAMS_PYTHON, else python3)')
    .option('--timeout-multiplier <n>', 'multiply every readiness deadline and tier timeout (slow machines); also SEAMS_TIMEOUT_MULTIPLIER')
    .option('--repeat <n>', 'run the selection n times and report tests whose outcome differs (default 1)')
    .option('--shard <i/n>', 'run shard i of n, balanced by historical durations')
    .option('--run-id <id>', 'run id (CI: the same id on every shard, then seams ingest merges them)')
    .option('--reach', 'measure which repository files each test executes (pytest under coverage.py) and store it with the run, for gaps, trace, gate and the report (default: run.reach in seams.yaml)')
    .option('--no-reach', 'do not measure reach, whatever seams.yaml says')
    .addOption(new Option('-f, --format <format>', 'output').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'also write the run as a seams results file (for seams ingest)')
    .option('-V, --verbose', "show the runners' output live")
    .addHelpText(
      'after',
      `
Examples:
  seams run integration                 start the tier's services, run it, tear down
  seams run integration examples/platform    the same in another repository (or: examples/platform integration)
  seams run integration -- -x -k db     extra arguments for the runner (a tier with one runner)
  seams run integration -- pytest: -k ecr vitest: -t audit    per runner, when the tier has several
  seams run --repeat 5 integration      determinism check: tests whose outcome differs
  seams run --shard 2/4 --run-id $CI_ID -o shard2.json    one shard; merge with seams ingest
  seams run --reach --python /usr/bin/python3    measured reach: per test, the files it executed

--reach runs pytest under coverage.py (python -m coverage run, with a configuration seams writes;
the repository's own coverage settings are not read) with one coverage context per test, goes on
past files that fail to collect (and lists them), and stores per test the repository files it
executed, with their content hash, in the history. A tier command is measured when it runs
<python> -m pytest. Other runners keep static (import) reach; the output says so. coverage.py
must be installed for the interpreter (apt-get install python3-coverage, or pip install coverage).

An argument that is an existing folder is the repository, any other one a tier; a conventional tier
name (unit, integration, e2e, …) stays a tier even where a folder of that name exists (write ./e2e
for the folder). An unknown tier gets a "did you mean" and the list of tiers.

Before anything starts, seams checks that every runner is installed (node_modules/.bin/vitest,
python3 with pytest, …) and every required service can start; progress lines appear on a
terminal only (not with CI set or stderr redirected).

A run whose runner wrote no report, or that stopped at collection (pytest exit 2-4 with only
collection errors: an ImportError in a test file, a conftest.py that raises), is stored as
incomplete, with the end of the runner's log (4 kB, secrets masked) and the log's path; its tests
get no "not run" rows, and it never counts in trends, pass rates, flaky tests, gates or durations.
Its summary ends with INCOMPLETE: <reason> instead of PASSED:/FAILED:, and it exits 1.
seams history list --status incomplete lists such runs, seams history prune --status incomplete
removes them.

Exit codes: 0 all passed, 1 failures (or skips in strict tiers, or tests not run, or an
incomplete run),
2 usage, configuration or pre-flight errors (runner not installed, missing service, unknown tier),
3 internal error, 130/143 interrupted.`,
    )
    .action(async (tiersAndExtra: string[], opts: RunCommandOptions) => {
      const raw = (program as unknown as { rawArgs: string[] }).rawArgs ?? [];
      const dd = raw.indexOf('--');
      const extra = dd === -1 ? [] : raw.slice(dd + 1);
      const tiers = tiersAndExtra.slice(0, tiersAndExtra.length - extra.length);
      // the global --no-color (program option) also governs the live progress on stderr
      const noColor = (program.opts() as { color?: boolean }).color === false;
      setExit(await runCommand(tiers, extra, { ...opts, noColor }, io));
    });
}

export async function runCommand(args: string[], extraArgs: string[], opts: RunCommandOptions, io: CliIO): Promise<number> {
  const { root, tiers } = repoAndTiers(io, args, opts.root, CONVENTIONAL_TIERS, 'run');
  const repeat = Number(opts.repeat ?? 1);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 1000)
    throw new SeamsError('SEAMS_USAGE', `--repeat must be a whole number from 1 to 1000, got ${opts.repeat}`, { hint: 'seams run --repeat 5 integration runs the tier five times' });
  const shard = opts.shard === undefined ? undefined : shardOption(opts.shard);
  const multText = opts.timeoutMultiplier ?? io.env.SEAMS_TIMEOUT_MULTIPLIER;
  const timeoutMultiplier = multText === undefined ? 1 : Number(multText);
  if (!(timeoutMultiplier > 0))
    throw new SeamsError('SEAMS_USAGE', `the timeout multiplier must be a positive number, got ${multText}`, {
      hint: `${opts.timeoutMultiplier === undefined ? 'SEAMS_TIMEOUT_MULTIPLIER' : '--timeout-multiplier'} 2 doubles every readiness deadline and tier timeout`,
    });

  // loaded on use: other commands do not pay for the runner, services and store modules
  const { run, resultsDocumentOf } = await import('../../app/run.js');
  const interactive = isInteractive(io.stderr, io.env);
  // on a terminal the running task is drawn live (tests done, failures, ETA); elsewhere, and
  // under --verbose (the runner's own output is shown), one line per finished tier
  const display = runDisplay(io, {
    live: interactive && !opts.verbose,
    color: interactive && decideColor({ isTTY: true, env: io.env, noColor: opts.noColor }),
  });

  // Ctrl-C / SIGTERM: stop the runner and the services, store what ran, exit 130 / 143.
  const abort = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) return;
    signalled = sig;
    display.line(`\nseams: ${sig}: stopping the tests and the services…`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let result: Awaited<ReturnType<typeof run>>;
  try {
    result = await run({
      root,
      tiers,
      extraArgs,
      config: opts.config,
      cache: opts.cache,
      db: opts.db,
      history: opts.history,
      keepServices: opts.keepServices,
      python: opts.python,
      timeoutMultiplier,
      repeat,
      shard,
      runId: opts.runId,
      reach: opts.reach,
      env: io.env,
      log: (line) => display.line(line),
      // progress lines on a terminal only: with CI set or stderr not a TTY the output is the
      // result and a line per finished tier
      info: interactive || opts.verbose ? (line) => display.status(line) : undefined,
      echo: opts.verbose ? (chunk) => io.stderr.write(chunk) : undefined,
      signal: abort.signal,
      progress: display.progress,
    });
  } finally {
    display.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const { outcomes, differing, stored } = result;
  const last = outcomes[outcomes.length - 1];
  if (!last) return signalled === 'SIGINT' ? 130 : 143;
  if (opts.format === 'json') {
    const doc = repeat > 1 ? { runs: outcomes.map((o) => o.run), differing } : last.run;
    io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    for (const o of outcomes) {
      io.stdout.write(incompleteSummary(runRenderers.text(o.run, o.tasks, { stored }), o, stored));
      if (o.reach) io.stdout.write(reachLines(o.reach, !!stored && opts.history !== false));
    }
    if (differing) {
      io.stdout.write(`\nDeterminism over ${repeat} runs: ${differing.length ? `${differing.length} test(s) changed outcome` : 'every test had the same outcome'}\n`);
      for (const d of differing.slice(0, 50)) io.stdout.write(`  ≠ ${d.id}: ${d.outcomes.join(' ')}\n`);
    }
  }
  // -o is relative to the working folder of the CLI, as every other path argument
  if (opts.output) await writeFile(path.resolve(io.cwd, opts.output), `${JSON.stringify(resultsDocumentOf(outcomes), null, 2)}\n`);
  if (signalled) return signalled === 'SIGINT' ? 130 : 143;
  if (outcomes.some((o) => o.serviceFailure)) return 2;
  if (differing?.length) return 1;
  return outcomes.every((o) => o.run.status === 'passed') ? 0 : 1;
}

/**
 * An incomplete run's summary: the verdict line becomes `INCOMPLETE: <reason>` (other runs keep
 * `PASSED: …` / `FAILED: …`, which scripts read), after the runner's last words and its log.
 */
export function incompleteSummary(text: string, o: RunResult['outcomes'][number], stored: string | undefined): string {
  const info = o.run.status === 'incomplete' ? o.run.incomplete : undefined;
  if (!info) return text;
  const lines = text.replace(/\n$/, '').split('\n');
  if (/^(PASSED|FAILED|ERROR|INTERRUPTED): /.test(lines[lines.length - 1] ?? '')) lines.pop();
  while (lines.length && !lines[lines.length - 1]!.trim()) lines.pop();
  // the summary lists the last lines of a runner that wrote no report already
  const shown = o.tasks.some((t) => t.log === info.log && t.logTail?.length);
  if (info.errorText && !shown) lines.push('', `The runner's output (end of ${info.log ?? 'its log'}):`, ...info.errorText.split('\n').map((l) => `  | ${l}`));
  lines.push(
    '',
    'The tests did not run: this run is stored as incomplete and does not count in trends, pass rates, flaky tests, gates or durations.',
    `INCOMPLETE: ${info.reason}${info.log ? ` · log: ${info.log}` : ''}${stored ? ` · history: ${stored}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The measured-reach lines of the run summary (`seams run --reach`). */
export function reachLines(r: NonNullable<RunResult['outcomes'][number]['reach']>, stored: boolean): string {
  const lines: string[] = [];
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  lines.push(
    r.data
      ? `Reach: measured ${plural(r.measured, 'test')} (${plural(Object.keys(r.data.files).length, 'repository file')})${stored ? ', stored with the run' : ', not stored (--no-history)'}`
      : 'Reach: nothing measured, nothing stored',
  );
  const measured = runners.filter((x) => x.reach).map((x) => x.title).join(', ');
  for (const s of r.staticOnly)
    lines.push(
      `Reach: ${plural(s.tests, `${s.runner} test`)} ${s.tests === 1 ? 'keeps' : 'keep'} static reach (${s.tier ? `the command of tier ${s.tier} is not one seams can measure` : `measured: ${measured} tests`})`,
    );
  for (const i of r.incomplete) lines.push(`Reach: ${i.tier} · ${i.runner} not measured: ${i.why}`);
  if (r.collectErrors.length)
    lines.push(`Reach: ${plural(r.collectErrors.length, 'file')} failed to collect (the run went on without ${r.collectErrors.length === 1 ? 'it' : 'them'}): ${r.collectErrors.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
