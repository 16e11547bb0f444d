import path from 'node:path';
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
  /** What the repository has, so the job installs what `seams run` needs (see ciInit). */
  setup?: CiSetup;
}

/** The JS package managers a job can install with (workspace/package-manager.ts decides which). */
export type CiJsManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** One JS package of the job: its manager and the install line (`npm ci`, `pnpm install --frozen-lockfile`, …). */
export interface CiJsPackage {
  manager: CiJsManager;
  install: string;
  /** pnpm: package.json names its version (`packageManager`), so pnpm/action-setup needs none. */
  pinned?: boolean;
}

/** Facts about the repository that decide the install steps of the generated job. */
export interface CiSetup {
  /** package.json at the root; and whether it lists seams (dev)dependency. */
  rootPackage?: CiJsPackage & { seams: boolean };
  /** Other folders (repo-relative) whose package.json must be installed for the JS runners. */
  jsPackages?: (CiJsPackage & { dir: string })[];
  /** How the job runs the installed seams (default `npx --no-install seams`; `pnpm exec seams`, `yarn run seams`, `bun run seams`). */
  seamsExec?: string;
  /** How the comment at the top says to add seams (default `npm install --save-dev …`). */
  seamsAdd?: string;
  /** The Python project's manager and its install lines (pip from requirement files, `uv sync`, `poetry install`). */
  python?: { manager: 'pip' | 'uv' | 'poetry'; install: string[] };
  /** Folders with a Playwright config (browsers to install). */
  playwright?: string[];
  /** Python requirement files present (requirements-dev.txt, …). */
  pythonRequirements?: string[];
  /** External Python modules the tests reach (components' imports:), for a TODO comment. */
  pythonImports?: string[];
}

/** One install line for a service's program, by the program's name. */
interface ServiceInstall {
  pip?: string;
  apt?: string;
  /** Shell line run after the apt install (PATH for tools outside /usr/bin). */
  after?: string;
}

const SERVICE_PROGRAMS: Record<string, ServiceInstall> = {
  moto_server: { pip: '"moto[server]"' },
  'redis-server': { apt: 'redis-server' },
  'redis-cli': { apt: 'redis-server' },
  postgres: { apt: 'postgresql', after: 'postgres' },
  initdb: { apt: 'postgresql', after: 'postgres' },
  pg_ctl: { apt: 'postgresql', after: 'postgres' },
  pg_isready: { apt: 'postgresql', after: 'postgres' },
  mysqld: { apt: 'mysql-server' },
  'mongod': { apt: 'mongodb' },
  memcached: { apt: 'memcached' },
  nginx: { apt: 'nginx' },
  minio: {},
};

function programOf(cmd: unknown): string | undefined {
  const first = Array.isArray(cmd) ? (Array.isArray(cmd[0]) ? cmd[0][0] : cmd[0]) : typeof cmd === 'string' ? cmd.trim().split(/\s+/)[0] : undefined;
  return typeof first === 'string' ? path.posix.basename(first) : undefined;
}

/** What the declared services need on a fresh CI machine: pip and apt packages, and the rest as TODOs. */
export function serviceNeeds(config: ResolvedConfig): { pip: string[]; apt: string[]; postgresPath: boolean; notes: string[] } {
  const pip = new Set<string>();
  const apt = new Set<string>();
  const notes: string[] = [];
  let postgresPath = false;
  for (const [name, svc] of Object.entries(config.services)) {
    const s = svc as { command?: unknown; setup?: unknown; url?: string; compose?: unknown };
    if (s.url) {
      notes.push(`service "${name}" is an external URL: make it reachable from CI (a service container, or the URL from a secret)`);
      continue;
    }
    if (s.compose) {
      notes.push(`service "${name}" uses docker compose (available on ubuntu-latest runners)`);
      continue;
    }
    const setups = Array.isArray(s.setup) ? s.setup : s.setup ? [s.setup] : [];
    const programs = [programOf(s.command), ...setups.map((x) => programOf(typeof x === 'string' ? x : x))].filter((x): x is string => !!x);
    for (const prog of new Set(programs)) {
      const known = SERVICE_PROGRAMS[prog];
      if (!known || (!known.pip && !known.apt)) {
        notes.push(`TODO: install ${prog} (service "${name}")`);
        continue;
      }
      if (known.pip) pip.add(known.pip);
      if (known.apt) apt.add(known.apt);
      if (known.after === 'postgres') postgresPath = true;
    }
  }
  return { pip: [...pip].sort(), apt: [...apt].sort(), postgresPath, notes };
}

