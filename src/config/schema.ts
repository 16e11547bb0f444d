import { z } from 'zod';

/**
 * The seams.yaml schema. `UserConfig` is what a user writes (every key optional);
 * `resolveConfig` in ./resolve.ts turns it into a `ResolvedConfig` with defaults filled in.
 * The published JSON Schema (schemas/seams.config.schema.json) is generated from this file
 * (`npm run schemas`), so editor completion always matches validation.
 *
 * Sections are grouped by the part of seams that reads them:
 *   scan/gaps/trace: tiers, components, workflows, requirements, targets
 *   run:             services, tiers.*.services/command/args/skips, history
 *   gate/report:     scenarios, gates, coverage, notify
 */

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, "-", "_" or "."');
const stringList = z.array(z.string().min(1));
const stringOrList = z.union([z.string().min(1), stringList]);
/** `30s`, `5m`, `1h`, `250ms` or a number of seconds. */
export const duration = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h)$/, 'a duration such as 30s, 5m, 250ms'),
]);

export const tierSchema = z.strictObject({
  description: z.string().optional(),
  /** Repo-relative globs whose tests belong to the tier. */
  paths: stringList.optional(),
  /** Markers / tags whose tests belong to the tier. */
  markers: stringList.optional(),
  /** Services the tier needs when run (names under `services:`). */
  services: z.array(name).optional(),
  /** The command that runs the tier; each runner has a default. */
  command: stringOrList.optional(),
  /** Working directory of the command, repo-relative. */
  cwd: z.string().optional(),
  /** Arguments added to the command seams builds for the tier's runner(s), before the `-- …` arguments of the command line. */
  args: stringList
    .optional()
    .describe(
      'Arguments added to the command seams builds for the tier\'s runner(s), before any arguments after -- on the command line, e.g. ["--runintegration"] for tests a conftest skips without that option. Not with command: (add them to the command instead)',
    ),
  /** Skip policy: in integration and e2e tiers a skipped test counts as a failure unless allowed. */
  skips: z
    .strictObject({
      policy: z.enum(['fail', 'allow']).optional(),
      allow: stringList.optional(),
    })
    .optional(),
  timeout: duration.optional(),
  /** Report(s) a configured `command` writes (JUnit XML or runner JSON), relative to `cwd`, when seams cannot add its own report option. */
  results: stringOrList.optional(),
  /** Runner retries for the tier (passed to runners that support them). */
  retries: z.number().int().nonnegative().optional(),
});

export const componentSchema = z.strictObject({
  title: z.string().optional(),
  description: z.string().optional(),
  /** Repo files (globs) that make up the component. */
  paths: stringList.optional().describe('Repo files (globs, repo-relative) that make up the component, e.g. scripts/ecr/parser.py or web/src/audit/**'),
  /** External modules (Python or npm) through which the component is reached, e.g. boto3. */
  imports: stringList
    .optional()
    .describe('External modules (Python dotted names or npm packages) through which the component is reached, e.g. boto3, pg, @aws-sdk/client-s3'),
});

export const prioritySchema = z.enum(['P1', 'P2', 'P3']);

export const workflowSchema = z.strictObject({
  title: z.string().optional(),
  description: z.string().optional(),
  chain: z.array(name).min(1).describe('Components (names under components:) in call order; a test covers the workflow when it reaches all of them'),
  priority: prioritySchema.optional().describe('P1: uncovered is CRITICAL, P2: HIGH, P3: MEDIUM (default P2)'),
  effort: z.enum(['low', 'medium', 'high']).optional().describe('Estimated effort to close the gap, carried into reports'),
  /** Tiers that count as covering the workflow (default: integration and e2e). */
  tiers: z.array(name).optional().describe('Tiers whose tests count as covering the workflow (default: integration, e2e)'),
  owner: z.string().optional(),
});

