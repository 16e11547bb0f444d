import { evaluate } from './evaluate.js';
import { isPlainObject, isUnknown, type Env } from './model.js';
import type { Node } from './parse.js';
import type { Title } from './test-values.js';

/**
 * ESLint's `RuleTester#run(ruleName, rule, { valid, invalid })` defines its tests with the test
 * framework's globals (eslint lib/rule-tester/rule-tester.js):
 *
 *     describe(ruleName, () => {
 *       describe('valid', () => valid.forEach((v) => it(sanitize(typeof v === 'object' ? v.name || v.code : v), …)));
 *       describe('invalid', () => invalid.forEach((v) => it(sanitize(v.name || v.code), …)));
 *     });
 *
 * (`it.only` for an item with `only: true`). ESLint 7 titles an item by its `code` even when it
 * has a `name`; ESLint 8 and later use `name || code`, which is what is computed here.
 */

export interface RuleTesterCase {
  title: Title;
  only: boolean;
}

export interface RuleTesterRun {
  ruleName: Title;
  groups: { title: 'valid' | 'invalid'; cases: RuleTesterCase[] | { unknown: string } }[];
}

/** The tests of a `tester.run(…)` call when `tester` is a RuleTester; undefined for any other call. */
export function ruleTesterRun(call: Node, env: Env): RuleTesterRun | undefined {
  const callee = call.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.name !== 'run' || call.arguments.length < 3) return undefined;
  if (!isRuleTester(callee.object, env)) return undefined;
  const cases = call.arguments[2];
  const value = evaluate(cases, env);
  const ruleNameValue = evaluate(call.arguments[0], env);
  const ruleName: Title = typeof ruleNameValue === 'string' ? { title: ruleNameValue } : { unknown: isUnknown(ruleNameValue) ? ruleNameValue.reason : 'rule name is not a string' };
  if (!isPlainObject(value)) {
    const reason = isUnknown(value) ? value.reason : 'test cases are not an object';
    return { ruleName, groups: [{ title: 'valid', cases: { unknown: reason } }, { title: 'invalid', cases: { unknown: reason } }] };
  }
  const groups: RuleTesterRun['groups'] = [];
  for (const title of ['valid', 'invalid'] as const) {
    const list = value[title];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      groups.push({ title, cases: { unknown: isUnknown(list) ? `${title} cases: ${list.reason}` : `${title} cases are not an array` } });
      continue;
    }
    groups.push({ title, cases: list.map((item) => caseTitle(item, title)) });
  }
  return { ruleName, groups };
}

function caseTitle(item: unknown, group: 'valid' | 'invalid'): RuleTesterCase {
  if (isUnknown(item)) return { title: { unknown: `${group} case: ${item.reason}` }, only: false };
  if (typeof item === 'string') return { title: { title: group === 'valid' ? sanitize(item) : '' }, only: false };
  if (!isPlainObject(item)) return { title: { title: '' }, only: false };
  const only = item.only === true;
  const label = item.name || item.code;
  if (isUnknown(label)) return { title: { unknown: `${group} case: ${label.reason}` }, only };
  return { title: { title: sanitize(label) }, only };
}

/** rule-tester.js `sanitize`: control characters (but `\n`) become `\u00xx`; a non-string is ''. */
export function sanitize(text: unknown): string {
  if (typeof text !== 'string') return '';
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0009\u000b-\u001a]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/**
 * Whether an expression is a RuleTester: `new RuleTester(…)` (any `…RuleTester` class), or a
 * name bound to one or to the result of a factory named like one (`getRuleTester()`,
 * `createRuleTester()`), as far as it can be told from the source.
 */
function isRuleTester(n: Node, env: Env, depth = 0): boolean {
  if (!n || depth > 4) return false;
  if (n.type === 'NewExpression' || n.type === 'CallExpression') return /RuleTester$/i.test(calleeName(n.callee));
  if (n.type === 'ParenthesizedExpression' || n.type === 'TSAsExpression' || n.type === 'TSNonNullExpression') return isRuleTester(n.expression, env, depth + 1);
  if (n.type === 'Identifier') {
    const b = env.lookup(n.name);
    if (b?.node && !b.path?.length) return isRuleTester(b.node, env, depth + 1);
    return /^(rule)?tester$/i.test(n.name) || /RuleTester$/.test(n.name);
  }
  return false;
}

function calleeName(c: Node): string {
  if (c.type === 'Identifier') return c.name;
  if (c.type === 'MemberExpression' && !c.computed) return c.property.name;
  return '';
}
