import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJUnit } from '../../src/results/junit.js';
import { guessPytestId } from '../../src/runners/pytest/junit.js';
import { toPosix } from '../../src/util/paths.js';

/** The id rule as it was before ids were cached per (root, file, classname): the reference. */
function reference(c: { classname: string; name: string; file?: string }, runnerRoot: string): string {
  if (c.file) {
    const parts = c.classname.split('.');
    const modParts = c.file.replace(/\.py$/, '').split('/');
    return [toPosix(path.posix.relative(runnerRoot || '.', c.file) || c.file), ...parts.slice(modParts.length), c.name].join('::');
  }
  const parts = c.classname.split('.');
  let i = parts.findIndex((p) => /^[A-Z]/.test(p));
  if (i === -1) i = parts.length;
  const mod = parts.slice(0, i).join('/');
  return [mod ? `${mod}.py` : c.classname, ...parts.slice(i), c.name].join('::');
}

describe('pytest ids of JUnit cases (cached per class)', () => {
  const cases = [
    { classname: 'tests.order.test_order_0.TestOrder0', name: 'test_a', file: 'tests/order/test_order_0.py' },
    { classname: 'tests.order.test_order_0.TestOrder0', name: 'test_b[x-1]', file: 'tests/order/test_order_0.py' },
    { classname: 'tests.order.test_order_0.TestOrder0', name: 'test_a' },
    { classname: 'tests.order.test_order_0', name: 'test_plain' },
    { classname: 'tests.order.test_order_0.TestOrder0.TestInner', name: 'test_c', file: 'tests/order/test_order_0.py' },
    { classname: '', name: 'test_no_class' },
    { classname: '', name: 'test_no_class_file', file: 'a.py' },
    { classname: 'pkg.test_m.TestK', name: 'test_d', file: 'sub/pkg/test_m.py' },
  ];

  it('gives the same ids as the uncached rule, whatever the order, root or interleaving', () => {
    for (const root of ['', '.', 'sub', 'tests', '../up']) {
      for (const c of cases) expect(guessPytestId(c, root)).toBe(reference(c, root));
      // the same class under another root, file or none, one after the other: no stale prefix
      for (const c of [...cases].reverse()) expect(guessPytestId(c, root)).toBe(reference(c, root));
    }
    for (const c of cases) for (const root of ['', 'sub']) expect(guessPytestId(c, root)).toBe(reference(c, root));
  });

  it('stays right past the cache size (thousands of classes)', () => {
    for (let i = 0; i < 10_000; i++) {
      const c = { classname: `tests.m${i % 5000}.TestC${i}`, name: `test_${i}`, ...(i % 3 ? { file: `tests/m${i % 5000}.py` } : {}) };
      expect(guessPytestId(c, i % 2 ? '' : 'tests')).toBe(reference(c, i % 2 ? '' : 'tests'));
    }
  });
});

describe('JUnit time attribute (plain-number fast path)', () => {
  async function durations(times: string[]): Promise<(number | string)[]> {
    const xml = `<testsuite>${times.map((t, i) => `<testcase classname="c" name="t${i}" time="${t}"/>`).join('')}</testsuite>`;
    const out: (number | string)[] = [];
    try {
      for await (const batch of readJUnit([xml])) for (const c of batch) out.push(c.durationMs);
    } catch (error) {
      out.push(`error: ${(error as Error).message}`);
    }
    return out;
  }

  it('reads seconds as milliseconds to the microsecond, as before', async () => {
    expect(await durations(['0.242', '12', '0', '1.0005', '0.0000004', '007.5', '3600.123456'])).toEqual([242, 12000, 0, 1000.5, 0, 7500, 3600123.456]);
  });

  it('keeps the other forms: commas, exponents, blanks, nan/inf, and refuses words', async () => {
    expect(await durations(['1,234.5', '1e-3', ' 0.5 ', '', 'nan', 'inf'])).toEqual([1234500, 1, 500, 0, 0, 0]);
    const bad = await durations(['12s']);
    expect(bad).toHaveLength(1);
    expect(String(bad[0])).toMatch(/time="12s": expected a duration in seconds/);
    expect(String((await durations(['-1']))[0])).toMatch(/time="-1"/);
  });
});