const seamsComment = (st: CiSetup) => `seams is not published on the npm registry: add it to this repository as a devDependency
(${st.seamsAdd ?? 'npm install --save-dev <git URL or tarball of seams>'}). The lock file then pins it, and
\`${execOf(st)}\` runs exactly that version — never a registry package that happens to
be called "seams".`;

/** The installed seams, run by the root package's manager. */
const execOf = (st: CiSetup | undefined) => st?.seamsExec ?? 'npx --no-install seams';

const NOT_INSTALLED = 'seams is not installed: add it as a devDependency (see the comment at the top of this file)';

type Provider = 'github' | 'gitlab';
interface SetupStep {
  title: string;
  comment?: string;
  run: string[];
  dir?: string;
  /** GitHub: a setup action instead of `run` (`pnpm/action-setup@v4`, …). */
  uses?: string;
  with?: Record<string, string>;
}

/** The JS managers of the job's installs, in a fixed order. */
function managersOf(st: CiSetup): Set<CiJsManager> {
  return new Set([st.rootPackage?.manager, ...(st.jsPackages ?? []).map((p) => p.manager)].filter((m): m is CiJsManager => !!m));
}

/**
 * The tools a manager needs before it installs. GitHub: pnpm/action-setup and oven-sh/setup-bun
 * (setup-node brings npm and yarn 1; yarn 2+ comes through Corepack). GitLab's node image: Corepack
 * for pnpm and yarn 2+, bun from npm.
 */
function toolSteps(st: CiSetup, provider: Provider): SetupStep[] {
  const managers = managersOf(st);
  const steps: SetupStep[] = [];
  const pinned = st.rootPackage?.manager === 'pnpm' && !!st.rootPackage.pinned; // action-setup reads the root package.json
  if (managers.has('pnpm'))
    steps.push(provider === 'github' ? { title: 'pnpm', run: [], uses: 'pnpm/action-setup@v4', ...(pinned ? {} : { with: { version: '9' } }) } : { title: 'pnpm', run: ['corepack enable'] });
  if (managers.has('bun')) steps.push(provider === 'github' ? { title: 'Bun', run: [], uses: 'oven-sh/setup-bun@v2' } : { title: 'Bun', run: ['npm install -g bun'] });
  return steps;
}

/** yarn 2+ comes through Corepack (the runners' yarn is 1). */
const withCorepack = (install: string, provider: Provider, managers: Set<CiJsManager>) =>
  install.startsWith('yarn install --immutable') && !(provider === 'gitlab' && managers.has('pnpm')) ? `corepack enable && ${install}` : install;

