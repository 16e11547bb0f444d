import { describe, expect, it } from 'vitest';
import { createModuleLoader } from '../../src/workspace/js-loader.js';
import { extractTests } from '../../src/languages/typescript/tests.js';
import { jestDialect } from '../../src/runners/jest/dialect.js';
import { mochaDialect } from '../../src/runners/mocha/dialect.js';
import { nodeTestDialect } from '../../src/runners/node-test/dialect.js';
import { playwrightDialect } from '../../src/runners/playwright/dialect.js';
import { vitestDialect } from '../../src/runners/vitest/dialect.js';

const DIALECTS = { vitest: vitestDialect, jest: jestDialect, playwright: playwrightDialect, mocha: mochaDialect, 'node-test': nodeTestDialect };
type Dialect = keyof typeof DIALECTS;

function extract(source: string, dialect: Dialect = 'vitest', file = '/virtual/a.test.ts') {
  return extractTests(source, { dialect: DIALECTS[dialect], host: createModuleLoader(), absFile: file });
}
function names(source: string, dialect: Dialect = 'vitest') {
  return extract(source, dialect).tests.map((t) => t.titlePath.join(' > '));
}

describe('test calls and modifiers', () => {
  it('nests describe/suite/context and it/test/specify', () => {
    expect(
      names(`
        describe('a', () => { it('1', () => {}); suite('b', () => { test('2', () => {}); context('c', () => { specify('3', () => {}); }); }); });
      `),
    ).toEqual(['a > 1', 'a > b > 2', 'a > b > c > 3']);
  });

  it('records skip/todo status from modifiers, prefixes and options', () => {
    const r = extract(`
      it('run', () => {});
      it.skip('s1', () => {});
      xit('s2', () => {});
      it.todo('t1');
      test('t2');
      it('opt', { skip: true }, () => {});
      it.skipIf(true)('s3', () => {});
      it.skipIf(false)('r2', () => {});
      it.runIf(false)('s4', () => {});
      describe.skip('ds', () => { it('inner', () => {}); });
      it.concurrent.fails('cf', () => {});
    `).tests;
    expect(r.map((t) => `${t.titlePath.join(' > ')}:${t.status}`)).toEqual([
      'run:active', 's1:skip', 's2:skip', 't1:todo', 't2:todo', 'opt:skip', 's3:skip', 'r2:active', 's4:skip', 'ds > inner:skip', 'cf:active',
    ]);
  });

  it('demotes the other tests of a file when one is .only', () => {
    const r = extract(`
      describe('x', () => { it.only('focus', () => {}); it('other', () => {}); });
      describe.only('y', () => { it('in focused suite', () => {}); });
      it('outside', () => {});
    `).tests;
    expect(Object.fromEntries(r.map((t) => [t.titlePath.join(' > '), t.status]))).toEqual({
      'x > focus': 'active',
      'x > other': 'skip',
      'y > in focused suite': 'active',
      outside: 'skip',
    });
  });

  it('follows aliases, .extend() and ignores hooks and shadowing helpers', () => {
    expect(
      names(`
        import { test as base, it as check } from 'vitest';
        const myTest = base.extend({ db: async ({}, use) => use(1) });
        myTest('extended', () => {});
        check('aliased', () => {});
        base.beforeEach(() => {});
        base.step?.('not a test');
      `),
    ).toEqual(['extended', 'aliased']);
    expect(names(`function test(app) { it('inside helper ' + app, () => {}); } describe('d', () => { test('one'); test('two'); });`, 'mocha')).toEqual([
      'd > inside helper one',
      'd > inside helper two',
    ]);
  });

  it('unrolls loops and forEach over constant arrays, and marks unknown ones dynamic', () => {
    const r = extract(`
      const cases = ['a', 'b'];
      for (const c of cases) it('for ' + c, () => {});
      cases.forEach((c, i) => it(\`each \${c} \${i}\`, () => {}));
      for (let i = 0; i < 2; i++) it('i' + i, () => {});
      for (const k in { p: 1, q: 2 }) it('key ' + k, () => {});
      for (const x of getThings()) it('thing ' + x, () => {});
    `).tests;
    expect(r.filter((t) => !t.dynamic).map((t) => t.titlePath.join(' > '))).toEqual(['for a', 'for b', 'each a 0', 'each b 1', 'i0', 'i1', 'key p', 'key q']);
    const dyn = r.filter((t) => t.dynamic);
    expect(dyn).toHaveLength(1);
    expect(dyn[0]!.dynamicReason).toMatch(/getThings|not statically known/);
  });

  it('lists a test with an unknown title once, as dynamic with a reason', () => {
    const [t] = extract(`it(makeName(), () => {});`).tests;
    expect(t!.dynamic).toBe(true);
    expect(t!.dynamicReason).toContain('makeName');
  });

  it('uses class and function names as titles', () => {
    expect(names(`class UserService {} describe(UserService.name, () => { it('works', () => {}); }); describe(UserService, () => { it('too', () => {}); });`, 'jest')).toEqual([
      'UserService > works',
      'UserService > too',
    ]);
  });

  it('reports a syntax error instead of throwing', () => {
    const r = extract(`describe('x', () => { it('y', ( => {}); });`);
    expect(r.tests).toEqual([]);
    expect(r.parseError?.line).toBe(1);
  });

  it('parses TSX, JSX and TypeScript-only syntax', () => {
    expect(extractTests(`it('renders', () => { const el = <div a={1 as number}>x</div>; });`, { dialect: vitestDialect, host: createModuleLoader(), absFile: '/v/a.test.tsx' }).tests).toHaveLength(1);
    expect(extractTests(`it('jsx in js', () => <b/>);`, { dialect: jestDialect, host: createModuleLoader(), absFile: '/v/a.test.js' }).tests).toHaveLength(1);
    expect(extractTests(`enum E { A } it('ts ' + E, () => {}); const x = <T,>(a: T) => a;`, { dialect: jestDialect, host: createModuleLoader(), absFile: '/v/a.test.mts' }).parseError).toBeUndefined();
  });
});

