import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { Option } from 'commander';
import { repoRoot } from '../../app/options.js';
import type { DeletionPlan, RunStatus } from '../../app/history-admin.js';
import type { RunRecord, TestResult } from '../../core/types.js';
import { SeamsError } from '../../util/errors.js';
import { textTable } from '../../util/table.js';
import { terminal } from '../../util/term.js';
import type { CliIO } from '../io.js';
import type { SetExit } from '../types.js';

/** `seams history list|show|rm|prune`: see and curate the stored runs. */

interface CommonOptions {
  root: string;
  config?: string;
  db?: string;
  format: 'text' | 'json';
}
interface ListOptions extends CommonOptions {
  limit?: string;
  branch?: string;
  tier?: string;
  status?: RunStatus;
  repo?: string;
}
interface DeleteOptions extends CommonOptions {
  yes?: boolean;
  dryRun?: boolean;
}
interface PruneOptions extends DeleteOptions {
  keep?: string;
  before?: string;
  branch?: string;
  status?: RunStatus;
  repo?: string;
}

/** Asks the user a question on the terminal; null when there is no terminal to ask on. */
export type Ask = ((question: string) => Promise<string>) | null;

function terminalAsk(): Ask {
  if (!process.stdin.isTTY) return null;
  return (question) =>
    new Promise((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      rl.question(question, (answer) => {
        rl.close();
        resolve(answer);
      });
    });
}

const DB_HELP = 'history database: sqlite:path or postgresql://… (default: SEAMS_DATABASE_URL, history.db in seams.yaml, sqlite:.seams/history.db)';
const STATUSES: RunStatus[] = ['passed', 'failed', 'error', 'incomplete'];

function common(cmd: Command): Command {
  return cmd
    .option('--root <dir>', 'repository root', '.')
    .option('-c, --config <file>', 'seams.yaml to use')
    .option('--db <url>', DB_HELP)
    .addOption(new Option('-f, --format <format>', 'output').choices(['text', 'json']).default('text'));
}

