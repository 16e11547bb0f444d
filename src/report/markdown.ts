/**
 * Markdown that stays inert whatever the data says. Test titles, messages, ids, file names and
 * repo names come from the code under test and from runners: in a Markdown report they must not
 * become HTML (`<img onerror=…>`), links (`[x](javascript:…)`), emphasis or table columns.
 *
 *   mdText(s)    plain text: HTML (`< > &`) as entities, Markdown-active characters backslash-escaped
 *   mdCode(s)    a code span (its content is literal: only backticks and newlines need care)
 *   md(s)        Markdown seams wrote on purpose (already escaped parts): tables pass it through
 *   mdTable      a GitHub table whose plain cells go through mdText
 */

/** Markdown written on purpose, whose untrusted parts are already escaped. */
export interface Md {
  readonly md: string;
}

export type MdCell = string | number | Md;

export const md = (text: string): Md => ({ md: text });

const isMd = (c: MdCell): c is Md => typeof c === 'object' && c !== null && 'md' in c;

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Escapes text for Markdown: inline (headings, list items, paragraphs) and table cells alike.
 * `start`: the text begins a line or list item, where `#`, `-`, `+`, `=` and `1.` open blocks.
 */
export function mdText(value: string | number, options: { start?: boolean } = {}): string {
  const inline = String(value)
    .replace(/\r?\n|\r/g, ' ')
    // every character that can open Markdown syntax (backslash included); `_` only at a word
    // edge (inside a word it never emphasises, and `test_api_ok` stays readable)
    .replace(/[\\`*[\]|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, (c) => `\\${c}`)
    .replace(/[&<>]/g, (c) => HTML[c]!);
  // block syntax at the start: a heading, list item, or setext underline
  return options.start ? inline.replace(/^([#+=-])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2') : inline;
}

/**
 * A code span: HTML and Markdown inside it are literal. Backticks become quotes (a span cannot
 * hold its own delimiter simply) and newlines spaces; in a table cell `|` must still be escaped.
 */
export function mdCode(value: string, inTable = false): string {
  const text = value.replace(/`/g, "'").replace(/\r?\n|\r/g, ' ');
  return `\`${inTable ? text.replace(/\|/g, '\\|') : text}\``;
}

const isNumeric = (c: string) => /^[\d.,%—-]+$/.test(c);

/** A GitHub table: numbers right-aligned; plain cells escaped with mdText, `md()` cells as written. */
export function mdTable(header: MdCell[], rows: MdCell[][]): string {
  const raw = (c: MdCell) => (isMd(c) ? c.md : String(c));
  const cell = (c: MdCell) => (isMd(c) ? c.md : mdText(c));
  const numericCol = header.map((_, i) => i > 0 && rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || isNumeric(raw(r[i] ?? ''))));
  const line = (r: MdCell[]) => `| ${r.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map((_, i) => (numericCol[i] ? '---:' : '---')).join('|')}|`, ...rows.map(line)].join('\n');
}
