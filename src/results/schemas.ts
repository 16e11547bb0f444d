import { z } from 'zod';
import type { ResultStatus } from '../core/types.js';
import { ResultsFormatError } from './junit.js';

/**
 * Strict schemas of every JSON format seams reads (issue 12): a report with a wrong type is
 * refused with the file, the JSON pointer of the first wrong value and a hint for that format,
 * and nothing is stored. Objects are loose (runners add fields from version to version: unknown
 * keys are kept and ignored); every field seams reads has its type checked. These schemas only
 * validate: the mapping of outcome words to seams statuses stays in each runner's `outcomes`.
 */

/** Words Jest and Vitest write in `assertionResults[].status` (Jest's `Status` type). */
export const JEST_STATUSES = ['passed', 'failed', 'skipped', 'pending', 'todo', 'disabled', 'focused'] as const;
/** Playwright's `tests[].status` (`expected` ran as expected, `unexpected` failed, `flaky` passed on a retry). */
export const PLAYWRIGHT_TEST_STATUSES = ['expected', 'unexpected', 'flaky', 'skipped'] as const;
/** Playwright's `tests[].results[].status`. */
export const PLAYWRIGHT_RESULT_STATUSES = ['passed', 'failed', 'timedOut', 'skipped', 'interrupted'] as const;

const duration = z.number().nonnegative().nullable().optional();

const jestAssertion = z.looseObject({
  title: z.string(),
  status: z.enum(JEST_STATUSES),
  ancestorTitles: z.array(z.string()).optional(),
  fullName: z.string().nullable().optional(),
  duration,
  failureMessages: z.array(z.string()).nullable().optional(),
  invocations: z.number().int().nonnegative().nullable().optional(),
  retryReasons: z.array(z.unknown()).optional(),
});

/** Jest `--json` and Vitest `--reporter=json` (the same, Jest-compatible shape). */
export const jestReportSchema = z.looseObject({
  numTotalTests: z.number().int().nonnegative().optional(),
  testResults: z.array(
    z.looseObject({
      name: z.string(),
      status: z.string().optional(),
      message: z.string().nullable().optional(),
      assertionResults: z.array(jestAssertion).optional(),
    }),
  ),
});
export type JestReport = z.infer<typeof jestReportSchema>;

const playwrightError = z.looseObject({ message: z.string().optional() });
const playwrightTest = z.looseObject({
  projectName: z.string().optional(),
  status: z.enum(PLAYWRIGHT_TEST_STATUSES),
  annotations: z.array(z.looseObject({ type: z.string(), description: z.string().optional() })).optional(),
  results: z.array(
    z.looseObject({
      duration: z.number().nonnegative().optional(),
      status: z.enum(PLAYWRIGHT_RESULT_STATUSES).optional(),
      error: playwrightError.optional(),
      errors: z.array(playwrightError).optional(),
    }),
  ),
});
const playwrightSpec = z.looseObject({ title: z.string(), file: z.string().optional(), tests: z.array(playwrightTest) });

export interface PlaywrightSuite {
  title?: string;
  file?: string;
  specs?: z.infer<typeof playwrightSpec>[];
  suites?: PlaywrightSuite[];
  [k: string]: unknown;
}
const playwrightSuite: z.ZodType<PlaywrightSuite> = z.lazy(() =>
  z.looseObject({
    title: z.string().optional(),
    file: z.string().optional(),
    specs: z.array(playwrightSpec).optional(),
    suites: z.array(playwrightSuite).optional(),
  }),
);

/** Playwright's JSON reporter (`--reporter=json`). */
export const playwrightReportSchema = z.looseObject({
  config: z.looseObject({ rootDir: z.string().optional() }).optional(),
  suites: z.array(playwrightSuite),
});
export type PlaywrightReport = z.infer<typeof playwrightReportSchema>;

/**
 * One `go test -json` event (one per line; `go doc test2json`). `Action` stays any string: Go adds
 * actions (`build-output`, `attr`) and seams reads only pass/fail/skip/output.
 */
export const goEventSchema = z.looseObject({
  Time: z.string().optional(),
  Action: z.string(),
  Package: z.string().optional(),
  Test: z.string().optional(),
  Elapsed: z.number().nonnegative().optional(),
  Output: z.string().optional(),
});
export type GoEvent = z.infer<typeof goEventSchema>;

