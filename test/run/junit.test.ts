import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJUnit, readJUnitFile, type JUnitCase } from '../../src/results/junit.js';

const dir = mkdtempSync(path.join(tmpdir(), 'seams-junit-'));
function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}
async function all(p: string): Promise<JUnitCase[]> {
  const out: JUnitCase[] = [];
  for await (const b of readJUnitFile(p)) out.push(...b);
  return out;
}

const SUREFIRE = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
 <testsuite name="outer"><testsuite name="inner">
  <testcase classname="a.b.TestX" name="t[1]" time="0.5" file="a/b.py" line="7"><failure message="boom">trace &amp; more<![CDATA[ <raw> ]]></failure></testcase>
 </testsuite>
  <testcase classname="a.b" name="t2" time="1,000.5"><skipped message="no db"/></testcase>
  <testcase classname="com.X" name="flaky"><flakyFailure message="first"/><flakyError/><system-out>noise</system-out></testcase>
  <testcase classname="com.X" name="rerun"><rerunFailure/><rerunFailure/><failure message="still"/></testcase>
  <testcase classname="com.X" name="err" time="nan"><error message="setup">E</error><failure message="second"/></testcase>
 </testsuite>
</testsuites>`;

describe('JUnit XML reader', () => {
  it('reads statuses, durations, suites, Surefire reruns and flaky failures', async () => {
    const cases = await all(file('surefire.xml', SUREFIRE));
    expect(cases.map((c) => [c.classname, c.name, c.status, c.attempts, c.flaky, c.durationMs])).toEqual([
      ['a.b.TestX', 't[1]', 'failed', 1, false, 500],
      ['a.b', 't2', 'skipped', 1, false, 1000500],
      ['com.X', 'flaky', 'passed', 3, true, 0],
      ['com.X', 'rerun', 'failed', 3, false, 0],
      ['com.X', 'err', 'error', 1, false, 0],
    ]);
    expect(cases[0]).toMatchObject({ suite: 'inner', file: 'a/b.py', line: 7, message: 'boom\ntrace & more <raw>' });
    expect(cases[1]).toMatchObject({ suite: 'outer', reason: 'no db' });
    expect(cases[2]!.message).toBeUndefined();
    expect(cases[4]!.message).toBe('setup\nE');
  });

  it('drops the empty <testcase /> pytest writes when interrupted (#34)', async () => {
    const xml = '<testsuites name="pytest tests"><testsuite name="pytest" tests="1"><testcase classname="test_x" name="test_a" time="0.001" /><testcase time="0.000" /></testsuite></testsuites>';
    expect((await all(file('interrupted.xml', xml))).map((c) => c.name)).toEqual(['test_a']);
  });

  it('refuses DOCTYPE (entity expansion) with a clear error', async () => {
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<testsuites><testcase classname="x" name="&lol3;"/></testsuites>`;
    await expect(all(file('bomb.xml', bomb))).rejects.toThrow(/bomb\.xml:\d+:\d+: DOCTYPE declarations are not allowed/);
  });

  it('reports truncated, malformed, empty, foreign and missing files', async () => {
    await expect(all(file('trunc.xml', SUREFIRE.slice(0, 300)))).rejects.toMatchObject({ code: 'SEAMS_RESULTS_MALFORMED' });
    await expect(all(file('bad.xml', '<testsuite><testcase name="a"></testsuite>'))).rejects.toThrow(/bad\.xml:1:\d+/);
    await expect(all(file('empty.xml', ''))).rejects.toThrow(/empty file/);
    await expect(all(file('html.xml', '<html><body/></html>'))).rejects.toThrow(/root element is <html>/);
    await expect(all(path.join(dir, 'nope.xml'))).rejects.toMatchObject({ code: 'SEAMS_RESULTS_NOT_FOUND' });
    await expect(all(dir)).rejects.toMatchObject({ code: 'SEAMS_RESULTS_NOT_FOUND' });
  });

  it('undefined entities without a DOCTYPE are errors, not expansions', async () => {
    await expect(all(file('ent.xml', '<testsuite><testcase classname="x" name="&xxe;"/></testsuite>'))).rejects.toThrow(/entity/i);
  });

  it('streams in batches and caps failure text (bounded memory)', async () => {
    function* chunks() {
      yield '<testsuites><testsuite name="big">';
      for (let i = 0; i < 5000; i++) yield `<testcase classname="c" name="t${i}" time="0.001"/>`;
      yield `<testcase classname="c" name="huge"><failure message="m">${'x'.repeat(100_000)}</failure></testcase>`;
      yield '</testsuite></testsuites>';
    }
    const sizes: number[] = [];
    let huge: JUnitCase | undefined;
    for await (const b of readJUnit(chunks(), { batchSize: 1000 })) {
      sizes.push(b.length);
      huge ??= b.find((c) => c.name === 'huge');
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5001);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1001);
    expect(huge!.message!.length).toBeLessThanOrEqual(4096);
  });
});
