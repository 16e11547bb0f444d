/**
 * Plain `python -m unittest` (discover with `-s`, `-p`, `-t`), used where the repository runs its
 * tests that way (tox, Makefile, CI workflow, package or pyproject scripts) and no pytest
 * configuration applies, or where seams.yaml `runners:` chooses it. Ids are unittest's:
 * `<module>.<Class>.<method>`, the module named from the top-level folder.
 */
import path from 'node:path';
import { fdir } from 'fdir';
import type { DiscoveredTest, RawTest, RepoInventory } from '../../core/types.js';
import type { BuildInput, CommandSpec, RunnerPlugin } from '../contract.js';
import type { RunnerScan, ScanContext, VerifyOptions, VerifyReport } from '../types.js';
import { UNITTEST_OUTCOMES, unittestJUnit } from '../_shared/unittest/native.js';
import { pythonFiles, UNITTEST_MAIN } from '../_shared/unittest/python.js';
import { verifyListing } from '../_shared/unittest/verify.js';
import type { Invocation } from './invocations.js';
import { toPosix } from '../../util/paths.js';
import { pythonEventsEnv } from '../_shared/python-dir.js';

export interface UnittestGroup {
  invocation: Invocation;
  project: string | null;
  /** Repo-relative folders ('' for the root). */
  cwd: string;
  start: string;
  top: string;
}

const repoPath = (cwd: string, p: string) => {
  const j = path.posix.normalize(cwd ? `${cwd}/${p}` : p);
  return j === '.' ? '' : j.replace(/\/$/, '');
};
const within = (dir: string, folder: string) => folder === '' || dir === folder || dir.startsWith(`${folder}/`);

/** The discover groups of a repository, with the invocations left out and why. */
export async function unittestGroups(rootAbs: string, files: readonly string[], chosen: readonly string[]): Promise<{ groups: UnittestGroup[]; notes: { source: string; message: string }[] }> {
  // loaded on use: a run with a cached inventory never reads the repository's scripts
  const [{ findInvocations }, { pytestConfigFor }] = await Promise.all([import('./invocations.js'), import('../_shared/unittest/pytest-config.js')]);
  const notes: { source: string; message: string }[] = [];
  const invocations = findInvocations(rootAbs, files);
  for (const folder of chosen)
    if (!invocations.some((i) => i.cwd === folder && !i.names.length))
      invocations.push({ cwd: folder, start: '.', pattern: 'test*.py', top: null, source: 'seams.yaml', names: [] });
  const groups: UnittestGroup[] = [];
  for (const inv of invocations) {
    if (inv.names.length) {
      notes.push({ source: inv.source, message: `${inv.source}: python -m unittest ${inv.names.join(' ')} names modules; seams lists discovery (python -m unittest discover) only` });
      continue;
    }
    const forced = chosen.some((c) => within(inv.cwd, c));
    const config = forced ? null : pytestConfigFor(rootAbs, files, inv.cwd);
    if (config) {
      notes.push({ source: inv.source, message: `${inv.source} runs python -m unittest, but pytest is configured (${config}): pytest's scan lists those tests` });
      continue;
    }
    const start = repoPath(inv.cwd, inv.start);
    const top = repoPath(inv.cwd, inv.top ?? inv.start);
    if (groups.some((g) => g.start === start && g.top === top && g.invocation.pattern === inv.pattern)) continue;
    groups.push({ invocation: inv, project: null, cwd: inv.cwd, start, top });
  }
  if (groups.length > 1) for (const g of groups) g.project = `${g.start || '.'}:${g.invocation.pattern}`;
  return { groups, notes };
}

export async function scanUnittest(ctx: ScanContext): Promise<RunnerScan | null> {
  const files = await ctx.listFiles();
  const { groups, notes } = await unittestGroups(ctx.root, files, ctx.chosenFolders?.('unittest') ?? []);
  const diagnostics: RunnerScan['diagnostics'] = notes.map((n) => ({ severity: 'info', code: 'UNITTEST_NOT_LISTED', runner: 'unittest', file: n.source, message: n.message }));
  if (!groups.length) return diagnostics.length ? { runners: [], files: [], tests: [], diagnostics } : null;
  ctx.progress.update('unittest: reading test modules…');
  const { discoverUnittest } = await import('../_shared/unittest/discover.js');
  // the folder the repo runs unittest from is unittest's alone: pytest's default collection (a guess
  // where pytest is not configured) lists no tests there
  const result: RunnerScan = { runners: [], files: [], tests: [], diagnostics, claimedFolders: groups.map((g) => g.cwd) };
  const seen = new Set<string>();
  for (const g of groups) {
    result.runners.push({ runner: 'unittest', project: g.project, rootDir: g.cwd || '.', configFile: g.invocation.source === 'seams.yaml' ? null : g.invocation.source });
    const found = discoverUnittest({
      runner: 'unittest',
      project: g.project,
      rootAbs: ctx.root,
      files,
      start: g.start,
      top: g.top,
      pattern: g.invocation.pattern,
      requirementPattern: ctx.requirementPattern,
      cache: ctx.cache,
      extraImportRoots: [g.cwd],
    });
    for (const f of found.files) result.files.push({ runner: 'unittest', project: g.project, file: f });
    for (const t of found.tests) {
      if (seen.has(t.id)) continue;
      seen.add(t.id);
      result.tests.push(t as RawTest);
    }
    result.diagnostics.push(...found.diagnostics);
  }
  return result;
}

