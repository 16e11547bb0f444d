import { compareTiers } from './tiers.js';
import type { Diagnostic, RepoInventory, RunnerId, Tier } from './types.js';

export interface TierSummary {
  tier: Tier;
  files: number;
  tests: number;
  skipped: number;
  xfail: number;
  todo: number;
  dynamic: number;
}

export interface RepoSummary {
  name: string;
  root: string;
  runners: { runner: RunnerId; projects: number }[];
  tiers: TierSummary[];
  total: TierSummary;
  unparsed: Diagnostic[];
  diagnostics: number;
  /** Tests listed by a runner's own collector (`scan --resolve`), per runner, and their files. */
  resolved: { runner: RunnerId; tests: number; files: number }[];
}

const empty = (tier: Tier): TierSummary => ({ tier, files: 0, tests: 0, skipped: 0, xfail: 0, todo: 0, dynamic: 0 });

/** Tests and files per tier of one repo. A file counts in the tier of its (first) tests. */
export function summarizeRepo(repo: RepoInventory): RepoSummary {
  const byTier = new Map<Tier, TierSummary>();
  const get = (tier: Tier) => {
    let s = byTier.get(tier);
    if (!s) byTier.set(tier, (s = empty(tier)));
    return s;
  };
  const filesPerTier = new Map<Tier, Set<string>>();
  for (const t of repo.tests) {
    const s = get(t.tier);
    s.tests++;
    if (t.status === 'skip') s.skipped++;
    else if (t.status === 'xfail') s.xfail++;
    else if (t.status === 'todo') s.todo++;
    if (t.dynamic) s.dynamic++;
    let files = filesPerTier.get(t.tier);
    if (!files) filesPerTier.set(t.tier, (files = new Set()));
    files.add(`${t.runner}\0${t.project ?? ''}\0${t.file}`);
  }
  // Files with no tests still count as files of their tier.
  for (const f of repo.files) {
    const key = `${f.runner}\0${f.project ?? ''}\0${f.file}`;
    let files = filesPerTier.get(f.tier);
    if (!files) filesPerTier.set(f.tier, (files = new Set()));
    files.add(key);
    get(f.tier);
  }
  for (const [tier, files] of filesPerTier) get(tier).files = new Set([...files].map((k) => k.split('\0')[2])).size;
  const tiers = [...byTier.values()].sort((a, b) => compareTiers(a.tier, b.tier));
  const total = empty('total');
  for (const s of tiers) {
    total.tests += s.tests;
    total.skipped += s.skipped;
    total.xfail += s.xfail;
    total.todo += s.todo;
    total.dynamic += s.dynamic;
  }
  total.files = new Set(repo.files.map((f) => f.file).concat(repo.tests.map((t) => t.file))).size;
  const resolved = new Map<RunnerId, { tests: number; files: Set<string> }>();
  for (const t of repo.tests) {
    if (!t.resolvedBy) continue;
    let r = resolved.get(t.resolvedBy);
    if (!r) resolved.set(t.resolvedBy, (r = { tests: 0, files: new Set() }));
    r.tests++;
    r.files.add(t.file);
  }
  const runnerProjects = new Map<RunnerId, number>();
  for (const r of repo.runners) runnerProjects.set(r.runner, (runnerProjects.get(r.runner) ?? 0) + 1);
  return {
    name: repo.name,
    root: repo.root,
    runners: [...runnerProjects].map(([runner, projects]) => ({ runner, projects })),
    tiers,
    total,
    unparsed: repo.diagnostics.filter((d) => d.code === 'PARSE_ERROR' || d.code === 'UNREADABLE'),
    diagnostics: repo.diagnostics.length,
    resolved: [...resolved].map(([runner, r]) => ({ runner, tests: r.tests, files: r.files.size })),
  };
}
