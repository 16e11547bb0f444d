import type { DiscoveredTest } from '../core/types.js';
import type { CiNeeds, CommandSpec, ResultFormatPlugin, RunnerPlugin } from './contract.js';
import { adoptGoCommand, goTestJsonFormat } from './_shared/go.js';
import { adoptUnknownCommand, junitXmlFormat } from './_shared/junit.js';
import { djangoPlugin } from './django/index.js';
import { jestPlugin } from './jest/plugin.js';
import { jestJsonFormat } from './jest/command.js';
import { mochaPlugin } from './mocha/plugin.js';
import { nodeTestPlugin } from './node-test/plugin.js';
import { playwrightPlugin } from './playwright/plugin.js';
import { playwrightJsonFormat } from './playwright/command.js';
import { pytestPlugin } from './pytest/plugin.js';
import { unittestPlugin } from './unittest/index.js';
import { vitestPlugin } from './vitest/plugin.js';
import { vitestJsonFormat } from './vitest/command.js';

/**
 * The registry: every runner seams knows, in the order their results appear (scan order). Adding
 * a runner is one folder `src/runners/<id>/` and one line here (see `_template/README.md`).
 * Every runner list, CLI choice and result format elsewhere comes from this file.
 */
export const runners: readonly RunnerPlugin[] = [
  // the order is also the claim priority of Python test files: Django and unittest step back by
  // themselves where pytest is configured, so they come first (src/scan/claims.ts)
  djangoPlugin,
  unittestPlugin,
  pytestPlugin,
  vitestPlugin,
  jestPlugin,
  playwrightPlugin,
  mochaPlugin,
  nodeTestPlugin,
];

/**
 * The result formats seams reads, in detection order: specific shapes before generic ones
 * (Vitest's JSON is also Jest-shaped, so it is tried first).
 */
export const resultFormats: readonly ResultFormatPlugin[] = [junitXmlFormat, goTestJsonFormat, playwrightJsonFormat, vitestJsonFormat, jestJsonFormat];

const byId = new Map(runners.map((r) => [r.id, r]));

/** The ids of the registered runners, in registry order. */
export const runnerIds = (): string[] => runners.map((r) => r.id);

export const isRunnerId = (s: string): boolean => byId.has(s);

/** The runner of an id; undefined for an unknown id (and for the `junit`/`go` result pseudo-runners). */
export const getRunner = (id: string): RunnerPlugin | undefined => byId.get(id);

export const resultFormatIds = (): string[] => resultFormats.map((f) => f.id);

export const getResultFormat = (id: string): ResultFormatPlugin | undefined => resultFormats.find((f) => f.id === id);

/** The format whose detector accepts the first bytes of a report (BOM and leading space removed). */
export const detectResultFormat = (head: string): ResultFormatPlugin | undefined => resultFormats.find((f) => f.detect(head));

/** The runners whose own result format is read by `parser` (Jest-style JSON: Jest and Vitest). */
export const runnersReading = (parser: ResultFormatPlugin['parser']): string[] =>
  runners.filter((r) => getResultFormat(r.resultFormat)?.parser === parser).map((r) => r.id);

/**
 * A configured tier command (`tiers.<t>.command`): the runner that recognises it adds its report
 * options; `go test` gets `-json`; anything else gets `$SEAMS_JUNIT_XML` (or names its report in
 * `tiers.<t>.results`). `runner` is the registered runner, `go`, or undefined.
 */
export function adoptCommand(argv: readonly string[], resultFile: string, extraArgs: readonly string[]): Omit<CommandSpec, 'cwd'> & { runner?: string } {
  for (const r of runners) {
    const spec = r.adoptCommand?.(argv, resultFile, extraArgs);
    if (spec) return { ...spec, runner: r.id };
  }
  const go = adoptGoCommand(argv, resultFile, extraArgs);
  if (go) return { ...go, runner: 'go' };
  return adoptUnknownCommand(argv, resultFile, extraArgs);
}

/** The `-- <section>:` names of extra arguments: every runner id, and `command` for a tier command. */
export const extraArgSections = (): string[] => [...runnerIds(), 'command'];

/** What CI must install for the runners an inventory uses. */
export function ciNeedsOf(used: readonly { runner: string }[]): Required<CiNeeds> {
  const needs = used.map((u) => getRunner(u.runner)?.ci ?? {});
  return { jsPackages: needs.some((n) => n.jsPackages), browsers: needs.some((n) => n.browsers), python: needs.some((n) => n.python) };
}

/** What `--verify` of a runner compares: its test ids, or test files. */
export const verifyUnitOf = (runner: string): RunnerPlugin['verifyUnit'] => getRunner(runner)?.verifyUnit ?? 'ids';

/**
 * The files each runner loads together with a test file (pytest's conftest.py), keyed by
 * `runner \0 file`; only test files with companions are present.
 */
export function companionFilesOf(tests: readonly Pick<DiscoveredTest, 'runner' | 'file'>[], files: readonly string[]): Map<string, string[]> {
  const all = new Set(files);
  const out = new Map<string, string[]>();
  for (const t of tests) {
    const key = `${t.runner}\u0000${t.file}`;
    if (out.has(key)) continue;
    const extra = getRunner(t.runner)?.companionFiles?.(t.file, all) ?? [];
    if (extra.length) out.set(key, extra);
  }
  return out;
}

