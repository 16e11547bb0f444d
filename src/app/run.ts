import type { RunRecord } from '../core/types.js';
import { preflightRun } from '../execute/plan.js';
import { newRunId } from '../execute/record.js';
import { executeRun, type ExecuteOptions, type ExecuteOutcome } from '../execute/run.js';
import type { ShardSpec } from '../execute/shard.js';
import { testKeyOf } from '../store/types.js';

import { loadRepos } from './repos.js';
import { resolveStoreSpec } from '../store/spec.js';
import type { ResultStore } from '../store/types.js';

/**
 * `seams run`: scan the repository, check the runners and services, run the tiers (`repeat`
 * times), and store every run in the history.
 */

export interface RunOptions extends Pick<ExecuteOptions, 'keepServices' | 'python' | 'timeoutMultiplier' | 'log' | 'info' | 'echo' | 'progress' | 'signal'> {
  /** Repository root (absolute). */
  root: string;
  /** Tiers to run; empty = every configured tier. */
  tiers?: readonly string[];
  /** Runner arguments (after `--`). */
  extraArgs?: readonly string[];
  config?: string;
  /** false (`--no-cache`): scan without `.seams/cache`. */
  cache?: boolean;
  db?: string;
  /** false: do not store the runs (default true). */
  history?: boolean;
  /** Run the selection this many times (default 1) and report tests whose outcome differs. */
  repeat?: number;
  shard?: ShardSpec;
  runId?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Measured reach (`--reach` / `--no-reach`): record which repository files each test executes
   * (pytest under coverage.py) and store it with the run. Default: seams.yaml `run.reach`.
   */
  reach?: boolean;
}

export interface DifferingTest {
  id: string;
  runner: string;
  project: string | null;
  /** The status in each repetition (`-` when it did not run). */
  outcomes: string[];
}

export interface RunResult {
  outcomes: ExecuteOutcome[];
  /** With repeat > 1: tests whose outcome was not the same every time. */
  differing?: DifferingTest[];
  /** Where the runs were stored (repo-relative for a file), when stored. */
  stored?: string;
}

export async function run(options: RunOptions): Promise<RunResult> {
  const { root, shard } = options;
  const tiers = options.tiers ?? [];
  const extraArgs = options.extraArgs ?? [];
  const env = options.env ?? process.env;
  const repeat = options.repeat ?? 1;
  const [{ inventory, config }] = await loadRepos([root], { config: options.config, cache: options.cache, env });
  const reach = options.reach ?? config.config.run?.reach === 'measured';
  // check before history is opened: a run that cannot start creates nothing (a shard needs
  // history for its split first; executeRun checks it then)
  const pre = shard ? undefined : preflightRun({ root, inventory, config, tiers, env, extraArgs, python: options.python, reach });
  // the history's address is checked now; the database is opened once the first run is done (the
  // runner starts sooner, and a runner that turns out not to be installed leaves no history behind)
  // — or before, for a shard, whose split needs the durations stored
  const historySpec = options.history !== false ? resolveStoreSpec({ db: options.db, env, configured: config.config.history.db }) : undefined;
  let store: ResultStore | undefined;
  let opening: Promise<ResultStore | undefined> | undefined;
  let storeModule: Promise<typeof import('../store/index.js')> | undefined;
  const loadStore = () => (storeModule ??= import('../store/index.js'));
  // opened once, however many ask at the same time (the live ETA's durations, then the save)
  const history = () =>
    (opening ??= (async () => (store = historySpec ? await (await loadStore()).openStore(historySpec, root) : undefined))());
  // the live ETA: the history's durations, read once the runner runs (never before pre-flight)
  let durationsAsked = false;
  let durations: Map<string, number> | undefined;
  const askDurations = () => {
    const progress = options.progress;
    if (durationsAsked || !progress?.live || !progress.setDurations || !historySpec) return;
    durationsAsked = true;
    // a shard read them already for its split
    void (durations ? Promise.resolve(durations) : history().then((s) => s?.durations({ repo: inventory.name, limit: 20 })))
      .then((d) => d && progress.setDurations!(d))
      .catch(() => undefined); // no ETA from history then: the pace gives one
  };
  const outcomes: ExecuteOutcome[] = [];
  try {
    const baseId = options.runId ?? newRunId();
    // shards stored earlier under the same run id must not change this shard's split
    durations = shard && historySpec ? await (await history())!.durations({ repo: inventory.name, limit: 20, excludeRun: baseId }) : undefined;
    for (let i = 1; i <= repeat; i++) {
      if (options.signal?.aborted) break;
      const outcome = await executeRun({
        root,
        inventory,
        config,
        tiers,
        extraArgs,
        reach,
        cache: options.cache,
        keepServices: options.keepServices,
        python: options.python,
        timeoutMultiplier: options.timeoutMultiplier,
        shard,
        durations,
        runId: repeat > 1 ? `${baseId}.${i}` : baseId,
        env,
        log: options.log,
        info: options.info,
        echo: options.echo,
        signal: options.signal,
        progress: options.progress,
        liveEvents: !!options.progress?.live,
        repetition: repeat > 1 ? i : undefined,
        preflighted: !shard,
        probesDeferred: pre?.probesDeferred,
        // the store's code (and its SQLite driver) loads while the tests run
        onRunnerStarted: historySpec
          ? () => {
              void loadStore();
              askDurations();
            }
          : undefined,
      });
      outcomes.push(outcome);
      if (historySpec) {
        const saved = await (await history())!.saveRun(outcome.reach?.data ? { ...outcome.run, reach: outcome.reach.data } : outcome.run);
        if (!saved.inserted)
          options.log(
            `seams: ${outcome.run.shard ? `shard ${outcome.run.shard} of run ${outcome.run.id}` : `run ${outcome.run.id}`} is already stored in history: this result was NOT stored again`,
          );
      }
    }
  } finally {
    await (store as ResultStore | undefined)?.close();
  }
  return {
    outcomes,
    ...(repeat > 1 && outcomes.length ? { differing: differingTests(outcomes.map((o) => o.run)) } : {}),
    ...(store ? { stored: (store as ResultStore).location.replace(`${root}/`, '') } : {}),
  };
}

/** Tests whose outcome was not the same in every repetition. */
export function differingTests(runs: readonly RunRecord[]): DifferingTest[] {
  const byTest = new Map<string, DifferingTest>();
  runs.forEach((run, i) => {
    for (const r of run.results) {
      const k = testKeyOf(r);
      const e = byTest.get(k) ?? { id: r.id, runner: r.runner, project: r.project, outcomes: Array.from({ length: runs.length }, () => '-') };
      e.outcomes[i] = r.status;
      byTest.set(k, e);
    }
  });
  return [...byTest.values()].filter((e) => new Set(e.outcomes).size > 1);
}

/** The seams results file (`--output`): one run, readable by `seams ingest` (schemas/results.schema.json). */
export function resultsDocument(run: RunRecord) {
  return { $schema: 'https://github.com/seams/seams/schemas/results.schema.json', kind: 'seams-results', version: 1, run };
}

/** Several runs (`--repeat`) as one results file. */
export function resultsDocumentOf(outcomes: readonly ExecuteOutcome[]) {
  return outcomes.length === 1 ? resultsDocument(outcomes[0]!.run) : { kind: 'seams-results', version: 1, runs: outcomes.map((o) => o.run) };
}
