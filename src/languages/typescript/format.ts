import util from 'node:util';
import { ClassValue, FnValue, isPlainObject, isUnknown } from './evaluate.js';
import { loupeInspect, objDisplay } from './loupe.js';

/**
 * Test-name formatting for `.each` / `.for` tables, reproducing each runner's own rules
 * (Vitest: @vitest/runner `formatTitle` + @vitest/utils `format`/`objDisplay` (loupe);
 * Jest: jest-each `formatTitle` (Node's util.format, pretty-format for %p and `$var`)).
 * Values are plain data produced by the static evaluator.
 */

/**
 * How a runner formats `.each`/`.for` titles: `loupe` is @vitest/runner's `formatTitle` (objects
 * shown by loupe), `pretty-format` is jest-each's (Node's util.format, pretty-format for `%p`).
 */
export type EachTitleStyle = 'loupe' | 'pretty-format';

/** Stands for text seams cannot produce (a function's source, a pretty-printed Map); a title containing it is dynamic. */
export const UNKNOWN_TEXT = '\u0000seams-unknown\u0000';

/* ------------------------------------------------------------ Vitest */

/** What pretty-format prints for a number, bigint, null, undefined, boolean or RegExp. */
function scalarText(v: unknown): string | undefined {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'boolean') return String(v);
  if (v instanceof RegExp) return String(v);
  return undefined;
}

/** @vitest/utils `format(template, value)` for one placeholder. */
function vitestFormatOne(placeholder: string, value: unknown): string {
  switch (placeholder) {
    case '%%': return '%';
    case '%s':
      if (typeof value === 'bigint') return `${value}n`;
      if (typeof value === 'number' && Object.is(value, -0)) return '-0';
      // objects with their own toString (arrays) use it; plain objects are inspected
      if (Array.isArray(value)) return arrayToString(value);
      if (value instanceof RegExp) return String(value);
      // String(fn) is the function's source text
      if (value instanceof FnValue || value instanceof ClassValue) return UNKNOWN_TEXT;
      if (typeof value === 'object' && value !== null) return loupeInspect(value);
      return String(value);
    case '%d':
      if (typeof value === 'bigint') return `${value}n`;
      return Number(value).toString();
    case '%i':
      if (typeof value === 'bigint') return `${value}n`;
      return Number.parseInt(String(value)).toString();
    case '%f': return Number.parseFloat(String(value)).toString();
    case '%o':
    case '%O': return loupeInspect(value);
    case '%c': return '';
    case '%j': return JSON.stringify(value) ?? 'undefined';
    default: return placeholder;
  }
}

function objectAttr(source: unknown, p: string, defaultValue?: unknown): unknown {
  const paths = p.replace(/\[(\d+)\]/g, '.$1').split('.');
  let result: unknown = source;
  for (const key of paths) {
    result = result !== null && result !== undefined && typeof result === 'object' ? (result as Record<string, unknown>)[key] : undefined;
    if (result === undefined) return defaultValue;
  }
  return result;
}

