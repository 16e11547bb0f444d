/**
 * Hostile input, fuzzed (issue 13): a few thousand seeded mutations per format, each through the
 * entry point seams reads that format with. Every input must give a value or a user error (a
 * SeamsError with exit 1 or 2; for coverage's parser, its CoverageFormatError), never another
 * exception, a crash or a hang; a sample of the results files is ingested for real (exit 0/1/2
 * only, and a refused ingest leaves the history as it was). `FUZZ_N` sets the inputs per format
 * (bench/fuzz runs more), `FUZZ_SEED` the seed. The CI share stays within about two minutes.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { CoverageFormatError, loadCoverage, parseCoverage } from '../../src/coverage/index.js';
import type { CoverageFormat } from '../../src/core/coverage.js';
import { readJsModule } from '../../src/graph/typescript.js';
import { parsePythonModule } from '../../src/languages/python/parse.js';
import { extractTests } from '../../src/languages/typescript/tests.js';
import { readResults } from '../../src/results/index.js';
import { extractGuarded } from '../../src/runners/js/common.js';
import { vitestDialect } from '../../src/runners/vitest/dialect.js';
import { openStore } from '../../src/store/index.js';
import { createModuleLoader } from '../../src/workspace/js-loader.js';
import { runCli } from '../helpers/cli.js';
import { attempt, mutate, readRepoFile, rng, type FormatSpec } from './harness.js';

const N = Number(process.env.FUZZ_N ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 13);
const HUGE_MAX = Number(process.env.FUZZ_HUGE_MAX ?? 64_000);
/** Inputs per format that also go through `seams ingest` with a real store. */
const INGESTS = Number(process.env.FUZZ_INGESTS ?? 12);
/** No single input may take longer than this (a hang is a finding). */
const INPUT_MS = 10_000;

const tmp = mkdtempSync(path.join(tmpdir(), 'seams-fuzz-'));

const JUNIT = `<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="4" errors="0" failures="1" skipped="1" time="0.3">
<testcase classname="tests.test_a" name="test_one" file="tests/test_a.py" line="3" time="0.1"/>
<testcase classname="tests.test_a" name="test_two[1-x]" time="0.2"><failure message="assert 1 == 2">def test_two():
&gt;   assert 1 == 2</failure><system-out><![CDATA[out <b>]]></system-out></testcase>
<testcase classname="tests.test_a" name="test_skip" time="0"><skipped type="pytest.skip" message="flag off">skip</skipped></testcase>
<testcase classname="Suite" name="flaky" time="1.5"><flakyFailure message="first">x</flakyFailure><rerunFailure/></testcase>
<testsuite name="nested"><testcase name="inner" classname="n" time="1,234.5"/></testsuite>
</testsuite></testsuites>
`;
const JEST = JSON.stringify({
  numTotalTests: 3,
  numPassedTests: 1,
  success: false,
  testResults: [
    {
      name: '/repo/web/a.test.ts',
      status: 'failed',
      assertionResults: [
        { ancestorTitles: ['suite'], title: 't', fullName: 'suite t', status: 'passed', duration: 3, failureMessages: [] },
        { ancestorTitles: ['suite', 'inner'], title: 'fails', status: 'failed', duration: 1, failureMessages: ['Error: boom\n    at x (a.ts:1:1)'] },
        { ancestorTitles: [], title: 'todo', status: 'todo', failureMessages: [] },
      ],
    },
  ],
});
const PLAYWRIGHT = JSON.stringify({
  config: { rootDir: '/repo/e2e' },
  suites: [
    {
      title: 'a.spec.ts',
      file: 'a.spec.ts',
      specs: [{ title: 'loads', file: 'a.spec.ts', line: 3, tests: [{ projectName: 'chromium', status: 'expected', results: [{ status: 'passed', duration: 12, retry: 0 }] }] }],
      suites: [{ title: 'group', file: 'a.spec.ts', specs: [{ title: 'fails', tests: [{ status: 'unexpected', results: [{ status: 'failed', duration: 3, error: { message: 'boom' } }] }] }] }],
    },
  ],
});
const GO = [
  '{"Action":"run","Package":"x/y","Test":"TestA"}',
  '{"Action":"output","Package":"x/y","Test":"TestA","Output":"=== RUN TestA\\n"}',
  '{"Action":"pass","Package":"x/y","Test":"TestA","Elapsed":0.01}',
  'build output line',
  '{"Action":"output","Package":"x/y","Test":"TestB","Output":"    b_test.go:9: boom\\n"}',
  '{"Action":"fail","Package":"x/y","Test":"TestB","Elapsed":0.2}',
  '{"Action":"skip","Package":"x/y","Test":"TestC/sub_1","Elapsed":0}',
].join('\n');
const LCOV = 'TN:\nSF:/repo/src/a.ts\nDA:1,1\nDA:2,0\nBRDA:2,0,0,1\nBRF:2\nBRH:1\nLF:2\nLH:1\nend_of_record\nSF:src/b.py\nDA:1,3\nend_of_record\n';
const COBERTURA = `<?xml version="1.0" ?>
<coverage version="7.4" line-rate="0.5" branch-rate="0.5"><sources><source>/repo</source></sources>
<packages><package name="src"><classes><class name="a.py" filename="src/a.py" line-rate="0.5">
<lines><line number="1" hits="1"/><line number="2" hits="0" branch="true" condition-coverage="50% (1/2)"/></lines>
</class></classes></package></packages></coverage>
`;
const COVERAGEPY = JSON.stringify({ meta: { version: '7.4' }, files: { 'src/a.py': { summary: { covered_lines: 3, num_statements: 4, num_branches: 2, covered_branches: 1 } } }, totals: {} });
const ISTANBUL = JSON.stringify({ total: { lines: { total: 4, covered: 2 }, branches: { total: 2, covered: 1 } }, '/repo/src/a.ts': { lines: { total: 4, covered: 2 }, branches: { total: 2, covered: 1 } } });