describe('.each / .for naming', () => {
  // Expected values are what `vitest list --json` / `jest --json` print for the same code (see the
  // fixtures test/fixtures/js/vitest-basic/each.spec.ts and jest-basic, checked natively in native.test.ts).
  it('formats Vitest titles like @vitest/runner', () => {
    expect(
      names(`
        test.each([[1, 'a'], [2, 'b']])('n=%i s=%s idx=%# %%', () => {});
        test.each([{ a: 1, b: 'x', o: { p: [1] } }])('$a $b $o.p $missing', () => {});
        test.for([1, 2])('for %d', () => {});
        test.each\`
          a | b
          \${1} | \${'q'}
        \`('tpl $a $b', () => {});
        test.each(['long'.repeat(20)])('%s', () => {});
        test.each([[1.5, -0, { k: 'v' }]])('%f %d %j', () => {});
      `),
    ).toEqual(['n=1 s=a idx=0 % undefined', 'n=2 s=b idx=1 % undefined', "1 'x' [ 1 ] undefined", 'for 1', 'for 2', "tpl 1 'q'", 'long'.repeat(20), '1.5 0 {"k":"v"}']);
  });

  it('formats Jest titles like jest-each', () => {
    expect(
      names(
        `
        test.each([[1, 'a']])('n=%i s=%s p=%p #%#', () => {});
        test.each([{ a: 1, b: 'x' }])('$a $b', () => {});
        test.each(['x', 'y'])('single %s', () => {});
        test.each\`
          a | b
          \${1} | \${'q'}
        \`('tpl $a $b', () => {});
        test.each([[{ k: 1 }]])('pretty %p', () => {});
      `,
        'jest',
      ),
    ).toEqual(['n=1 s=a p=%p #0', '1 x', 'single x', 'single y', 'tpl 1 q', 'pretty {"k": 1}']);
  });

  it('binds describe.each rows to the callback parameters', () => {
    expect(names(`describe.each([['a', 1], ['b', 2]])('%s', (name, n) => { it(name + n, () => {}); });`, 'jest')).toEqual(['a > a1', 'b > b2']);
  });

  it('keeps exact titles where only unknown table cells are unused, and marks the rest dynamic', () => {
    const r = extract(`import { List } from 'immutable'; describe.each([['List', List]])('applied to %s', () => { it('x', () => {}); }); it.each([[List]])('uses %s', () => {});`, 'jest').tests;
    expect(r[0]!.titlePath).toEqual(['applied to List', 'x']);
    expect(r[0]!.dynamic).toBe(false);
    expect(r[1]!.dynamic).toBe(true);
  });
});

