import type { DiscoveredTest, ResultStatus } from '../../core/types.js';
import type { CommandSpec, JUnitNaming, ResultFormatPlugin } from '../contract.js';

/** JUnit XML, written by pytest, Mocha (xunit), node:test and most other tools. */
export const junitXmlFormat: ResultFormatPlugin = {
  id: 'junit',
  title: 'JUnit XML',
  parser: 'junit-xml',
  detect: (head) => head.startsWith('<'),
};

/**
 * How JavaScript runners' JUnit reporters name a test (Vitest, jest-junit, Mocha xunit, node:test):
 * classname = file, name = "describe > test"; or classname = the describe path, name = the title.
 */
export const titlePathJUnitNaming: JUnitNaming = {
  keys: (t: DiscoveredTest) => [
    `${t.file}\u0000${t.titlePath.join(' > ')}`,
    `${t.titlePath.slice(0, -1).join(' ')}\u0000${t.titlePath[t.titlePath.length - 1] ?? ''}`,
  ],
};

/** The id of a JUnit case no inventory test matched, for runners with no rule of their own. */
export const fallbackJUnitId = (c: { classname: string; name: string }): string => (c.classname ? `${c.classname}#${c.name}` : c.name);

/**
 * A tier command seams does not recognise: it gets `$SEAMS_JUNIT_XML` and may write JUnit XML
 * there; without a report its exit code is the result.
 */
export function adoptUnknownCommand(argv: readonly string[], resultFile: string, extraArgs: readonly string[]): Omit<CommandSpec, 'cwd'> {
  return { argv: [...argv, ...extraArgs], env: { SEAMS_JUNIT_XML: resultFile }, resultFile, format: 'junit' };
}

/** The `<property name>` of a `<testcase>` that names its outcome (written by seams' pytest plugin, python/seams_pytest/). */
export const OUTCOME_PROPERTY = 'seams.outcome';

/**
 * What the JUnit XML reader stores for each element of a `<testcase>`: the outcomes of every
 * runner whose report is JUnit XML (the runner's own words become these elements). `passed` is a
 * case with none of them; `<skipped type="…">` is looked up as `skipped[type=…]` first. pytest
 * writes a strict XPASS as `<failure message="[XPASS(strict)] …">` (failed) and a non-strict
 * XPASS as a plain passed case, which JUnit XML cannot tell from a pass: seams' pytest plugin
 * (loaded into every pytest command seams builds) adds `<property name="seams.outcome"
 * value="xpassed"/>` to it, looked up as `property[seams.outcome=…]` on a case that passed.
 */
export const junitOutcomes = {
  passed: 'passed',
  failure: 'failed',
  error: 'error',
  skipped: 'skipped',
  'skipped[type=pytest.xfail]': 'xfailed',
  'skipped[type=unittest.expectedFailure]': 'xfailed',
  'property[seams.outcome=xpassed]': 'xpassed',
} as const satisfies Readonly<Record<string, ResultStatus>>;

const lookup = (word: string): ResultStatus | undefined => (junitOutcomes as Readonly<Record<string, ResultStatus>>)[word];

/**
 * The status of a JUnit case from its elements (`junitOutcomes`): error over failure over skipped;
 * a case with none of them is `passed`, or what its `seams.outcome` property names (an unknown
 * value is ignored: the elements are the truth).
 */
export function junitStatusOf(c: { errors: number; failures: number; skipped: boolean; skipType?: string | undefined; outcome?: string | undefined }): ResultStatus {
  if (c.errors) return junitOutcomes.error;
  if (c.failures) return junitOutcomes.failure;
  if (c.skipped) return (c.skipType === undefined ? undefined : lookup(`skipped[type=${c.skipType}]`)) ?? junitOutcomes.skipped;
  return (c.outcome === undefined ? undefined : lookup(`property[${OUTCOME_PROPERTY}=${c.outcome}]`)) ?? junitOutcomes.passed;
}

/**
 * Jest-style JSON (`assertionResults[].status`): anything else is stored as skipped, with the word as
 * reason. Vitest's `test.fails` reports as passed when it fails as expected: the JSON cannot tell.
 */
export const jestJsonOutcomes = { passed: 'passed', failed: 'failed', skipped: 'skipped', pending: 'skipped', todo: 'skipped', disabled: 'skipped' } as const;
