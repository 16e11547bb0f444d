import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DiscoveredTest, RunnerId } from '../../core/types.js';
import type { ResultFormat } from '../../results/index.js';
import type { RunnerPlugin } from '../../runners/contract.js';
import { djangoPlugin } from '../../runners/django/index.js';
import { unittestPlugin } from '../../runners/unittest/index.js';

/**
 * Per-runner native commands with machine-readable output. Each builder gets the tests of one
 * (runner, project, rootDir) group and where to write the report, and returns argv, cwd, extra
 * env and the report format.
 */
export interface CommandSpec {
  argv: string[];
  /** Absolute working directory. */
  cwd: string;
  env: Record<string, string>;
  /** Report file the command writes (or stdout capture for go). */
  resultFile: string;
  format: ResultFormat;
  /** go test -json writes to stdout. */
  resultFromStdout?: boolean;
}

export interface BuildInput {
  root: string;
  runner: RunnerId;
  project: string | null;
  /** Repo-relative runner root (pytest rootdir, JS config dir). */
  rootDir: string;
  /** Selected tests of this group. */
  tests: readonly DiscoveredTest[];
  /** Every inventory test of this runner group (to decide files vs ids). */
  allTests: readonly DiscoveredTest[];
  /** Ids that must not run (not-run because a service is missing). */
  exclude: ReadonlySet<string>;
  resultFile: string;
  /** Scratch directory for argument files. */
  workDir: string;
  extraArgs: readonly string[];
  retries?: number;
  env: NodeJS.ProcessEnv;
}

/**
 * Where a JS runner's CLI is installed: `node_modules/.bin/<name>` from the runner root upwards
 * (like Node's module resolution), else `<name>` on PATH (a global install); null when neither.
 */