describe('Playwright specifics', () => {
  it('handles test.describe variants, anonymous describes, scope skips, tags and annotations', () => {
    const r = extract(
      `
      import { test } from '@playwright/test';
      test.describe('outer', { tag: '@integration' }, () => {
        test.describe.configure({ mode: 'serial' });
        test.describe.parallel('par', () => { test('p1', async () => {}); });
        test.describe(() => { test('anon', async () => {}); });
        test('tagged @smoke', { tag: ['@workflow:checkout'], annotation: { type: 'issue', description: 'FR-123' } }, async () => {});
        test.fixme('broken', async () => {});
      });
      test.describe('skipped scope', () => {
        test.skip();
        test('inside', async () => {});
      });
    `,
      'playwright',
    ).tests;
    expect(r.map((t) => [t.titlePath.join(' > '), t.status])).toEqual([
      ['outer > par > p1', 'active'],
      ['outer > anon', 'active'],
      ['outer > tagged @smoke', 'active'],
      ['outer > broken', 'skip'],
      ['skipped scope > inside', 'skip'],
    ]);
    expect(r[2]!.tags.sort()).toEqual(['@integration', '@smoke', '@workflow:checkout']);
    expect(r[2]!.annotations).toContain('FR-123');
  });
});

describe('node:test', () => {
  it('reads skip/todo options and lists subtests (t.test) under their test', () => {
    const r = extract(`import { test, describe } from 'node:test'; describe('d', () => { test('a', { todo: 'later' }, () => {}); test('b', { skip: true }, () => {}); test('c', async (t) => { await t.test('sub'); }); });`, 'node-test').tests;
    expect(r.map((t) => `${t.titlePath.join(' > ')}:${t.status}`)).toEqual(['d > a:todo', 'd > b:skip', 'd > c:active', 'd > c > sub:active']);
  });

  it('subtests as `node --test` reports them: nested, own options, none under a skipped test', () => {
    // node --test --test-reporter=spec on this file (Node 20.20): 10 tests — outer, inner one,
    // inner two (SKIP), deeper, leaf, c, sub, skipped parent (SKIP), todo parent (TODO), runs (✔);
    // `never` is not reported.
    const src = `import { test, describe } from 'node:test';
test('outer', async (t) => {
  await t.test('inner one', () => {});
  await t.test('inner two', { skip: true }, () => {});
  await t.test('deeper', async (t2) => {
    await t2.test('leaf', () => {});
  });
});
describe('d', () => {
  test('c', async (ctx) => { await ctx.test('sub'); });
});
test('skipped parent', { skip: true }, async (t) => { await t.test('never'); });
test('todo parent', { todo: true }, async (t) => { await t.test('runs'); });`;
    const r = extract(src, 'node-test').tests;
    expect(r.map((t) => `${t.titlePath.join(' > ')}:${t.status}:${t.line}`)).toEqual([
      'outer:active:2',
      'outer > inner one:active:3',
      'outer > inner two:skip:4',
      'outer > deeper:active:5',
      'outer > deeper > leaf:active:6',
      'd > c:active:10',
      'd > c > sub:active:10',
      'skipped parent:skip:12',
      'todo parent:todo:13',
      'todo parent > runs:active:13',
    ]);
  });
});

describe('named suite bodies', () => {
  it('walks a named function passed as the describe body inside the suite', () => {
    expect(names(`function body() { it('inner', () => {}); } describe('outer', body);`, 'mocha')).toEqual(['outer > inner']);
  });
});