/** The Python tools and test dependencies: pip, uv (astral-sh/setup-uv) or poetry (pipx), with .venv first on PATH. */
function pythonSteps(st: CiSetup, provider: Provider): SetupStep[] {
  const py = st.python ?? { manager: 'pip' as const, install: [] };
  const reqs = st.pythonRequirements ?? [];
  const todo = st.pythonImports?.length
    ? `TODO: no requirements file found; the tests import ${st.pythonImports.join(', ')} — list them in requirements-dev.txt.`
    : 'TODO: no requirements file found; install what your tests import.';
  if (py.manager === 'pip') {
    const run = py.install.length ? py.install : [reqs.length ? `python -m pip install ${reqs.map((r) => `-r ${r}`).join(' ')}` : 'python -m pip install pytest'];
    return [{ title: 'Python test dependencies', ...(reqs.length ? {} : { comment: todo }), run }];
  }
  const onPath = provider === 'github' ? 'echo "$PWD/.venv/bin" >> "$GITHUB_PATH"  # the project\'s python for seams' : 'export PATH="$PWD/.venv/bin:$PATH"';
  const tool: SetupStep =
    py.manager === 'uv'
      ? provider === 'github'
        ? { title: 'uv', run: [], uses: 'astral-sh/setup-uv@v6' }
        : { title: 'uv', run: ['python -m pip install uv'] }
      : { title: 'Poetry', run: [provider === 'github' ? 'pipx install poetry' : 'python -m pip install poetry'] };
  return [tool, { title: `Python test dependencies (${py.manager})`, run: [...py.install, onPath] }];
}

/** The install part of the job as shell lines with comments, shared by GitHub and GitLab. */
function setupLines(config: ResolvedConfig, o: CiOptions, provider: Provider): SetupStep[] {
  const sudo = provider === 'github' ? 'sudo ' : '';
  const st = o.setup ?? {};
  const managers = managersOf(st);
  const steps: SetupStep[] = toolSteps(st, provider);
  if (st.rootPackage)
    steps.push({
      title: st.rootPackage.seams ? 'Install seams (devDependency) and the JS test runners' : 'Install the JS dependencies',
      comment: st.rootPackage.seams ? undefined : 'TODO: package.json does not list seams yet; see the comment at the top of this file.',
      run: [withCorepack(st.rootPackage.install, provider, managers)],
    });
  else steps.push({ title: 'Install seams', comment: 'TODO: this repository has no package.json at its root: create one (npm init -y) with seams as a devDependency.', run: ['npm ci'] });
  // yarn 2+ may install without node_modules (Plug'n'Play): ask seams itself
  const check = st.rootPackage?.manager === 'yarn' ? `${execOf(st)} --version > /dev/null` : 'test -x node_modules/.bin/seams';
  steps.push({ title: 'Check that seams is installed', run: [`${check} || { echo "${NOT_INSTALLED}" >&2; exit 1; }`] });
  for (const p of st.jsPackages ?? []) steps.push({ title: `Install ${p.dir}/ dependencies`, run: [withCorepack(p.install, provider, managers)], dir: p.dir });
  const playwright = st.rootPackage && st.rootPackage.manager !== 'npm' ? execOf(st).replace(/seams$/, 'playwright') : 'npx --no-install playwright';
  for (const d of st.playwright ?? []) steps.push({ title: `Playwright browsers${d === '.' ? '' : ` (${d}/)`}`, run: [`${playwright} install --with-deps`], ...(d === '.' ? {} : { dir: d }) });
  const needs = serviceNeeds(config);
  if (o.python) steps.push(...pythonSteps(st, provider));
  const serviceRun: string[] = [];
  if (needs.pip.length) serviceRun.push(`python -m pip install ${needs.pip.join(' ')}`);
  if (needs.apt.length) serviceRun.push(`${sudo}apt-get update -q && ${sudo}apt-get install -y -q ${needs.apt.join(' ')}`);
  if (needs.postgresPath) serviceRun.push(sudo ? 'ls -d /usr/lib/postgresql/*/bin | tail -1 >> "$GITHUB_PATH"  # initdb, postgres, pg_isready' : 'export PATH="$(ls -d /usr/lib/postgresql/*/bin | tail -1):$PATH"');
  const names = Object.keys(config.services);
  if (serviceRun.length || needs.notes.length)
    steps.push({
      title: `Programs for the services in seams.yaml (${names.join(', ')})`,
      ...(needs.notes.length ? { comment: needs.notes.join('\n') } : {}),
      run: serviceRun.length ? serviceRun : ['true'],
    });
  return steps;
}