export const requirementsSchema = z.strictObject({
  sources: stringList.optional().describe('Globs of Markdown files that define requirement ids (default specs/**/*.md, docs/**/*.md, requirements/**/*.md, spec/**/*.md)'),
  pattern: z.string().optional().describe('Regex of requirement ids (default \\b(FR|NFR|REQ|SC)-\\d{3,}\\b)'),
  /** Requirements whose text matches this regex need an integration (or higher) test. */
  needsIntegration: z
    .string()
    .optional()
    .describe('Regex: requirements whose text matches need an integration or e2e test (default \\b(integration|end[- ]to[- ]end|e2e)\\b)'),
  /** Requirement ids (or a regex matching their text) considered critical for gates. */
  critical: stringList.optional().describe('Critical requirement ids, or /regex/ matched against id and text'),
});

const dateLike = z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'), z.date()]);

export const targetSchema = z.strictObject({
  metric: z.string().min(1).describe('A metric shared with gates: tests.<tier>, files.<tier>, workflows.P1.covered, workflows.P1.uncovered, requirements.covered, …'),
  target: z.number().describe('The value to reach (shares as 0..1; for *.uncovered and similar: at most this)'),
  due: dateLike.describe('Due date, YYYY-MM-DD'),
  title: z.string().optional(),
  scenario: name.optional(),
});

const readySchema = z.strictObject({
  http: z.string().optional(),
  tcp: z.string().optional(),
  exec: stringOrList.optional(),
  log: z.string().optional(),
  /** Expected HTTP status (default: any 2xx/3xx). */
  status: z.number().int().optional(),
  timeout: duration.optional(),
  period: duration.optional(),
});

const envScalar = z.union([z.string(), z.number(), z.boolean()]);

/** A service variable with options: `{ value: …, secret: true }` keeps its value out of every output. */
const envEntry = z.strictObject({
  value: envScalar,
  /** Masked (***) in every line seams prints, its logs and reports; never stored in the history. */
  secret: z.boolean().optional(),
});

export const serviceSchema = z.strictObject({
  description: z.string().optional(),
  /** A native process seams starts (string: split like a shell would, no shell features). */
  command: stringOrList.optional(),
  /** One-off steps run before `command`, in order. */
  setup: z.union([z.string().min(1), z.array(stringOrList)]).optional(),
  cwd: z.string().optional(),
  /** When seams runs as root, run setup and the process as this user (e.g. postgres for initdb/postgres); ignored otherwise. */
  user: z.string().optional(),
  ready: readySchema.optional(),
  env: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), envEntry]))
    .optional()
    .describe('Variables the tests get (placeholders such as {port} substituted); a value { value: …, secret: true } is never printed, logged or stored'),
  /** dotenv files (KEY=value lines) read when the service starts, relative to the repository root; every value is a secret. `env:` wins on the same key. */
  env_file: stringOrList
    .optional()
    .describe('dotenv files (KEY=value lines, relative to the repository root) whose variables the tests get; their values are secrets: never printed, logged or stored. env: wins on the same key'),
  /** An external service: probed, never started or stopped. */
  url: z.string().optional(),
  /** docker compose project: started with `docker compose -p <run id> … up --wait`. */
  compose: z
    .strictObject({
      file: stringOrList,
      profile: stringOrList.optional(),
      services: stringList.optional(),
    })
    .optional(),
  optional: z.boolean().optional(),
  depends_on: z.array(name).optional(),
  /** Grace period between SIGTERM and SIGKILL at teardown. */
  stop_timeout: duration.optional(),
});

export const scenarioSchema = z.strictObject({
  title: z.string().optional(),
  description: z.string().optional(),
  /** Selectors: `path/glob/**` (files), `glob::Class` or `glob::Class::test` (pytest ids), `@tag` / `marker:name`, `tier:name`. */
  select: stringList.min(1),
  /** Expected pass rate (0..1), used by reports when no gate names the scenario. */
  expect: z.number().min(0).max(1).optional(),
});

/** A percentage such as `95%` (gates on rates: passrate, coverage, determinism). */
const percent = z.string().regex(/^\d+(\.\d+)?\s*%$/, 'a percentage such as 95%');

