/**
 * Plain-text tables. Numbers right-aligned, text left-aligned; widths in terminal cells (wide
 * CJK/emoji take two). When a width must be met (the terminal's, see term.ts, or `maxWidth`):
 * numeric columns are compacted first (12,345 → 12k), then the free-text columns are cut with …,
 * in the order of `shrink` (most expendable first), then any other text column, widest first.
 * A table that still does not fit leaves out the columns of `drop` (in that order, only as many as
 * needed) and says so on a last line; only then is every text column cut to a few cells.
 */
import { cellWidth, compactNumber, cutToCells, padEndCells, padStartCells, terminal, wrapProse } from './term.js';

export type Cell = string | number;

const isNumeric = (c: Cell) => typeof c === 'number' || /^[\d.,%—-]+$/.test(c);

export interface FitOptions {
  /** Width to fit; unset: the terminal's (term.ts), which is unset with --wide, in pipes and files. */
  maxWidth?: number;
  /** Columns that may be cut (with …) to fit, most expendable first. */
  shrink?: number[];
  /** Per column: the width it may be cut to before the next column is cut (default 12 cells). */
  minWidth?: Record<number, number>;
  /**
   * Columns that may be left out when cutting text is not enough (least needed first). The table
   * then ends with a line naming them (`--wide` shows them).
   */
  drop?: number[];
}

const MIN_SHRUNK = 12;
const MIN_LAST_RESORT = 4;

const total = (widths: number[], indent: number) => indent + widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);

/** Narrows columns in `order` down to `min` cells each until the table fits (or all reach the minimum). */
function narrow(out: number[], order: number[], min: (i: number) => number, excess: number): number {
  for (const i of order) {
    if (excess <= 0) break;
    const cut = Math.min(excess, Math.max(0, out[i]! - min(i)));
    out[i] = out[i]! - cut;
    excess -= cut;
  }
  return excess;
}

export function textTable(header: Cell[], rows: Cell[][], indent = '  ', fit: FitOptions = {}): string {
  const maxWidth = fit.maxWidth ?? terminal().width;
  const indentCells = cellWidth(indent);
  const numericCol = header.map((_, i) => i > 0 && rows.length > 0 && rows.every((r) => r[i] === undefined || r[i] === '' || isNumeric(r[i]!)));
  let natural = [header, ...rows].map((r) => r.map(String));
  const widthsOf = (cells: string[][]) => header.map((_, i) => cells.reduce((w, r) => Math.max(w, cellWidth(r[i] ?? '')), 0));
  let widths = widthsOf(natural);
  const dropped = new Set<number>();
  if (maxWidth && total(widths, indentCells) > maxWidth) {
    // 1. numbers first: 12,345 → 12k (the header stays)
    natural = natural.map((r, ri) => (ri === 0 ? r : r.map((c, i) => (numericCol[i] ? compactNumber(c) : c))));
    widths = widthsOf(natural);
    let excess = total(widths, indentCells) - maxWidth;
    // 2. the columns the table names, most expendable first
    const named = fit.shrink ?? [];
    excess = narrow(widths, named, (i) => fit.minWidth?.[i] ?? MIN_SHRUNK, excess);
    // 3. any other free-text column, widest first (the first column, the row's name, last)
    const others = header
      .map((_, i) => i)
      .filter((i) => !numericCol[i] && !named.includes(i))
      .sort((a, b) => (a === 0 ? 1 : b === 0 ? -1 : widths[b]! - widths[a]!));
    excess = narrow(widths, others, (i) => fit.minWidth?.[i] ?? MIN_SHRUNK, excess);
    // 4. whole columns the table can do without, as few as needed
    for (const i of fit.drop ?? []) {
      if (excess <= 0) break;
      if (dropped.has(i) || i <= 0 || i >= header.length) continue;
      dropped.add(i);
      excess -= widths[i]! + 2;
    }
    // 5. last resort: every text column down to a few cells, in the same order
    excess = narrow(widths, [...named, ...others].filter((i) => !dropped.has(i)), () => MIN_LAST_RESORT, excess);
  }
  const kept = header.map((_, i) => i).filter((i) => !dropped.has(i));
  const all = natural.map((r) => kept.map((i) => cutToCells(r[i] ?? '', widths[i]!)));
  const fmt = (r: string[]) =>
    indent +
    r
      .map((c, k) => (numericCol[kept[k]!] ? padStartCells(c, widths[kept[k]!]!) : padEndCells(c, widths[kept[k]!]!)))
      .join('  ')
      .trimEnd();
  const lines = [fmt(all[0]!), indent + kept.map((i) => '─'.repeat(widths[i]!)).join('  '), ...all.slice(1).map(fmt)];
  if (dropped.size) lines.push(wrapProse(`${indent}(left out to fit: ${[...dropped].sort((a, b) => a - b).map((i) => String(header[i])).join(', ')}; --wide shows them)`, maxWidth));
  return lines.join('\n');
}
