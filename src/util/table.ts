/** Plain-text and Markdown tables. Numbers right-aligned, text left-aligned. */
export type Cell = string | number;

const isNumeric = (c: Cell) => typeof c === 'number' || /^[\d.,%—-]+$/.test(c);

export function textTable(header: Cell[], rows: Cell[][], indent = '  '): string {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => all.reduce((w, r) => Math.max(w, (r[i] ?? '').length), 0));
  const numericCol = header.map((_, i) => i > 0 && rows.every((r) => r[i] === undefined || r[i] === '' || isNumeric(r[i]!)));
  const fmt = (r: string[]) =>
    indent +
    r
      .map((c, i) => (numericCol[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(all[0]!), indent + widths.map((w) => '─'.repeat(w)).join('  '), ...all.slice(1).map(fmt)].join('\n');
}

/** Escapes text for a Markdown table cell. */
export function mdCell(c: Cell): string {
  return String(c).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function markdownTable(header: Cell[], rows: Cell[][]): string {
  const numericCol = header.map((_, i) => i > 0 && rows.length > 0 && rows.every((r) => isNumeric(r[i] ?? '')));
  const line = (r: Cell[]) => `| ${r.map(mdCell).join(' | ')} |`;
  return [line(header), `|${header.map((_, i) => (numericCol[i] ? '---:' : '---')).join('|')}|`, ...rows.map(line)].join('\n');
}
