import picomatch from 'picomatch';
import { followsEdge, moduleMatches, type ImportGraph, type ReachStep } from './graph.js';
import { compareTiers } from './tiers.js';
import type { DiscoveredTest, Tier } from './types.js';

/**
 * Which tests reach which components and workflows, and the gaps that leaves. Pure.
 *
 * A test reaches a component
 *   - explicitly: it names it (`component("x")` marker / tag) or names a workflow it belongs to
 *     (`workflow("w")` / `@workflow:w` reaches every component of w's chain), or
 *   - through imports: a repo file of the component is in the transitive closure of the test
 *     file's imports (together with the files its runner loads with it: pytest's conftest.py), or an
 *     external module of the component (`imports:`) is imported anywhere in that closure.
 * A workflow is covered at a tier when one active test of that tier reaches its whole chain.
 */

export type GapSeverity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly GapSeverity[] = ['critical', 'high', 'medium', 'low'];
export const PRIORITY_SEVERITY: Readonly<Record<'P1' | 'P2' | 'P3', GapSeverity>> = Object.freeze({ P1: 'critical', P2: 'high', P3: 'medium' });

export function severityRank(s: GapSeverity): number {
  return SEVERITIES.indexOf(s);
}

/** How one test reaches one component. */
export interface ComponentReach {
  component: string;
  via: 'imports' | 'marker' | 'workflow-tag';
  /** test file → … → the component's file or the external module (imports only). */
  path?: ReachStep[];
}

export interface TestReach {
  test: string;
  runner: string;
  file: string;
  line: number;
  tier: Tier;
  status: DiscoveredTest['status'];
  components: ComponentReach[];
}

export interface WorkflowTier {
  tier: Tier;
  /** Active tests of this tier that reach every component of the chain (or are tagged with the workflow). */
  tests: number;
  /** Tests of this tier reaching only some components. */
  partialTests: number;
  /** Skipped / todo tests that would reach the whole chain. */
  skippedTests: number;
  /** Components the best test of this tier reaches (all of them when `tests` > 0). */
  reached: string[];
}

export interface WorkflowGap {
  id: string;
  title: string;
  priority: 'P1' | 'P2' | 'P3';
  effort?: string;
  owner?: string;
  chain: string[];
  /** Tiers that count as covering (default integration and e2e). */
  coveringTiers: Tier[];
  status: 'covered' | 'partial' | 'uncovered';
  /** null when covered. */
  severity: GapSeverity | null;
  /** Tiers with at least one test reaching some component, in pyramid order. */
  tiers: WorkflowTier[];
  /** Chain components no covering-tier test reaches (all of the chain when uncovered). */
  missing: string[];
  /** The covering-tier test that reaches most of the chain, with how it reaches each component. */
  best?: TestReach;
  /** Up to `examples` tests per tier that reach the whole chain, with their paths (for --why). */
  examples: TestReach[];
  message: string;
}

export interface ComponentCoverage {
  id: string;
  kind: 'paths' | 'imports' | 'paths+imports';
  /** Repo files the component's globs match (0 for imports-only components). */
  files: number;
  /** Tests reaching the component, per tier. */
  tests: Record<Tier, number>;
  /** Set when no test reaches the component at all. */
  severity: GapSeverity | null;
}

export interface GapsDiagnostic {
  code: 'UNKNOWN_COMPONENT_REF' | 'UNKNOWN_WORKFLOW_REF' | 'COMPONENT_MATCHES_NOTHING';
  message: string;
  file?: string;
  line?: number;
}

export interface WorkflowAnalysis {
  workflows: WorkflowGap[];
  components: ComponentCoverage[];
  diagnostics: GapsDiagnostic[];
}

/** A component as seams.yaml resolves it (config/resolve.ts), passed in as a plain value. */
export interface GapsComponent {
  id: string;
  paths: string[];
  imports: string[];
}