/** @vitest/runner formatTitle(template, items, idx). */
export function vitestFormatTitle(templateIn: string, items: unknown[], idx: number): string {
  let template = templateIn;
  if (template.includes('%#') || template.includes('%$')) {
    template = template
      .replace(/%%/g, '__vitest_escaped_%__')
      .replace(/%#/g, `${idx}`)
      .replace(/%\$/g, `${idx + 1}`)
      .replace(/__vitest_escaped_%__/g, '%%');
  }
  const count = template.split('%').length - 1;
  if (template.includes('%f')) {
    const placeholders = template.match(/%f/g) || [];
    placeholders.forEach((_, i) => {
      const it = items[i];
      if ((typeof it === 'number' && Number.isNaN(it) && 1 / it < 0) || Object.is(it, -0)) {
        let occurrence = 0;
        template = template.replace(/%f/g, (match) => {
          occurrence++;
          return occurrence === i + 1 ? '-%f' : match;
        });
      }
    });
  }
  const isObjectItem = typeof items[0] === 'object' && items[0] !== null && !Array.isArray(items[0]) ? true : isPlainObject(items[0]);
  const formatAttribute = (s: string) =>
    s.replace(/\$([$\w.]+)/g, (_, key: string) => {
      const isArrayKey = /^\d+$/.test(key);
      if (!isObjectItem && !isArrayKey) return `$${key}`;
      const arrayElement = isArrayKey ? objectAttr(items, key) : undefined;
      const value = isObjectItem ? objectAttr(items[0], key, arrayElement) : arrayElement;
      return objDisplay(value);
    });
  let output = '';
  let i = 0;
  let last = 0;
  for (const m of template.matchAll(/%[sdjifoOc%]/g)) {
    if (last < m.index!) output += formatAttribute(template.slice(last, m.index));
    // vitest calls format(match, items[i++]) for every match while i < count, which also turns %% into %.
    if (i < count) {
      const item = items[i++];
      // format('%%', item) yields '%' and then appends the unused argument, as util.format does.
      output += m[0] === '%%' ? `% ${item !== null && typeof item === 'object' ? loupeInspect(item) : String(item)}` : vitestFormatOne(m[0], item);
    }
    else output += m[0];
    last = m.index! + m[0].length;
  }
  if (last < template.length) output += formatAttribute(template.slice(last));
  return output;
}

/* ------------------------------------------------------------ pretty-format (Jest) */

/** pretty-format with { min: true, maxDepth: 1 } for plain values. */
export function prettyMin(v: unknown, depth = 0): string {
  if (typeof v === 'string') return JSON.stringify(v).replace(/\\u([0-9a-f]{4})/g, (m) => m) ;
  const scalar = scalarText(v);
  if (scalar !== undefined) return scalar;
  if (v instanceof FnValue) return `[Function ${v.name || 'anonymous'}]`;
  if (v instanceof ClassValue) return `[Function ${v.name}]`;
  if (v instanceof Map) {
    if (depth >= 1) return '[Map]';
    return `Map {${[...v].map(([k, x]) => `${prettyMin(k, depth + 1)} => ${prettyMin(x, depth + 1)}`).join(', ')}}`;
  }
  if (v instanceof Set) {
    if (depth >= 1) return '[Set]';
    return `Set {${[...v].map((x) => prettyMin(x, depth + 1)).join(', ')}}`;
  }
  if (Array.isArray(v)) {
    if (depth >= 1) return '[Array]';
    return `[${v.map((x) => prettyMin(x, depth + 1)).join(', ')}]`;
  }
  if (isPlainObject(v)) {
    if (depth >= 1) return '[Object]';
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${prettyMin(v[k], depth + 1)}`).join(', ')}}`;
  }
  return String(v);
}

function toNative(v: unknown): unknown {
  if (v instanceof FnValue) {
    const f = function () {};
    Object.defineProperty(f, 'name', { value: v.name });
    return f;
  }
  if (Array.isArray(v)) return v.map(toNative);
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toNative(x)]));
  return v;
}