export function registerHistory(program: Command, io: CliIO, setExit: SetExit, ask: () => Ask = terminalAsk): void {
  const history = program
    .command('history')
    .description('see and curate the stored runs: list, show, rm, prune')
    .addHelpText(
      'after',
      `
Examples:
  seams history list                              the newest 20 runs
  seams history show 20260301T1000                one run and its results (a unique id prefix is enough)
  seams history rm 20260301T100000-ab12cd --yes   delete a run and everything stored with it
  seams history prune --status incomplete --yes   delete the runs that could not run their tests
  seams history prune --keep 200 --dry-run        what keeping the newest 200 runs per repository would delete

Reading (list, show) never creates a database. rm and prune delete in one transaction (all or
nothing), ask for confirmation on a terminal and need --yes without one (CI).
See docs/history.md.
Exit codes: 0 done, 1 confirmation declined, 2 usage error (unknown or ambiguous run id, bad
date, no --yes without a terminal), 3 internal error.`,
    );

  common(history.command('list'))
    .description('the stored runs, newest first: id, start, branch, commit, tiers, status, counts, duration')
    .option('-n, --limit <n>', 'how many runs (default 20)')
    .option('--branch <name>', 'only runs on this branch')
    .option('--tier <tier>', 'only runs that included this tier')
    .addOption(new Option('--status <status>', 'only runs with this status').choices(STATUSES))
    .option('--repo <name>', 'only runs of this repository (shared databases)')
    .addHelpText(
      'after',
      `
Examples:
  seams history list
  seams history list --status incomplete          runs whose runner wrote no report or stopped at collection
  seams history list --branch main --tier integration -n 50
  seams history list --format json                for scripts: { location, runs: [...] }

Incomplete runs are listed here (status incomplete) although nothing else counts them.
An empty or missing history says so and exits 0; nothing is created.
Exit codes: 0 listed (also when there is nothing), 2 usage error, 3 internal error.`,
    )
    .action(async (opts: ListOptions) => setExit(await historyListCommand(opts, io)));

  common(history.command('show'))
    .description('one run: its header and every result, failures first')
    .argument('<run-id>', 'the run id, or a prefix of it that only one run has')
    .addHelpText(
      'after',
      `
Examples:
  seams history show 20260301T100000-ab12cd
  seams history show 20260301T10                  a prefix is enough when only one run has it
  seams history show 20260301T10 --format json    the whole run record

Exit codes: 0 shown, 2 an id that matches no run or a prefix several runs share (they are
listed), 3 internal error.`,
    )
    .action(async (id: string, opts: CommonOptions) => setExit(await historyShowCommand(id, opts, io)));

  common(history.command('rm'))
    .description('delete runs and everything stored with them (results, tiers, shards, measured reach)')
    .argument('<run-id...>', 'run ids, or prefixes that only one run has')
    .option('-y, --yes', 'do not ask (needed without a terminal, e.g. in CI)')
    .option('--dry-run', 'list what would be deleted, delete nothing')
    .addHelpText(
      'after',
      `
Examples:
  seams history rm 20260301T100000-ab12cd          asks "Delete 1 run? [y/N]" on a terminal
  seams history rm 20260301T1000 20260302T0930 --yes
  seams history rm 20260301T1000 --dry-run

All the runs go in one transaction, or none, with their results, tiers, shards and measured
reach. On a terminal seams lists them and asks; without one (CI) it needs --yes.
Exit codes: 0 deleted (or --dry-run), 1 confirmation declined, 2 an id that matches no run or
several (nothing is deleted), no --yes without a terminal, 3 internal error.`,
    )
    .action(async (ids: string[], opts: DeleteOptions) => setExit(await historyRmCommand(ids, opts, io, ask())));

  common(history.command('prune'))
    .description('delete runs by age, number, branch or status')
    .option('--keep <n>', 'keep the newest n runs of each repository (among those the other options select)')
    .option('--before <date>', 'only runs started before this ISO date (2026-01-31, midnight UTC) or time (2026-01-31T12:00:00Z)')
    .option('--branch <name>', 'only runs on this branch')
    .addOption(new Option('--status <status>', 'only runs with this status').choices(STATUSES))
    .option('--repo <name>', 'only runs of this repository (shared databases)')
    .option('-y, --yes', 'do not ask (needed without a terminal, e.g. in CI)')
    .option('--dry-run', 'list what would be deleted, delete nothing')
    .addHelpText(
      'after',
      `
Examples:
  seams history prune --status incomplete --yes           runs that could not run their tests
  seams history prune --keep 200 --yes                    keep the newest 200 runs of each repository
  seams history prune --before 2026-01-01 --dry-run       what is older than 2026
  seams history prune --branch feature/old-idea --yes     the runs of a deleted branch
  seams history prune --branch main --keep 100 --before 2026-06-01

The options combine: a run goes when it matches every filter given (--branch, --status, --repo,
--before) and is not among the newest --keep runs of its repository that match them. At least
one option is needed. Everything goes in one transaction; on a terminal seams lists the runs
and asks, without one (CI) it needs --yes. --keep counts runs per repository, newest first.
Exit codes: 0 deleted (or nothing to prune, or --dry-run), 1 confirmation declined, 2 usage
error (bad --before date, no option, no --yes without a terminal), 3 internal error.`,
    )
    .action(async (opts: PruneOptions) => setExit(await historyPruneCommand(opts, io, ask())));
}

function target(opts: CommonOptions, io: CliIO) {
  return { root: repoRoot(io, opts.root), config: opts.config, db: opts.db, env: io.env };
}

function wholeNumber(text: string | undefined, flag: string, min: number, hint: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) throw new SeamsError('SEAMS_USAGE', `${flag} must be a whole number${min ? ` of at least ${min}` : ''}, got ${text}`, { hint });
  return n;
}

