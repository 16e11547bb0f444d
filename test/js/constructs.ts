/**
 * The test-defining constructs whose names seams computes statically, one small test file each,
 * written so that Vitest (globals) and Jest run the same file. `evaluated-names.test.ts` lists them
 * with the real runners and compares every name; docs/inventory.md points here.
 *
 * `{{import X from ./tables}}` lines become `import { X } from './tables.mjs'` for Vitest and
 * `const { X } = require('./tables.cjs')` for Jest (Jest runs CommonJS without a Babel config).
 */

export type JsRunnerId = 'vitest' | 'jest';

export interface Construct {
  /** The file stem (`<id>.test.js`). */
  id: string;
  /** What the file exercises (for the docs table). */
  what: string;
  source: string;
  /** Runners to compare with (default both). */
  runners?: JsRunnerId[];
}

/** The relative module tables are imported from, in both module systems. */
export const TABLES = {
  values: {
    BASE_CASES: [
      { name: 'imported one', n: 1 },
      { name: 'imported two', n: 2, skip: true },
      { name: 'imported three', n: 3 },
    ],
    ROWS: [
      ['x', 1],
      ['y', 2],
    ],
    PREFIX: 'pre',
  },
  esm(): string {
    return Object.entries(this.values)
      .map(([k, v]) => `export const ${k} = ${JSON.stringify(v)};`)
      .join('\n');
  },
  cjs(): string {
    return `module.exports = ${JSON.stringify(this.values)};`;
  },
};

export function sourceFor(c: Construct, runner: JsRunnerId): string {
  return c.source.replace(/\{\{import (\w+(?:, \w+)*) from \.\/tables\}\}/g, (_, names: string) =>
    runner === 'vitest' ? `import { ${names} } from './tables.mjs';` : `const { ${names} } = require('./tables.cjs');`,
  );
}

