import type { ResolvedConfig } from '../config/resolve.js';

/**
 * CI workflow templates for `seams init --ci github|gitlab`. Each runs the integration tiers at
 * the three moments teams run them:
 *   1. on pull requests that carry a label (default `integration-tests`) or touch critical paths
 *      (the files of the components in P1 workflows),
 *   2. nightly (all tiers, feeding the history that flakiness and trends need),
 *   3. before a production promotion: the gate must pass before the promotion job runs.
 */

export type CiProvider = 'github' | 'gitlab';

export interface CiOptions {
  /** PR label that asks for the integration tiers. */
  label?: string;
  /** Cron for the nightly run (UTC). */
  cron?: string;
  /** Tiers to run; default: the configured tiers other than unit, else integration and e2e. */
  tiers?: string[];
  /** Globs whose change on a PR triggers the run; default from P1 workflows' components. */
  criticalPaths?: string[];
  /** Node version for the seams CLI. */
  node?: string;
  /** Whether the repo has Python tests (adds setup-python). */
  python?: boolean;
}

export interface CiFile {
  path: string;
  content: string;
}

/** Files of the components in P1 workflows; else the integration tier's paths; else everything. */
export function criticalPathsOf(config: ResolvedConfig): string[] {
  const out = new Set<string>();
  for (const w of Object.values(config.workflows)) {
    if (w.priority !== 'P1') continue;
    for (const c of w.chain) for (const p of config.components[c]?.paths ?? []) out.add(p);
  }
  if (!out.size) for (const t of Object.values(config.tiers)) if (t.name !== 'unit') for (const p of t.paths) out.add(p);
  return [...out].sort();
}

export function defaultTiers(config: ResolvedConfig): string[] {
  const configured = Object.keys(config.tiers).filter((t) => t !== 'unit');
  return configured.length ? configured : ['integration', 'e2e'];
}

const q = (s: string) => JSON.stringify(s); // YAML accepts JSON strings

export function githubWorkflow(config: ResolvedConfig, o: CiOptions = {}): CiFile {
  const label = o.label ?? 'integration-tests';
  const tiers = (o.tiers ?? defaultTiers(config)).join(' ');
  const paths = o.criticalPaths ?? criticalPathsOf(config);
  const pathspecs = paths.map((p) => `':(glob)${p.replace(/'/g, '')}'`).join(' ');
  const node = o.node ?? '20';
  const python = o.python
    ? `
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install -r requirements-dev.txt || pip install pytest`
    : '';
  const content = `# Written by \`seams init --ci github\`. Runs the integration tiers at three moments:
#   1. pull requests labelled "${label}" or touching critical paths,
#   2. nightly,
#   3. before a production promotion (workflow_dispatch with promote=true): the gate must pass.
# History: set the SEAMS_DATABASE_URL secret (postgresql://…) to keep runs across jobs for
# flakiness and trends; without it each job starts with an empty history.
name: seams

on:
  pull_request:
    types: [opened, synchronize, reopened, labeled]
  schedule:
    - cron: ${q(o.cron ?? '17 3 * * *')}
  workflow_dispatch:
    inputs:
      promote:
        description: "Promote to production when the gate passes"
        type: boolean
        default: false

permissions:
  contents: read

concurrency:
  group: seams-\${{ github.workflow }}-\${{ github.ref }}
  cancel-in-progress: \${{ github.event_name == 'pull_request' }}

env:
  SEAMS_DATABASE_URL: \${{ secrets.SEAMS_DATABASE_URL }}

jobs:
  decide:
    runs-on: ubuntu-latest
    outputs:
      run: \${{ steps.decide.outputs.run }}
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - id: decide
        name: Label or critical paths?
        env:
          EVENT: \${{ github.event_name }}
          HAS_LABEL: \${{ contains(github.event.pull_request.labels.*.name, '${label}') }}
          BASE: \${{ github.event.pull_request.base.sha }}
          HEAD: \${{ github.event.pull_request.head.sha }}
        run: |
          if [ "$EVENT" != "pull_request" ] || [ "$HAS_LABEL" = "true" ]; then echo "run=true" >> "$GITHUB_OUTPUT"; exit 0; fi
${paths.length ? `          if git diff --name-only "$BASE" "$HEAD" -- ${pathspecs} | grep -q .; then echo "run=true" >> "$GITHUB_OUTPUT"; else echo "run=false" >> "$GITHUB_OUTPUT"; fi` : `          echo "run=false" >> "$GITHUB_OUTPUT"`}

  integration:
    needs: decide
    if: needs.decide.outputs.run == 'true'
    runs-on: ubuntu-latest
    timeout-minutes: 60
    permissions:
      contents: read
      checks: write
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: ${q(node)}${python}
      - name: Run ${tiers} with their services
        run: npx --yes seams run ${tiers}
      - name: Gate
        run: npx --yes seams gate --format junit --output seams-gate.xml && npx --yes seams gate
      - name: Report
        if: always()
        run: npx --yes seams report --html seams-report.html --markdown seams-completion.md
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: seams-report
          path: |
            seams-report.html
            seams-completion.md
            seams-gate.xml

  promote:
    needs: integration
    if: github.event_name == 'workflow_dispatch' && inputs.promote
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v4
      - name: Promote
        run: echo "The gate passed. Replace this step with your promotion (deploy, tag, release)."
`;
  return { path: '.github/workflows/seams.yml', content };
}