const secs = (ms: number) => (ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s` : `${(ms / 1000).toFixed(1)}s`);
const when = (iso: string) => iso.replace('T', ' ').replace(/(:\d{2})(\.\d+)?Z$/, '$1Z');
const oneLine = (s: string | undefined, max = 100) => {
  const line = (s ?? '').split('\n').find((l) => l.trim()) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

type Summary = Awaited<ReturnType<typeof import('../../app/history-admin.js').listHistory>>['runs'][number];

/**
 * The runs as a table. On a terminal it fits the width (term.ts): numbers compacted, the tiers,
 * the branch and the commit cut with …, then, when that is not enough, the start shortened to
 * `12-07 10:00` and the commit, tiers, not-run and skipped columns left out (the table says so).
 * The id stays whole: it is what `history show` and `history rm` take. With --wide, in a pipe or
 * a file: the full text.
 */
function runsTable(runs: readonly Summary[]): string {
  const table = (started: (iso: string) => string, drop: number[]) =>
    textTable(
      ['id', 'started', 'branch', 'commit', 'tiers', 'status', 'passed', 'failed', 'skipped', 'not run', 'time'],
      runs.map((r) => [
        r.id,
        started(r.startedAt),
        r.branch ?? '-',
        r.commit?.slice(0, 10) ?? '-',
        r.tiers.join(',') || '-',
        r.status,
        r.counts.passed,
        r.counts.failed + r.counts.error,
        r.counts.skipped,
        r.counts.notRun,
        secs(r.durationMs),
      ]),
      '  ',
      { shrink: [4, 2, 3], minWidth: { 0: 40, 1: 20, 4: 8, 2: 8, 3: 7 }, drop },
    );
  const fitted = table(when, []);
  // cutting text was enough when every id and start is still whole (without a width: the full table)
  if (!terminal().width || runs.every((r) => fitted.includes(r.id) && fitted.includes(when(r.startedAt)))) return fitted;
  return table(short, [3, 4, 9, 8]);
}

/** `2026-12-07T10:00:00.000Z` → `12-07 10:00` (UTC), for a narrow terminal. */
const short = (iso: string) => when(iso).slice(5, 16);

export async function historyListCommand(opts: ListOptions, io: CliIO): Promise<number> {
  const limit = wholeNumber(opts.limit, '--limit', 1, 'seams history list --limit 50 lists the newest 50 runs (default 20)');
  const { listHistory } = await import('../../app/history-admin.js');
  const { runs, location } = await listHistory(target(opts, io), { limit, branch: opts.branch, tier: opts.tier, status: opts.status, repo: opts.repo });
  if (opts.format === 'json') {
    io.stdout.write(`${JSON.stringify({ location, runs }, null, 2)}\n`);
    return 0;
  }
  const filtered = opts.branch !== undefined || opts.tier !== undefined || opts.status !== undefined || opts.repo !== undefined;
  if (!runs.length) {
    io.stdout.write(filtered ? `no runs match in history (${location})\n` : `no runs in history (${location}) yet: run seams run or seams ingest first\n`);
    return 0;
  }
  io.stdout.write(`${runs.length} run${runs.length === 1 ? '' : 's'} in ${location}, newest first${runs.length === (limit ?? 20) ? ` (the newest ${runs.length}: --limit for more)` : ''}\n\n`);
  io.stdout.write(`${runsTable(runs)}\n`);
  return 0;
}

const ORDER: Record<TestResult['status'], number> = { failed: 0, error: 1, 'not-run': 2, xpassed: 3, skipped: 4, xfailed: 5, passed: 6 };

export function renderRunDetail(run: RunRecord, location: string): string {
  const counts = { passed: 0, failed: 0, error: 0, skipped: 0, xfailed: 0, xpassed: 0, 'not-run': 0 } as Record<string, number>;
  for (const r of run.results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  const lines = [
    `run ${run.id} · ${run.repo} · ${location}`,
    `  status:   ${run.status}${run.environment.interrupted ? ' (interrupted)' : ''}`,
    `  started:  ${when(run.startedAt)} (${secs(Math.max(0, Date.parse(run.finishedAt) - Date.parse(run.startedAt)))})`,
    `  branch:   ${run.branch ?? '-'}`,
    `  commit:   ${run.commit ?? '-'}`,
    `  tiers:    ${run.tiers.join(', ') || '-'}${run.shard ? ` · shard ${run.shard}` : run.environment.shards ? ` · shards ${run.environment.shards}` : ''}`,
    `  results:  ${run.results.length} (${counts.passed} passed, ${counts.failed! + counts.error!} failed, ${counts.skipped} skipped, ${counts['not-run']} not run${counts.xfailed ? `, ${counts.xfailed} xfailed` : ''}${counts.xpassed ? `, ${counts.xpassed} xpassed` : ''})`,
  ];
  if (run.services.length) lines.push(`  services: ${run.services.map((s) => `${s.name} ${s.status}`).join(', ')}`);
  if (run.incomplete) {
    lines.push(`  incomplete: ${run.incomplete.reason}`);
    if (run.incomplete.log) lines.push(`  log:      ${run.incomplete.log}`);
    if (run.incomplete.errorText) lines.push(`  the runner's output (end):`, ...run.incomplete.errorText.split('\n').map((l) => `    | ${l}`));
  }
  const sorted = [...run.results].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  if (sorted.length) {
    lines.push(
      '',
      textTable(
        ['status', 'test', 'tier', 'time', 'message'],
        sorted.map((r) => [r.flaky ? `${r.status} (flaky)` : r.status, `${r.id}${r.project ? ` [${r.project}]` : ''}`, r.tier ?? '-', secs(r.durationMs), oneLine(r.message ?? r.reason)]),
        '  ',
        // on a terminal the message goes first, then the test's id (full with --wide and in pipes)
        { shrink: [4, 1], minWidth: { 4: 16, 1: 24 } },
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function historyShowCommand(id: string, opts: CommonOptions, io: CliIO): Promise<number> {
  const { showRun } = await import('../../app/history-admin.js');
  const { run, location } = await showRun(target(opts, io), id);
  io.stdout.write(opts.format === 'json' ? `${JSON.stringify(run, null, 2)}\n` : renderRunDetail(run, location));
  return 0;
}

/** Lists the plan, asks (or needs --yes), deletes; the plan is closed whatever happens. */
async function carryOut(plan: DeletionPlan, opts: DeleteOptions, io: CliIO, ask: Ask, what: string): Promise<number> {
  try {
    const n = plan.runs.length;
    const plural = (k: number) => `${k} run${k === 1 ? '' : 's'}`;
    const json = opts.format === 'json';
    if (!n) {
      io.stdout.write(json ? `${JSON.stringify({ location: plan.location, dryRun: !!opts.dryRun, runs: [], deleted: { runs: 0, results: 0 } }, null, 2)}\n` : `nothing to ${what} in ${plan.location}\n`);
      return 0;
    }
    if (!json) io.stdout.write(`${opts.dryRun ? 'would delete' : 'deleting'} ${plural(n)} from ${plan.location}:\n\n${runsTable(plan.runs)}\n`);
    if (opts.dryRun) {
      if (json) io.stdout.write(`${JSON.stringify({ location: plan.location, dryRun: true, runs: plan.runs.map((r) => r.id) }, null, 2)}\n`);
      return 0;
    }
    if (!opts.yes) {
      if (!ask)
        throw new SeamsError('SEAMS_USAGE', `deleting ${plural(n)} needs confirmation, and there is no terminal to ask on`, {
          hint: 'add --yes to delete without asking (or --dry-run to see what would go)',
        });
      const answer = await ask(`Delete ${plural(n)}? [y/N] `);
      if (!/^y(es)?$/i.test(answer.trim())) {
        io.stderr.write('seams: nothing deleted\n');
        return 1;
      }
    }
    const deleted = await plan.apply();
    io.stdout.write(
      json
        ? `${JSON.stringify({ location: plan.location, dryRun: false, runs: plan.runs.map((r) => r.id), deleted }, null, 2)}\n`
        : `deleted ${plural(deleted.runs)} (${deleted.results} result${deleted.results === 1 ? '' : 's'}) from ${plan.location}\n`,
    );
    return 0;
  } finally {
    await plan.close();
  }
}

export async function historyRmCommand(ids: string[], opts: DeleteOptions, io: CliIO, ask: Ask): Promise<number> {
  const { planRemove } = await import('../../app/history-admin.js');
  return carryOut(await planRemove(target(opts, io), ids), opts, io, ask, 'delete');
}

export async function historyPruneCommand(opts: PruneOptions, io: CliIO, ask: Ask): Promise<number> {
  const keep = wholeNumber(opts.keep, '--keep', 0, 'seams history prune --keep 200 keeps the newest 200 runs of each repository');
  const { parseBefore, planPrune } = await import('../../app/history-admin.js');
  const before = opts.before === undefined ? undefined : parseBefore(opts.before);
  if (keep === undefined && before === undefined && opts.branch === undefined && opts.status === undefined && opts.repo === undefined)
    throw new SeamsError('SEAMS_USAGE', 'seams history prune needs at least one of --keep, --before, --branch, --status, --repo', {
      hint: 'seams history prune --status incomplete --dry-run shows the runs that could not run their tests',
    });
  return carryOut(await planPrune(target(opts, io), { keep, before, branch: opts.branch, status: opts.status, repo: opts.repo }), opts, io, ask, 'prune');
}
