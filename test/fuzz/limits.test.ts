/**
 * The limits of docs/limits.md, one case each at the edge (issue 13's reproductions): past a
 * limit a source file is a per-file diagnostic and the rest is scanned; a results file or
 * seams.yaml is refused with a `seams:` line, a hint and exit 2; a long name is cut with a marker.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { parseModule } from '../../src/languages/typescript/parse.js';
import { jsNestingDepth } from '../../src/languages/typescript/nesting.js';
import { parsePythonModule, pythonBracketDepth } from '../../src/languages/python/parse.js';
import { readJUnit } from '../../src/results/junit.js';
import { CUT_MARKER, LIMITS } from '../../src/util/limits.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'seams-limits-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const VITEST_PKG = JSON.stringify({ name: 'x', devDependencies: { vitest: '^3.0.0' } });
const OK_TEST = 'import { test } from "vitest";\ntest("ok", () => {});\n';
const describes = (n: number) => `import { describe, test } from "vitest";\n${'describe("d", () => {\n'.repeat(n)}test("t", () => {});\n${'});\n'.repeat(n)}`;

describe('JS/TS nesting limit (checked before oxc-parser)', () => {
  it('6,000 nested parentheses: a LIMIT_EXCEEDED diagnostic for the file, the other file still scanned (was SIGSEGV, exit 139)', async () => {
    const root = repo({
      'package.json': VITEST_PKG,
      'test/deep.test.ts': `${OK_TEST}const x = ${'('.repeat(6000)}1${')'.repeat(6000)};\n`,
      'test/ok.test.ts': OK_TEST,
    });
    for (const command of ['scan', 'gaps', 'trace']) {
      const res = await runCli([command, root, '--format', 'json']);
      expect(res.code, `${command}: ${res.stderr}`).toBe(0);
    }
    const res = await runCli(['scan', root, '--format', 'json']);
    const repoOut = JSON.parse(res.stdout).repos[0];
    expect(repoOut.tests.map((t: { id: string }) => t.id)).toEqual(['test/ok.test.ts > ok']);
    const diag = repoOut.diagnostics.find((d: { code: string }) => d.code === 'LIMIT_EXCEEDED');
    expect(diag).toMatchObject({ file: 'test/deep.test.ts', line: 3 });
    expect(diag.message).toContain(`deeper than ${LIMITS.jsNestingDepth} levels`);
  });

  it('600 nested describes: that file is a diagnostic, the inventory keeps the rest (was silently empty)', async () => {
    const root = repo({ 'package.json': VITEST_PKG, 'test/deep.test.ts': describes(600), 'test/ok.test.ts': OK_TEST });
    const res = await runCli(['scan', root, '--format', 'json']);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout).repos[0];
    expect(out.tests).toHaveLength(1);
    expect(out.diagnostics.map((d: { code: string; file?: string }) => `${d.code} ${d.file}`)).toContain('LIMIT_EXCEEDED test/deep.test.ts');
  });

  it('nesting under the limit is read in full (60 describes)', () => {
    expect(parseModule('/a.test.ts', describes(60)).error).toBeUndefined();
    expect(jsNestingDepth(describes(60)).depth).toBeLessThanOrEqual(LIMITS.jsNestingDepth);
  });

  it('counts the shapes that nest without brackets, and not statements in a row', () => {
    const deep = (s: string, n: number) => jsNestingDepth(s.repeat(n)).depth;
    expect(deep('a ? b : ', 1000)).toBeGreaterThan(LIMITS.jsNestingDepth);
    expect(deep('x => ', 1000)).toBeGreaterThan(LIMITS.jsNestingDepth);
    expect(deep('@', 1000)).toBeGreaterThan(LIMITS.jsNestingDepth);
    expect(deep('<div>', 1000)).toBeGreaterThan(LIMITS.jsNestingDepth);
    expect(deep('if (a) ', 1000)).toBeGreaterThan(LIMITS.jsNestingDepth);
    // statements, with or without semicolons, JSX siblings and strings full of brackets do not add up
    expect(deep('const a = b ? c : d;\n', 1000)).toBeLessThan(10);
    expect(deep('const a = b ? c : d\n', 1000)).toBeLessThan(10);
    expect(jsNestingDepth(`x = <div>${'<a href="x">y</a>'.repeat(1000)}</div>`).depth).toBeLessThan(10);
    expect(jsNestingDepth(`x = "${'('.repeat(1000)}"; y = /\\(${'\\('.repeat(1000)}/; z = \`${'('.repeat(1000)}\`; // ${'('.repeat(1000)}`).depth).toBeLessThan(10);
  });

  it('backslashes outside strings (oxc recovers from each in quadratic time) are refused past the limit', () => {
    const r = parseModule('/a.ts', `const event${'\\'.repeat(70_000)} = 1;`);
    expect(r.error).toMatchObject({ limit: true });
    expect(r.error!.message).toContain('backslashes');
    expect(parseModule('/a.ts', `const s = "${'\\\\'.repeat(5000)}";`).error).toBeUndefined();
  });
});

describe('Python nesting limit', () => {
  it('brackets past the limit: the module carries the reason, nothing is parsed', () => {
    const m = parsePythonModule(`def test_a():\n    pass\nx = ${'('.repeat(10_000)}1${')'.repeat(10_000)}\n`);
    expect(m.syntaxError?.message).toContain(`deeper than ${LIMITS.pythonNestingDepth} levels at line 3`);
    expect(pythonBracketDepth(`s = "${'('.repeat(1000)}"  # ${'['.repeat(1000)}\nt = '''\n${'{'.repeat(1000)}\n'''\n`).depth).toBe(0);
  });

  it('a decorator attribute chain thousands long (no brackets) is the module error, not an exception (found by bench/fuzz)', () => {
    const m = parsePythonModule(`import pytest\n\n@pytest.mark.x${'.a'.repeat(6000)}\ndef test_a():\n    pass\n`);
    expect(m.syntaxError?.message).toContain('nested too deeply');
  });

  it('in a scan: a per-file diagnostic and the other test file still scanned', async () => {
    const root = repo({ 'pytest.ini': '[pytest]\n', 'tests/test_deep.py': `x = ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 'tests/test_ok.py': 'def test_ok():\n    pass\n' });
    const res = await runCli(['scan', root, '--format', 'json']);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout).repos[0];
    expect(out.tests.map((t: { id: string }) => t.id)).toEqual(['tests/test_ok.py::test_ok']);
    const diag = out.diagnostics.find((d: { file?: string }) => d.file === 'tests/test_deep.py');
    expect(diag.message).toContain('deeper than');
    expect(diag.code).not.toBe('INTERNAL_ERROR');
  });
});

describe('seams.yaml', () => {
  it('an alias bomb is a config error with a hint (was "internal error: Excessive alias count", exit 3)', async () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    const root = repo({ 'seams.yaml': `${lines.join('\n')}\n`, 'tests/test_ok.py': 'def test_ok():\n    pass\n' });
    const res = await runCli(['scan', root]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^seams: .*seams\.yaml: too many YAML aliases/m);
    expect(res.stderr).toMatch(/^hint: use at most 100 alias expansions/m);
  });

  it('absurd nesting and an oversized file are config errors too', () => {
    expect(() => parseConfig(`a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, '/r/seams.yaml')).toThrow(/nested too deeply|over the/);
    expect(() => parseConfig(`# ${'x'.repeat(LIMITS.configFileBytes)}\n`, '/r/seams.yaml')).toThrow(/over the 131072-byte limit/);
  });
});

describe('results files', () => {
  const junit = (name: string) => `<testsuite name="s"><testcase classname="c" name="${name}" time="1"/><testcase classname="c" name="ok" time="1"/></testsuite>`;

  it('an attribute past the limit: exit 2 with a hint, nothing stored (was "internal error: Invalid string length")', async () => {
    const root = repo({ 'tests/test_a.py': 'def test_a():\n    pass\n' });
    const file = path.join(root, 'big.xml');
    writeFileSync(file, junit('a'.repeat(LIMITS.xmlTextChars + 10)));
    const res = await runCli(['ingest', file, '--root', root]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^seams: .*big\.xml:1:\d+: an attribute, text or tag longer than 67108864 characters$/m);
    expect(res.stderr).toMatch(/^hint: the report is past a limit of docs\/limits\.md/m);
    const store = await openStore('sqlite:.seams/history.db', root);
    expect(await store.listRuns()).toEqual([]);
    await store.close();
  }, 120_000);

  it('a long test name is stored cut at the limit with a marker (was stored whole: 60 MB)', async () => {
    const root = repo({ 'tests/test_a.py': 'def test_a():\n    pass\n' });
    const file = path.join(root, 'long.xml');
    writeFileSync(file, junit('n'.repeat(5_000_000)));
    const res = await runCli(['ingest', file, '--root', root]);
    expect(res.code, res.stderr).toBe(0);
    const store = await openStore('sqlite:.seams/history.db', root);
    const [run] = await store.listRuns();
    const stored = await store.getRun(run!.id);
    await store.close();
    const long = stored!.results.find((r) => r.name.startsWith('nnn'))!;
    expect(long.name).toBe(`${'n'.repeat(LIMITS.nameChars)}${CUT_MARKER}`);
    expect(long.id.length).toBeLessThanOrEqual(LIMITS.nameChars + CUT_MARKER.length);
  }, 120_000);

  it('a seams results file (seams run -o) has its names cut the same way at ingest', async () => {
    const root = repo({ 'tests/test_a.py': 'def test_a():\n    pass\n' });
    const file = path.join(root, 'short.xml');
    writeFileSync(file, junit('short'));
    expect((await runCli(['ingest', file, '--root', root])).code).toBe(0);
    let store = await openStore('sqlite:.seams/history.db', root);
    const [first] = await store.listRuns();
    const run = (await store.getRun(first!.id))!;
    await store.close();
    // an -o file from elsewhere (an older seams, or edited) carrying a runaway name
    const long = 'n'.repeat(LIMITS.nameChars * 3);
    const edited = { ...run, id: 'from-elsewhere', results: run.results.map((r) => ({ ...r, id: long, name: long })) };
    const out = path.join(root, 'run.json');
    writeFileSync(out, JSON.stringify({ kind: 'seams-results', version: 1, run: edited }));
    const res = await runCli(['ingest', out, '--root', root]);
    expect(res.code, res.stderr).toBe(0);
    store = await openStore('sqlite:.seams/history.db', root);
    const stored = (await store.getRun('from-elsewhere'))!;
    await store.close();
    expect(stored.results[0]!.name).toBe(`${'n'.repeat(LIMITS.nameChars)}${CUT_MARKER}`);
    expect(stored.results[0]!.id).toBe(`${'n'.repeat(LIMITS.nameChars)}${CUT_MARKER}`);
  }, 120_000);

  it('XML nested past the depth limit is refused', async () => {
    const xml = `<testsuites>${'<testsuite name="s">'.repeat(LIMITS.xmlDepth)}<testcase name="t" time="1"/>${'</testsuite>'.repeat(LIMITS.xmlDepth)}</testsuites>`;
    await expect(async () => {
      for await (const _ of readJUnit([xml])) void _;
    }).rejects.toThrow(`elements nested deeper than ${LIMITS.xmlDepth} levels`);
  });

  it('a JSON report nested past the depth limit is refused with exit 2', async () => {
    const root = repo({ 'tests/test_a.py': 'def test_a():\n    pass\n' });
    const file = path.join(root, 'deep.json');
    writeFileSync(file, `{"numTotalTests":1,"testResults":[],"x":${'['.repeat(LIMITS.jsonDepth + 5)}${']'.repeat(LIMITS.jsonDepth + 5)}}`);
    const res = await runCli(['ingest', file, '--root', root]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(new RegExp(`^seams: .*deep\\.json: JSON nested deeper than ${LIMITS.jsonDepth} levels$`, 'm'));
  });
});