export function gitlabPipeline(config: ResolvedConfig, o: CiOptions = {}): CiFile {
  const label = o.label ?? 'integration-tests';
  const tiers = (o.tiers ?? defaultTiers(config)).join(' ');
  const paths = o.criticalPaths ?? criticalPathsOf(config);
  const labelRe = `/(^|,)${label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(,|$)/`;
  const changes = paths.length
    ? `
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
      changes:
${paths.map((p) => `        - ${q(p)}`).join('\n')}`
    : '';
  const content = `# Written by \`seams init --ci gitlab\`. Include it from .gitlab-ci.yml:
#   include: { local: seams.gitlab-ci.yml }
# Runs the integration tiers at three moments:
#   1. merge requests labelled "${label}" or touching critical paths,
#   2. scheduled pipelines (create a nightly schedule under CI/CD → Schedules),
#   3. before a production promotion: promote-production needs the gate to pass.
# History: set SEAMS_DATABASE_URL (postgresql://…) as a CI/CD variable to keep runs across pipelines.

stages: [test, gate, promote]

.seams:
  image: node:${o.node ?? '20'}
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event" && $CI_MERGE_REQUEST_LABELS =~ ${labelRe}${changes}
    - if: $CI_PIPELINE_SOURCE == "schedule"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

seams-integration:
  extends: .seams
  stage: test
  script:
    - npx --yes seams run ${tiers}
  artifacts:
    when: always
    paths: [.seams/]
    expire_in: 1 week

seams-gate:
  extends: .seams
  stage: gate
  needs: [seams-integration]
  script:
    - npx --yes seams gate --format junit --output seams-gate.xml
    - npx --yes seams gate
  after_script:
    - npx --yes seams report --html seams-report.html --markdown seams-completion.md
  artifacts:
    when: always
    reports:
      junit: seams-gate.xml
    paths: [seams-report.html, seams-completion.md]

promote-production:
  stage: promote
  needs: [seams-gate]
  environment: production
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
      when: manual
  script:
    - echo "The gate passed. Replace this job's script with your promotion."
`;
  return { path: 'seams.gitlab-ci.yml', content };
}

export function ciFile(provider: CiProvider, config: ResolvedConfig, o: CiOptions = {}): CiFile {
  return provider === 'github' ? githubWorkflow(config, o) : gitlabPipeline(config, o);
}
