import { evaluate } from './evaluate.js';
import type { Chain } from './extract-model.js';
import { expandEachTitles, tableHeadings, UNKNOWN_TEXT, type EachTitleStyle } from './format.js';
import { isUnknown, type Env } from './model.js';
import type { Node } from './parse.js';
import { maskUnknown, titleOf, type Title } from './test-values.js';

export interface ExpandedTable {
  titles: Title[];
  /** The arguments each row passes to the callback (for binding describe callbacks). */
  rows: unknown[][];
  reason?: string;
}

/** Expands a `.each`/`.for` table (array or tagged template) into titles and rows. */
export function expandTable(chain: Chain, titleNode: Node | undefined, env: Env, style: EachTitleStyle): ExpandedTable {
  const t = chain.table!;
  const title = titleOf(titleNode, env);
  let table: unknown;
  if (t.tagged) {
    const rows = taggedRows(t.node, env, style);
    if (!rows) return { titles: [title], rows: [[]], reason: 'table heading not understood' };
    table = rows;
  } else table = evaluate(t.node, env);
  if (!Array.isArray(table)) {
    const reason = isUnknown(table) ? `each table: ${table.reason}` : 'each table is not an array';
    return { titles: [title], rows: [[]], reason };
  }
  if ('unknown' in title) return { titles: table.map(() => title), rows: table.map((r) => (Array.isArray(r) ? r : [r])) };
  // Unknown cells are formatted as a sentinel: a title that shows one is dynamic, others are exact.
  const masked = table.map((row) => maskUnknown(row, UNKNOWN_TEXT));
  const titles = expandEachTitles(style, t.kind, title.title, masked);
  return {
    titles: titles.map((s) => (s.includes(UNKNOWN_TEXT) || s.includes('seams-unknown') ? { unknown: 'table row not statically known' } : { title: s })),
    rows: table.map((r) => (t.kind === 'each' && Array.isArray(r) && table.every(Array.isArray) ? r : [r])),
  };
}

/** The rows of a tagged-template table (`a | b` heading, then values); undefined when the heading is not understood. */
function taggedRows(quasi: Node, env: Env, style: EachTitleStyle): Record<string, unknown>[] | undefined {
  const headings = tableHeadings(quasi.quasis[0].value.cooked ?? quasi.quasis[0].value.raw, style);
  const values = quasi.expressions.map((e: Node) => evaluate(e, env));
  if (!headings.length || headings.some((h) => !h)) return undefined;
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i + headings.length <= values.length; i += headings.length) {
    const row: Record<string, unknown> = {};
    headings.forEach((h, j) => (row[h] = values[i + j]));
    rows.push(row);
  }
  return rows;
}
