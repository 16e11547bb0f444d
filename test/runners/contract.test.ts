import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DiscoveredTest, ResultStatus } from '../../src/core/types.js';
import type { BuildInput, RunnerPlugin } from '../../src/runners/contract.js';
import { templatePlugin } from '../../src/runners/_template/index.js';
import {
  adoptCommand,
  detectResultFormat,
  extraArgSections,
  getResultFormat,
  getRunner,
  isRunnerId,
  resultFormats,
  runnerIds,
  runners,
} from '../../src/runners/registry.js';

/**
 * Every registered runner satisfies the contract of `src/runners/contract.ts` (the template too,
 * so that a copied folder starts from something that passes).
 */
const STATUSES: ResultStatus[] = ['passed', 'failed', 'skipped', 'error', 'not-run', 'xfailed', 'xpassed'];
const work = mkdtempSync(path.join(tmpdir(), 'seams-contract-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function testsOf(p: RunnerPlugin, files: number, perFile: number): DiscoveredTest[] {
  const out: DiscoveredTest[] = [];
  for (let f = 0; f < files; f++) {
    const file = p.language === 'python' ? `tests/pkg_${f}/test_mod_${f}.py` : `web/src/mod_${f}.test.ts`;
    for (let i = 0; i < perFile; i++) {
      const name = `test_case_${i}`;
      const id = p.language === 'python' ? `${file}::${name}` : `${file} > suite > ${name}`;
      out.push({
        runner: p.id,
        project: null,
        id,
        file,
        line: i + 1,
        titlePath: p.language === 'python' ? [name] : ['suite', name],
        name: p.language === 'python' ? name : `suite > ${name}`,
        tier: 'unit',
        tierSource: 'default',
        markers: [],
        status: 'active',
        dynamic: false,
        refs: { workflows: [], components: [], requirements: [] },
      });
    }
  }
  return out;
}

function inputOf(p: RunnerPlugin, o: Partial<BuildInput> = {}): BuildInput {
  const all = testsOf(p, 3, 2);
  return {
    root: '/repo',
    project: null,
    rootDir: '.',
    tests: all.slice(0, 3),
    allTests: all,
    exclude: new Set(),
    resultFile: path.join(work, `${p.id}.report`),
    workDir: work,
    extraArgs: ['--user-arg'],
    python: '/opt/py/bin/python3',
    ...o,
  };
}

describe('the registry', () => {
  it('lists unique ids, none of them a reserved name, and finds each runner by id', () => {
    const ids = runnerIds();
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(runners.map((r) => r.id));
    for (const id of ids) {
      expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(['command', 'junit', 'go']).not.toContain(id);
      expect(isRunnerId(id)).toBe(true);
      expect(getRunner(id)?.id).toBe(id);
    }
    expect(isRunnerId('no-such-runner')).toBe(false);
    expect(extraArgSections()).toEqual([...ids, 'command']);
  });

  it('does not register the template', () => {
    expect(runnerIds()).not.toContain(templatePlugin.id);
  });

  it('knows every format its runners write; detectors are specific', () => {
    const formatIds = resultFormats.map((f) => f.id);
    expect(new Set(formatIds).size).toBe(formatIds.length);
    for (const f of resultFormats) {
      expect(f.detect('hello, world')).toBe(false);
      expect(f.detect('')).toBe(false);
    }
    expect(detectResultFormat('<?xml version="1.0"?><testsuites/>')?.id).toBe('junit');
    expect(detectResultFormat('{"Time":"2024-01-01T00:00:00Z","Action":"run","Test":"TestX"}')?.id).toBe('go');
    expect(detectResultFormat('{"numTotalTestSuites":1,"testResults":[]}')?.parser).toBe('jest-json');
  });
});

describe.each([...runners, templatePlugin].map((p) => [p.id, p] as const))('runner %s', (_id, p: RunnerPlugin) => {
  it('has a title, a language and a verify unit', () => {
    expect(p.title.length).toBeGreaterThan(0);
    expect(['python', 'typescript']).toContain(p.language);
    expect(['ids', 'files']).toContain(p.verifyUnit);
  });

  it('builds its command purely: same input, same output; no file written; no process.env read', () => {
    const saved = process.env.SEAMS_PYTHON;
    process.env.SEAMS_PYTHON = '/from/the/environment/python';
    try {
      const before = readdirSync(work);
      const a = p.buildCommand(inputOf(p));
      const b = p.buildCommand(inputOf(p));
      expect(a).toEqual(b);
      expect(JSON.stringify(a)).not.toContain('/from/the/environment/python');
      // a selection too long for one command line still writes nothing: it returns the files
      const many = testsOf(p, 4000, 2);
      const big = p.buildCommand(inputOf(p, { tests: many.filter((_, i) => i % 2 === 0), allTests: many }));
      expect(p.buildCommand(inputOf(p, { tests: many.filter((_, i) => i % 2 === 0), allTests: many }))).toEqual(big);
      for (const f of big.files ?? []) {
        expect(path.isAbsolute(f.path)).toBe(true);
        expect(f.path.startsWith(work)).toBe(true);
      }
      expect(readdirSync(work)).toEqual(before);
    } finally {
      if (saved === undefined) delete process.env.SEAMS_PYTHON;
      else process.env.SEAMS_PYTHON = saved;
    }
  });

  it('collects chosen files (when it can) with a pure command that names those files and the interpreter it is given', () => {
    if (!p.collect) return;
    const files = testsOf(p, 2, 1).map((t) => t.file);
    const input = { root: '/repo', rootDir: '.', project: null, files, python: '/given/python3', workDir: work };
    const before = readdirSync(work);
    const a = p.collect.command(input);
    expect(p.collect.command(input)).toEqual(a);
    expect(readdirSync(work)).toEqual(before);
    expect(a.argv.length).toBeGreaterThan(0);
    if (p.language === 'python') expect(a.argv[0]).toBe('/given/python3');
    // each chosen file is named (as a path or a module) and nothing else is collected
    for (const f of files) expect(a.argv.some((w) => w.includes(f.replace(/\.py$/, '')) || w.includes(f.replace(/\.py$/, '').split('/').join('.')))).toBe(true);
    expect(p.collect.parse({ stdout: '', stderr: '', code: 0, report: null }, input).tests).toEqual([]);
    // a failed command is errors, never an exception
    const failed = p.collect.parse({ stdout: 'garbage', stderr: 'Traceback: boom', code: 3, report: '{not json' }, input);
    expect(failed.tests).toEqual([]);
    expect(failed.errors.length).toBeGreaterThan(0);
    for (const e of failed.errors) expect(e.message.length).toBeGreaterThan(0);
    // what a cached resolution keys on is read from files: repo-relative inputs, named env keys
    for (const f of p.collect.inputsOf(files[0]!, { root: '/repo', rootDir: '.', configFiles: ['cfg.file'] })) expect(path.isAbsolute(f)).toBe(false);
    expect(p.collect.envKeys.every((k) => /^[A-Z_]+$/.test(k))).toBe(true);
    const setup = p.collect.locate({ root: '/nonexistent-repo', rootDir: '.', python: '/nonexistent/python3', env: { PATH: '' } });
    expect(setup.identity).toBeNull();
  });

  it('writes its report where it is told, in its own format, from the runner root, with the user arguments last', () => {
    const input = inputOf(p, { rootDir: 'sub/dir' });
    const spec = p.buildCommand(input);
    expect(spec.resultFile).toBe(input.resultFile);
    expect([...spec.argv, ...Object.values(spec.env)].some((a) => a.includes(input.resultFile))).toBe(true);
    expect(spec.format).toBe(p.resultFormat);
    expect(getResultFormat(p.resultFormat)).toBeDefined();
    expect(spec.cwd).toBe(path.resolve('/repo', 'sub/dir'));
    expect(spec.argv[spec.argv.length - 1]).toBe('--user-arg');
    expect(spec.argv.every((a) => typeof a === 'string' && a.length > 0)).toBe(true);
  });

  it('reports each test live when given an events file, and only then (docs/events.md)', () => {
    const events = path.join(work, 'task.events');
    const plain = p.buildCommand(inputOf(p));
    expect(plain.env).not.toHaveProperty('SEAMS_EVENTS');
    expect(JSON.stringify(plain)).not.toContain('task.events');
    const live = p.buildCommand(inputOf(p, { events }));
    if (!p.liveEvents) {
      // a runner without a writer ignores the file: the command is the plain one
      expect(live).toEqual(plain);
      return;
    }
    expect(live.env.SEAMS_EVENTS).toBe(events);
    // the report seams reads is the same file in the same format, the user's arguments still last
    expect(live.resultFile).toBe(plain.resultFile);
    expect(live.format).toBe(plain.format);
    expect(live.argv[live.argv.length - 1]).toBe(plain.argv[plain.argv.length - 1]);
  });

  it('starts what pre-flight checks: requirements name the program it starts', () => {
    const input = inputOf(p);
    const reqs = p.requirements({ rootDir: input.rootDir, python: input.python });
    for (const r of reqs) expect(r.installHint.length).toBeGreaterThan(0);
    const spec = p.buildCommand(input);
    const argv0 = spec.argv[0]!;
    if (argv0 === process.execPath) return; // the Node that runs seams: nothing to install
    expect(reqs.length).toBeGreaterThan(0);
    if (argv0 === input.python) expect(reqs.some((r) => r.kind === 'python')).toBe(true);
    const bin = reqs.find((r) => r.kind === 'js-bin');
    if (bin) {
      // without an executable found by pre-flight it falls back to npx; with one it starts it
      expect(spec.argv.slice(0, 3)).toEqual(['npx', '--no-install', bin.name]);
      expect(p.buildCommand(inputOf(p, { executable: `/repo/node_modules/.bin/${bin.name}` })).argv[0]).toBe(`/repo/node_modules/.bin/${bin.name}`);
    }
    if (!bin && argv0 !== input.python) expect(reqs.some((r) => r.kind === 'executable' && (r.name === argv0 || argv0.endsWith(`/${r.name}`)))).toBe(true);
  });

  it('recognises its own command line in a tier command, and no other runner claims it', () => {
    if (!p.adoptCommand) return;
    const spec = p.buildCommand(inputOf(p, { extraArgs: [] }));
    const adopted = p.adoptCommand(spec.argv, '/tmp/out.report', ['-x']);
    expect(adopted).not.toBeNull();
    expect(adopted!.format).toBe(p.resultFormat);
    expect(adopted!.argv[adopted!.argv.length - 1]).toBe('-x');
    expect(JSON.stringify(adopted)).toContain('/tmp/out.report');
    if (isRunnerId(p.id)) expect(adoptCommand(spec.argv, '/tmp/out.report', []).runner).toBe(p.id);
    expect(p.adoptCommand(['make', 'check'], '/tmp/out.report', [])).toBeNull();
  });

  it('refuses the report options it sets itself, and nothing else', () => {
    if (!p.conflictingArgs) return;
    expect(p.conflictingArgs([])).toEqual([]);
    expect(p.conflictingArgs(['-x', '--verbose', 'tests/x'])).toEqual([]);
    const own = p.buildCommand(inputOf(p, { extraArgs: [] })).argv;
    const conflicts = p.conflictingArgs(own);
    expect(conflicts.length).toBeGreaterThan(0);
    for (const c of conflicts) {
      expect(c.reason.length).toBeGreaterThan(0);
      expect(c.hint.length).toBeGreaterThan(0);
    }
  });

  it('maps its outcomes to seams statuses', () => {
    const entries = Object.entries(p.outcomes);
    expect(entries.length).toBeGreaterThan(0);
    for (const [, status] of entries) expect(STATUSES).toContain(status);
    expect(entries.some(([, s]) => s === 'passed')).toBe(true);
    expect(entries.some(([, s]) => s === 'failed')).toBe(true);
  });

  it('names its tests in JUnit XML as classname and name', () => {
    if (!p.junit) return;
    const t = testsOf(p, 1, 1)[0]!;
    const keys = p.junit.keys(t);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k.split('\u0000')).toHaveLength(2);
    if (p.junit.guessId) expect(typeof p.junit.guessId({ classname: 'a.b', name: 't' }, '')).toBe('string');
  });

  it('lists companion files purely, never the test file itself', () => {
    if (!p.companionFiles) return;
    const files = new Set(['conftest.py', 'tests/conftest.py', 'tests/test_a.py', 'tests/x/conftest.py']);
    const a = p.companionFiles('tests/test_a.py', files);
    expect(p.companionFiles('tests/test_a.py', files)).toEqual(a);
    expect(a).not.toContain('tests/test_a.py');
    for (const f of a) expect(files.has(f)).toBe(true);
  });

  it('says what CI installs for it', () => {
    expect(typeof p.ci).toBe('object');
    for (const v of Object.values(p.ci)) expect(typeof v).toBe('boolean');
  });
});
