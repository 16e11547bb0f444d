/** Plain-text tables. Numbers right-aligned, text left-aligned. */
export type Cell = string | number;

const isNumeric = (c: Cell) => typeof c === 'number' || /^[\d.,%—-]+$/.test(c);

export interface FitOptions {
  /** Width of the terminal; the table is narrowed to it when wider. */
  maxWidth?: number;
  /** Columns that may be cut (with …) to fit, most expendable first. */
  shrink?: number[];
}

const MIN_SHRUNK = 12;

/** Narrows the shrinkable columns, in the order given, until the table fits `maxWidth` (or all reach their minimum). */
function fitWidths(widths: number[], indent: number, options: FitOptions): number[] {
  const out = [...widths];
  if (!options.maxWidth || !options.shrink?.length) return out;
  let excess = indent + out.reduce((a, b) => a + b, 0) + 2 * (out.length - 1) - options.maxWidth;
  for (const i of options.shrink) {
    if (excess <= 0) break;
    const cut = Math.min(excess, Math.max(0, out[i]! - MIN_SHRUNK));
    out[i] = out[i]! - cut;
    excess -= cut;
  }
  return out;
}

const cutTo = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`);

export function textTable(header: Cell[], rows: Cell[][], indent = '  ', fit: FitOptions = {}): string {
  const natural = [header, ...rows].map((r) => r.map(String));
  const widths = fitWidths(
    header.map((_, i) => natural.reduce((w, r) => Math.max(w, (r[i] ?? '').length), 0)),
    indent.length,
    fit,
  );
  const all = natural.map((r) => r.map((c, i) => cutTo(c, widths[i]!)));
  const numericCol = header.map((_, i) => i > 0 && rows.every((r) => r[i] === undefined || r[i] === '' || isNumeric(r[i]!)));
  const fmt = (r: string[]) =>
    indent +
    r
      .map((c, i) => (numericCol[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(all[0]!), indent + widths.map((w) => '─'.repeat(w)).join('  '), ...all.slice(1).map(fmt)].join('\n');
}
