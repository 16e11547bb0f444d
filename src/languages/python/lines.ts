/** A string- and comment-aware scanner of Python source lines, shared by the skeleton and the import scan. */

export interface LineScan {
  quote: string | null;
  depth: number;
  cont: boolean;
  /** The last significant character of the line (outside strings and comments) is `:`. */
  endsWithColon: boolean;
}

const SPECIAL = /[#'"()[\]{}\\]/g;

/**
 * Scans one physical line of Python source from a given state: an open string delimiter
 * (`'`, `"`, `'''`, `"""`) and bracket depth. Skips strings (with escapes) and comments, and says
 * whether the logical line continues (open bracket, backslash, string still open).
 */
export function scanPythonLine(line: string, quoteIn: string | null, depthIn: number): LineScan {
  let quote = quoteIn;
  let depth = depthIn;
  let i = 0;
  let codeEnd = line.length;
  const n = line.length;
  while (i < n) {
    if (quote !== null) {
      // Jump to the next backslash or quote character.
      const q = quote[0]!;
      let j = i;
      while (j < n && line[j] !== q && line[j] !== '\\') j++;
      if (j >= n) {
        i = n;
        break;
      }
      if (line[j] === '\\') {
        i = j + 2;
        continue;
      }
      if (quote.length === 1 || line.startsWith(quote, j)) {
        i = j + quote.length;
        quote = null;
      } else i = j + 1;
      continue;
    }
    SPECIAL.lastIndex = i;
    const m = SPECIAL.exec(line);
    if (!m) break;
    const k = m.index;
    const c = line[k]!;
    if (c === '#') {
      codeEnd = k;
      break;
    }
    if (c === '"' || c === "'") {
      quote = line.startsWith(c + c + c, k) ? c + c + c : c;
      i = k + quote.length;
      continue;
    }
    if (c === '\\') {
      i = k + 2;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (depth > 0) depth--;
    i = k + 1;
  }
  // Last significant character before a comment (or the end of the line).
  let e = Math.min(codeEnd, n) - 1;
  while (e >= 0 && (line[e] === ' ' || line[e] === '\t' || line[e] === '\r')) e--;
  const lastChar = e >= 0 ? line[e] : '';
  let cont = false;
  if (quote !== null && quote.length === 1) {
    // A single-quoted string cannot span lines without a backslash; recover at the line end.
    if (lastChar === '\\') cont = true;
    else quote = null;
  } else if (quote === null && codeEnd === n && lastChar === '\\') cont = true;
  return { quote, depth, cont, endsWithColon: quote === null && lastChar === ':' };
}