/** A workflow as seams.yaml resolves it (config/resolve.ts), passed in as a plain value. */
export interface GapsWorkflow {
  id: string;
  title: string;
  priority: 'P1' | 'P2' | 'P3';
  tiers: string[];
  chain: string[];
  effort?: string;
  owner?: string;
}

export interface WorkflowInput {
  tests: readonly DiscoveredTest[];
  graph: ImportGraph;
  components: Readonly<Record<string, GapsComponent>>;
  workflows: Readonly<Record<string, GapsWorkflow>>;
  /** Every repo file (to count component files). */
  files: readonly string[];
  /**
   * Files a runner loads together with a test file (pytest's conftest.py files), keyed by
   * `runner \0 file`: what they import counts as reached by the file's tests. Built by the
   * caller from each runner's `companionFiles` (`runners/registry.ts` `companionFilesOf`).
   */
  companions?: ReadonlyMap<string, readonly string[]>;
  /** Tests listed per tier with paths in `examples` (default 3). */
  examples?: number;
}

const isActive = (t: DiscoveredTest) => t.status !== 'skip' && t.status !== 'todo';

interface FileReach {
  /** How the file (with its companion files) reaches components through imports; `path` is computed on first access. */
  components: ComponentReach[];
}

/** A reach through imports whose path is built only when someone reads it (reports show a few). */
function lazyReach(component: string, build: () => ReachStep[]): ComponentReach {
  let path: ReachStep[] | undefined;
  const reach = { component, via: 'imports' as const } as ComponentReach;
  Object.defineProperty(reach, 'path', { enumerable: true, get: () => (path ??= build()) });
  return reach;
}

