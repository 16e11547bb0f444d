import picomatch from 'picomatch';
import { moduleMatches, type ImportGraph, type ReachStep } from './graph.js';
import { compareTiers } from './tiers.js';
import type { DiscoveredTest, Tier } from './types.js';
import { measuredKey, type MeasuredReach, type MeasuredRun, type MeasuredTest } from './reach.js';

/**
 * Which tests reach which components and workflows, and the gaps that leaves. Pure.
 *
 * A test reaches a component
 *   - explicitly: it names it (`component("x")` marker / tag) or names a workflow it belongs to
 *     (`workflow("w")` / `@workflow:w` reaches every component of w's chain), or
 *   - through imports: a repo file of the component is in the transitive closure of the test
 *     file's imports (together with the files its runner loads with it: pytest's conftest.py), or an
 *     external module of the component (`imports:`) is imported anywhere in that closure.
 *   - through execution (measured reach, `seams run --reach`): for a test the history holds a
 *     measurement of, a repo file of the component (`paths:`) is one the test executed. Such a test
 *     reaches no `paths:` component through imports (what it imports but did not execute is kept as
 *     `importedNotExecuted`, for --why); `imports:` (external module) components keep import
 *     evidence, since coverage measures repository files only.
 * A workflow is covered at a tier when one active test of that tier reaches its whole chain.
 */

export type GapSeverity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly GapSeverity[] = ['critical', 'high', 'medium', 'low'];
export const PRIORITY_SEVERITY: Readonly<Record<'P1' | 'P2' | 'P3', GapSeverity>> = Object.freeze({ P1: 'critical', P2: 'high', P3: 'medium' });

export function severityRank(s: GapSeverity): number {
  return SEVERITIES.indexOf(s);
}

/** The kinds of evidence that a test reaches a component. */
export type ReachVia = 'imports' | 'executed' | 'marker' | 'workflow-tag';

/** How one test reaches one component. */
export interface ComponentReach {
  component: string;
  via: ReachVia;
  /**
   * imports: test file → … → the component's file or the external module (line: the importing
   * line in the previous step). executed: the test file and the component's file the test executed
   * (both line 0: not an import).
   */
  path?: ReachStep[];
  /** executed: the run the measurement comes from. */
  run?: string;
  /** executed: set (true) when the test file or an executed file changed since that run. */
  stale?: boolean;
}

/** A component a measured test imports (path) but did not execute: a mock, a patch, dead import. */
export interface ImportedNotExecuted {
  component: string;
  path: ReachStep[];
}

export interface TestReach {
  test: string;
  runner: string;
  /** The runner's project, when it has one. */
  project?: string;
  file: string;
  line: number;
  tier: Tier;
  status: DiscoveredTest['status'];
  components: ComponentReach[];
  /** Measured tests only: components it imports but did not execute (not reached). */
  importedNotExecuted?: ImportedNotExecuted[];
}

/** Which evidence decides reach: import reach only, measured reach for every active test, or both. */
export type ReachEvidence = 'imports' | 'measured' | 'mixed';

/** The reach in force for a repository's analysis. */
export interface ReachSummary {
  evidence: ReachEvidence;
  /** Active tests whose reach is measured (the history holds what they executed). */
  measured: number;
  /** Of `measured`, tests whose measurement is stale (files changed since the run). */
  stale: number;
  /** Active tests with import reach (no measurement). */
  static: number;
  /** Of `static`, tests of a measurable runner that no stored run measured. */
  unmeasured: number;
  /** Runners with active tests that seams cannot measure (static reach only); empty when nothing is measured. */
  staticRunners: string[];
  /** The runs the measurements come from, newest first. */
  runs: MeasuredRun[];
}

/** One component reached by more than `SATURATION_SHARE` of a repository's active tests. */
export interface Saturation {
  component: string;
  /** Active tests reaching it. */
  tests: number;
  /** Active tests of the repository. */
  total: number;
  /** tests / total. */
  share: number;
  /** How those tests reach it: all by execution (or a marker/tag), none by execution, or both. */
  evidence: ReachEvidence;
  /** Of `tests`, those that executed it. */
  executed: number;
}

/** Saturated: more than this share of the active tests reach one component. */
export const SATURATION_SHARE = 0.8;
/** ...and the repository has at least this many active tests (a handful of tests says nothing). */
export const SATURATION_MIN_TESTS = 20;

