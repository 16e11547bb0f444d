/**
 * `seams scan --resolve`: the files that still hold `dynamic` tests after the static scan are
 * listed by the runner's own collector (`pytest --collect-only`, `vitest list`, `playwright test
 * --list`), and the runner's ids replace the file's tests in the inventory.
 *
 * - Only those files, grouped by runner root, split into chunks for a small pool of processes
 *   (at most min(cores, 4) at once); each command in its own process group, killed on timeout.
 * - A test the runner lists with an id seams found statically keeps everything seams knew (tier,
 *   markers, line); any other is marked `resolvedBy` and takes tier, markers, status and refs from
 *   the static test it comes from (`core/origin.ts`).
 * - A collection error, a timeout or a missing runner is a diagnostic; the files concerned keep
 *   their static tests. A runner without a collector (Jest) is said once.
 * - Each file's listing is cached (`.seams/cache/resolved`) under a key of everything it depends
 *   on — the file, the files the runner reads with it (`inputsOf`), the environment it reads
 *   (`envKeys`), the installed runner's identity read from files (`locate`), seams' version — so
 *   a second scan of an unchanged repository starts no process. Without an identity nothing is
 *   cached; errors are never cached.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheKey, contentHash, openCache, type CacheStore } from '../cache/store.js';
import { originOf } from '../core/origin.js';
import type { Classifier } from '../core/tiers.js';
import type { Diagnostic, DiscoveredTest, RepoInventory, RunnerId, RunnerInfo } from '../core/types.js';
import type { CollectedTest, CollectInput, CollectListing, NativeCollector, RunnerPlugin } from '../runners/contract.js';
import { runners as registered } from '../runners/registry.js';
import { describeError } from '../util/errors.js';
import { execCommand, type ExecResult } from '../util/exec.js';
import { plural } from '../util/strings.js';
import type { Progress } from '../util/progress.js';

export const DEFAULT_RESOLVE_TIMEOUT_MS = 120_000;
const CACHE_NAMESPACE = 'resolved';

export interface ResolveOptions {
  /** The interpreter (`--python`, `SEAMS_PYTHON`, `python3`). */
  python: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Per collector command (default 120 s). */
  timeoutMs?: number;
  /** False: no cache read or written (`--no-cache`). */
  cache?: boolean;
  /** Commands at once (default min(cores, 4)). */
  concurrency?: number;
  /** Tier of a listed test that comes from no static test (seams.yaml tier rules). */
  classifier: Classifier;
  progress?: Progress;
  /** The runners to consider (default: the registry). */
  plugins?: readonly RunnerPlugin[];
}

export interface ResolveStats {
  runner: RunnerId;
  /** Files that held dynamic tests. */
  files: number;
  /** Files whose listing replaced their tests (from a command or the cache). */
  resolvedFiles: number;
  /** Of those, listings read from the cache. */
  cached: number;
  /** Collector commands started. */
  commands: number;
}

interface Group {
  plugin: RunnerPlugin;
  collect: NativeCollector;
  rootDir: string;
  configFiles: string[];
  files: string[];
}

interface Chunk {
  group: Group;
  files: string[];
  identity: string | null;
  executable?: string;
  python?: { file: string; env: Record<string, string> };
  /** A retry of one file after its command listed nothing (`allOrNothing`). */
  single?: boolean;
}

const emptyRefs = () => ({ workflows: [], components: [], requirements: [] });

/** The runner info whose root holds `file` (longest root), preferring the test's project. */
function infoOf(infos: readonly RunnerInfo[], file: string, project: string | null): RunnerInfo | undefined {
  const holds = (i: RunnerInfo) => i.rootDir === '' || i.rootDir === '.' || file.startsWith(`${i.rootDir}/`);
  const byLength = (a: RunnerInfo, b: RunnerInfo) => b.rootDir.length - a.rootDir.length;
  return infos.filter((i) => i.project === project && holds(i)).sort(byLength)[0] ?? infos.filter(holds).sort(byLength)[0];
}

/** Splits `files` into at most `parts` contiguous chunks of at least `min` files (folders stay together). */
function chunksOf(files: readonly string[], parts: number, min: number | undefined): string[][] {
  if (!files.length) return [];
  if (!min || files.length <= min) return [files.slice()];
  const n = Math.max(1, Math.min(parts, Math.ceil(files.length / min)));
  const out: string[][] = [];
  for (let i = 0; i < n; i++) out.push(files.slice(Math.floor((i * files.length) / n), Math.floor(((i + 1) * files.length) / n)));
  return out.filter((c) => c.length);
}

