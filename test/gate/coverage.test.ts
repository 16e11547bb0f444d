import { describe, expect, it } from 'vitest';
import { detectFormat, loadCoverage, parseCobertura, parseCoverage } from '../../src/coverage/index.js';
import { SeamsError } from '../../src/util/errors.js';
import { runCli } from '../helpers/cli.js';
import { tempRepo } from './helpers.js';

const LCOV = `TN:
SF:/repo/src/a.ts
FN:1,f
DA:1,1
DA:2,0
DA:3,5
BRDA:3,0,0,1
BRDA:3,0,1,0
BRF:2
BRH:1
LF:3
LH:2
end_of_record
SF:src/b.ts
DA:1,0
LF:1
LH:0
end_of_record
`;
// coverage.py 7 `coverage xml`
const COBERTURA = `<?xml version="1.0" ?>
<coverage version="7.6.1" timestamp="1" lines-valid="4" lines-covered="3" line-rate="0.75" branches-covered="1" branches-valid="2" branch-rate="0.5" complexity="0">
	<sources><source>/repo/pkg</source></sources>
	<packages><package name="." line-rate="0.75" branch-rate="0.5" complexity="0"><classes>
		<class name="mod.py" filename="mod.py" complexity="0" line-rate="0.75" branch-rate="0.5">
			<methods/>
			<lines>
				<line number="1" hits="1"/>
				<line number="2" hits="1" branch="true" condition-coverage="50% (1/2)" missing-branches="4"/>
				<line number="3" hits="0"/>
				<line number="4" hits="3"/>
			</lines>
		</class>
	</classes></package></packages>
</coverage>`;
const COVERAGEPY = JSON.stringify({
  meta: { format: 3, version: '7.6.1', branch_coverage: true },
  files: { 'pkg/mod.py': { summary: { covered_lines: 8, num_statements: 10, num_branches: 4, covered_branches: 3 } }, 'pkg/other.py': { summary: { covered_lines: 0, num_statements: 10 } } },
  totals: { covered_lines: 8, num_statements: 20, percent_covered: 40 },
});
const ISTANBUL = JSON.stringify({
  total: { lines: { total: 10, covered: 9, skipped: 0, pct: 90 }, branches: { total: 4, covered: 2, pct: 50 } },
  '/repo/src/a.ts': { lines: { total: 6, covered: 6, pct: 100 }, branches: { total: 2, covered: 2, pct: 100 } },
  '/repo/src/b.ts': { lines: { total: 4, covered: 3, pct: 75 }, branches: { total: 2, covered: 0, pct: 0 } },
});

describe('coverage reports', () => {
  it('detects each format from its content', () => {
    expect(detectFormat(LCOV)).toBe('lcov');
    expect(detectFormat(COBERTURA)).toBe('cobertura');
    expect(detectFormat(COVERAGEPY)).toBe('coveragepy');
    expect(detectFormat(ISTANBUL)).toBe('istanbul');
    expect(detectFormat('<testsuites/>')).toBeNull();
    expect(detectFormat('{"a":1}')).toBeNull();
  });

  it('reads lines and branches: lcov, Cobertura, coverage.py JSON, Istanbul summary', () => {
    const l = parseCoverage(LCOV, 'lcov', 'x');
    expect(l.lines).toEqual({ covered: 2, total: 4 });
    expect(l.branches).toEqual({ covered: 1, total: 2 });
    const c = parseCoverage(COBERTURA, 'cobertura', 'x');
    expect(c.files[0]!.path).toBe('/repo/pkg/mod.py');
    expect(c.lines).toEqual({ covered: 3, total: 4 });
    expect(c.branches).toEqual({ covered: 1, total: 2 });
    expect(parseCoverage(COVERAGEPY, 'coveragepy', 'x').lines).toEqual({ covered: 8, total: 20 });
    const i = parseCoverage(ISTANBUL, 'istanbul', 'x');
    expect(i.lines).toEqual({ covered: 9, total: 10 });
    expect(i.branches).toEqual({ covered: 2, total: 4 });
  });

  it('refuses DTD entities instead of expanding them (billion laughs)', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE coverage [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><coverage><packages><package><classes><class filename="&b;"><lines><line number="1" hits="1"/></lines></class></classes></package></packages></coverage>`;
    expect(() => parseCobertura(bomb)).toThrow(/invalid Cobertura XML/);
  });

  it('configured file: repo-relative paths, paths: filter, wrong format and missing file are exit-2 errors', async () => {
    const root = tempRepo({ 'coverage/lcov.info': LCOV.replace('/repo/', '__ROOT__/'), 'cov.xml': COBERTURA, 'junit.xml': '<testsuites><testsuite/></testsuites>' });
    const fs = await import('node:fs');
    fs.writeFileSync(`${root}/coverage/lcov.info`, LCOV.replace('/repo/', `${root}/`));
    const all = await loadCoverage(root, 'unit', { file: 'coverage/lcov.info' });
    expect(all.files.map((f) => f.path)).toEqual(['src/a.ts', 'src/b.ts']);
    const onlyA = await loadCoverage(root, 'unit', { file: 'coverage/lcov.info', paths: ['src/a.ts'] });
    expect(onlyA.lines).toEqual({ covered: 2, total: 3 });
    const err = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as SeamsError);
    const wrong = await err(loadCoverage(root, 'unit', { file: 'cov.xml', format: 'lcov' }));
    expect(wrong?.message).toBe('coverage.unit: cov.xml is Cobertura XML, but format is lcov');
    expect(wrong?.exitCode).toBe(2);
    expect((await err(loadCoverage(root, 'unit', { file: 'junit.xml' })))?.message).toBe('coverage.unit: junit.xml is not a coverage report seams can read');
    expect((await err(loadCoverage(root, 'unit', { file: 'nope.info' })))?.message).toBe('coverage.unit: report nope.info does not exist');
  });

  it('seams gate on coverage: per-tier thresholds, the least covered files behind a failure, exit 2 on a wrong format', async () => {
    const root = tempRepo({
      'seams.yaml': `coverage:\n  unit: { file: coverage.json }\n  integration: { file: cov.xml, format: cobertura }\ngates:\n  unit-cov: { metric: coverage.unit, min: 80% }\n  int-cov: { metric: coverage, tier: integration, min: 0.75 }\n  int-branches: { metric: coverage.integration.branches, min: 50% }\n`,
      'coverage.json': COVERAGEPY,
      'cov.xml': COBERTURA,
    });
    const r = await runCli(['gate', root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+unit-cov\s+coverage\.unit\s+40%\s+≥ 80%/);
    expect(r.stdout).toMatch(/PASS\s+int-cov\s+coverage \[integration\]\s+75%\s+≥ 75%/);
    expect(r.stdout).toMatch(/PASS\s+int-branches/);
    expect(r.stdout).toMatch(/- pkg\/other\.py — 0% of 10 lines/);
    const bad = tempRepo({ 'seams.yaml': `coverage:\n  unit: { file: coverage.json, format: istanbul }\ngates:\n  u: { metric: coverage.unit, min: 80% }\n`, 'coverage.json': COVERAGEPY });
    const r2 = await runCli(['gate', bad]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/gates\.u: coverage\.unit: coverage\.json is coverage\.py JSON, but format is istanbul\nhint: set format: coveragepy/);
  });
});
