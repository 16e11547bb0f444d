import path from 'node:path';
import type { CommandSpec, ReachCommand, ReachInput, ReachMeasurer, Requirement } from '../contract.js';

/**
 * Measured reach for pytest: the built command runs under coverage.py (`python -m coverage run
 * --rcfile=<seams' own> -m pytest …`) with a small plugin of seams' (`-p seams_reach`) that gives
 * every test its own coverage context (its node id), as pytest-cov's `--cov-context=test` does,
 * without needing pytest-cov. The repository's coverage settings (.coveragerc, setup.cfg,
 * pyproject.toml, tox.ini) are never read: they may not parse on the installed coverage.py, and
 * their `source`/`omit` would change what is measured.
 */

/** The module name the plugin is loaded under (`-p seams_reach`). */
export const REACH_PLUGIN_MODULE = 'seams_reach';

/**
 * The plugin. A test's context runs from the start of its setup to the end of its teardown (a
 * fixture's setup counts for the test that needed it first, as with pytest-cov); between tests the
 * context is empty, so what runs at collection (module imports) belongs to no test.
 */
export const REACH_PLUGIN_SOURCE = `"""seams measured reach: one coverage.py context per test. Written by seams for one run."""
import json
import os

import coverage
import pytest

_NOTES = os.environ.get("SEAMS_REACH_NOTES")


def _note(obj):
    if _NOTES:
        with open(_NOTES, "a", encoding="utf-8") as f:
            f.write(json.dumps(obj) + "\\n")


def _lighten(cov):
    # At each context switch coverage.py 6 writes a row for every file it has seen so far, most
    # of them with no line in this context (its data keeps a set per file, emptied in place): on
    # click, 2,000 tests x 100 files. Only what is written is filtered, never what is traced, and
    # only when the private attribute is there (coverage.py versions that filter keep theirs).
    collector = getattr(cov, "_collector", None)
    mapped = getattr(collector, "mapped_file_dict", None)
    if mapped is None or getattr(mapped, "_seams", False):
        return

    def only_executed(d, _mapped=mapped):
        return {k: v for k, v in _mapped(d).items() if v}

    only_executed._seams = True
    try:
        collector.mapped_file_dict = only_executed
    except Exception:
        pass


def _switch(name):
    cov = coverage.Coverage.current()
    if cov is not None:
        _lighten(cov)
        cov.switch_context(name)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # pytest-cov turned on by the repository (addopts = --cov=…) would start a second coverage
    # that takes over the tracer: it decides here, from the early options, so it is told no source.
    ns = early_config.known_args_namespace
    if getattr(ns, "cov_source", None):
        ns.cov_source = None
    yield


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_cmdline_main(config):
    # pytest-xdist workers are other processes, which this coverage does not follow: run in one
    opt = config.option
    if getattr(opt, "numprocesses", None):
        opt.numprocesses = None
    if getattr(opt, "dist", "no") != "no":
        opt.dist = "no"
    yield


def pytest_configure(config):
    root = getattr(config, "rootpath", None) or getattr(config, "rootdir", None)
    _note({"rootdir": str(root)})


def pytest_collectreport(report):
    if report.failed:
        _note({"collectError": report.nodeid})


# one context from the start of a test's setup to the end of its teardown: each switch writes
# what the context before it executed, so two per test is the least
@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_setup(item):
    _switch(item.nodeid)
    yield


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    yield
    _switch("")
`;

/** coverage.py expands `$VAR` in its settings; `$$` is a literal dollar. */
const iniValue = (s: string) => s.replace(/\$/g, '$$$$');

/** seams' coverage.py configuration: the repository is the source, one data file, no branches. */
export function reachRcFile(input: ReachInput, dataFile: string): string {
  return [
    '# written by seams run --reach; the repository coverage settings are not read',
    '[run]',
    `source = ${iniValue(input.root)}`,
    `data_file = ${iniValue(dataFile)}`,
    'parallel = False',
    'branch = False',
    // installed packages inside the repository (a virtualenv folder) are not the repository's code
    'omit =',
    '    */site-packages/*',
    '    */dist-packages/*',
    '',
  ].join('\n');
}

/** `python -m pytest …` → `python -m coverage run --rcfile=… -m pytest -p seams_reach --continue-on-collection-errors …`. */
export function wrapPytestForReach(spec: CommandSpec, input: ReachInput): ReachCommand | null {
  const pluginDir = path.join(input.workDir, 'seams-reach-plugin');
  const rcFile = path.join(input.workDir, `${input.tag}.coveragerc`);
  const dataFile = path.join(input.workDir, `${input.tag}.coverage`);
  const notesFile = path.join(input.workDir, `${input.tag}.reach-notes.jsonl`);
  // a tier command that starts the pytest script: its interpreter is not known here
  if (spec.argv[1] !== '-m' || spec.argv[2] !== 'pytest') return null;
  const argv = [spec.argv[0]!, '-m', 'coverage', 'run', `--rcfile=${rcFile}`, '-m', 'pytest', '-p', REACH_PLUGIN_MODULE, '--continue-on-collection-errors', ...spec.argv.slice(3)];
  // the built command's PYTHONPATH (seams' own plugin, then the run's) stays behind the reach plugin
  const behind = spec.env.PYTHONPATH ?? input.pythonPath;
  const pythonPath = [pluginDir, ...(behind ? [behind] : [])].join(path.delimiter);
  return {
    spec: {
      ...spec,
      argv,
      env: { ...spec.env, PYTHONPATH: pythonPath, COVERAGE_RCFILE: rcFile, COVERAGE_FILE: dataFile, SEAMS_REACH_NOTES: notesFile },
      files: [
        ...(spec.files ?? []),
        { path: path.join(pluginDir, `${REACH_PLUGIN_MODULE}.py`), content: REACH_PLUGIN_SOURCE },
        { path: rcFile, content: reachRcFile(input, dataFile) },
      ],
    },
    dataFile,
    notesFile,
    // pytest: 0 passed, 1 tests failed, 5 nothing collected; 2 (interrupted), 3 (internal error)
    // and 4 (usage error) mean it stopped early
    completeExitCodes: [0, 1, 5],
  };
}

const posix = (p: string) => p.split(path.sep).join('/');

/** A path relative to the rootdir pytest reported, made relative to seams' runner root. */
function rebase(rel: string, reported: string | null, input: ReachInput): string {
  const ours = path.resolve(input.root, input.rootDir);
  if (!reported || path.resolve(reported) === ours) return rel;
  return posix(path.relative(ours, path.resolve(reported, rel)));
}

export const pytestReach: ReachMeasurer = {
  requirements: ({ python }): Requirement[] => [
    {
      kind: 'python-module',
      module: 'coverage',
      installHint: `seams run --reach measures with coverage.py: apt-get install python3-coverage (Debian's /usr/bin/python3) or ${python} -m pip install coverage; or choose an interpreter that has it with --python or SEAMS_PYTHON`,
    },
  ],
  wrap: wrapPytestForReach,
  testOf(context, reported, input) {
    if (!context) return null;
    // node ids are relative to pytest's rootdir: `file::Class::test[params]`
    const cut = context.indexOf('::');
    if (cut === -1) return null;
    return `${rebase(context.slice(0, cut), reported, input)}${context.slice(cut)}`;
  },
  collectErrorFile(file, reported, input) {
    const base = reported ?? path.resolve(input.root, input.rootDir);
    return posix(path.relative(input.root, path.resolve(base, file.split('::')[0]!)));
  },
};