function githubSteps(config: ResolvedConfig, o: CiOptions): string {
  const out: string[] = [];
  for (const st of setupLines(config, o, 'github')) {
    if (st.comment) for (const l of st.comment.split('\n')) out.push(`      # ${l}`);
    out.push(`      - name: ${q(st.title)}`);
    if (st.uses) {
      out.push(`        uses: ${st.uses}`);
      if (st.with) out.push('        with:', ...Object.entries(st.with).map(([k, v]) => `          ${k}: ${q(v)}`));
      continue;
    }
    if (st.dir) out.push(`        working-directory: ${q(st.dir)}`);
    // a plain scalar when YAML reads it back unchanged, else a literal block
    if (st.run.length === 1 && !/: | #|^[-?:,[\]{}#&*!|>'"%@`]/.test(st.run[0]!)) out.push(`        run: ${st.run[0]}`);
    else out.push('        run: |', ...st.run.map((l) => `          ${l}`));
  }
  return out.join('\n');
}

function gitlabScript(config: ResolvedConfig, o: CiOptions): string {
  const out: string[] = [];
  for (const st of setupLines(config, o, 'gitlab')) {
    if (st.comment) for (const l of st.comment.split('\n')) out.push(`    # ${l}`);
    out.push(`    # ${st.title}`);
    for (const l of st.run) out.push(`    - ${q(st.dir ? `(cd ${st.dir} && ${l})` : l)}`);
  }
  return out.join('\n');
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
  const exec = execOf(o.setup);
  const label = o.label ?? 'integration-tests';
  const tiers = (o.tiers ?? defaultTiers(config)).join(' ');
  const paths = o.criticalPaths ?? criticalPathsOf(config);
  const pathspecs = paths.map((p) => `':(glob)${p.replace(/'/g, '')}'`).join(' ');
  const node = o.node ?? '20';
  const python = o.python
    ? `
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"`
    : '';
  const content = `# Written by \`seams init --ci github\`. Runs the integration tiers at three moments:
#   1. pull requests labelled "${label}" or touching critical paths,
#   2. nightly,
#   3. before a production promotion (workflow_dispatch with promote=true): the gate must pass.
${seamsComment(o.setup ?? {}).split('\n').map((l) => `# ${l}`).join('\n')}
# The job installs the programs of the services seams.yaml declares; read the TODO lines below.
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
${githubSteps(config, o)}
      - name: Run ${tiers} with their services
        run: ${exec} run ${tiers}
      - name: Gate
        run: ${exec} gate --format junit --output seams-gate.xml && ${exec} gate
      - name: Report
        if: always()
        run: ${exec} report --html seams-report.html --markdown seams-completion.md
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
  const exec = execOf(o.setup);
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
${seamsComment(o.setup ?? {}).split('\n').map((l) => `# ${l}`).join('\n')}
# before_script installs the programs of the services seams.yaml declares; read the TODO lines.
# History: set SEAMS_DATABASE_URL (postgresql://…) as a CI/CD variable to keep runs across pipelines.

stages: [test, gate, promote]

.seams:
  image: node:${o.node ?? '20'}
  before_script:
${o.python ? `    - apt-get update -q && apt-get install -y -q python3-venv
    - python3 -m venv /tmp/venv && . /tmp/venv/bin/activate
` : ''}${gitlabScript(config, o)}
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event" && $CI_MERGE_REQUEST_LABELS =~ ${labelRe}${changes}
    - if: $CI_PIPELINE_SOURCE == "schedule"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

seams-integration:
  extends: .seams
  stage: test
  script:
    - ${exec} run ${tiers}
  artifacts:
    when: always
    paths: [.seams/]
    expire_in: 1 week

seams-gate:
  extends: .seams
  stage: gate
  needs: [seams-integration]
  script:
    - ${exec} gate --format junit --output seams-gate.xml
    - ${exec} gate
  after_script:
    - ${exec} report --html seams-report.html --markdown seams-completion.md
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
