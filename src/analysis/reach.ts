import picomatch from 'picomatch';
import type { LoadedConfig } from '../config/index.js';
import { closureOf, moduleMatches, type ImportGraph } from '../core/graph.js';
import type { DiscoveredTest, RepoInventory } from '../core/types.js';
import { buildImportGraph } from '../graph/index.js';

/**
 * Per-test static reach: for each test, the components it reaches through imports (its file and
 * its runner's companion files, closed over the import graph's followed edges), the same reach
 * `seams gaps` counts, one entry per test instead of counts per tier. Marker and workflow-tag
 * references are not included: this is the import evidence alone, for accuracy studies
 * (bench/reach/) that compare it with what each test executed.
 */

export interface TestStaticReach {
  runner: string;
  project: string | null;
  id: string;
  file: string;
  /** Component ids reached through imports, sorted. */
  components: string[];
}

export interface StaticReachInput {
  tests: readonly DiscoveredTest[];
  graph: ImportGraph;
  components: Readonly<Record<string, { id: string; paths: readonly string[]; imports: readonly string[] }>>;
  /** `runner \0 file` → the files the runner loads with the test file (as in `analyzeWorkflows`). */
  companions?: ReadonlyMap<string, readonly string[]>;
}

/** The components each test reaches through the graph (pure over its inputs). */
export function componentsReachedByTests(input: StaticReachInput): TestStaticReach[] {
  const comps = Object.values(input.components);
  const matchers = comps.map((c) => ({ id: c.id, match: c.paths.length ? picomatch([...c.paths], { dot: true }) : null, imports: c.imports }));
  const byFile = new Map<string, string[]>();
  const reachOfFile = (runner: string, file: string): string[] => {
    const key = `${runner}\0${file}`;
    let ids = byFile.get(key);
    if (ids) return ids;
    const closure = closureOf(input.graph, [file, ...(input.companions?.get(key) ?? [])]);
    const found = new Set<string>();
    for (const m of matchers) {
      if (m.match) for (const f of closure.files.keys()) if (m.match(f)) { found.add(m.id); break; }
      if (!found.has(m.id) && m.imports.length) for (const mod of closure.externals.keys()) if (m.imports.some((w) => moduleMatches(mod, w))) { found.add(m.id); break; }
    }
    byFile.set(key, (ids = [...found].sort()));
    return ids;
  };
  return input.tests.map((t) => ({ runner: t.runner, project: t.project, id: t.id, file: t.file, components: reachOfFile(t.runner, t.file) }));
}

/** Builds the import graph of a scanned repository (as `seams gaps` does) and returns every test's static reach. */
export function staticReachOf(
  inventory: RepoInventory,
  loaded: LoadedConfig,
  options: { files: readonly string[]; companions?: ReadonlyMap<string, readonly string[]> },
): { tests: TestStaticReach[]; graph: { parsed: number; files: number; ms: number } } {
  const started = performance.now();
  const companions = options.companions ?? new Map<string, readonly string[]>();
  const entries = [...new Set([...inventory.tests.map((t) => t.file), ...[...companions.values()].flat()])];
  const build = buildImportGraph(inventory.root, { files: [...options.files], entries });
  const ms = performance.now() - started;
  const tests = componentsReachedByTests({ tests: inventory.tests, graph: build.graph, components: loaded.config.components, companions });
  return { tests, graph: { parsed: build.parsed, files: Object.keys(build.graph.files).length, ms } };
}