export async function resolveDynamic(repo: RepoInventory, options: ResolveOptions): Promise<{ repo: RepoInventory; stats: ResolveStats[] }> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_RESOLVE_TIMEOUT_MS;
  const concurrency = Math.max(1, options.concurrency ?? Math.min(os.availableParallelism(), 4));
  const cache: CacheStore = openCache(repo.root, { enabled: options.cache !== false });
  const diagnostics: Diagnostic[] = [];
  const stats: ResolveStats[] = [];
  const said = new Set<string>();
  const sayOnce = (d: Diagnostic) => {
    const k = `${d.code}\0${d.runner}\0${d.message}`;
    if (said.has(k)) return;
    said.add(k);
    diagnostics.push(d);
  };

  // the files of each runner that still hold dynamic tests, grouped by runner root
  const groups: Group[] = [];
  for (const plugin of options.plugins ?? registered) {
    const dynamic = repo.tests.filter((t) => t.runner === plugin.id && t.dynamic);
    if (!dynamic.length) continue;
    const files = [...new Set(dynamic.map((t) => t.file))].sort();
    if (!plugin.collect) {
      sayOnce({
        severity: 'info',
        code: 'RESOLVE_UNSUPPORTED',
        runner: plugin.id,
        message: `--resolve: ${plugin.title} cannot list its tests without running them; ${plural(dynamic.length, 'dynamic test')} in ${plural(files.length, 'file')} stay as found statically`,
      });
      continue;
    }
    const infos = repo.runners.filter((r) => r.runner === plugin.id);
    const byRoot = new Map<string, Group>();
    for (const t of dynamic) {
      const info = infoOf(infos, t.file, t.project);
      const rootDir = info?.rootDir ?? '';
      let g = byRoot.get(rootDir);
      if (!g) {
        const configFiles = [...new Set(infos.filter((i) => i.rootDir === rootDir && i.configFile).map((i) => i.configFile!))].sort();
        byRoot.set(rootDir, (g = { plugin, collect: plugin.collect, rootDir, configFiles, files: [] }));
      }
      g.files.push(t.file);
    }
    for (const g of byRoot.values()) g.files = [...new Set(g.files)];
    groups.push(...byRoot.values());
    stats.push({ runner: plugin.id, files: files.length, resolvedFiles: 0, cached: 0, commands: 0 });
  }
  if (!groups.length) return { repo: { ...repo, diagnostics: [...repo.diagnostics, ...diagnostics] }, stats };

  const statsOf = (runner: RunnerId) => stats.find((s) => s.runner === runner)!;
  const listings = new Map<string, CollectedTest[]>(); // runner \0 file → the runner's tests
  const keys = new Map<string, string | null>();
  const hashes = new Map<string, string>();
  const hashOf = (rel: string): string => {
    let h = hashes.get(rel);
    if (h === undefined) {
      try {
        h = contentHash(readFileSync(path.join(repo.root, rel)));
      } catch {
        h = '-';
      }
      hashes.set(rel, h);
    }
    return h;
  };

  // cache look-up: everything is read from files, nothing is started
  const queue: Chunk[] = [];
  for (const g of groups) {
    g.files.sort();
    const setup = g.collect.locate({ root: repo.root, rootDir: g.rootDir, python: options.python, env });
    if (setup.missing) {
      sayOnce(missingDiagnostic(g.plugin, setup.missing));
      continue;
    }
    const pending: string[] = [];
    for (const file of g.files) {
      const key =
        setup.identity && hashOf(file) !== '-'
          ? cacheKey(
              CACHE_NAMESPACE,
              g.plugin.id,
              g.rootDir,
              g.configFiles.join('\n'),
              file,
              hashOf(file),
              ...g.collect.inputsOf(file, { root: repo.root, rootDir: g.rootDir, configFiles: g.configFiles }).map((f) => `${f}\0${hashOf(f)}`),
              ...g.collect.envKeys.map((k) => `${k}=${env[k] ?? ''}`),
              setup.identity,
            )
          : null;
      keys.set(`${g.plugin.id}\0${file}`, key);
      const hit = key ? readEntry(cache, key, file) : undefined;
      if (hit) {
        if (hit.error !== undefined) diagnostics.push(collectionError(g.plugin, file, hit.error));
        else listings.set(`${g.plugin.id}\0${file}`, hit.tests);
        statsOf(g.plugin.id).cached++;
      } else pending.push(file);
    }
    for (const files of chunksOf(pending, concurrency, g.collect.chunkSize))
      queue.push({ group: g, files, identity: setup.identity, executable: setup.executable, python: setup.python });
  }

  // the native collectors, a few at a time
  if (queue.length) {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'seams-resolve-'));
    let started = 0;
    let finished = 0;
    // a retry file by file that fails the same way twice is the runner failing, not the files:
    // the group's other retries are not started (a broken vitest config would fail them all)
    const sameFailure = new Map<Group, { message: string; count: number; skipped: string[] }>();
    const runOne = async (chunk: Chunk): Promise<void> => {
      const { group: g } = chunk;
      const breaker = sameFailure.get(g);
      if (chunk.single && breaker && breaker.count >= 2) {
        breaker.skipped.push(...chunk.files);
        return;
      }
      const workDir = path.join(scratch, String(started++));
      mkdirSync(workDir, { recursive: true });
      const input: CollectInput = {
        root: repo.root,
        rootDir: g.rootDir,
        project: null,
        files: chunk.files,
        python: chunk.python?.file ?? options.python,
        workDir,
        configFiles: g.configFiles,
        ...(chunk.executable ? { executable: chunk.executable } : {}),
      };
      const spec = g.collect.command(input);
      for (const f of spec.files ?? []) writeFileSync(f.path, f.content);
      statsOf(g.plugin.id).commands++;
      options.progress?.update(`resolve: ${g.plugin.id} ${plural(chunk.files.length, 'file')} (${finished}/${started} commands done)…`);
      const result: ExecResult = await execCommand(spec.argv[0]!, spec.argv.slice(1), {
        cwd: spec.cwd,
        env: { ...env, ...chunk.python?.env, ...spec.env },
        timeoutMs,
        processGroup: true,
      });
      finished++;
      if (result.spawnError) {
        const interpreter = spec.argv[0] === input.python ? ' (the interpreter is --python, else $SEAMS_PYTHON, else python3)' : '';
        const reason = result.spawnError.code === 'ENOENT' ? 'not found' : result.spawnError.message;
        sayOnce(missingDiagnostic(g.plugin, `cannot start ${spec.argv[0]}: ${reason}${interpreter}`));
        return;
      }
      if (result.timedOut) {
        diagnostics.push({
          severity: 'warning',
          code: 'RESOLVE_TIMEOUT',
          runner: g.plugin.id,
          ...(chunk.files.length === 1 ? { file: chunk.files[0] } : {}),
          message: `--resolve: ${g.plugin.title} did not list ${describeFiles(chunk.files)} within ${timeoutMs / 1000} s (--resolve-timeout) and was stopped; their tests are kept as found statically`,
        });
        return;
      }
      let report: string | null = null;
      if (spec.resultFile)
        try {
          report = readFileSync(spec.resultFile, 'utf8');
        } catch {
          report = null;
        }
      const listing: CollectListing = g.collect.parse({ stdout: result.stdout, stderr: result.stderr, code: result.code, report }, input);
      if (listing.missing) {
        sayOnce(missingDiagnostic(g.plugin, listing.missing));
        return;
      }
      const failed = new Set(listing.errors.flatMap((e) => (e.file ? [e.file] : [])));
      const general = listing.errors.filter((e) => !e.file);
      // a file's own error is as much the runner's answer as its tests: cached under the same key
      // (the file, what it is collected with, the installed packages), so it is not asked again
      const remember = (file: string, entry: CacheEntry) => {
        const key = keys.get(`${g.plugin.id}\0${file}`);
        if (key && chunk.identity) cache.set(CACHE_NAMESPACE, key, entry);
      };
      for (const e of listing.errors) if (e.file && chunk.files.includes(e.file)) remember(e.file, { file: e.file, tests: [], error: e.message });
      // one failing file empties the whole listing: list the others one by one
      if (g.collect.allOrNothing && !chunk.single && chunk.files.length > 1 && listing.tests.length === 0 && listing.errors.length) {
        for (const e of listing.errors.filter((x) => x.file)) diagnostics.push(collectionError(g.plugin, e.file!, e.message));
        for (const f of chunk.files) if (!failed.has(f)) queue.push({ ...chunk, files: [f], single: true });
        return;
      }
      if (chunk.single && failed.size) {
        const file = chunk.files[0]!;
        const message = listing.errors.map((e) => e.message.split(file).join('<file>').split(path.posix.basename(file)).join('<file>')).join('; ');
        const b = sameFailure.get(g);
        if (b && b.message === message) b.count++;
        else sameFailure.set(g, { message, count: 1, skipped: b?.skipped ?? [] });
      }
      for (const e of listing.errors) if (e.file) diagnostics.push(collectionError(g.plugin, e.file, e.message));
      if (general.length) {
        diagnostics.push({
          severity: 'warning',
          code: 'RESOLVE_COLLECTION_ERROR',
          runner: g.plugin.id,
          ...(chunk.files.length === 1 ? { file: chunk.files[0] } : {}),
          message: `--resolve: ${g.plugin.title} could not list ${describeFiles(chunk.files)}: ${general.map((e) => e.message).join('; ')}`,
        });
        return;
      }
      const byFile = new Map<string, CollectedTest[]>(chunk.files.map((f) => [f, []]));
      for (const t of listing.tests) byFile.get(t.file)?.push(t);
      for (const [file, tests] of byFile) {
        if (failed.has(file)) continue;
        listings.set(`${g.plugin.id}\0${file}`, tests);
        remember(file, { file, tests });
      }
    };
    try {
      // at most `concurrency` commands at once; a retry a command queues is started as one ends
      await new Promise<void>((done) => {
        let active = 0;
        const pump = () => {
          while (active < concurrency && queue.length) {
            const chunk = queue.shift()!;
            active++;
            runOne(chunk)
              .catch((error: unknown) =>
                diagnostics.push({ severity: 'error', code: 'RESOLVE_FAILED', runner: chunk.group.plugin.id, message: `--resolve: ${describeError(error)}` }),
              )
              .finally(() => {
                active--;
                pump();
              });
          }
          if (active === 0 && !queue.length) done();
        };
        pump();
      });
      for (const [g, b] of sameFailure)
        if (b.skipped.length)
          diagnostics.push({
            severity: 'warning',
            code: 'RESOLVE_COLLECTION_ERROR',
            runner: g.plugin.id,
            message: `--resolve: ${g.plugin.title} failed the same way for every file it was given alone (${b.message}); ${describeFiles(b.skipped)} not tried, their tests are kept as found statically`,
          });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
      options.progress?.done();
    }
  }

  // merge: each resolved file's tests are the runner's
  const merged = mergeListings(repo, listings, groups, options.classifier);
  for (const s of stats) s.resolvedFiles = [...listings.keys()].filter((k) => k.startsWith(`${s.runner}\0`)).length;
  for (const s of stats)
    if (s.resolvedFiles || s.commands)
      diagnostics.push({
        severity: 'info',
        code: 'RESOLVED',
        runner: s.runner,
        message: `--resolve: ${s.runner} listed ${plural(s.resolvedFiles, 'file')} of ${s.files} with dynamic tests (${s.cached} answered from the cache, ${plural(s.commands, 'command')} started)`,
      });
  return { repo: { ...merged, diagnostics: [...repo.diagnostics, ...diagnostics] }, stats };
}

