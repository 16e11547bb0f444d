import path from 'node:path';
import { SEAMS_PYTHON_DIR, seamsPythonPath } from '../_shared/python-dir.js';

export { SEAMS_PYTHON_DIR };
import type { ArgConflict, BuildInput, CommandSpec, Requirement } from '../contract.js';
import { argvWords, cwdOf, optionConflicts, relToRoot, selectionTargets } from '../_shared/targets.js';

/** Above this many characters the targets go to an argument file (`@file`, pytest ≥ 8.2). */
const MAX_INLINE_ARGS = 100_000;

/** The module name of seams' own pytest plugin (`-p seams_pytest`), python/seams_pytest/ in the package. */
export const SEAMS_PYTEST_PLUGIN = 'seams_pytest';

/**
 * `-p seams_pytest` and the PYTHONPATH that finds it (before the run's own PYTHONPATH): the
 * plugin marks a non-strict XPASS in the JUnit XML (`<property name="seams.outcome"
 * value="xpassed">`). `-p` loads it even under PYTEST_DISABLE_PLUGIN_AUTOLOAD.
 */
export function seamsPluginOptions(pythonPath: string | undefined): { args: string[]; env: Record<string, string> } {
  if (!SEAMS_PYTHON_DIR) return { args: [], env: {} };
  return { args: ['-p', SEAMS_PYTEST_PLUGIN], env: { PYTHONPATH: seamsPythonPath(pythonPath)! } };
}

/**
 * `python -m pytest` for the selected tests, writing JUnit XML (xunit1: it carries file and line),
 * with seams' own plugin loaded (`seamsPluginOptions`).
 */
export function buildPytestCommand(input: BuildInput): CommandSpec {
  const { files, ids } = selectionTargets(input);
  // node ids (with parameters) are relative to the rootdir, which is the cwd
  // a dynamic test's parameters may not be the ones pytest generates: select its function
  const args = [...new Set([...files.map((f) => relToRoot(input.rootDir, f)), ...ids.map((t) => (t.dynamic ? t.id.replace(/\[.*$/, '') : t.id))])];
  const plugin = seamsPluginOptions(input.pythonPath);
  const spec: CommandSpec = {
    argv: [],
    cwd: cwdOf(input),
    // live test events (docs/events.md): the plugin writes them when SEAMS_EVENTS names a file
    env: input.events && SEAMS_PYTHON_DIR ? { ...plugin.env, SEAMS_EVENTS: input.events } : plugin.env,
    resultFile: input.resultFile,
    format: 'junit',
  };
  let targetArgs = args;
  if (args.join(' ').length > MAX_INLINE_ARGS) {
    const argFile = path.join(input.workDir, `${path.basename(input.resultFile)}.pytest-args.txt`);
    spec.files = [{ path: argFile, content: `${args.join('\n')}\n` }];
    targetArgs = [`@${argFile}`];
  }
  spec.argv = [
    input.python,
    '-m',
    'pytest',
    '-p',
    'no:cacheprovider',
    ...plugin.args,
    `--junitxml=${input.resultFile}`,
    '-o',
    'junit_family=xunit1',
    '-rA',
    ...targetArgs,
    ...input.extraArgs,
  ];
  return spec;
}

/**
 * `pytest …`, `py.test …` or `python -m pytest …` in a tier command: seams adds the JUnit XML
 * options, not its plugin: the command may start pytest where seams' PYTHONPATH does not reach
 * (tox, nox, a container), and `-p` of a module pytest cannot import stops the run. A non-strict
 * XPASS of a tier command is therefore stored as `passed` (docs/results.md).
 */
export function adoptPytestCommand(argv: readonly string[], resultFile: string, extraArgs: readonly string[]): Omit<CommandSpec, 'cwd'> | null {
  const words = argvWords(argv);
  const isPytest = words.includes('pytest') || (words.includes('-m') && argv[argv.indexOf('-m') + 1] === 'pytest') || words.includes('py.test');
  if (!isPytest) return null;
  return { argv: [...argv, `--junitxml=${resultFile}`, '-o', 'junit_family=xunit1', ...extraArgs], env: {}, resultFile, format: 'junit' };
}

const HINT = 'leave the report options to seams (it writes JUnit XML where it reads it); pass only selection and behaviour options';

/** `--junitxml`, `-p no:junitxml` and `--collect-only` would take away the report seams reads. */
export function pytestConflicts(args: readonly string[]): ArgConflict[] {
  const out = optionConflicts(args, ['--junitxml', '--junit-xml'], (o) => `seams sets ${o} itself to read the results`, HINT);
  args.forEach((a, i) => {
    if ((a === '-p' && args[i + 1] === 'no:junitxml') || a === '-pno:junitxml' || a === '-p=no:junitxml')
      out.push({ arg: a === '-p' ? `-p ${args[i + 1]}` : a, reason: 'it turns off the JUnit XML report seams reads', hint: HINT });
  });
  // junit_family=xunit2 drops the file and line seams joins results on
  args.forEach((a, i) => {
    const ini = a === '-o' || a === '--override-ini' ? args[i + 1] : /^(?:-o|--override-ini=)(.*)$/.exec(a)?.[1];
    if (ini && /^junit_family\s*=/.test(ini)) out.push({ arg: a === '-o' || a === '--override-ini' ? `${a} ${ini}` : a, reason: 'seams sets junit_family=xunit1 itself (it carries the file and line it joins results on)', hint: HINT });
  });
  out.push(...optionConflicts(args, ['--collect-only', '--co'], () => 'it collects without running: no results to store', 'use `seams scan --verify` to compare the collection'));
  return out;
}

export function pytestRequirements(input: { python: string }): Requirement[] {
  return [
    { kind: 'python', installHint: 'install Python 3 with pytest, or point SEAMS_PYTHON at an interpreter that has it' },
    { kind: 'python-module', module: 'pytest', installHint: `${input.python} -m pip install pytest (or the project's requirements)` },
  ];
}