const JEST_PLACEHOLDERS = /%[#Odfijops]/g;
const JEST_ESC = '@@__JEST_EACH_PLACEHOLDER_ESCAPE__@@';

/** jest-each formatTitle for an array row. */
export function jestFormatTitle(title: string, row: unknown[], rowIndex: number): string {
  let formatted = title.replaceAll('%%', JEST_ESC).replace('%#', String(rowIndex)).replace('%$', String(rowIndex + 1));
  for (const value of row) {
    const placeholder = (formatted.match(JEST_PLACEHOLDERS) || [])[0];
    const normalised = typeof value === 'string' ? value.replaceAll('%', JEST_ESC) : value;
    if (!placeholder) continue;
    if (placeholder === '%p') {
      const pretty = prettyMin(normalised);
      formatted = formatted.replace('%p', () => pretty);
    } else if (placeholder === '%j') {
      const json = JSON.stringify(normalised, (_, e) => (typeof e === 'bigint' ? `${e}n` : e));
      formatted = formatted.replace('%j', () => `${json}`);
    } else {
      formatted = util.format(formatted, toNative(normalised));
    }
  }
  return formatted.replaceAll(JEST_ESC, '%');
}

/** jest-each interpolateVariables for object rows / tagged templates. */
export function jestInterpolateVariables(title: string, template: Record<string, unknown>, index: number): string {
  const keys = Object.keys(template).filter((k) => k.length > 0).sort((a, b) => b.length - a.length);
  if (keys.length === 0) return title.replace('$#', `${index}`);
  const alternation = keys.map((k) => k.replace(/[\\^$*+?.()|[\]{}]/g, '\\$&')).join('|');
  return title
    .replaceAll(new RegExp(`\\$(${alternation})[.\\w]*`, 'g'), (match) => {
      const keyPath = match.slice(1).split('.');
      const value = jestGetPath(template, keyPath);
      const primitive = value === null || (typeof value !== 'object' && !(value instanceof FnValue));
      return primitive ? String(value) : prettyMin(value);
    })
    .replace('$#', `${index}`);
}

function jestGetPath(template: unknown, [head, ...tail]: string[]): unknown {
  if (template === null) return 'null';
  if (template === undefined) return 'undefined';
  if (!head || typeof template !== 'object' || !Object.prototype.hasOwnProperty.call(template, head)) return template;
  return jestGetPath((template as Record<string, unknown>)[head], tail);
}

/** Whether jest-each treats an array table as "templates" (object rows with `$var` names). */
export function jestIsTemplates(title: string, table: unknown[]): boolean {
  return (
    !new RegExp(JEST_PLACEHOLDERS.source).test(title.replaceAll('%%', JEST_ESC)) &&
    !table.every(Array.isArray) &&
    table.every((c) => c !== null && c !== undefined && typeof c === 'object')
  );
}

/** Parses a tagged-template table heading (`a | b`) as the runners do. */
export function tableHeadings(firstQuasi: string, style: EachTitleStyle): string[] {
  if (style === 'loupe') return firstQuasi.trim().replace(/ /g, '').split('\n').map((l) => l.split('|'))[0]!;
  return firstQuasi.replace(/\s/g, '').split('|');
}

/** Expands one `.each`/`.for` table into titles. `values` are the evaluated rows. */
export function expandEachTitles(
  style: EachTitleStyle,
  kind: 'each' | 'for',
  title: string,
  table: unknown[],
): string[] {
  if (style === 'loupe') {
    const arrayOnly = table.every(Array.isArray);
    return table.map((row, idx) => {
      if (kind === 'for') return vitestFormatTitle(title, Array.isArray(row) ? row : [row], idx);
      const items = Array.isArray(row) ? row : [row];
      void arrayOnly;
      return vitestFormatTitle(title, items, idx);
    });
  }
  if (jestIsTemplates(title, table))
    return table.map((t, i) => jestInterpolateVariables(title, t as Record<string, unknown>, i).replaceAll('%%', '%'));
  const rows = table.every(Array.isArray) ? (table as unknown[][]) : table.map((c) => [c]);
  return rows.map((row, i) => jestFormatTitle(title, row, i));
}

export function containsUnknown(v: unknown, depth = 0): boolean {
  if (isUnknown(v)) return true;
  if (depth > 5) return false;
  if (Array.isArray(v)) return v.some((x) => containsUnknown(x, depth + 1));
  if (isPlainObject(v)) return Object.values(v).some((x) => containsUnknown(x, depth + 1));
  return false;
}

function arrayToString(a: unknown[]): string {
  return a.map((x) => (x === null || x === undefined ? '' : Array.isArray(x) ? arrayToString(x) : isPlainObject(x) ? '[object Object]' : String(x))).join(',');
}