export function findJsBin(root: string, rootDir: string, name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (let dir = path.resolve(root, rootDir); ; dir = path.dirname(dir)) {
    const bin = path.join(dir, 'node_modules', '.bin', name);
    if (existsSync(bin)) return bin;
    if (dir === path.dirname(dir)) break; // up to the file-system root
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  return null;
}

/** The runner's CLI; `npx --no-install` only when it is not installed (pre-flight stops a run before that). */
function jsBin(input: BuildInput, name: string): string[] {
  const bin = findJsBin(input.root, input.rootDir, name, input.env);
  return bin ? [bin] : ['npx', '--no-install', name];
}

/** Paths relative to the runner root, POSIX. */
const rel = (rootDir: string, file: string) => path.posix.relative(rootDir === '.' ? '' : rootDir, file) || file;

/** Files whose every test is selected (then the file is passed), plus single ids for the rest. */
function targets(input: BuildInput): { files: string[]; ids: DiscoveredTest[] } {
  const selected = new Set(input.tests.map((t) => t.id));
  const byFile = new Map<string, DiscoveredTest[]>();
  for (const t of input.allTests) {
    const list = byFile.get(t.file) ?? [];
    list.push(t);
    byFile.set(t.file, list);
  }
  const files: string[] = [];
  const ids: DiscoveredTest[] = [];
  const seenFiles = new Set<string>();
  for (const t of input.tests) {
    if (seenFiles.has(t.file)) continue;
    const all = byFile.get(t.file) ?? [t];
    if (all.every((x) => selected.has(x.id) && !input.exclude.has(x.id))) {
      files.push(t.file);
      seenFiles.add(t.file);
    }
  }
  for (const t of input.tests) if (!seenFiles.has(t.file) && !input.exclude.has(t.id)) ids.push(t);
  return { files, ids };
}

export function pytestCommand(input: BuildInput): CommandSpec {
  const { files, ids } = targets(input);
  const python = input.env.SEAMS_PYTHON || 'python3';
  // node ids (with parameters) are relative to the rootdir, which is the cwd
  // a dynamic test's parameters may not be the ones pytest generates: select its function
  const args = [...new Set([...files.map((f) => rel(input.rootDir, f)), ...ids.map((t) => (t.dynamic ? t.id.replace(/\[.*$/, '') : t.id))])];
  let targetArgs = args;
  if (args.join(' ').length > 100_000) {
    // pytest ≥ 8.2 reads arguments from a file with @path
    const argFile = path.join(input.workDir, `pytest-args-${process.pid}-${Date.now()}.txt`);
    writeFileSync(argFile, `${args.join('\n')}\n`);
    targetArgs = [`@${argFile}`];
  }
  return {
    argv: [
      python,
      '-m',
      'pytest',
      '-p',
      'no:cacheprovider',
      `--junitxml=${input.resultFile}`,
      '-o',
      'junit_family=xunit1',
      '-rA',
      ...targetArgs,
      ...input.extraArgs,
    ],
    cwd: path.resolve(input.root, input.rootDir),
    env: {},
    resultFile: input.resultFile,
    format: 'junit',
  };
}

function jsFiles(input: BuildInput): string[] {
  return [...new Set(input.tests.filter((t) => !input.exclude.has(t.id)).map((t) => rel(input.rootDir, t.file)))];
}

export function vitestCommand(input: BuildInput): CommandSpec {
  return {
    argv: [
      ...jsBin(input, 'vitest'),
      'run',
      '--reporter=json',
      `--outputFile=${input.resultFile}`,
      ...(input.project ? [`--project=${input.project}`] : []),
      ...(input.retries ? [`--retry=${input.retries}`] : []),
      ...jsFiles(input),
      ...input.extraArgs,
    ],
    cwd: path.resolve(input.root, input.rootDir),
    env: {},
    resultFile: input.resultFile,
    format: 'vitest',
  };
}

export function jestCommand(input: BuildInput): CommandSpec {
  return {
    argv: [
      ...jsBin(input, 'jest'),
      '--json',
      `--outputFile=${input.resultFile}`,
      ...(input.project ? [`--selectProjects=${input.project}`] : []),
      '--runTestsByPath',
      ...jsFiles(input),
      ...input.extraArgs,
    ],
    cwd: path.resolve(input.root, input.rootDir),
    env: {},
    resultFile: input.resultFile,
    format: 'jest',
  };
}

export function playwrightCommand(input: BuildInput): CommandSpec {
  return {
    argv: [
      ...jsBin(input, 'playwright'),
      'test',
      '--reporter=json',
      ...(input.project ? [`--project=${input.project}`] : []),
      ...(input.retries ? [`--retries=${input.retries}`] : []),
      ...jsFiles(input),
      ...input.extraArgs,
    ],
    cwd: path.resolve(input.root, input.rootDir),
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: input.resultFile },
    resultFile: input.resultFile,
    format: 'playwright',
  };
}

export function mochaCommand(input: BuildInput): CommandSpec {
  return {
    // --reporter-option is a (greedy) yargs array: a single-valued option must follow it, not the files
    argv: [...jsBin(input, 'mocha'), `--reporter-option=output=${input.resultFile}`, '--reporter=xunit', ...jsFiles(input), ...input.extraArgs],
    cwd: path.resolve(input.root, input.rootDir),
    env: {},
    resultFile: input.resultFile,
    format: 'junit',
  };
}

export function nodeTestCommand(input: BuildInput): CommandSpec {
  return {
    argv: [process.execPath, '--test', '--test-reporter=junit', `--test-reporter-destination=${input.resultFile}`, ...jsFiles(input), ...input.extraArgs],
    cwd: path.resolve(input.root, input.rootDir),
    env: {},
    resultFile: input.resultFile,
    format: 'junit',
  };
}

/** A contract plugin's pure command, with its files written (until execute/ uses the registry). */
function fromPlugin(plugin: Pick<RunnerPlugin, 'buildCommand'>): (input: BuildInput) => CommandSpec {
  return (input) => {
    const spec = plugin.buildCommand({ ...input, python: input.env.SEAMS_PYTHON || 'python3' });
    for (const f of spec.files ?? []) {
      mkdirSync(path.dirname(f.path), { recursive: true });
      writeFileSync(f.path, f.content);
    }
    return { argv: spec.argv, cwd: spec.cwd, env: spec.env, resultFile: spec.resultFile, format: spec.format as ResultFormat, resultFromStdout: spec.resultFromStdout };
  };
}

export const COMMAND_BUILDERS: Record<RunnerId, (input: BuildInput) => CommandSpec> = {
  django: fromPlugin(djangoPlugin),
  unittest: fromPlugin(unittestPlugin),
  pytest: pytestCommand,
  vitest: vitestCommand,
  jest: jestCommand,
  playwright: playwrightCommand,
  mocha: mochaCommand,
  'node-test': nodeTestCommand,
};

/**
 * A configured tier command (`tiers.<t>.command`): seams adds the machine-readable output
 * options when it recognises the runner; otherwise `tiers.<t>.results` names the report.
 */
export function configuredCommand(argv: string[], resultFile: string, extraArgs: readonly string[]): Omit<CommandSpec, 'cwd'> & { runner?: RunnerId | 'go' } {
  const words = argv.map((a) => path.basename(a));
  const has = (w: string) => words.includes(w);
  if (has('pytest') || (words.includes('-m') && argv[argv.indexOf('-m') + 1] === 'pytest') || has('py.test'))
    return { argv: [...argv, `--junitxml=${resultFile}`, '-o', 'junit_family=xunit1', ...extraArgs], env: {}, resultFile, format: 'junit', runner: 'pytest' };
  if (has('vitest'))
    return { argv: [...argv, '--reporter=json', `--outputFile=${resultFile}`, ...extraArgs], env: {}, resultFile, format: 'vitest', runner: 'vitest' };
  if (has('jest')) return { argv: [...argv, '--json', `--outputFile=${resultFile}`, ...extraArgs], env: {}, resultFile, format: 'jest', runner: 'jest' };
  if (has('playwright'))
    return { argv: [...argv, '--reporter=json', ...extraArgs], env: { PLAYWRIGHT_JSON_OUTPUT_NAME: resultFile }, resultFile, format: 'playwright', runner: 'playwright' };
  if (has('go') && argv.includes('test'))
    return { argv: [...argv.slice(0, argv.indexOf('test') + 1), '-json', ...argv.slice(argv.indexOf('test') + 1), ...extraArgs], env: {}, resultFile, format: 'go', resultFromStdout: true, runner: 'go' };
  return { argv: [...argv, ...extraArgs], env: { SEAMS_JUNIT_XML: resultFile }, resultFile, format: 'junit' };
}