export const CONSTRUCTS: Construct[] = [
  {
    id: 'loop-entries',
    what: '`for (const [name, c] of Object.entries(cases)) it(name, …)`',
    source: `
const cases = { 'adds one': { a: 1 }, 'adds two': { a: 2 } };
describe('entries', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => {});
  for (const [name, { a }] of Object.entries(cases)) it(\`\${name} gives \${a}\`, () => {});
});
`,
  },
  {
    id: 'loop-of-objects',
    what: '`for (const c of cases) test(c.name, …)`, destructured loop variables, `.entries()`',
    source: `
const cases = [{ name: 'first', v: 1 }, { name: 'second', v: 2 }];
for (const c of cases) test(c.name, () => {});
for (const { name, v } of cases) test(\`\${name} is \${v}\`, () => {});
for (const [i, c] of cases.entries()) test(i + ': ' + c.name, () => {});
let last;
for (last of ['plain', 'binding']) test('assigned ' + last, () => {});
`,
  },
  {
    id: 'loop-in',
    what: '`for (const key in table)`',
    source: `
const table = { alpha: 1, beta: 2 };
for (const key in table) it(\`key \${key} = \${table[key]}\`, () => {});
`,
  },
  {
    id: 'loop-classic',
    what: '`for (let i = 0; i < cases.length; i++)` and its variants (`i += 2`, counting down, `<=`)',
    source: `
const cases = ['x', 'y', 'z'];
for (let i = 0; i < cases.length; i++) it(\`case \${i}: \${cases[i]}\`, () => {});
for (let i = cases.length - 1; i >= 0; i--) it('down ' + cases[i], () => {});
for (let i = 0; i < 6; i += 2) it('step ' + i, () => {});
for (let i = 1; i <= 2; i = i + 1) it('le ' + i, () => {});
for (let i = 0, n = cases.length; i < n; ++i) it('two vars ' + cases[i], () => {});
`,
  },
  {
    id: 'loop-foreach',
    what: '`cases.forEach((c) => it(c.title, …))`, `Object.keys(…).forEach`, `Object.entries(…).forEach(([k, v]) => …)`',
    source: `
const cases = [{ title: 'one' }, { title: 'two' }];
cases.forEach((c) => it(c.title, () => {}));
cases.forEach(function (c, i) { it(\`\${i}: \${c.title}\`, () => {}); });
Object.keys({ a: 1, b: 2 }).forEach((k) => test('key ' + k, () => {}));
Object.entries({ a: 1, b: 2 }).forEach(([k, v]) => test(\`\${k}=\${v}\`, () => {}));
Object.values({ a: 'va', b: 'vb' }).forEach((v) => test('value ' + v, () => {}));
`,
  },
  {
    id: 'loop-map',
    what: '`.map(…)` (and `.filter(…).forEach`) whose callback defines tests',
    source: `
['a', 'b'].map((x) => it('mapped ' + x, () => {}));
[1, 2].map((n) => {
  describe('group ' + n, () => { it('inner', () => {}); });
  return n;
});
[1, 2, 3, 4].filter((n) => n % 2 === 0).forEach((n) => it('even ' + n, () => {}));
`,
  },
  {
    id: 'loop-nested',
    what: 'describes nested inside loops inside describes',
    source: `
const matrix = { chrome: ['v1', 'v2'], firefox: ['v3'] };
for (const [browser, versions] of Object.entries(matrix)) {
  describe(browser, () => {
    for (const v of versions) {
      describe(\`version \${v}\`, () => {
        it('loads', () => {});
        ['get', 'post'].forEach((m) => it(m.toUpperCase(), () => {}));
      });
    }
  });
}
`,
  },
  {
    id: 'loop-computed',
    what: 'loops over computed tables: spread, `.filter`/`.map`, an imported constant table, `Map`/`Set`, `Array.from({ length })`',
    source: `
{{import BASE_CASES from ./tables}}
const all = [...BASE_CASES, { name: 'local', n: 9 }].filter((c) => !c.skip).map((c) => ({ ...c, name: c.name.toUpperCase() }));
for (const c of all) test(c.name, () => {});
const m = new Map([['k1', 1], ['k2', 2]]);
for (const [k, v] of m) it(\`\${k}->\${v}\`, () => {});
for (const k of m.keys()) it('map key ' + k, () => {});
for (const s of new Set(['s1', 's2', 's1'])) it(s, () => {});
for (const i of Array.from({ length: 3 }, (_, i) => i * 10)) it('from ' + i, () => {});
Array.from(['p', 'q']).forEach((x, i) => it(x + i, () => {}));
`,
  },
  {
    id: 'loop-helper',
    what: 'a local helper that defines tests, called in a loop',
    source: `
function behavesLike(kind, extra) {
  describe(kind, () => {
    it('works', () => {});
    if (extra) it('has extra', () => {});
  });
}
for (const k of ['list', 'map']) behavesLike(k, k === 'map');
`,
  },
  {
    id: 'loop-mutated',
    what: 'tables filled while the tests are defined: `push`, index and property assignment, `let` counters, `+=`',
    source: `
const cases = [];
cases.push({ name: 'pushed a' }, { name: 'pushed b' });
cases.unshift({ name: 'unshifted' });
for (const c of cases) it(c.name, () => {});
const names = ['x', 'y'];
names[1] = 'y2';
const opts = { label: 'before' };
opts.label = 'after';
it(names.join('+') + ' ' + opts.label, () => {});
let n = 0;
let title = 'count';
for (const k of ['a', 'b']) {
  n++;
  title += '-' + k;
  it(\`\${title} \${n}\`, () => {});
}
const table = [{ n: 'zero' }, { n: 'one' }, { n: 'two' }, { n: 'three' }];
const rest = table.splice(1).filter((t) => t.n !== 'two');
for (const t of rest) it('rest ' + t.n, () => {});
for (const t of table) it('left ' + t.n, () => {});
describe('later', () => {
  const inner = [];
  ['p', 'q'].forEach((x) => inner.push(x.toUpperCase()));
  inner.forEach((x) => it(x, () => {}));
});
`,
  },
  {
    id: 'each-computed',
    what: '`describe.each`/`test.each`/`it.each` over a const, a spread, `.map`/`.filter`, `Object.entries`',
    source: `
const rows = [[1, 1, 2], [2, 3, 5]];
describe.each(rows)('add(%i, %i)', (a, b, expected) => {
  it(\`returns \${expected}\`, () => {});
});
const base = [{ name: 'a', n: 1 }, { name: 'b', n: 2 }];
test.each([...base, { name: 'c', n: 3 }].filter((r) => r.n > 1))('$name has $n', () => {});
test.each(base.map((r) => [r.name, r.n]))('%s -> %d', () => {});
it.each(Object.entries({ x: 1, y: 2 }))('%s is %i', () => {});
it.each(Object.keys({ k1: 0, k2: 0 }))('key %s', () => {});
`,
  },
  {
    id: 'each-imported',
    what: '`.each` over constant tables imported from a relative module',
    source: `
{{import ROWS, BASE_CASES, PREFIX from ./tables}}
test.each(ROWS)(PREFIX + ' %s=%d', () => {});
describe.each(BASE_CASES)('$name', ({ n }) => {
  it('n is ' + n, () => {});
});
`,
  },
  {
    id: 'each-placeholders',
    what: 'printf placeholders `%s %d %i %f %j %o %# %%` over strings, numbers, objects and arrays',
    source: `
test.each([['str', 1.5, 2.7, { a: 1 }, [1, 2]]])('s=%s d=%d i=%i j=%j o=%o', () => {});
test.each([[0.25, 'x']])('f=%f #%# s=%s', () => {});
test.each([['a'], ['b']])('row %# is %s', () => {});
test.each([[{ deep: { er: [1, { x: 'y' }] } }, ['a', 'b']]])('obj %s arr %s', () => {});
test.each([[null, undefined, true, -0]])('%s %s %s %d', () => {});
test.each([['50']])('%s%% done', () => {});
`,
  },
  {
    id: 'each-format-edges',
    what: 'formatting edges: `%$`, `$#`, `%p`, `%c`, `%f` of -0, `%o` of quoted strings, long objects and arrays in `$var` and `%s`, `${…}` title over a const',
    source: `
const SUFFIX = 'end';
test.each([['a'], ['b']])('one-based %$ of %s', () => {});
test.each([{ v: 1 }, { v: 2 }])('row $# has $v', () => {});
test.each([[{ k: [1, 2] }]])('pretty %p', () => {});
test.each([['c']])('%c%s styled', () => {});
test.each([[-0, 1.25]])('%f and %f', () => {});
test.each([["it's", 'x"y']])('%o %o', () => {});
test.each([{ obj: { alpha: 'aaaaaaaaaa', beta: 'bbbbbbbbbb', gamma: 'gggggggggg' }, arr: ['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc', 'dddddddddd'] }])('$obj $arr', () => {});
test.each([[{ alpha: 'aaaaaaaaaa', beta: 'bbbbbbbbbb', gamma: 'gggggggggg' }]])('%s long', () => {});
test.each([[1, 2]])(\`\${SUFFIX}: %i-%i\`, () => {});
test.each([{ z: 0, m: new Map([['k', 0]]), s: new Set(['a']), o: { n: 0, list: [0, -0] } }])('zero $z map $m set $s obj $o', () => {});
test.each([[0, { n: 0 }, [1, [2, [3]]]]])('%o %s %s', () => {});
test.each([['x'.repeat(50), { key: 'y'.repeat(45) }]])('$0 $1', () => {});
test.each([{ m: new Map(), s: new Set(), nested: { m: new Map([[1, 2]]) } }])('empty $m $s $nested', () => {});
`,
  },
  {
    id: 'each-objects',
    what: 'object rows with `$name`, `$a.b` paths, and a describe.each body destructuring the row',
    source: `
test.each([{ name: 'alice', meta: { age: 30 } }, { name: 'bob', meta: { age: 4 } }])('$name is $meta.age', () => {});
describe.each([{ kind: 'list', size: 2 }])('$kind', ({ kind, size }) => {
  it(\`\${kind} has \${size}\`, () => {});
});
test.each([{ a: 'x' }])('plain $a, missing $nope', () => {});
`,
  },
  {
    id: 'each-tagged',
    what: 'tagged-template tables (`a | b` heading) with `${…}` cells that are constants, expressions, objects, arrays',
    source: `
const X = 'ex';
const N = 2;
test.each\`
  a       | b          | expected
  \${1}    | \${X + 1}   | \${N * 2}
  \${'q'}  | \${[1, 2]}  | \${null}
  \${N}    | \${{ k: 1 }} | \${'s'}
\`('$a + $b = $expected', () => {});
describe.each\`
  name     | count
  \${'one'} | \${1}
\`('suite $name', ({ name, count }) => {
  it(name + count, () => {});
});
`,
  },
  {
    id: 'template-titles',
    what: 'template-literal and computed titles over known values',
    source: `
const N = 3;
const opts = { mode: 'strict', list: [1, 2] };
const label = (s) => \`[\${s}]\`;
describe(\`suite with \${N} items\`, () => {
  it(\`mode \${opts.mode}, list \${opts.list}\`, () => {});
  it(\`upper \${'a'.toUpperCase()} \${opts.missing ?? 'fallback'} \${1 / 4} \${true}\`, () => {});
  it(label('wrapped') + ' ' + String(N) + ' ' + JSON.stringify({ a: 1 }), () => {});
  it(\`\${N > 2 ? 'many' : 'few'} \${[1, 2, 3].length} \${opts.list.join('+')}\`, () => {});
});
`,
  },
];