describe('dynamic titles', () => {
  it('get unique, line-based placeholder titles', () => {
    expect(names(`const rows = load(); it.each(rows)('x %s', () => {}); describe(name(), () => { it('a', () => {}); it(other(), () => {}); });`, 'jest')).toEqual([
      'x %s',
      '<dynamic line 1> > a',
      '<dynamic line 1> > <dynamic line 1>',
    ]);
    expect(names(`const t = [a, b]; it.each(t)('v %s', () => {});`)).toEqual(['<dynamic line 1>', '<dynamic line 1> #2']);
  });
});

describe('ESLint RuleTester runs', () => {
  // The expected names are what `jest --json` printed for this file with ESLint 9.39 and Jest 30.5
  // (ESLint is not a devDependency of seams; the mobx accuracy bench runs the real thing too).
  const source = `
    const { RuleTester } = require('eslint');
    const rule = { meta: {}, create: () => ({}) };
    function getRuleTester() { return new RuleTester(); }
    const ruleTester = new RuleTester();
    const tester = getRuleTester();
    const snippets = ['ok1', 'ok2'].map((v) => \`const \${v} = 1;\`);
    ruleTester.run('no-bad', rule, {
      valid: ['const a = 1;', { code: 'const b = 2;' }, { name: 'named case', code: 'const c = 3;' }, ...snippets, 'const t = "\\t";'],
      invalid: [{ code: 'bad;', errors: [] }, { name: 'named invalid', code: 'const bad = 1;', errors: [] }],
    });
    tester.run('second-rule', rule, { valid: snippets.map((code) => ({ code: \`\${code}\\nconst x = 0;\` })), invalid: [] });
  `;
  it('lists rule > valid|invalid > name || code, with control characters escaped as ESLint does', () => {
    const r = extract(source, 'jest').tests;
    expect(r.map((t) => t.titlePath.join(' '))).toEqual([
      'no-bad valid const a = 1;',
      'no-bad valid const b = 2;',
      'no-bad valid named case',
      'no-bad valid const ok1 = 1;',
      'no-bad valid const ok2 = 1;',
      'no-bad valid const t = "\\u0009";',
      'no-bad invalid bad;',
      'no-bad invalid named invalid',
      'second-rule valid const ok1 = 1;\nconst x = 0;',
      'second-rule valid const ok2 = 1;\nconst x = 0;',
    ]);
    expect(r.every((t) => !t.dynamic && t.status === 'active')).toBe(true);
  });

  it('marks cases it cannot compute dynamic, honours only: true, and leaves other .run() calls alone', () => {
    const r = extract(
      `const tester = new RuleTester(); tester.run('r', rule, { valid: [{ code: load() }, { code: 'x', only: true }], invalid: loadInvalid() });
       const runner = makeRunner(); runner.run('not a rule tester', rule, { valid: ['y'] });`,
      'jest',
    ).tests;
    expect(r.map((t) => [t.titlePath.join(' > '), t.dynamic, t.status])).toEqual([
      ['r > valid > <dynamic line 1>', true, 'skip'],
      ['r > valid > x', false, 'active'],
      ['r > invalid > <dynamic line 1>', true, 'skip'],
    ]);
  });
});

describe('values changed while tests are defined', () => {
  it('applies changes made in straight-line code, and makes values changed in code that may not run once unknown', () => {
    const r = extract(`
      const cases = [];
      if (flag()) cases.push('maybe');
      for (const c of cases) it('case ' + c, () => {});
      let n = 1;
      beforeEach(() => { n++; });
      it('n=' + n, () => {});
      const fixed = ['a'];
      fixed.push('b');
      fixed.forEach((x) => it('fixed ' + x, () => {}));
    `).tests;
    expect(r.map((t) => [t.titlePath.join(' > '), t.dynamic])).toEqual([
      ['<dynamic line 4>', true],
      ['<dynamic line 7>', true],
      ['fixed a', false],
      ['fixed b', false],
    ]);
  });
});