export function analyzeWorkflows(input: WorkflowInput): WorkflowAnalysis {
  const examplesPerTier = input.examples ?? 3;
  const diagnostics: GapsDiagnostic[] = [];
  const components = Object.values(input.components);
  const matchers = new Map(components.map((c) => [c.id, c.paths.length ? picomatch(c.paths, { dot: true }) : null]));

  const componentFiles = new Map<string, number>();
  for (const c of components) {
    const m = matchers.get(c.id);
    componentFiles.set(c.id, m ? input.files.filter((f) => m(f)).length : 0);
    if (m && componentFiles.get(c.id) === 0)
      diagnostics.push({ code: 'COMPONENT_MATCHES_NOTHING', message: `component "${c.id}": paths ${c.paths.join(', ')} match no file` });
  }

  // Which components a file / an external module belongs to, computed once each (a big repo has
  // thousands of test files whose closures share most files).
  const fileComponents = new Map<string, string[]>();
  const componentsOfFile = (file: string): string[] => {
    let ids = fileComponents.get(file);
    if (!ids) fileComponents.set(file, (ids = components.filter((c) => matchers.get(c.id)?.(file)).map((c) => c.id)));
    return ids;
  };
  const moduleComponents = new Map<string, string[]>();
  const componentsOfModule = (mod: string): string[] => {
    let ids = moduleComponents.get(mod);
    if (!ids) moduleComponents.set(mod, (ids = components.filter((c) => c.imports.some((w) => moduleMatches(mod, w))).map((c) => c.id)));
    return ids;
  };

  // Reach through imports. Instead of a closure per test file (test files × reachable files),
  // one backwards breadth-first search per component over the reversed graph gives every file's
  // distance to the component and the next hop of a shortest path (components × graph size).
  type Hop = { dist: number; next: string | null; line: number; external?: string };
  const reverse = new Map<string, { from: string; line: number }[]>();
  const graphFiles = Object.keys(input.graph.files);
  for (const file of graphFiles)
    for (const e of input.graph.files[file]!.imports) {
      if (!followsEdge(e)) continue;
      let list = reverse.get(e.file);
      if (!list) reverse.set(e.file, (list = []));
      list.push({ from: file, line: e.line });
    }
  const hopsOf = new Map<string, Map<string, Hop>>();
  const hopsFor = (id: string): Map<string, Hop> => {
    let hops = hopsOf.get(id);
    if (hops) return hops;
    hops = new Map();
    const queue: string[] = [];
    for (const file of graphFiles)
      if (componentsOfFile(file).includes(id)) {
        hops.set(file, { dist: 0, next: null, line: 0 });
        queue.push(file);
      }
    for (const file of graphFiles) {
      if (hops.has(file)) continue;
      const ext = input.graph.files[file]!.externals.find((e) => componentsOfModule(e.module).includes(id));
      if (ext) {
        hops.set(file, { dist: 1, next: null, line: ext.line, external: ext.module });
        queue.push(file);
      }
    }
    for (let i = 0; i < queue.length; i++) {
      const file = queue[i]!;
      const dist = hops.get(file)!.dist + 1;
      for (const r of reverse.get(file) ?? []) {
        if (hops.has(r.from)) continue;
        hops.set(r.from, { dist, next: file, line: r.line });
        queue.push(r.from);
      }
    }
    hopsOf.set(id, hops);
    return hops;
  };
  const pathFrom = (entry: string, hops: Map<string, Hop>): ReachStep[] => {
    const steps: ReachStep[] = [{ file: entry, line: 0 }];
    let hop = hops.get(entry);
    const seen = new Set([entry]);
    while (hop?.next && !seen.has(hop.next)) {
      steps.push({ file: hop.next, line: hop.line });
      seen.add(hop.next);
      hop = hops.get(hop.next);
    }
    if (hop?.external) steps.push({ file: hop.external, line: hop.line });
    return steps;
  };
  const fileReach = new Map<string, FileReach>();
  const reachOfFile = (test: DiscoveredTest): FileReach => {
    const key = `${test.runner}\0${test.file}`;
    let r = fileReach.get(key);
    if (r) return r;
    const entries = [test.file, ...(input.companions?.get(key) ?? [])];
    const reached: ComponentReach[] = [];
    for (const c of components) {
      const hops = hopsFor(c.id);
      let best: string | undefined;
      for (const e of entries) {
        const h = hops.get(e);
        if (h && (best === undefined || h.dist < hops.get(best)!.dist)) best = e;
      }
      if (best !== undefined) {
        const entry = best;
        reached.push(lazyReach(c.id, () => pathFrom(entry, hops)));
      }
    }
    fileReach.set(key, (r = { components: reached }));
    return r;
  };

  const workflowIds = new Set(Object.keys(input.workflows));
  const reports = new Map<string, TestReach>();
  const reachOf = (t: DiscoveredTest): TestReach => {
    const key = `${t.runner}\0${t.project ?? ''}\0${t.id}`;
    let r = reports.get(key);
    if (r) return r;
    const viaImports = reachOfFile(t).components;
    const base = { test: t.id, runner: t.runner, file: t.file, line: t.line, tier: t.tier, status: t.status };
    if (!t.refs.components.length && !t.refs.workflows.length) {
      // most tests: the file's reach, shared
      r = { ...base, components: viaImports };
      reports.set(key, r);
      return r;
    }
    // An explicit reference reaches what the imports do not; where the imports reach a component
    // too, the import path is kept: it is the evidence a person can check with --why.
    const comps = new Map<string, ComponentReach>();
    for (const c of viaImports) comps.set(c.component, c);
    for (const c of t.refs.components) {
      if (!input.components[c] || comps.has(c)) continue;
      comps.set(c, { component: c, via: 'marker' });
    }
    for (const w of t.refs.workflows) {
      const wf = input.workflows[w];
      if (!wf) continue;
      for (const c of wf.chain) if (!comps.has(c)) comps.set(c, { component: c, via: 'workflow-tag' });
    }
    r = { ...base, components: [...comps.values()] };
    reports.set(key, r);
    return r;
  };

  // Unknown explicit references are the user's typos: report once per name.
  const reportedRefs = new Set<string>();
  for (const t of input.tests) {
    for (const c of t.refs.components)
      if (!input.components[c] && !reportedRefs.has(`c:${c}`)) {
        reportedRefs.add(`c:${c}`);
        diagnostics.push({ code: 'UNKNOWN_COMPONENT_REF', message: `${t.file}:${t.line}: test names component "${c}", which seams.yaml does not declare`, file: t.file, line: t.line });
      }
    for (const w of t.refs.workflows)
      if (!workflowIds.has(w) && !reportedRefs.has(`w:${w}`)) {
        reportedRefs.add(`w:${w}`);
        diagnostics.push({ code: 'UNKNOWN_WORKFLOW_REF', message: `${t.file}:${t.line}: test names workflow "${w}", which seams.yaml does not declare`, file: t.file, line: t.line });
      }
  }

  const needsReach = components.length > 0;
  // Tests that share a reach (same file, no explicit refs), tier and status form one group: the
  // workflow loop then runs over groups, not over every test (100,000 tests → a few thousand groups).
  interface Group {
    tier: Tier;
    active: boolean;
    reached: Set<string>;
    count: number;
    /** Up to `examplesPerTier` members, in input order. */
    members: TestReach[];
  }
  const groups: Group[] = [];
  if (needsReach) {
    const byReach = new Map<ComponentReach[], Map<string, Group>>();
    const reachedSets = new Map<ComponentReach[], Set<string>>();
    for (const t of input.tests) {
      // the shared per-file reach for tests without explicit refs; a TestReach object only for group members
      const components = !t.refs.components.length && !t.refs.workflows.length ? reachOfFile(t).components : reachOf(t).components;
      const active = isActive(t);
      let byKey = byReach.get(components);
      if (!byKey) byReach.set(components, (byKey = new Map()));
      const key = `${t.tier}\0${active}`;
      let g = byKey.get(key);
      if (!g) {
        let reached = reachedSets.get(components);
        if (!reached) reachedSets.set(components, (reached = new Set(components.map((c) => c.component))));
        g = { tier: t.tier, active, reached, count: 0, members: [] };
        byKey.set(key, g);
        groups.push(g);
      }
      g.count++;
      if (g.members.length < Math.max(1, examplesPerTier)) g.members.push(reachOf(t));
    }
  }
  const testsPerComponent = new Map<string, Record<Tier, number>>();
  for (const g of groups) {
    if (!g.active) continue;
    for (const c of g.reached) {
      let perTier = testsPerComponent.get(c);
      if (!perTier) testsPerComponent.set(c, (perTier = {}));
      perTier[g.tier] = (perTier[g.tier] ?? 0) + g.count;
    }
  }

  const componentCoverage: ComponentCoverage[] = components.map((c) => {
    const tests: Record<Tier, number> = testsPerComponent.get(c.id) ?? {};
    return {
      id: c.id,
      kind: c.paths.length && c.imports.length ? 'paths+imports' : c.imports.length ? 'imports' : 'paths',
      files: componentFiles.get(c.id) ?? 0,
      tests,
      severity: Object.keys(tests).length ? null : 'low',
    };
  });

  const workflows: WorkflowGap[] = Object.values(input.workflows).map((wf) => {
    const chain = wf.chain;
    const perTier = new Map<Tier, WorkflowTier>();
    const tierOf = (tier: Tier) => {
      let x = perTier.get(tier);
      if (!x) perTier.set(tier, (x = { tier, tests: 0, partialTests: 0, skippedTests: 0, reached: [] }));
      return x;
    };
    let best: TestReach | undefined;
    let bestCount = 0;
    const examples: TestReach[] = [];
    const examplesByTier = new Map<Tier, number>();
    const covering = new Set(wf.tiers);
    // Reaching only external-system components (boto3, pg) says little: every integration test
    // that builds a client does. Such a workflow counts as uncovered, not partial, unless the
    // whole chain is external.
    const externalOnly = new Set(chain.filter((c) => (input.components[c]?.paths.length ?? 0) === 0));
    let reachesOwnCode = externalOnly.size === chain.length;
    for (const g of groups) {
      const reached = chain.filter((c) => g.reached.has(c));
      if (!reached.length) continue;
      const full = reached.length === chain.length;
      // Reaching only external systems of the chain is not partial coverage (see below).
      if (!full && externalOnly.size < chain.length && !reached.some((c) => !externalOnly.has(c))) continue;
      const row = tierOf(g.tier);
      if (full && g.active) {
        row.tests += g.count;
        row.reached = [...chain];
        for (const member of g.members) {
          const n = examplesByTier.get(g.tier) ?? 0;
          if (n >= examplesPerTier) break;
          examplesByTier.set(g.tier, n + 1);
          examples.push(onlyChain(member, chain));
        }
      } else if (full) row.skippedTests += g.count;
      else {
        row.partialTests += g.count;
        if (reached.length > row.reached.length && row.tests === 0) row.reached = reached;
      }
      if (covering.has(g.tier) && g.active && reached.length > bestCount) {
        best = onlyChain(g.members[0]!, chain);
        bestCount = reached.length;
      }
      if (covering.has(g.tier) && g.active && reached.some((c) => !externalOnly.has(c))) reachesOwnCode = true;
    }
    const coveredTiers = [...perTier.values()].filter((t) => covering.has(t.tier) && t.tests > 0);
    const status: WorkflowGap['status'] = coveredTiers.length ? 'covered' : bestCount > 0 && reachesOwnCode ? 'partial' : 'uncovered';
    const bestReached = new Set(status === 'partial' ? (best?.components.map((c) => c.component) ?? []) : []);
    const missing = status === 'covered' ? [] : chain.filter((c) => !bestReached.has(c));
    examples.sort((a, b) => Number(covering.has(b.tier)) - Number(covering.has(a.tier)) || compareTiers(a.tier, b.tier));
    const severity = status === 'covered' ? null : PRIORITY_SEVERITY[wf.priority];
    const tiers = [...perTier.values()].sort((a, b) => compareTiers(a.tier, b.tier));
    const coveringList = [...wf.tiers];
    const lowerFull = tiers.filter((t) => t.tests > 0 && !covering.has(t.tier)).map((t) => t.tier);
    const message =
      status === 'covered'
        ? `covered by ${coveredTiers.map((t) => `${t.tests} ${t.tier}`).join(', ')} test${coveredTiers.reduce((n, t) => n + t.tests, 0) === 1 ? '' : 's'}`
        : status === 'partial'
          ? `no ${coveringList.join('/')} test reaches the whole chain; best reaches ${bestCount} of ${chain.length}, missing ${missing.join(', ')}`
          : `no ${coveringList.join(' or ')} test reaches it${lowerFull.length ? `; covered at ${lowerFull.join(', ')} only` : ''}`;
    return {
      id: wf.id,
      title: wf.title,
      priority: wf.priority,
      ...(wf.effort ? { effort: wf.effort } : {}),
      ...(wf.owner ? { owner: wf.owner } : {}),
      chain: [...chain],
      coveringTiers: coveringList,
      status,
      severity,
      tiers,
      missing,
      ...(best ? { best } : {}),
      examples,
      message,
    };
  });
  workflows.sort(compareWorkflowGaps);
  return { workflows, components: componentCoverage, diagnostics };
}

function onlyChain(reach: TestReach, chain: readonly string[]): TestReach {
  const order = new Map(chain.map((c, i) => [c, i]));
  return {
    ...reach,
    components: reach.components.filter((c) => order.has(c.component)).sort((a, b) => order.get(a.component)! - order.get(b.component)!),
  };
}

/** Severity first (critical … none), then priority, then id. */
export function compareWorkflowGaps(a: WorkflowGap, b: WorkflowGap): number {
  const sa = a.severity ? severityRank(a.severity) : SEVERITIES.length;
  const sb = b.severity ? severityRank(b.severity) : SEVERITIES.length;
  return sa - sb || a.priority.localeCompare(b.priority) || (a.status === b.status ? 0 : a.status === 'partial' ? 1 : -1) || a.id.localeCompare(b.id);
}
