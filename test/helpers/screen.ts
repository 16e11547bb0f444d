/** The screen a terminal shows after `out`: \n, \r, cursor up (ESC[nA) and erase to the end (ESC[J). */
export function screen(out: string): string[] {
  const rows: string[] = [''];
  let row = 0;
  let col = 0;
  for (let i = 0; i < out.length; i++) {
    const ch = out[i]!;
    if (ch === '\x1b') {
      const m = /^\x1b\[(\d*)([A-Za-z])/.exec(out.slice(i));
      if (!m) continue;
      i += m[0].length - 1;
      if (m[2] === 'A') row = Math.max(0, row - Number(m[1] || 1));
      else if (m[2] === 'J') {
        rows[row] = rows[row]!.slice(0, col);
        rows.length = row + 1;
      } else if (m[2] === 'K') rows[row] = m[1] === '2' ? '' : rows[row]!.slice(0, col);
      continue;
    }
    if (ch === '\n') {
      row++;
      col = 0;
      if (rows.length <= row) rows.push('');
    } else if (ch === '\r') col = 0;
    else {
      const line = rows[row]!;
      rows[row] = line.slice(0, col) + ch + line.slice(col + 1);
      col++;
    }
  }
  while (rows.length && rows[rows.length - 1] === '') rows.pop();
  return rows;
}
