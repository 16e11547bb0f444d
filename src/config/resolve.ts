import type { TierRule } from '../core/tiers.js';
import type {
  ComponentConfig,
  CoverageConfig,
  GateConfig,
  ScenarioConfig,
  ServiceConfig,
  TargetConfig,
  TierConfig,
  UserConfig,
  WorkflowConfig,
} from './schema.js';

/** Defaults, in one frozen place. */
export const DEFAULTS = Object.freeze({
  requirementSources: Object.freeze(['specs/**/*.md', 'docs/**/*.md', 'requirements/**/*.md', 'spec/**/*.md']),
  requirementPattern: '\\b(FR|NFR|REQ|SC)-\\d{3,}\\b',
  needsIntegration: '\\b(integration|end[- ]to[- ]end|e2e)\\b',
  workflowPriority: 'P2' as const,
  coveringTiers: Object.freeze(['integration', 'e2e']),
  historyDb: 'sqlite:.seams/history.db',
  notifyBranches: Object.freeze(['main', 'master']),
  /** Tiers where a skipped test counts as a failure unless its reason is allowed. */
  strictSkipTiers: Object.freeze(['integration', 'e2e', 'contract', 'system']),
});

export type ResolvedTier = TierConfig & { name: string; paths: string[]; markers: string[]; services: string[] };
export type ResolvedWorkflow = WorkflowConfig & { id: string; title: string; priority: 'P1' | 'P2' | 'P3'; tiers: string[] };
export type ResolvedComponent = ComponentConfig & { id: string; paths: string[]; imports: string[] };

export interface ResolvedConfig {
  tiers: Record<string, ResolvedTier>;
  components: Record<string, ResolvedComponent>;
  workflows: Record<string, ResolvedWorkflow>;
  requirements: { sources: string[]; pattern: string; needsIntegration: string; critical: string[] };
  targets: (TargetConfig & { due: string })[];
  services: Record<string, ServiceConfig>;
  scenarios: Record<string, ScenarioConfig>;
  gates: Record<string, GateConfig>;
  coverage: Record<string, CoverageConfig>;
  notify: { webhook: string; branches: string[] } | null;
  history: { db: string };
  /** seams.yaml `runners:` by folder ('.' for the repo root); empty when detection decides. */
  runners: Record<string, string[]>;
  /** seams.yaml `scan:`; `resolve: 'dynamic'` turns on `seams scan --resolve`. */
  scan: { resolve: 'dynamic' | 'off' };
  /** seams.yaml `run:`; `reach: 'measured'` turns on `seams run --reach`. */
  run: { reach: 'measured' | 'static' };
}

const toDate = (d: string | Date): string => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

export function resolveConfig(user: UserConfig): ResolvedConfig {
  const tiers: Record<string, ResolvedTier> = {};
  for (const [name, t] of Object.entries(user.tiers ?? {}))
    tiers[name] = { ...t, name, paths: t.paths ?? [], markers: t.markers ?? [], services: t.services ?? [] };
  const components: Record<string, ResolvedComponent> = {};
  for (const [id, c] of Object.entries(user.components ?? {}))
    components[id] = { ...c, id, paths: c.paths ?? [], imports: c.imports ?? [] };
  const workflows: Record<string, ResolvedWorkflow> = {};
  for (const [id, w] of Object.entries(user.workflows ?? {}))
    workflows[id] = {
      ...w,
      id,
      title: w.title ?? id,
      priority: w.priority ?? DEFAULTS.workflowPriority,
      tiers: w.tiers ?? [...DEFAULTS.coveringTiers],
    };
  return {
    tiers,
    components,
    workflows,
    requirements: {
      sources: user.requirements?.sources ?? [...DEFAULTS.requirementSources],
      pattern: user.requirements?.pattern ?? DEFAULTS.requirementPattern,
      needsIntegration: user.requirements?.needsIntegration ?? DEFAULTS.needsIntegration,
      critical: user.requirements?.critical ?? [],
    },
    targets: (user.targets ?? []).map((t) => ({ ...t, due: toDate(t.due) })),
    services: user.services ?? {},
    scenarios: user.scenarios ?? {},
    gates: user.gates ?? {},
    coverage: user.coverage ?? {},
    notify: user.notify ? { webhook: user.notify.webhook, branches: user.notify.branches ?? [...DEFAULTS.notifyBranches] } : null,
    history: { db: user.history?.db ?? DEFAULTS.historyDb },
    runners: Array.isArray(user.runners) ? { '.': [...user.runners] } : { ...(user.runners ?? {}) },
    scan: { resolve: user.scan?.resolve ?? 'off' },
    run: { reach: user.run?.reach ?? 'static' },
  };
}

/** The tier rules scan applies before its conventions. */
export function tierRulesOf(config: ResolvedConfig): TierRule[] {
  return Object.values(config.tiers)
    .filter((t) => t.paths.length || t.markers.length)
    .map((t) => ({ tier: t.name, paths: t.paths, markers: t.markers }));
}