/** A cached listing of one file: the runner's tests, or its collection error. */
interface CacheEntry {
  file: string;
  tests: CollectedTest[];
  error?: string;
}

function readEntry(cache: CacheStore, key: string, file: string): CacheEntry | undefined {
  const v = cache.get<Partial<CacheEntry>>(CACHE_NAMESPACE, key);
  if (!v || v.file !== file || !Array.isArray(v.tests) || (v.error !== undefined && typeof v.error !== 'string')) return undefined;
  const ok = v.tests.every(
    (t: Partial<CollectedTest>) => t && typeof t.id === 'string' && t.file === file && Array.isArray(t.titlePath) && typeof t.name === 'string' && (t.project === null || typeof t.project === 'string'),
  );
  return ok ? (v as CacheEntry) : undefined;
}

const describeFiles = (files: readonly string[]) =>
  files.length === 1 ? files[0]! : `${plural(files.length, 'file')} (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''})`;

function missingDiagnostic(plugin: RunnerPlugin, why: string): Diagnostic {
  return {
    severity: 'warning',
    code: 'RESOLVE_RUNNER_MISSING',
    runner: plugin.id,
    message: `--resolve: ${why}; ${plugin.title}'s dynamic tests are kept as found statically`,
  };
}

function collectionError(plugin: RunnerPlugin, file: string, message: string): Diagnostic {
  return {
    severity: 'warning',
    code: 'RESOLVE_COLLECTION_ERROR',
    runner: plugin.id,
    file,
    message: `${file}: ${plugin.title} could not collect it (--resolve), its tests are kept as found statically: ${message}`,
  };
}