const XML_NEST = [{ open: '<a>', close: '</a>' }, { open: '<testsuite name="s">', close: '</testsuite>' }, { open: '<![CDATA[', close: ']]>' }];
const JSON_NEST = [{ open: '[', close: ']' }, { open: '{"a":', close: '}' }, { open: '{"suites":[{"title":"x","suites":[', close: ']}]}' }];
const TS_NEST = [
  { open: '(', close: ')' },
  { open: '{', close: '}' },
  { open: '[', close: ']' },
  { open: 'describe("d", () => {\n', close: '});\n' },
  { open: 'a ? b : ', close: '' },
  { open: 'x => ', close: '' },
  { open: '<div>', close: '</div>' },
  { open: '`${', close: '}`' },
  { open: 'if (a) ', close: '' },
  { open: "'a' + ", close: '' },
  { open: '!', close: '' },
  { open: 'a.', close: '' },
];
const PY_NEST = [
  { open: '(', close: ')' },
  { open: '[', close: ']' },
  { open: '{', close: '}' },
  { open: 'f(', close: ')' },
  { open: 'not ', close: '' },
  { open: "'a' + ", close: '' },
  { open: 'a.', close: '' },
  { open: 'lambda: ', close: '' },
];
const YAML_NEST = [{ open: '[', close: ']' }, { open: '{a: ', close: '}' }, { open: '- ', close: '' }, { open: '&a [*a, ', close: ']' }];

interface Target {
  spec: FormatSpec;
  /** File name the input is written to (when the target reads a file). */
  file?: string;
  read(text: string, file: string): unknown;
  accept?(error: unknown): boolean;
  /** A results format: a sample is ingested with a real store. */
  ingest?: boolean;
}

const ctx = { root: '/repo', tests: [] };
async function drain(gen: AsyncGenerator<unknown[]>): Promise<number> {
  let n = 0;
  for await (const b of gen) n += b.length;
  return n;
}
const coverage = (format: CoverageFormat, seed: string, nest: FormatSpec['nest'], json?: 'whole'): Target => ({
  spec: { name: `coverage ${format}`, seeds: [seed], nest, json },
  file: `coverage-${format}`,
  read: async (text, file) => {
    parseCoverage(text, format, 'report');
    // the loader (what gaps/gate/report call): a SeamsError whatever the content
    await loadCoverage(path.dirname(file), 'fuzz', { file: path.basename(file) }).catch((e: unknown) => {
      if (e instanceof CoverageFormatError) throw e;
      throw e;
    });
  },
  accept: (e) => e instanceof CoverageFormatError,
});

const loader = createModuleLoader();
const TARGETS: Target[] = [
  { spec: { name: 'JUnit XML', seeds: [JUNIT], nest: XML_NEST }, file: 'report.xml', read: (_t, f) => drain(readResults(f, ctx, 'junit')), ingest: true },
  { spec: { name: 'Vitest JSON', seeds: [JEST], nest: JSON_NEST, json: 'whole' }, file: 'vitest.json', read: (_t, f) => drain(readResults(f, ctx, 'vitest')), ingest: true },
  { spec: { name: 'Jest JSON', seeds: [JEST], nest: JSON_NEST, json: 'whole' }, file: 'jest.json', read: (_t, f) => drain(readResults(f, ctx, 'jest')), ingest: true },
  { spec: { name: 'Playwright JSON', seeds: [PLAYWRIGHT], nest: JSON_NEST, json: 'whole' }, file: 'pw.json', read: (_t, f) => drain(readResults(f, ctx, 'playwright')), ingest: true },
  { spec: { name: 'go test JSON', seeds: [GO], nest: JSON_NEST, json: 'lines' }, file: 'go.json', read: (_t, f) => drain(readResults(f, ctx, 'go')), ingest: true },
  { spec: { name: 'seams.yaml', seeds: [readRepoFile('examples/platform/seams.yaml')], nest: YAML_NEST }, read: (t) => parseConfig(t, path.join(tmp, 'seams.yaml')) },
  {
    spec: { name: 'Python test file', seeds: [readRepoFile('examples/platform/tests/integration/test_run_lock.py'), readRepoFile('examples/platform/tests/integration/test_secret_provisioning.py')], nest: PY_NEST },
    read: (t) => parsePythonModule(t),
  },
  {
    spec: { name: 'TS test file', seeds: [readRepoFile('examples/platform/web/src/routes/images.test.ts'), readRepoFile('examples/platform/web/test/integration/audit-store.test.ts')], nest: TS_NEST },
    read: (t) => {
      // what the JS runners' scan does with a test file (extractFile), and what the import graph does
      extractGuarded(() => extractTests(t, { dialect: vitestDialect, host: loader, absFile: '/virtual/a.test.tsx' }));
      try {
        readJsModule('a.test.tsx', t);
      } catch (error) {
        // the graph reports a module it cannot read as that module's error (graph/index.ts)
        if (!(error instanceof Error) || error instanceof RangeError) throw error;
      }
    },
  },
  coverage('lcov', LCOV, [{ open: 'SF:', close: '' }]),
  coverage('cobertura', COBERTURA, XML_NEST),
  coverage('coveragepy', COVERAGEPY, JSON_NEST, 'whole'),
  coverage('istanbul', ISTANBUL, JSON_NEST, 'whole'),
];

