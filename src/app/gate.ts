import { evaluateGates, GateConfigErrors, type GateReport, type RuleConfigError } from '../core/gates.js';
import { ciRunUrl, currentBranch, notifyGateFailure } from '../notify/index.js';
import type { ConfiguredRepo } from '../scan/configured.js';
import { contextOf, type RepoContextOptions } from './context.js';
import { loadRepos } from './repos.js';

/** `seams gate`: every gate and target of each repository, evaluated over its loaded inputs. */

export interface GateOptions extends Pick<RepoContextOptions, 'config' | 'cache' | 'db' | 'env' | 'cwd' | 'reach'> {
  /** Only these gates (targets are skipped). */
  only?: string[];
  /** false: skip targets. */
  targets?: boolean;
  /** The date target due dates are measured against (default now). */
  now?: Date;
}

export interface GateResult {
  /** One report per repository whose rules could be evaluated. */
  reports: GateReport[];
  /** Rules that cannot be evaluated as written (exit 2), with where they are. */
  configErrors: RuleConfigError[];
  /** No error-severity rule failed (and no configuration error). */
  passed: boolean;
  repos: ConfiguredRepo[];
}

export async function gate(paths: readonly string[], options: GateOptions = {}): Promise<GateResult> {
  const repos = await loadRepos(paths, options);
  const reports: GateReport[] = [];
  const configErrors: RuleConfigError[] = [];
  for (const repo of repos) {
    const ctx = await contextOf(repo, { ...options, history: 'rules', coverage: 'rules', analysis: 'rules' });
    try {
      reports.push(evaluateGates(ctx.inputs, { only: options.only, targets: options.targets, repoName: repo.inventory.name }));
    } catch (e) {
      if (!(e instanceof GateConfigErrors)) throw e;
      configErrors.push(...e.errors);
    }
  }
  return { reports, configErrors, passed: !configErrors.length && reports.every((r) => r.passed), repos };
}

/** What calling a repository's webhook did: sent, or a warning why not. */
export interface NotifyOutcomeOf {
  repo: string;
  sent: boolean;
  warning?: string;
}

/** Calls the `notify:` webhook of each repository whose gate failed, in order. */
export async function notifyFailedGates(result: GateResult, env: NodeJS.ProcessEnv): Promise<NotifyOutcomeOf[]> {
  const out: NotifyOutcomeOf[] = [];
  for (let i = 0; i < result.repos.length; i++) {
    const { config, inventory } = result.repos[i]!;
    const rep = result.reports[i];
    if (!rep || rep.passed || !config.config.notify) continue;
    const outcome = await notifyGateFailure(config.config.notify, {
      repo: inventory.name,
      branch: await currentBranch(env, inventory.root),
      failed: rep.results.filter((r) => r.status === 'fail').map((r) => ({ name: r.name, message: r.message })),
      url: ciRunUrl(env),
    });
    out.push({ repo: inventory.name, sent: Boolean(outcome.sent), ...(outcome.warning ? { warning: outcome.warning } : {}) });
  }
  return out;
}