/** One test in a `--why` answer. */
export interface WhyTest {
  id: string;
  runner: string;
  project: string | null;
  file: string;
  line: number;
  tier: Tier;
}

/** How one test reaches the component of a `--why <component>` answer. */
export interface WhyComponentTest extends WhyTest {
  evidence: ReachVia;
  run?: string;
  stale?: boolean;
  path?: ReachStep[];
}

/** `--why <component>`: every active test that reaches it, and the measured importers that did not execute it. */
export interface ComponentWhy {
  component: string;
  /** The reach in force (the repository's). */
  evidence: ReachEvidence;
  /** Exactly the active tests that reach the component, tiers in pyramid order, then input order. */
  tests: WhyComponentTest[];
  /** Measured tests that import the component but did not execute it (they do not reach it). */
  importedNotExecuted: (WhyTest & { path: ReachStep[] })[];
  /** Runners of tests with static reach only (not measurable), when the reach in force is measured or mixed. */
  staticRunners: string[];
}

/** `--why <workflow>`: every active test that reaches the whole chain. */
export interface WorkflowWhy {
  workflow: string;
  title: string;
  priority: 'P1' | 'P2' | 'P3';
  chain: string[];
  status: 'covered' | 'partial' | 'uncovered';
  evidence: ReachEvidence;
  /** Exactly the active tests that reach every component of the chain, with how. */
  tests: (WhyTest & { components: ComponentReach[] })[];
  /** Active tests reaching part of the chain (not listed). */
  partialTests: number;
  /** Measured active tests that import the whole chain but did not execute all of it (not listed). */
  importedNotExecuted: number;
  staticRunners: string[];
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
  /** Which reach is in force: imports, measured, or both. */
  reach: ReachSummary;
  /** Components reached by more than 80% of the active tests (`paths:` components only). */
  saturated: Saturation[];
  /** `--why` answers for the components and workflows asked for (`WorkflowInput.why`). */
  why?: { components: ComponentWhy[]; workflows: WorkflowWhy[] };
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
  /**
   * What each test executed in the newest run that measured it (`seams run --reach`), loaded from
   * the history. A test of a `measurable` runner with an entry reaches `paths:` components by
   * execution only; every other test keeps import reach.
   */
  measured?: MeasuredReach;
  /** Components and workflows to answer `--why` for, with every reaching test. */
  why?: { components?: readonly string[]; workflows?: readonly string[] };
}

interface FileReach {
  /** The test file and the files its runner loads with it. */
  entries: string[];
  /** How the file (with its companion files) reaches components through imports; `path` is computed on first access. */
  components: ComponentReach[];
  /** The interned group key of `components`. */
  key: number;
  /** For measured tests: the reach of components with `imports:` through those external modules only (lazily). */
  external?: ComponentReach[];
}

const VIA_CODE: Readonly<Record<ReachVia, string>> = { imports: 'i', executed: 'e', marker: 'm', 'workflow-tag': 't' };
/** Tests whose reach has the same components by the same evidence share a group. */
const keyOf = (components: readonly ComponentReach[]): string => components.map((c) => `${c.component}\u0001${VIA_CODE[c.via]}`).join('\u0000');

/** A reach through imports whose path is built only when someone reads it (reports show a few). */
function lazyReach(component: string, build: () => ReachStep[]): ComponentReach {
  let path: ReachStep[] | undefined;
  const reach = { component, via: 'imports' as const } as ComponentReach;
  Object.defineProperty(reach, 'path', { enumerable: true, get: () => (path ??= build()) });
  return reach;
}

/** A component imported but not executed, its import path read from the import reach on first access. */
function notExecuted(reach: ComponentReach): ImportedNotExecuted {
  const out = { component: reach.component } as ImportedNotExecuted;
  Object.defineProperty(out, 'path', { enumerable: true, get: () => reach.path ?? [] });
  return out;
}