export const gateSchema = z.strictObject({
  metric: z.string().min(1),
  /** In the metric's unit (checked at load, core/metrics/vocabulary.ts boundProblem): counts a whole number; shares 0..1 or a percentage (`95%`); durations `5m`. */
  min: z.union([z.number(), duration, percent]).optional(),
  max: z.union([z.number(), duration, percent]).optional(),
  severity: z.enum(['error', 'warn']).optional(),
  scenario: name.optional(),
  tier: name.optional(),
  repo: z.string().optional(),
  description: z.string().optional(),
  /** How many latest runs a metric looks at (default 1 for pass rates and duration, 20 for flaky and determinism). */
  runs: z.number().int().positive().optional(),
});

export const coverageSchema = z.strictObject({
  /** Coverage report path (lcov, Cobertura XML, coverage.py JSON, Istanbul JSON summary). */
  file: z.string().min(1),
  format: z.enum(['lcov', 'cobertura', 'coveragepy', 'istanbul']).optional(),
  /** Only these repo paths count (globs). */
  paths: stringList.optional(),
});

export const notifySchema = z.strictObject({
  webhook: z.string().url(),
  /** Branches on which a failing gate notifies (default: main and master). */
  branches: stringList.optional(),
});

export const historySchema = z.strictObject({
  /** `sqlite:path` (default `.seams/history.db`) or a `postgresql://` URL. */
  db: z.string().optional(),
});

/** A runner id (`pytest`, `django`, `unittest`, `vitest`, …; checked against the registry by scan). */
const runnerId = z.string().min(1);

export const runnersSchema = z
  .union([z.array(runnerId), z.record(z.string().min(1), z.array(runnerId))])
  .describe(
    'The runners of the repo (a list) or of folders (folder → list, the longest folder wins); overrides detection: below a chosen folder only the listed runners keep tests, and a listed runner is used there even when not detected',
  );

export const scanSchema = z.strictObject({
  resolve: z
    .enum(['dynamic', 'off'])
    .optional()
    .describe(
      "dynamic: seams scan lists the files that hold dynamic tests with the runner's own collector (pytest --collect-only, vitest list, playwright test --list), as --resolve does; this runs the repository's collection code (conftest.py, configs). off (default): static only",
    ),
});

export const runSchema = z.strictObject({
  reach: z
    .enum(['measured', 'static'])
    .optional()
    .describe(
      'measured: seams run records which repository files each test executes, as --reach does (pytest under coverage.py, stored in the history for gaps, trace, gate and the report; --no-reach turns it off for one run). static (default): nothing is measured',
    ),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  tiers: z.record(name, tierSchema).optional().describe('Tier rules (paths, markers) applied before the conventions, and what a tier needs to run (services, command)'),
  components: z.record(name, componentSchema).optional().describe('The parts a workflow crosses: repo files (paths) or external systems (imports)'),
  workflows: z.record(name, workflowSchema).optional().describe('Chains of components with a priority; seams gaps reports those without integration/e2e tests'),
  requirements: requirementsSchema.optional().describe('Where requirement ids are defined and how they are recognised (seams trace)'),
  targets: z.array(targetSchema).optional().describe('Success criteria with due dates: metric, target, due'),
  services: z.record(name, serviceSchema).optional(),
  scenarios: z.record(name, scenarioSchema).optional(),
  gates: z.record(name, gateSchema).optional(),
  coverage: z.record(name, coverageSchema).optional(),
  notify: notifySchema.optional(),
  history: historySchema.optional(),
  runners: runnersSchema.optional(),
  scan: scanSchema.optional().describe('How seams scan builds the inventory'),
  run: runSchema.optional().describe('How seams run runs the tests'),
});

export type UserConfig = z.infer<typeof configSchema>;
export type TierConfig = z.infer<typeof tierSchema>;
export type ComponentConfig = z.infer<typeof componentSchema>;
export type WorkflowConfig = z.infer<typeof workflowSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;
export type ScenarioConfig = z.infer<typeof scenarioSchema>;
export type GateConfig = z.infer<typeof gateSchema>;
export type TargetConfig = z.infer<typeof targetSchema>;
export type CoverageConfig = z.infer<typeof coverageSchema>;
export type RunnersConfig = z.infer<typeof runnersSchema>;
export type ScanConfig = z.infer<typeof scanSchema>;
export type RunConfig = z.infer<typeof runSchema>;