/** Every seams status: a `Record` so that a status added to `ResultStatus` fails the build here until the schema has it. */
const STATUSES: Record<ResultStatus, true> = { passed: true, failed: true, skipped: true, error: true, 'not-run': true, xfailed: true, xpassed: true };
export const RESULT_STATUSES = Object.keys(STATUSES) as [ResultStatus, ...ResultStatus[]];

const seamsResult = z.strictObject({
  runner: z.string().regex(/^[a-z][a-z0-9-]*$/),
  project: z.string().nullable(),
  id: z.string(),
  file: z.string().optional(),
  name: z.string(),
  suite: z.string().optional(),
  tier: z.string().optional(),
  status: z.enum(RESULT_STATUSES),
  durationMs: z.number().nonnegative(),
  attempts: z.number().int().nonnegative(),
  flaky: z.boolean(),
  message: z.string().optional(),
  reason: z.string().optional(),
  services: z.array(z.string()).optional(),
  known: z.boolean().optional(),
});
const seamsService = z.strictObject({
  name: z.string(),
  kind: z.enum(['process', 'compose', 'external']),
  status: z.enum(['ready', 'failed', 'missing', 'skipped']),
  readyMs: z.number().nonnegative().optional(),
  url: z.string().optional(),
  message: z.string().optional(),
});
const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO date-time');
export const seamsRunSchema = z.strictObject({
  id: z.string().min(1),
  repo: z.string(),
  commit: z.string().nullable(),
  branch: z.string().nullable(),
  tiers: z.array(z.string()),
  environment: z.record(z.string(), z.string()),
  shard: z.string().regex(/^\d+\/\d+$/).nullable(),
  startedAt: isoDate,
  finishedAt: isoDate,
  status: z.enum(['passed', 'failed', 'error', 'incomplete']),
  services: z.array(seamsService),
  results: z.array(seamsResult),
  incomplete: z.strictObject({ reason: z.string(), errorText: z.string().optional(), log: z.string().optional() }).optional(),
});
/** A seams results file (`seams run -o`); `schemas/results.schema.json` is its published JSON Schema. */
export const seamsResultsSchema = z
  .strictObject({
    $schema: z.string().optional(),
    kind: z.literal('seams-results'),
    version: z.literal(1),
    run: seamsRunSchema.optional(),
    runs: z.array(seamsRunSchema).optional(),
  })
  .refine((d) => (d.run === undefined) !== (d.runs === undefined), 'a seams results file has either run or runs');

export const HINTS = {
  jest: 'expected the JSON that jest --json or vitest --reporter=json writes; check that the run finished writing it and that nothing else edited it',
  playwright: 'expected the JSON that playwright test --reporter=json writes; check that the run finished writing it and that nothing else edited it',
  go: 'expected go test -json output (one JSON event per line); check that the run finished writing it',
  seams: 'expected a seams results file as seams run -o writes it (schemas/results.schema.json describes it)',
} as const;

/** RFC 6901 JSON pointer of a path. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p as string];
  }
  return v;
}

function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** The one-line description of a zod issue: `<pointer>: expected …, got …`. */
export function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  // a union's own message says little: the deepest issue of its first branch tells what was wrong
  if (issue.code === 'invalid_union' && issue.errors[0]?.[0]) {
    const inner = issue.errors[0][0];
    return describeIssue({ ...inner, path: [...issue.path, ...inner.path] }, data);
  }
  const at = jsonPointer(issue.path) || '/';
  const got = shown(valueAt(data, issue.path));
  switch (issue.code) {
    case 'invalid_type':
      return `${at}: expected ${issue.expected}, got ${got}`;
    case 'invalid_value':
      return `${at}: expected ${issue.values.length === 1 ? shown(issue.values[0]) : `one of ${issue.values.map(String).join('|')}`}, got ${got}`;
    case 'unrecognized_keys':
      return `${at}: unexpected key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}`;
    default:
      return `${at}: ${issue.message}, got ${got}`;
  }
}

/** Validates `data` against `schema`; throws the format's `ResultsFormatError` (exit 2) at the first wrong value. */
export function parseStrict<T>(schema: z.ZodType<T>, data: unknown, file: string, format: keyof typeof HINTS, where = ''): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new ResultsFormatError(`${file}${where}: ${describeIssue(issue, data)}`, HINTS[format]);
}