/** A repo with a small inventory and a history, for the ingest sample. */
function ingestRepo(): string {
  const root = path.join(tmp, 'repo');
  mkdirSync(path.join(root, 'tests'), { recursive: true });
  writeFileSync(path.join(root, 'tests/test_a.py'), 'def test_one():\n    pass\n\ndef test_two():\n    pass\n');
  writeFileSync(path.join(root, 'pytest.ini'), '[pytest]\n');
  return root;
}

async function history(root: string): Promise<string> {
  const store = await openStore('sqlite:.seams/history.db', root);
  try {
    const runs = await store.listRuns();
    return JSON.stringify(await Promise.all(runs.map((r) => store.getRun(r.id))));
  } finally {
    await store.close();
  }
}

/** Registers the fuzz tests of the targets whose names match `only` (two test files share the formats, so that they run in parallel). */
export function fuzzTargets(only: (name: string) => boolean): void {
describe('fuzz: mutated inputs give a value or a seams: error, never a crash or a hang', () => {
  const root = ingestRepo();
  for (const [t, target] of TARGETS.entries()) {
    if (!only(target.spec.name)) continue;
    const n = N;
    it(`${target.spec.name}: ${n} inputs`, { timeout: 900_000 }, async () => {
      const r = rng(SEED * 1000 + t);
      const counts = { read: 0, refused: 0, ingested: 0 };
      let slowest = 0;
      const began = performance.now();
      const ingestEvery = target.ingest && INGESTS > 0 ? Math.max(1, Math.floor(n / INGESTS)) : 0;
      for (let i = 0; i < n; i++) {
        let { text, how } = { text: target.spec.seeds[i % target.spec.seeds.length]!, how: 'seed' };
        const steps = i < target.spec.seeds.length ? 0 : 1 + Math.floor(r() * 3);
        const hows: string[] = [];
        for (let s = 0; s < steps; s++) {
          ({ text, how } = mutate(r, text, target.spec, HUGE_MAX));
          hows.push(how);
        }
        const file = path.join(tmp, `${t}-${target.file ?? 'input'}`);
        if (target.file) writeFileSync(file, text);
        const describeInput = () => `${target.spec.name} input ${i} (seed ${SEED}; ${hows.join(', ') || 'seed'})`;
        if (process.env.FUZZ_TRACE) writeFileSync(process.env.FUZZ_TRACE, `${describeInput()}\n${text}`);
        const started = performance.now();
        const outcome = await attempt(() => target.read(text, file), target.accept ?? (() => false), describeInput);
        const ms = performance.now() - started;
        slowest = Math.max(slowest, ms);
        if (ms > 500 && process.env.FUZZ_REPORT) console.log(`slow: ${describeInput()} ${Math.round(ms)} ms`);
        if (ms > INPUT_MS) throw new Error(`finding: ${describeInput()} took ${Math.round(ms)} ms`);
        counts[outcome]++;
        if (ingestEvery && i % ingestEvery === 0) {
          // the real command: exit 0/1/2 only, and a refused ingest stores nothing
          const before = await history(root);
          const res = await runCli(['ingest', file, '--root', root, '--runner', 'pytest']);
          expect([0, 1, 2], `${describeInput()}: seams ingest exit ${res.code}: ${res.stderr.slice(0, 300)}`).toContain(res.code);
          if (res.code !== 0) {
            expect(res.stderr, describeInput()).toMatch(/^seams: /m);
            expect(await history(root), `${describeInput()}: a refused ingest changed the history`).toBe(before);
          } else counts.ingested++;
        }
      }
      // both outcomes happen: the mutations reach past the reader's checks and the seeds read
      expect(counts.read, JSON.stringify(counts)).toBeGreaterThan(0);
      if (target.spec.name !== 'Python test file' && target.spec.name !== 'TS test file') expect(counts.refused, JSON.stringify(counts)).toBeGreaterThan(0);
      if (process.env.FUZZ_REPORT) console.log(JSON.stringify({ format: target.spec.name, inputs: n, ...counts, slowestMs: Math.round(slowest), totalMs: Math.round(performance.now() - began) }));
    });
  }
});
}
