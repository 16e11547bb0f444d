/**
 * Django's test runner (`python manage.py test`): unittest discovery from the manage.py folder
 * with Django's defaults (pattern `test*.py`), found statically; labels as Django prints them
 * (`apps.billing.tests.test_api.InvoiceAPITests.test_create`); `--verify` lists the suite the
 * project's runner builds; a run writes JUnit XML through a shipped `--testrunner`.
 */
import path from 'node:path';
import type { Diagnostic, RawTest, RepoInventory, RunnerInfo } from '../../core/types.js';
import type { BuildInput, CollectedTest, CollectInput, CollectListing, CommandSpec, NativeCollector, RunnerPlugin } from '../contract.js';
import { locatePython } from '../_shared/python-install.js';
import { tailMessage } from '../_shared/collect.js';
import type { RunnerScan, ScanContext, ScannedFile, VerifyOptions, VerifyReport } from '../types.js';
import { parseListing, runLabels, UNITTEST_OUTCOMES, unittestJUnit } from '../_shared/unittest/native.js';
import { DJANGO_RUNNER_MODULE, MANAGE_WRAPPER, pythonFiles } from '../_shared/unittest/python.js';
import { verifyListing } from '../_shared/unittest/verify.js';
import { pythonEventsEnv } from '../_shared/python-dir.js';

/** Django's DiscoverRunner default pattern. */
export const DJANGO_PATTERN = 'test*.py';

const rootDirOf = (dir: string) => dir || '.';
const folderOf = (rootDir: string) => (rootDir === '.' ? '' : rootDir);

export async function scanDjango(ctx: ScanContext): Promise<RunnerScan | null> {
  const files = await ctx.listFiles();
  // loaded on use: a run with a cached inventory never loads the Python parser
  const [{ findDjangoRoots }, { discoverUnittest }] = await Promise.all([import('./detect.js'), import('../_shared/unittest/discover.js')]);
  const { roots, steppedBack } = findDjangoRoots(ctx.root, files, ctx.chosenFolders?.('django') ?? []);
  if (!roots.length) return steppedBack.length ? { runners: [], files: [], tests: [], diagnostics: steppedBack.map(steppedBackNote) } : null;
  ctx.progress.update('django: reading test modules…');
  // the project folder is Django's alone: no other Python runner lists tests below it
  const result: RunnerScan = { runners: [], files: [], tests: [], diagnostics: [], claimedFolders: roots.map((r) => r.dir) };
  const seen = new Set<string>();
  for (const r of roots) {
    const project = roots.length > 1 ? rootDirOf(r.dir) : null;
    const info: RunnerInfo = { runner: 'django', project, rootDir: rootDirOf(r.dir), configFile: r.manage };
    result.runners.push(info);
    const found = discoverUnittest({
      runner: 'django',
      project,
      rootAbs: ctx.root,
      files,
      start: r.dir,
      top: r.top,
      pattern: DJANGO_PATTERN,
      requirementPattern: ctx.requirementPattern,
      cache: ctx.cache,
      extraImportRoots: [r.dir],
    });
    for (const f of found.files) result.files.push({ runner: 'django', project, file: f } satisfies ScannedFile);
    for (const t of found.tests) if (!seen.has(`${project}\u0000${t.id}`)) (seen.add(`${project}\u0000${t.id}`), result.tests.push(t as RawTest));
    result.diagnostics.push(...found.diagnostics);
    if (!r.settings)
      result.diagnostics.push({
        severity: 'info',
        code: 'DJANGO_SETTINGS_UNKNOWN',
        runner: 'django',
        file: r.manage,
        message: `${r.manage} sets no literal DJANGO_SETTINGS_MODULE: --verify and runs need it in the environment`,
      } satisfies Diagnostic);
  }
  result.diagnostics.push(...steppedBack.map(steppedBackNote));
  return result;
}

function steppedBackNote(s: { dir: string; config: string }): Diagnostic {
  return {
    severity: 'info',
    code: 'DJANGO_PYTEST_CONFIGURED',
    runner: 'django',
    file: s.config,
    message: `${rootDirOf(s.dir)} has manage.py and pytest configuration (${s.config}): pytest runs its tests (seams.yaml runners: can choose django)`,
  };
}

/** `python seams_manage.py manage.py test --testrunner …`: manage.py as the user starts it, plus seams' runner. */
function manageArgs(dir: string, root: string, runnerClass: string): string[] {
  return [`${dir}/${MANAGE_WRAPPER}.py`, path.join(root, 'manage.py'), 'test', '--testrunner', `${DJANGO_RUNNER_MODULE}.${runnerClass}`];
}

export async function verifyDjango(root: string, inventory: RepoInventory, options: VerifyOptions): Promise<VerifyReport[]> {
  const python = options.python ?? process.env.SEAMS_PYTHON ?? 'python3';
  const out: VerifyReport[] = [];
  for (const info of inventory.runners.filter((r) => r.runner === 'django')) {
    const cwd = path.resolve(root, folderOf(info.rootDir));
    out.push(
      await verifyListing({
        runner: 'django',
        project: info.project,
        python,
        args: manageArgs('{dir}', cwd, 'ListRunner'),
        cwd,
        which: 'django',
        tests: inventory.tests.filter((t) => t.runner === 'django' && t.project === info.project),
        staticIds: inventory.tests.filter((t) => t.runner === 'django' && t.project === info.project).map((t) => t.id),
        timeoutMs: options.timeoutMs,
        display: `cd ${info.rootDir} && ${python} manage.py test --testrunner ${DJANGO_RUNNER_MODULE}.ListRunner`,
      }),
    );
  }
  return out;
}

