import path from 'node:path';
import { analyzeRepoCore, type RepoAnalysisCore } from '../analysis/index.js';
import type { LoadedConfig } from '../config/index.js';
import { coverageEntriesUsed, flakyWindowsSuffice, historyWindow, needsAnalysis, ruleMetrics, type LoadedCoverage, type MetricInputs } from '../core/metrics/index.js';
import { FLAKY_WINDOW_RUNS } from '../core/flaky.js';
import type { RepoInventory } from '../core/types.js';
import { companionFilesOf } from '../runners/registry.js';
import { createFileLister } from '../workspace/files.js';
import { repoKey, type ConfiguredRepo } from '../scan/configured.js';
import type { Progress } from '../util/progress.js';
import { loadCoverageEntries } from './coverage.js';
import { loadHistory, type LoadedHistory } from './history.js';
import { measuredReachOf, type ReachMode } from './measured-reach.js';
import { relativePosix, toPosix } from '../util/paths.js';
import { loadRepos } from './repos.js';

/**
 * The per-repo pipeline every command shares: config and inventory (scan), then — each only
 * when asked — the history window, the coverage reports and the gaps analysis, gathered into the
 * plain MetricInputs that core evaluates synchronously.
 */

export interface HistoryWindow {
  /** Full runs per tier set. */
  runs: number;
  /** Full runs in total (default 100). */
  maxRuns?: number;
  /** Run summaries for trends (default 200). */
  summaries?: number;
}

export interface RepoContextOptions {
  /** seams.yaml to use (one repository only). */
  config?: string;
  /** false (`--no-cache`): scan without `.seams/cache`. */
  cache?: boolean;
  /** History database (`sqlite:path` or `postgresql://…`); default from seams.yaml or .seams/history.db. */
  db?: string;
  /** Environment (SEAMS_DB and friends); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** `rules`: the window the gates and targets need (none when no rule reads runs); false: none. */
  history?: false | 'rules' | HistoryWindow;
  /** A history that cannot be read: `throw` (default), or `note` it as missing and go on. */
  historyErrors?: 'throw' | 'note';
  /** With `rules`: load at least this many runs of each tier set whole besides what the rules need (the completion report's pass rates and determinism). */
  historyMinRuns?: number;
  /** With `rules`: reduced flaky windows to load besides the rules' (the completion report's flaky count). */
  flakyWindows?: readonly { tier?: string; runs: number }[];
  /** `rules`: the entries the gates and targets read; `all`: every entry; false: none. */
  coverage?: false | 'rules' | 'all';
  /** `rules`: only when a gate or target needs it; true: always; false: never. */
  analysis?: boolean | 'rules';
  /** An analysis that fails: `throw` (default), or `note` it and go on without. */
  analysisErrors?: 'throw' | 'note';
  /** The analysis' reach: measured reach from the history where stored (`auto`, default), `static`, or `measured` (required). */
  reach?: ReachMode;
  /** Locations in seams.yaml (`file:line:col`) relative to this folder. */
  cwd?: string;
  /** The date targets are measured against (default now). */
  now?: Date;
  progress?: Progress;
}

export interface RepoContext {
  inventory: RepoInventory;
  config: LoadedConfig;
  history: LoadedHistory;
  coverage: Record<string, LoadedCoverage>;
  analysis?: RepoAnalysisCore;
  /** Why the analysis could not be loaded (with analysisErrors: `note`). */
  notes: string[];
  /** The values metrics are evaluated over. */
  inputs: MetricInputs;
}

const NO_HISTORY: LoadedHistory = { runs: [], summaries: [], location: null, missing: undefined };

/** Scans one repository and loads what `options` asks for. */
export async function loadRepoContext(root: string, options: RepoContextOptions = {}): Promise<RepoContext> {
  const [repo] = await loadRepos([root], options);
  return contextOf(repo!, options);
}

