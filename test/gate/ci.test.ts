import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { githubWorkflow, gitlabPipeline, writeCiWorkflow } from '../../src/ci/index.js';
import { parseConfig } from '../../src/config/load.js';
import { ciSetupOf } from '../../src/app/ci.js';
import { runCli } from '../helpers/cli.js';
import { tempRepo } from './helpers.js';

const CONFIG = `
components:
  ecr-parser: { paths: ["scripts/ecr/parser.py"] }
  ecr-pusher: { paths: ["scripts/ecr/pusher/**"] }
  boto: { imports: [boto3] }
  docs: { paths: ["docs/**"] }
workflows:
  ecr-sync: { chain: [ecr-parser, ecr-pusher, boto], priority: P1 }
  docs-flow: { chain: [docs], priority: P3 }
tiers:
  integration: { paths: ["tests/integration/**"] }
`;
const config = () => parseConfig(CONFIG, '/tmp/ci/seams.yaml').config;

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@e', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' }).trim();

describe('seams init --ci', () => {
  it('GitHub: PR label or critical paths, nightly, and a production promotion that needs the gate', () => {
    const wf = parse(githubWorkflow(config()).content);
    expect(wf.on.pull_request.types).toContain('labeled');
    expect(wf.on.schedule[0].cron).toBe('17 3 * * *');
    expect(wf.on.workflow_dispatch.inputs.promote.type).toBe('boolean');
    expect(wf.jobs.integration.needs).toBe('decide');
    expect(wf.jobs.integration.if).toBe("needs.decide.outputs.run == 'true'");
    const steps = wf.jobs.integration.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(steps).toMatch(/seams run integration\b/);
    expect(steps).toMatch(/seams gate/);
    expect(wf.jobs.promote.needs).toBe('integration');
    expect(wf.jobs.promote.environment).toBe('production');
    const decide = wf.jobs.decide.steps[1];
    expect(decide.env.HAS_LABEL).toContain("'integration-tests'");
    // only the P1 workflow's component files are critical
    expect(decide.run).toContain("':(glob)scripts/ecr/parser.py' ':(glob)scripts/ecr/pusher/**'");
    expect(decide.run).not.toContain('docs/');
  });

  it('the decide step really selects PRs by label and by changed critical paths (run with bash and git)', () => {
    const wf = parse(githubWorkflow(config()).content);
    const script: string = wf.jobs.decide.steps[1].run;
    const root = tempRepo({ 'README.md': 'x', 'scripts/ecr/pusher/push.py': 'a = 1\n', 'docs/a.md': 'a' });
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'base');
    const base = git(root, 'rev-parse', 'HEAD');
    writeFileSync(path.join(root, 'docs/a.md'), 'b');
    git(root, 'commit', '-qam', 'docs only');
    const docsOnly = git(root, 'rev-parse', 'HEAD');
    writeFileSync(path.join(root, 'scripts/ecr/pusher/push.py'), 'a = 2\n');
    git(root, 'commit', '-qam', 'pusher');
    const critical = git(root, 'rev-parse', 'HEAD');
    const decide = (env: Record<string, string>) => {
      const out = path.join(root, `out-${Math.random()}`);
      writeFileSync(out, '');
      execFileSync('bash', ['-e', '-c', script], { cwd: root, env: { ...process.env, GITHUB_OUTPUT: out, ...env } });
      return readFileSync(out, 'utf8').trim();
    };
    expect(decide({ EVENT: 'pull_request', HAS_LABEL: 'false', BASE: base, HEAD: docsOnly })).toBe('run=false');
    expect(decide({ EVENT: 'pull_request', HAS_LABEL: 'false', BASE: docsOnly, HEAD: critical })).toBe('run=true');
    expect(decide({ EVENT: 'pull_request', HAS_LABEL: 'true', BASE: base, HEAD: docsOnly })).toBe('run=true');
    expect(decide({ EVENT: 'schedule', HAS_LABEL: 'false', BASE: '', HEAD: '' })).toBe('run=true');
  });

  it('GitLab: label / changes / schedule rules and a manual promotion that needs the gate', () => {
    const p = parse(gitlabPipeline(config(), { label: 'needs-integration' }).content);
    const rules = p['.seams'].rules;
    expect(rules[0].if).toBe('$CI_PIPELINE_SOURCE == "merge_request_event" && $CI_MERGE_REQUEST_LABELS =~ /(^|,)needs-integration(,|$)/');
    expect(rules[1].changes).toEqual(['scripts/ecr/parser.py', 'scripts/ecr/pusher/**']);
    expect(rules[2].if).toBe('$CI_PIPELINE_SOURCE == "schedule"');
    expect(p['seams-gate'].needs).toEqual(['seams-integration']);
    expect(p['seams-gate'].artifacts.reports.junit).toBe('seams-gate.xml');
    expect(p['promote-production']).toMatchObject({ needs: ['seams-gate'], environment: 'production' });
    expect(p['promote-production'].rules[0].when).toBe('manual');
  });

  it('writes once, is idempotent, and keeps a different existing file unless forced', async () => {
    const root = tempRepo({});
    expect(await writeCiWorkflow(root, 'github', config())).toEqual({ file: '.github/workflows/seams.yml', status: 'written' });
    expect(await writeCiWorkflow(root, 'github', config())).toEqual({ file: '.github/workflows/seams.yml', status: 'unchanged' });
    mkdirSync(path.join(root, '.github/workflows'), { recursive: true });
    writeFileSync(path.join(root, '.github/workflows/seams.yml'), 'name: mine\n');
    expect((await writeCiWorkflow(root, 'github', config())).status).toBe('exists');
    expect(readFileSync(path.join(root, '.github/workflows/seams.yml'), 'utf8')).toBe('name: mine\n');
    expect((await writeCiWorkflow(root, 'github', config(), { force: true })).status).toBe('written');
    await expect(writeCiWorkflow(root, 'jenkins', config())).rejects.toThrow(/unknown CI provider "jenkins"/);
  });

  it('seams init --ci github writes seams.yaml and the workflow; a second run changes nothing', async () => {
    const root = tempRepo({
      'package.json': JSON.stringify({ name: 'shop', devDependencies: { vitest: '^2.0.0' } }),
      'vitest.config.ts': 'export default {}\n',
      'src/cart.test.ts': "import { test } from 'vitest';\ntest('adds', () => {});\n",
      'test/integration/checkout.test.ts': "import { test } from 'vitest';\ntest('pays', () => {});\n",
    });
    const r = await runCli(['init', root, '--ci', 'github']);
    expect(r.code).toBe(0);
    // outside the working folder's tree, files are named by their absolute path
    expect(r.stderr).toContain(`wrote ${path.join(root, '.github/workflows/seams.yml')}`);
    const wf = parse(readFileSync(path.join(root, '.github/workflows/seams.yml'), 'utf8'));
    expect(Object.keys(wf.jobs)).toEqual(['decide', 'integration', 'promote']);
    expect(wf.jobs.decide.steps[1].run).toContain(':(glob)test/integration/**');
    const again = await runCli(['init', root, '--ci', 'github']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('.github/workflows/seams.yml is up to date');
    expect((await runCli(['init', root, '--ci', 'jenkins'])).code).toBe(2);
  });

  it('installs what seams run needs: seams as a devDependency (never npx --yes), JS packages, browsers, Python, the services\' programs', async () => {
    const root = tempRepo({
      'package.json': JSON.stringify({ name: 'plat', private: true, workspaces: ['web'], devDependencies: { seams: 'file:../seams' } }),
      'package-lock.json': '{}',
      'web/package.json': JSON.stringify({ name: 'web', devDependencies: { vitest: '^4.0.0', '@playwright/test': '^1.50.0', pg: '^8' } }),
      'web/vitest.config.ts': 'export default {}\n',
      'web/playwright.config.ts': "export default { testDir: 'e2e' }\n",
      'web/test/a.test.ts': "import { test } from 'vitest';\ntest('a', () => {});\n",
      'web/e2e/b.spec.ts': "import { test } from '@playwright/test';\ntest('b', async () => {});\n",
      'pytest.ini': '[pytest]\n',
      'requirements-dev.txt': 'pytest\nboto3\n',
      'tests/integration/test_x.py': 'def test_x():\n    pass\n',
      'seams.yaml': [
        'components:',
        '  aws: { imports: [boto3, socket] }',
        '  db-client: { imports: [pg] }',
        'services:',
        '  aws: { command: "moto_server -p {port}" }',
        '  db: { setup: "initdb -D {tmp}/pg", command: [postgres, -D, "{tmp}/pg"] }',
        '  cache: { command: "redis-server --port {port}" }',
        '  queue: { command: "/opt/bin/elasticmq --port {port}" }',
        '  ext: { url: "https://user:secret@example.com" }',
        '',
      ].join('\n'),
    });
    const r = await runCli(['ci', 'init', 'github', root], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('seams: wrote .github/workflows/seams.yml\nhint: .github/workflows/seams.yml has 1 TODO line (services or dependencies seams could not install for you)\n');
    const text = readFileSync(path.join(root, '.github/workflows/seams.yml'), 'utf8');
    expect(text).not.toContain('npx --yes');
    expect(text).not.toContain('secret@'); // a URL's credentials never end up in the file
    expect(text).toContain('# seams is not published on the npm registry: add it to this repository as a devDependency');
    expect(text).toContain('# TODO: install elasticmq (service "queue")');
    expect(text).toContain('# service "ext" is an external URL: make it reachable from CI');
    const steps = parse(text).jobs.integration.steps as { name?: string; run?: string; uses?: string; 'working-directory'?: string }[];
    const run = (name: RegExp) => steps.find((s) => name.test(s.name ?? ''));
    expect(run(/^Install seams \(devDependency\)/)!.run).toBe('npm ci');
    expect(run(/^Check that seams is installed/)!.run).toMatch(/^test -x node_modules\/\.bin\/seams \|\|/);
    expect(run(/^Install web\/ dependencies/)).toBeUndefined(); // a workspace: the root's npm ci installs it
    expect(run(/^Playwright browsers \(web\/\)/)).toMatchObject({ run: 'npx --no-install playwright install --with-deps', 'working-directory': 'web' });
    expect(run(/^Python test dependencies/)!.run).toBe('python -m pip install -r requirements-dev.txt');
    const services = run(/^Programs for the services/)!;
    expect(services.name).toBe('Programs for the services in seams.yaml (aws, db, cache, queue, ext)');
    expect(services.run!.split('\n').filter(Boolean)).toEqual([
      'python -m pip install "moto[server]"',
      'sudo apt-get update -q && sudo apt-get install -y -q postgresql redis-server',
      'ls -d /usr/lib/postgresql/*/bin | tail -1 >> "$GITHUB_PATH"  # initdb, postgres, pg_isready',
    ]);
    // installs come before the run, and every seams call uses the installed copy
    const order = steps.map((s) => s.name ?? s.uses ?? '');
    expect(order.findIndex((n) => /^Programs/.test(n))).toBeLessThan(order.findIndex((n) => /^Run /.test(n)));
    for (const s of steps.filter((x) => x.run?.includes('seams ') && !x.run.startsWith('test -x'))) expect(s.run).toMatch(/^npx --no-install seams /);

    const gl = await runCli(['ci', 'init', 'gitlab', root]);
    expect(gl.code).toBe(0);
    const pipeline = parse(readFileSync(path.join(root, 'seams.gitlab-ci.yml'), 'utf8'));
    const before: string[] = pipeline['.seams'].before_script;
    expect(before).toContain('npm ci');
    expect(before).toContain('(cd web && npx --no-install playwright install --with-deps)');
    expect(before).toContain('apt-get update -q && apt-get install -y -q postgresql redis-server');
    expect(pipeline['seams-integration'].script).toEqual(['npx --no-install seams run integration e2e']);
  });

  it('a JS package outside the root workspaces gets its own install, with its lock file\'s tool', () => {
    const root = tempRepo({
      'package.json': JSON.stringify({ devDependencies: { seams: '1.0.0' } }),
      'web/package.json': '{}',
      'web/pnpm-lock.yaml': '',
      'web/e2e/x.spec.ts': '',
      'tools/package.json': '{}',
    });
    const runner = (r: string, rootDir: string) => ({ runner: r as 'vitest', project: null, rootDir, configFile: null });
    const inventory = { root, name: 'x', files: [], tests: [], diagnostics: [], runners: [runner('vitest', 'web'), runner('playwright', 'web/e2e'), runner('mocha', 'tools')] };
    const setup = ciSetupOf(root, inventory, config());
    expect(setup.rootPackage).toEqual({ seams: true, manager: 'npm', install: 'npm install' });
    expect(setup.jsPackages).toEqual([{ dir: 'tools', manager: 'npm', install: 'npm install' }, { dir: 'web', manager: 'pnpm', install: 'pnpm install --frozen-lockfile' }]);
    expect(setup.playwright).toEqual(['web']);
    const steps = parse(githubWorkflow(config(), { setup }).content).jobs.integration.steps;
    expect(steps.find((s: { name?: string }) => s.name === 'Install web/ dependencies')).toMatchObject({ 'working-directory': 'web', run: 'pnpm install --frozen-lockfile' });
    // pnpm comes from its setup action (no packageManager field: the action is told a version)
    expect(steps.find((s: { uses?: string }) => s.uses === 'pnpm/action-setup@v4')).toEqual({ name: 'pnpm', uses: 'pnpm/action-setup@v4', with: { version: '9' } });
    expect(setup.seamsExec).toBe('npx --no-install seams');
  });

  describe('each package manager: install from the lockfile, set the tool up, run the installed seams', () => {
    type Step = { name?: string; run?: string; uses?: string; with?: Record<string, string> };
    const cases: { name: string; files: Record<string, string>; install: string; exec: string; github: string[]; gitlab: string[] }[] = [
      { name: 'npm', files: { 'package-lock.json': '{}' }, install: 'npm ci', exec: 'npx --no-install seams', github: [], gitlab: [] },
      {
        name: 'pnpm (packageManager field)', files: { 'pnpm-lock.yaml': 'lockfileVersion: 9.0\n' }, install: 'pnpm install --frozen-lockfile', exec: 'pnpm exec seams',
        github: ['pnpm/action-setup@v4'], gitlab: ['corepack enable'],
      },
      {
        name: 'yarn 1', files: { 'yarn.lock': '# THIS IS AN AUTOGENERATED FILE.\n# yarn lockfile v1\n' }, install: 'yarn install --frozen-lockfile', exec: 'yarn run seams',
        github: [], gitlab: [],
      },
      {
        name: 'yarn 2+', files: { 'yarn.lock': '__metadata:\n  version: 8\n', '.yarnrc.yml': 'nodeLinker: pnp\n' }, install: 'corepack enable && yarn install --immutable', exec: 'yarn run seams',
        github: [], gitlab: [],
      },
      { name: 'bun', files: { 'bun.lock': '{}' }, install: 'bun install --frozen-lockfile', exec: 'bun run seams', github: ['oven-sh/setup-bun@v2'], gitlab: ['npm install -g bun'] },
      { name: 'bun (binary lockfile)', files: { 'bun.lockb': '' }, install: 'bun install --frozen-lockfile', exec: 'bun run seams', github: ['oven-sh/setup-bun@v2'], gitlab: ['npm install -g bun'] },
    ];
    it.each(cases)('$name', async ({ name, files, install, exec, github, gitlab }) => {
      const pkg: Record<string, unknown> = { name: 'x', devDependencies: { seams: 'file:../seams', vitest: '^4' } };
      if (name.includes('packageManager')) pkg.packageManager = 'pnpm@9.1.0';
      const root = tempRepo({ ...files, 'package.json': JSON.stringify(pkg), 'src/a.test.ts': "import { test } from 'vitest';\ntest('a', () => {});\n" });
      expect((await runCli(['ci', 'init', 'github', root])).code).toBe(0);
      const text = readFileSync(path.join(root, '.github/workflows/seams.yml'), 'utf8');
      const steps = parse(text).jobs.integration.steps as Step[];
      expect(steps.find((s) => /^Install seams/.test(s.name ?? ''))!.run).toBe(install);
      // the tool's setup comes before the install
      const order = steps.map((s) => s.uses ?? s.name ?? '');
      for (const action of github) expect(order.indexOf(action), action).toBeGreaterThan(-1);
      for (const action of github) expect(order.indexOf(action)).toBeLessThan(order.findIndex((n) => /^Install seams/.test(n)));
      if (name.startsWith('pnpm')) expect(steps.find((s) => s.uses === 'pnpm/action-setup@v4')!.with).toBeUndefined(); // the field says the version
      for (const s of steps.filter((x) => /seams (run|gate|report) /.test(x.run ?? ''))) expect(s.run!.startsWith(`${exec} `), s.run).toBe(true);
      expect(text).not.toMatch(name === 'npm' ? /pnpm|yarn|\bbun\b/ : /npx --no-install seams/);
      if (name.startsWith('yarn 2')) expect(steps.find((s) => /^Check that seams/.test(s.name ?? ''))!.run).toMatch(/^yarn run seams --version > \/dev\/null \|\|/);

      expect((await runCli(['ci', 'init', 'gitlab', root])).code).toBe(0);
      const pipeline = parse(readFileSync(path.join(root, 'seams.gitlab-ci.yml'), 'utf8'));
      const before: string[] = pipeline['.seams'].before_script;
      for (const line of gitlab) expect(before.indexOf(line), line).toBeGreaterThan(-1);
      for (const line of gitlab) expect(before.indexOf(line)).toBeLessThan(before.findIndex((l) => l.endsWith(install.replace('corepack enable && ', ''))));
      expect(pipeline['seams-integration'].script).toEqual([`${exec} run integration e2e`]);
    });

    it.each([
      ['uv', { 'uv.lock': 'version = 1\n', 'pyproject.toml': '[project]\nname = "x"\n' }, ['uv sync --frozen'], 'astral-sh/setup-uv@v6'],
      ['poetry', { 'poetry.lock': '', 'pyproject.toml': '[tool.poetry]\nname = "x"\n' }, ['poetry config virtualenvs.in-project true', 'poetry install --no-interaction --no-root'], undefined],
      ['pip', { 'requirements-dev.txt': 'pytest\n' }, ['python -m pip install -r requirements-dev.txt'], undefined],
    ] as const)('Python only: %s', async (pm, files, lines, action) => {
      const root = tempRepo({ ...files, 'tests/integration/test_x.py': 'def test_x():\n    pass\n' });
      expect((await runCli(['ci', 'init', 'github', root])).code).toBe(0);
      const steps = parse(readFileSync(path.join(root, '.github/workflows/seams.yml'), 'utf8')).jobs.integration.steps as Step[];
      const deps = steps.find((s) => /^Python test dependencies/.test(s.name ?? ''))!;
      expect(deps.run!.split('\n').filter(Boolean).slice(0, lines.length)).toEqual(lines);
      if (pm !== 'pip') expect(deps.run).toContain('echo "$PWD/.venv/bin" >> "$GITHUB_PATH"');
      else expect(deps.run).not.toContain('.venv');
      if (action) expect(steps.some((s) => s.uses === action)).toBe(true);
      if (pm === 'poetry') expect(steps.find((s) => s.name === 'Poetry')!.run).toBe('pipx install poetry');
      expect(steps.some((s) => s.uses === 'actions/setup-python@v5')).toBe(true);
      expect((await runCli(['ci', 'init', 'gitlab', root])).code).toBe(0);
      const before: string[] = parse(readFileSync(path.join(root, 'seams.gitlab-ci.yml'), 'utf8'))['.seams'].before_script;
      for (const l of lines) expect(before).toContain(l);
      if (pm !== 'pip') expect(before).toContain('export PATH="$PWD/.venv/bin:$PATH"');
    });
  });

  it('without seams in package.json the file and the command say what to do', async () => {
    const root = tempRepo({ 'tests/integration/test_x.py': 'def test_x():\n    pass\n', 'seams.yaml': 'components:\n  aws: { imports: [boto3] }\n' });
    const r = await runCli(['ci', 'init', 'github', root]);
    expect(r.stderr).toContain("hint: seams is not on the npm registry: add it as a devDependency so the workflow's `npx --no-install seams` finds it");
    const text = readFileSync(path.join(root, '.github/workflows/seams.yml'), 'utf8');
    expect(text).toContain('# TODO: this repository has no package.json at its root');
    expect(text).toContain('# TODO: no requirements file found; the tests import boto3');
  });
});