export function buildDjangoCommand(input: BuildInput): CommandSpec {
  const cwd = path.resolve(input.root, folderOf(input.rootDir));
  const { labels, file } = runLabels(input, 'django-labels.txt');
  return {
    argv: [input.python, ...manageArgs(input.workDir, cwd, 'JUnitRunner'), '--noinput', ...labels, ...input.extraArgs],
    cwd,
    env: { SEAMS_JUNIT_XML: input.resultFile, ...(file ? { SEAMS_TEST_LABELS: file.path } : {}), ...pythonEventsEnv(input.events, input.pythonPath) },
    files: [...pythonFiles(input.workDir, 'django'), ...(file ? [file] : [])],
    resultFile: input.resultFile,
    format: 'junit',
  };
}

/** The dotted module of a test file below the Django project folder. */
const moduleOf = (base: string, file: string) => (base ? file.slice(base.length + 1) : file).replace(/\.py$/, '').replace(/\/__init__$/, '').split('/').join('.');

/** Native listing of chosen files: their modules as labels to the listing runner. */
export const djangoCollector: NativeCollector = {
  command(input: CollectInput): CommandSpec {
    const cwd = path.resolve(input.root, folderOf(input.rootDir));
    const base = folderOf(input.rootDir);
    const modules = input.files.filter((f) => f.endsWith('.py') && (base === '' || f.startsWith(`${base}/`))).map((f) => moduleOf(base, f));
    return {
      argv: [input.python, ...manageArgs(input.workDir, cwd, 'ListRunner'), ...modules],
      cwd,
      env: { PYTHONDONTWRITEBYTECODE: '1' },
      files: pythonFiles(input.workDir, 'django'),
      resultFile: '',
      format: 'listing',
      resultFromStdout: true,
    };
  },
  parse(output, input) {
    if (/No module named '?django'?\s*$/m.test(output.stderr)) return { tests: [], errors: [], missing: `Django is not installed for ${input.python}` };
    const base = folderOf(input.rootDir);
    const listing = parseListing(output.stdout);
    const byModule = new Map(input.files.map((f) => [moduleOf(base, f), f]));
    const fileOfId = (id: string) => {
      for (let m = id; m.includes('.'); m = m.slice(0, m.lastIndexOf('.'))) {
        const f = byModule.get(m.slice(0, m.lastIndexOf('.')));
        if (f) return { file: f, module: m.slice(0, m.lastIndexOf('.')) };
      }
      return undefined;
    };
    const tests: CollectedTest[] = [];
    for (const id of listing.ids) {
      const where = fileOfId(id);
      if (!where) continue;
      const rest = id.slice(where.module.length + 1);
      const dot = rest.lastIndexOf('.');
      const titlePath = dot < 0 ? [rest] : [`${where.module}.${rest.slice(0, dot)}`, rest.slice(dot + 1)];
      tests.push({ id, project: input.project, file: where.file, titlePath, name: rest });
    }
    const errors: CollectListing['errors'] = listing.erroredModules.map((m) => ({ ...(byModule.get(m) ? { file: byModule.get(m)! } : {}), message: `unittest could not import ${m}` }));
    if (output.code !== 0 && output.code !== null && !listing.ids.length) errors.push({ message: `manage.py test exited with code ${output.code}: ${tailMessage(output.stderr || output.stdout)}` });
    return { tests, errors };
  },
  locate: ({ root, rootDir, python, env }) => locatePython(python, env, path.resolve(root, folderOf(rootDir)), 'django'),
  // manage.py names the settings; the settings module itself is not followed
  inputsOf: (_file, { configFiles }) => [...configFiles],
  envKeys: ['PYTHONPATH', 'DJANGO_SETTINGS_MODULE'],
  listsInactive: true,
  chunkSize: 8,
};

/**
 * A configured tier command `python manage.py test …`: the same command through seams' wrapper
 * and JUnit runner (the shipped files go next to the report, in the run's scratch folder). Pure.
 */
export function adoptDjangoCommand(argv: readonly string[], resultFile: string, extraArgs: readonly string[]): Omit<CommandSpec, 'cwd'> | null {
  const at = argv.findIndex((a) => path.basename(a) === 'manage.py');
  if (at < 1 || argv[at + 1] !== 'test' || !/python/.test(path.basename(argv[0]!))) return null;
  const dir = path.dirname(resultFile);
  return {
    argv: [...argv.slice(0, at), `${dir}/${MANAGE_WRAPPER}.py`, ...argv.slice(at), '--testrunner', `${DJANGO_RUNNER_MODULE}.JUnitRunner`, ...extraArgs],
    env: { SEAMS_JUNIT_XML: resultFile },
    files: pythonFiles(dir, 'django'),
    resultFile,
    format: 'junit',
  };
}

export const djangoPlugin = {
  id: 'django' as const,
  language: 'python',
  title: 'Django test runner',
  scan: scanDjango,
  verify: verifyDjango,
  verifyUnit: 'ids',
  collect: djangoCollector,
  buildCommand: buildDjangoCommand,
  liveEvents: true,
  adoptCommand: adoptDjangoCommand,
  conflictingArgs(args) {
    return args
      .filter((a) => a === '--testrunner' || a.startsWith('--testrunner='))
      .map((arg) => ({ arg, reason: 'seams sets --testrunner to write per-test results', hint: 'run without --testrunner; seams subclasses the project TEST_RUNNER' }));
  },
  requirements: ({ python }) => [
    { kind: 'python', installHint: 'install Python 3, or pass --python / set SEAMS_PYTHON' },
    { kind: 'python-module', module: 'django', installHint: `${python} -m pip install django (or the project's requirements)` },
  ],
  resultFormat: 'junit',
  junit: unittestJUnit,
  outcomes: UNITTEST_OUTCOMES,
  ci: { python: true },
} satisfies RunnerPlugin;