/** Loads history, coverage and analysis for a scanned repository, as `options` asks. */
export async function contextOf(repo: ConfiguredRepo, options: RepoContextOptions = {}): Promise<RepoContext> {
  const { inventory, config } = repo;
  const root = inventory.root;
  const rules = config.config;
  const notes: string[] = [];
  const now = options.now ?? new Date();

  let history = await historyOf(repo, options);

  const coverageNames = options.coverage === 'all' ? Object.keys(rules.coverage) : options.coverage === 'rules' ? coverageEntriesUsed(rules) : [];
  const coverage = await loadCoverageEntries(root, rules.coverage, coverageNames);

  let analysis: RepoAnalysisCore | undefined;
  const wantAnalysis = options.analysis === 'rules' ? needsAnalysis(ruleMetrics(rules)) : options.analysis === true;
  if (wantAnalysis) {
    try {
      const files = await createFileLister(root)();
      const reach = await measuredReachOf(repo, { reach: options.reach, db: options.db, env: options.env, cache: options.cache });
      analysis = await analyzeRepoCore(inventory, config, { files, companions: companionFilesOf(inventory.tests, files), now, examples: 1, measured: reach.measured });
      if (reach.note) {
        analysis.diagnostics.push({ severity: 'warning', code: 'MEASURED_REACH_UNREADABLE', message: reach.note });
        notes.push(`${inventory.name}: ${reach.note}`);
      }
    } catch (e) {
      if (options.analysisErrors !== 'note') throw e;
      notes.push(`${inventory.name}: gaps/traceability analysis failed: ${(e as Error).message}`);
    }
  }

  const locate = config.file ? (options.cwd ? (k: readonly (string | number)[]) => relativeLocation(config.locate(k), options.cwd!) : config.locate) : undefined;
  const inputsOf = (h: LoadedHistory): MetricInputs => ({
    root,
    config: rules,
    locate,
    configFile: config.file ? relativePosix(root, config.file) : undefined,
    inventory,
    runs: h.runs,
    historyMissing: h.missing,
    ...(h.flakyWindows ? { flakyWindows: h.flakyWindows } : {}),
    coverage,
    analysis,
    now,
  });
  let inputs = inputsOf(history);
  if (!flakyWindowsSuffice(inputs)) {
    // a flaky rule whose tests the reduced window cannot show ran: its whole window, as before
    history = await historyOf(repo, { ...options, fullFlakyWindow: true });
    inputs = inputsOf(history);
  }
  return { inventory, config, history, coverage, analysis, notes, inputs };
}

async function historyOf(repo: ConfiguredRepo, options: RepoContextOptions & { fullFlakyWindow?: boolean }): Promise<LoadedHistory> {
  const { inventory, config } = repo;
  const rules = [...Object.values(config.config.gates), ...config.config.targets];
  // `rules`: the `flaky` rules (but those with a scenario or a path, whose selectors need every result)
  // read a reduced window (the store's flakyWindow: the tests that can be flaky, and each run's
  // counts); the runs loaded whole are only those the other rules read (the newest run of each
  // tier set for a pass rate, more for `runs: N` or determinism), and at least the newest one.
  const wholeRepo = (g: (typeof rules)[number]) => {
    const r = 'repo' in g ? g.repo : undefined;
    return !r || r === inventory.name || r === '.';
  };
  const isReduced = (g: (typeof rules)[number]) => !options.fullFlakyWindow && g.metric.split('.')[0] === 'flaky' && !g.scenario && wholeRepo(g);
  const reduced = options.history === 'rules' ? rules.filter(isReduced) : [];
  const extraFlaky = options.history === 'rules' && !options.fullFlakyWindow ? (options.flakyWindows ?? []) : [];
  const ruleWindow =
    options.history === 'rules'
      ? Math.max(
          historyWindow(rules.filter((g) => !isReduced(g))),
          reduced.length || extraFlaky.length ? 1 : 0,
          options.historyMinRuns ?? 0,
          // without reduced windows (a fallback), an asked flaky window is read from whole runs
          options.fullFlakyWindow ? Math.max(0, ...(options.flakyWindows ?? []).map((w) => w.runs)) : 0,
        )
      : 0;
  const window: HistoryWindow | null = options.history === 'rules' ? (ruleWindow > 0 ? { runs: ruleWindow } : null) : options.history || null;
  if (!window) return NO_HISTORY;
  const flakyWindows = [
    ...reduced.map((g) => {
      const suffix = g.metric.split('.').slice(1).join('.');
      const tier = ('tier' in g ? g.tier : undefined) ?? (suffix && suffix !== 'total' ? suffix : undefined);
      return { tier, runs: ('runs' in g ? g.runs : undefined) ?? FLAKY_WINDOW_RUNS };
    }),
    ...extraFlaky,
  ];
  try {
    return await loadHistory(inventory.root, {
      db: options.db,
      env: options.env ?? process.env,
      configured: config.user.history?.db,
      repoName: repoKey(inventory),
      runs: window.runs,
      maxRuns: window.maxRuns,
      summaries: window.summaries,
      flakyWindows,
    });
  } catch (e) {
    // an unreachable database must not stop a report
    if (options.historyErrors !== 'note') throw e;
    return { ...NO_HISTORY, missing: `history unavailable: ${(e as Error).message}` };
  }
}

function relativeLocation(loc: string, cwd: string): string {
  const m = /^(.*?)(:\d+:\d+)?$/.exec(loc);
  if (!m) return loc;
  const file = path.isAbsolute(m[1]!) ? path.relative(cwd, m[1]!) || m[1]! : m[1]!;
  return `${toPosix(file)}${m[2] ?? ''}`;
}