/** Arguments of the shipped main script for a group (relative to its cwd). */
function discoverArgs(g: UnittestGroup): string[] {
  const rel = (p: string) => path.posix.relative(g.cwd, p) || '.';
  return ['--start', rel(g.start), '--pattern', g.invocation.pattern, ...(g.invocation.top !== null ? ['--top', rel(g.top)] : [])];
}

export async function verifyUnittest(root: string, inventory: RepoInventory, options: VerifyOptions): Promise<VerifyReport[]> {
  const python = options.python ?? process.env.SEAMS_PYTHON ?? 'python3';
  const infos = inventory.runners.filter((r) => r.runner === 'unittest');
  if (!infos.length) return [];
  const { groups } = await unittestGroups(root, await listAll(root), infos.map((i) => (i.rootDir === '.' ? '' : i.rootDir)));
  const out: VerifyReport[] = [];
  for (const info of infos) {
    const g = groups.find((x) => x.project === info.project) ?? { invocation: { cwd: '', start: '.', pattern: 'test*.py', top: null, source: 'seams.yaml', names: [] }, project: info.project, cwd: info.rootDir === '.' ? '' : info.rootDir, start: info.rootDir === '.' ? '' : info.rootDir, top: info.rootDir === '.' ? '' : info.rootDir };
    const args = discoverArgs(g);
    out.push(
      await verifyListing({
        runner: 'unittest',
        project: info.project,
        python,
        args: [`{dir}/${UNITTEST_MAIN}.py`, '--list', ...args],
        cwd: path.resolve(root, g.cwd),
        which: 'unittest',
        tests: inventory.tests.filter((t) => t.runner === 'unittest' && t.project === info.project),
        staticIds: inventory.tests.filter((t) => t.runner === 'unittest' && t.project === info.project).map((t) => t.id),
        timeoutMs: options.timeoutMs,
        display: `cd ${g.cwd || '.'} && ${python} -m unittest discover -s ${args[1]} -p '${g.invocation.pattern}'${g.invocation.top !== null ? ` -t ${args[args.length - 1]}` : ''}`,
      }),
    );
  }
  return out;
}

async function listAll(root: string): Promise<string[]> {
  const found = await new fdir()
    .withRelativePaths()
    .exclude((d) => d === '.git' || d === 'node_modules')
    .crawl(root)
    .withPromise();
  return found.map(toPosix).sort();
}

/** The module a test file is imported as, and the top-level folder, from a test's id and file. */
export function moduleAndTop(t: DiscoveredTest): { module: string; top: string } {
  const parts = t.id.split('.');
  const modPath = t.file.replace(/\.py$/, '').replace(/\/__init__$/, '');
  const segs = modPath.split('/');
  // the id starts with the module: the longest tail of the file path that prefixes the id
  for (let i = 0; i < segs.length; i++) {
    const mod = segs.slice(i).join('.');
    if (t.id.startsWith(`${mod}.`)) return { module: mod, top: segs.slice(0, i).join('/') };
  }
  return { module: parts.slice(0, -2).join('.'), top: '' };
}

export function buildUnittestCommand(input: BuildInput): CommandSpec {
  const cwd = path.resolve(input.root, input.rootDir === '.' ? '' : input.rootDir);
  const selected = input.tests.filter((t) => !input.exclude.has(t.id));
  const allSelected = selected.length === input.allTests.length;
  const first = selected[0] ?? input.allTests[0];
  const top = first ? moduleAndTop(first).top : '';
  const labels = allSelected ? [...new Set(selected.map((t) => moduleAndTop(t).module))].sort() : [...new Set(selected.map((t) => t.id))];
  const labelsFile = { path: `${input.workDir}/unittest-labels.txt`, content: `${labels.join('\n')}\n` };
  const rootDir = input.rootDir === '.' ? '' : input.rootDir;
  return {
    argv: [
      input.python,
      `${input.workDir}/${UNITTEST_MAIN}.py`,
      '--run',
      input.resultFile,
      '--top',
      path.posix.relative(rootDir, top) || '.',
      '--labels',
      labelsFile.path,
      ...input.extraArgs,
    ],
    cwd,
    env: pythonEventsEnv(input.events, input.pythonPath),
    files: [...pythonFiles(input.workDir, 'unittest'), labelsFile],
    resultFile: input.resultFile,
    format: 'junit',
  };
}

export const unittestPlugin = {
  id: 'unittest' as const,
  language: 'python',
  title: 'unittest',
  scan: scanUnittest,
  verify: verifyUnittest,
  verifyUnit: 'ids',
  buildCommand: buildUnittestCommand,
  liveEvents: true,
  requirements: () => [{ kind: 'python', installHint: 'install Python 3, or pass --python / set SEAMS_PYTHON' }],
  resultFormat: 'junit',
  junit: unittestJUnit,
  outcomes: UNITTEST_OUTCOMES,
  ci: { python: true },
} satisfies RunnerPlugin;