/** The inventory with each listed file's tests replaced by the runner's, in place of the old ones. */
function mergeListings(repo: RepoInventory, listings: ReadonlyMap<string, CollectedTest[]>, groups: readonly Group[], classifier: Classifier): RepoInventory {
  if (!listings.size) return repo;
  const listsInactive = new Map(groups.map((g) => [g.plugin.id, g.collect.listsInactive]));
  const staticOf = new Map<string, DiscoveredTest[]>();
  for (const t of repo.tests) {
    const k = `${t.runner}\0${t.file}`;
    if (!listings.has(k)) continue;
    let list = staticOf.get(k);
    if (!list) staticOf.set(k, (list = []));
    list.push(t);
  }
  const replacement = (k: string): DiscoveredTest[] => {
    const listed = listings.get(k)!;
    const old = staticOf.get(k) ?? [];
    const runner = old[0]?.runner ?? k.split('\0')[0]!;
    const all = listsInactive.get(runner) !== false;
    const hint = old.find((s) => s.tierSource === `runner:${runner}`)?.tier;
    const out: DiscoveredTest[] = [];
    const seen = new Set<string>();
    for (const c of listed) {
      seen.add(`${c.project ?? ''}\0${c.id}`);
      const o = originOf(c, old);
      if (o && o.id === c.id && !o.dynamic) {
        out.push(o);
        continue;
      }
      const markers = o ? [...o.markers] : [];
      const tier = o
        ? { tier: o.tier, tierSource: o.tierSource }
        : classifier.classify({ runner, project: c.project, id: c.id, file: c.file, line: 0, titlePath: c.titlePath, name: c.name, markers, status: 'active', dynamic: false, refs: emptyRefs(), ...(hint ? { tierHint: hint } : {}) });
      out.push({
        runner,
        project: c.project,
        id: c.id,
        file: c.file,
        line: c.line ?? o?.line ?? 0,
        titlePath: [...c.titlePath],
        name: c.name,
        tier: tier.tier,
        tierSource: tier.tierSource,
        markers,
        // a listing without skipped tests (vitest list) lists only tests that run
        status: all ? (o?.status ?? 'active') : 'active',
        dynamic: false,
        resolvedBy: runner,
        refs: o ? { workflows: [...o.refs.workflows], components: [...o.refs.components], requirements: [...o.refs.requirements] } : emptyRefs(),
      });
    }
    // skipped and todo tests a listing leaves out stay as seams found them
    if (!all) for (const s of old) if (s.status !== 'active' && !seen.has(`${s.project ?? ''}\0${s.id}`)) out.push(s);
    return out;
  };
  const tests: DiscoveredTest[] = [];
  const done = new Set<string>();
  for (const t of repo.tests) {
    const k = `${t.runner}\0${t.file}`;
    if (!listings.has(k)) {
      tests.push(t);
      continue;
    }
    if (done.has(k)) continue;
    done.add(k);
    for (const r of replacement(k)) tests.push(r);
  }
  const counts = new Map<string, number>();
  for (const t of tests) counts.set(`${t.runner}\0${t.project ?? ''}\0${t.file}`, (counts.get(`${t.runner}\0${t.project ?? ''}\0${t.file}`) ?? 0) + 1);
  const files = repo.files.map((f) =>
    listings.has(`${f.runner}\0${f.file}`) ? { ...f, tests: counts.get(`${f.runner}\0${f.project ?? ''}\0${f.file}`) ?? 0 } : f,
  );
  return { ...repo, tests, files };
}