const byActive = (t: DiscoveredTest) => t.status !== 'skip' && t.status !== 'todo';

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
  // A component with paths: and imports: also has its imports: part as a component of its own
  // (no files): measured tests reach the component through those modules only (`externalReachOfFile`).
  const EXTERNAL_PART = '\0imports';
  const moduleOwners = [...components, ...components.filter((c) => c.paths.length && c.imports.length).map((c) => ({ id: c.id + EXTERNAL_PART, imports: c.imports }))];
  const moduleComponents = new Map<string, string[]>();
  const componentsOfModule = (mod: string): string[] => {
    let ids = moduleComponents.get(mod);
    if (!ids) moduleComponents.set(mod, (ids = moduleOwners.filter((c) => c.imports.some((w) => moduleMatches(mod, w))).map((c) => c.id)));
    return ids;
  };

  // Reach through imports. Instead of a closure per test file (test files × reachable files),
  // one backwards breadth-first search per component over the reversed graph gives every file's
  // distance to the component and the next hop of a shortest path (components × graph size).
  // A node is a file entered whole (key: the file) or, for a file some edge enters for names (a
  // barrel, an `__init__.py`), the file entered for names (key: file + NAMES): see core/graph.ts
  // `followsEdge`. Test files are entered whole.
  type Hop = { dist: number; next: string | null; line: number; external?: string };
  const NAMES = '\0names';
  const fileOfNode = (key: string) => (key.endsWith(NAMES) ? key.slice(0, -NAMES.length) : key);
  const reverse = new Map<string, { from: string; line: number }[]>();
  const graphFiles = Object.keys(input.graph.files);
  const namesTargets = new Set<string>();
  for (const file of graphFiles) for (const e of input.graph.files[file]!.imports) if (e.kind === 'names') namesTargets.add(e.file);
  const addReverse = (to: string, from: string, line: number) => {
    let list = reverse.get(to);
    if (!list) reverse.set(to, (list = []));
    list.push({ from, line });
  };
  for (const file of graphFiles)
    for (const e of input.graph.files[file]!.imports) {
      if (e.kind === 'deferred') continue;
      const to = e.kind === 'names' ? e.file + NAMES : e.file;
      addReverse(to, file, e.line);
      if (e.kind !== 're-export' && namesTargets.has(file)) addReverse(to, file + NAMES, e.line);
    }
  const hopsOf = new Map<string, Map<string, Hop>>();
  const hopsFor = (id: string): Map<string, Hop> => {
    let hops = hopsOf.get(id);
    if (hops) return hops;
    hops = new Map();
    const queue: string[] = [];
    for (const file of graphFiles)
      if (componentsOfFile(file).includes(id))
        for (const key of namesTargets.has(file) ? [file, file + NAMES] : [file]) {
          hops.set(key, { dist: 0, next: null, line: 0 });
          queue.push(key);
        }
    for (const file of graphFiles) {
      if (hops.has(file)) continue;
      const externals = input.graph.files[file]!.externals.filter((e) => componentsOfModule(e.module).includes(id));
      const ext = externals[0];
      if (ext) {
        hops.set(file, { dist: 1, next: null, line: ext.line, external: ext.module });
        queue.push(file);
      }
      const own = externals.find((e) => e.kind !== 're-export');
      if (own && namesTargets.has(file)) {
        hops.set(file + NAMES, { dist: 1, next: null, line: own.line, external: own.module });
        queue.push(file + NAMES);
      }
    }
    for (let i = 0; i < queue.length; i++) {
      const key = queue[i]!;
      const dist = hops.get(key)!.dist + 1;
      for (const r of reverse.get(key) ?? []) {
        if (hops.has(r.from)) continue;
        hops.set(r.from, { dist, next: key, line: r.line });
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
      steps.push({ file: fileOfNode(hop.next), line: hop.line });
      seen.add(hop.next);
      hop = hops.get(hop.next);
    }
    if (hop?.external) steps.push({ file: hop.external, line: hop.line });
    return steps;
  };
  /** The nearest entry's reach of a component, or undefined. */
  const nearest = (entries: readonly string[], id: string, hops: Map<string, Hop>): ComponentReach | undefined => {
    let best: string | undefined;
    for (const e of entries) {
      const h = hops.get(e);
      if (h && (best === undefined || h.dist < hops.get(best)!.dist)) best = e;
    }
    if (best === undefined) return undefined;
    const entry = best;
    return lazyReach(id, () => pathFrom(entry, hops));
  };
  // Reach sets are interned: a group key is then a small number, not a long string per test.
  const keyIds = new Map<string, number>();
  const internKey = (comps: readonly ComponentReach[]): number => {
    const k = keyOf(comps);
    let id = keyIds.get(k);
    if (id === undefined) keyIds.set(k, (id = keyIds.size));
    return id;
  };
  const fileReach = new Map<string, FileReach>();
  const reachOfFile = (test: DiscoveredTest): FileReach => {
    const key = `${test.runner}\0${test.file}`;
    let r = fileReach.get(key);
    if (r) return r;
    const entries = [test.file, ...(input.companions?.get(key) ?? [])];
    const reached: ComponentReach[] = [];
    for (const c of components) {
      const hit = nearest(entries, c.id, hopsFor(c.id));
      if (hit) reached.push(hit);
    }
    fileReach.set(key, (r = { entries, components: reached, key: internKey(reached) }));
    return r;
  };
  const externalReachOfFile = (test: DiscoveredTest): ComponentReach[] => {
    const fr = reachOfFile(test);
    if (fr.external) return fr.external;
    const out: ComponentReach[] = [];
    for (const c of components) {
      if (!c.imports.length) continue;
      // imports-only: the import reach is already through its modules
      const hit = c.paths.length ? nearest(fr.entries, c.id, hopsFor(c.id + EXTERNAL_PART)) : fr.components.find((x) => x.component === c.id);
      if (hit) out.push(hit);
    }
    return (fr.external = out);
  };

  // Measured reach: which components a test's executed files belong to (per files list, once).
  const measured = input.measured;
  const measurable = new Set(measured?.measurable ?? []);
  const measurementOf = (t: DiscoveredTest): MeasuredTest | undefined => (measured && measurable.has(t.runner) ? measured.tests.get(measuredKey(t)) : undefined);
  const executedCache = new WeakMap<readonly string[], Map<string, string>>();
  const executedOf = (files: readonly string[]): Map<string, string> => {
    let m = executedCache.get(files);
    if (m) return m;
    m = new Map();
    for (const f of files) for (const id of componentsOfFile(f)) if (!m.has(id)) m.set(id, f);
    executedCache.set(files, m);
    return m;
  };
  /** A measured test: `paths:` components by execution, `imports:` components through their modules. */
  const measuredComponents = (t: DiscoveredTest, m: MeasuredTest): ComponentReach[] => {
    const executed = executedOf(m.files);
    const external = externalReachOfFile(t);
    const out: ComponentReach[] = [];
    let j = 0;
    for (const c of components) {
      const ext = external[j]?.component === c.id ? external[j++] : undefined;
      const file = c.paths.length ? executed.get(c.id) : undefined;
      if (file !== undefined)
        out.push({ component: c.id, via: 'executed', path: [{ file: t.file, line: 0 }, { file, line: 0 }], run: m.run, ...(m.stale ? { stale: true } : {}) });
      else if (ext) out.push(ext);
    }
    return out;
  };

  const workflowIds = new Set(Object.keys(input.workflows));
  const hasRefs = (t: DiscoveredTest) => t.refs.components.length > 0 || t.refs.workflows.length > 0;
  /**
   * An explicit reference reaches what the imports (or the execution) do not; where they reach a
   * component too, that path is kept: it is the evidence a person can check with --why.
   */
  const withRefs = (t: DiscoveredTest, base: ComponentReach[]): ComponentReach[] => {
    if (!hasRefs(t)) return base;
    const comps = new Map<string, ComponentReach>();
    for (const c of base) comps.set(c.component, c);
    for (const c of t.refs.components) {
      if (!input.components[c] || comps.has(c)) continue;
      comps.set(c, { component: c, via: 'marker' });
    }
    for (const w of t.refs.workflows) {
      const wf = input.workflows[w];
      if (!wf) continue;
      for (const c of wf.chain) if (!comps.has(c)) comps.set(c, { component: c, via: 'workflow-tag' });
    }
    return [...comps.values()];
  };
  const reports = new Map<string, TestReach>();
  const reachOf = (t: DiscoveredTest): TestReach => {
    const key = `${t.runner}\0${t.project ?? ''}\0${t.id}`;
    let r = reports.get(key);
    if (r) return r;
    const m = measurementOf(t);
    const fr = reachOfFile(t);
    // most tests: the file's reach, shared
    const comps = withRefs(t, m ? measuredComponents(t, m) : fr.components);
    r = { test: t.id, runner: t.runner, ...(t.project ? { project: t.project } : {}), file: t.file, line: t.line, tier: t.tier, status: t.status, components: comps };
    if (m) {
      const reached = new Set(comps.map((c) => c.component));
      const missed = fr.components.filter((c) => !reached.has(c.component) && input.components[c.component]!.paths.length > 0).map(notExecuted);
      if (missed.length) r.importedNotExecuted = missed;
    }
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

  // The reach in force: counted over the active tests.
  let measuredCount = 0;
  let staleCount = 0;
  let staticCount = 0;
  let unmeasured = 0;
  const staticRunners = new Set<string>();
  const runsUsed = new Set<string>();
  const countReach = (t: DiscoveredTest, m: MeasuredTest | undefined) => {
    if (m) {
      measuredCount++;
      if (m.stale) staleCount++;
      runsUsed.add(m.run);
    } else {
      staticCount++;
      if (measurable.has(t.runner)) unmeasured++;
      else staticRunners.add(t.runner);
    }
  };

  const needsReach = components.length > 0;
  // Tests that share a reach (same components by the same evidence — for tests without a
  // measurement or explicit refs, the reach of their file), tier and status form one group: the
  // workflow loop then runs over groups, not over every test (100,000 tests → a few thousand groups).
  interface Group {
    tier: Tier;
    active: boolean;
    reached: Set<string>;
    /** Components the group's tests reach by execution. */
    executed: Set<string>;
    count: number;
    /** Up to `examplesPerTier` members, in input order. */
    members: TestReach[];
  }
  const groups: Group[] = [];
  if (needsReach) {
    const byKey = new Map<number, Map<string, Group>>();
    const reachedSets = new Map<number, { reached: Set<string>; executed: Set<string> }>();
    for (const t of input.tests) {
      const m = measurementOf(t);
      const active = byActive(t);
      if (active) countReach(t, m);
      let comps: ComponentReach[];
      let compKey: number;
      if (!m && !hasRefs(t)) {
        const fr = reachOfFile(t);
        comps = fr.components;
        compKey = fr.key;
      } else {
        comps = withRefs(t, m ? measuredComponents(t, m) : reachOfFile(t).components);
        compKey = internKey(comps);
      }
      let perKey = byKey.get(compKey);
      if (!perKey) byKey.set(compKey, (perKey = new Map()));
      const key = `${t.tier}\u0000${active}`;
      let g = perKey.get(key);
      if (!g) {
        let sets = reachedSets.get(compKey);
        if (!sets)
          reachedSets.set(
            compKey,
            (sets = { reached: new Set(comps.map((c) => c.component)), executed: new Set(comps.filter((c) => c.via === 'executed').map((c) => c.component)) }),
          );
        g = { tier: t.tier, active, reached: sets.reached, executed: sets.executed, count: 0, members: [] };
        perKey.set(key, g);
        groups.push(g);
      }
      g.count++;
      if (g.members.length < Math.max(1, examplesPerTier)) g.members.push(reachOf(t));
    }
  } else for (const t of input.tests) if (byActive(t)) countReach(t, measurementOf(t));

  const reach: ReachSummary = {
    evidence: measuredCount === 0 ? 'imports' : staticCount === 0 ? 'measured' : 'mixed',
    measured: measuredCount,
    stale: staleCount,
    static: staticCount,
    unmeasured: measuredCount ? unmeasured : 0,
    staticRunners: measuredCount ? [...staticRunners].sort() : [],
    runs: [...runsUsed]
      .map((id) => measured!.runs.get(id) ?? { id, commit: null, startedAt: '' })
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || a.id.localeCompare(b.id)),
  };

  const testsPerComponent = new Map<string, Record<Tier, number>>();
  const executedPerComponent = new Map<string, number>();
  for (const g of groups) {
    if (!g.active) continue;
    for (const c of g.reached) {
      let perTier = testsPerComponent.get(c);
      if (!perTier) testsPerComponent.set(c, (perTier = {}));
      perTier[g.tier] = (perTier[g.tier] ?? 0) + g.count;
    }
    for (const c of g.executed) executedPerComponent.set(c, (executedPerComponent.get(c) ?? 0) + g.count);
  }

  // Saturation: one component reached by (nearly) every test says reach tells little. Only
  // components with paths: (an external system every conftest imports is not news, and measured
  // reach cannot tell it apart).
  const totalActive = measuredCount + staticCount;
  const saturated: Saturation[] = [];
  if (totalActive >= SATURATION_MIN_TESTS)
    for (const c of components) {
      if (!c.paths.length) continue;
      const n = Object.values(testsPerComponent.get(c.id) ?? {}).reduce((a, b) => a + b, 0);
      if (n / totalActive <= SATURATION_SHARE) continue;
      const executed = executedPerComponent.get(c.id) ?? 0;
      saturated.push({ component: c.id, tests: n, total: totalActive, share: n / totalActive, evidence: executed === 0 ? 'imports' : executed === n ? 'measured' : 'mixed', executed });
    }
  saturated.sort((a, b) => b.share - a.share || a.component.localeCompare(b.component));

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

  let why: WorkflowAnalysis['why'];
  if (input.why) {
    const whyTest = (t: DiscoveredTest): WhyTest => ({ id: t.id, runner: t.runner, project: t.project, file: t.file, line: t.line, tier: t.tier });
    const byTier = <T extends { tier: Tier }>(list: T[]): T[] => list.sort((a, b) => compareTiers(a.tier, b.tier)); // stable: input order within a tier
    const active = input.tests.filter(byActive);
    const whyStatic = reach.staticRunners;
    const componentWhy: ComponentWhy[] = (input.why.components ?? [])
      .filter((id) => input.components[id])
      .map((id) => {
        const tests: WhyComponentTest[] = [];
        const importedNotExecuted: ComponentWhy['importedNotExecuted'] = [];
        for (const t of active) {
          const r = reachOf(t);
          const hit = r.components.find((c) => c.component === id);
          if (hit)
            tests.push({ ...whyTest(t), evidence: hit.via, ...(hit.run ? { run: hit.run } : {}), ...(hit.stale ? { stale: true } : {}), ...(hit.path ? { path: hit.path } : {}) });
          else {
            const missed = r.importedNotExecuted?.find((c) => c.component === id);
            if (missed) importedNotExecuted.push({ ...whyTest(t), path: missed.path });
          }
        }
        return { component: id, evidence: reach.evidence, tests: byTier(tests), importedNotExecuted: byTier(importedNotExecuted), staticRunners: whyStatic };
      });
    const workflowWhy: WorkflowWhy[] = (input.why.workflows ?? [])
      .filter((id) => input.workflows[id])
      .map((id) => {
        const wf = input.workflows[id]!;
        const chain = wf.chain;
        const external = new Set(chain.filter((c) => (input.components[c]?.paths.length ?? 0) === 0));
        const tests: WorkflowWhy['tests'] = [];
        let partialTests = 0;
        let importedNotExecuted = 0;
        for (const t of active) {
          const r = reachOf(t);
          const reached = new Set(r.components.map((c) => c.component));
          const n = chain.filter((c) => reached.has(c)).length;
          if (n === chain.length) {
            tests.push({ ...whyTest(t), components: onlyChain(r, chain).components });
            continue;
          }
          // as the workflow table counts partial reach: reaching only its external systems is not
          if (n > 0 && (external.size === chain.length || chain.some((c) => reached.has(c) && !external.has(c)))) partialTests++;
          if (r.importedNotExecuted && chain.every((c) => reached.has(c) || r.importedNotExecuted!.some((x) => x.component === c))) importedNotExecuted++;
        }
        const gap = workflows.find((w) => w.id === id)!;
        return {
          workflow: id,
          title: wf.title,
          priority: wf.priority,
          chain: [...chain],
          status: gap.status,
          evidence: reach.evidence,
          tests: byTier(tests),
          partialTests,
          importedNotExecuted,
          staticRunners: whyStatic,
        };
      });
    why = { components: componentWhy, workflows: workflowWhy };
  }
  return { workflows, components: componentCoverage, diagnostics, reach, saturated, ...(why ? { why } : {}) };
}

function onlyChain(reach: TestReach, chain: readonly string[]): TestReach {
  const order = new Map(chain.map((c, i) => [c, i]));
  const { importedNotExecuted, ...rest } = reach;
  const missed = importedNotExecuted?.filter((c) => order.has(c.component));
  return {
    ...rest,
    components: reach.components.filter((c) => order.has(c.component)).sort((a, b) => order.get(a.component)! - order.get(b.component)!),
    ...(missed?.length ? { importedNotExecuted: missed } : {}),
  };
}

/** Severity first (critical … none), then priority, then id. */
export function compareWorkflowGaps(a: WorkflowGap, b: WorkflowGap): number {
  const sa = a.severity ? severityRank(a.severity) : SEVERITIES.length;
  const sb = b.severity ? severityRank(b.severity) : SEVERITIES.length;
  return sa - sb || a.priority.localeCompare(b.priority) || (a.status === b.status ? 0 : a.status === 'partial' ? 1 : -1) || a.id.localeCompare(b.id);
}
