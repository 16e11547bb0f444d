/** A string- and comment-aware scanner of Python source lines, shared by the skeleton and the import scan. */

export interface LineScan {
  quote: string | null;
  depth: number;
  cont: boolean;
  /** The last significant character of the line (outside strings and comments) is `:`. */
  endsWithColon: boolean;
}

/** Characters that matter outside strings: # ' " ( ) [ ] { } \\ (by char code). */
const SPECIAL = new Uint8Array(128);
for (const c of `#'"()[]{}\\`) SPECIAL[c.charCodeAt(0)] = 1;

const HASH = 35;
const DQ = 34;
const SQ = 39;
const BACKSLASH = 92;

/**
 * Scans one physical line of Python source from a given state: an open string delimiter
 * (`'`, `"`, `'''`, `"""`) and bracket depth. Skips strings (with escapes) and comments, and says
 * whether the logical line continues (open bracket, backslash, string still open).
 * (A char-code loop: the skeleton runs it over every line of every parsed file.)
 */
export function scanPythonLine(line: string, quoteIn: string | null, depthIn: number): LineScan {
  let quote = quoteIn;
  let depth = depthIn;
  let i = 0;
  const n = line.length;
  let codeEnd = n;
  while (i < n) {
    if (quote !== null) {
      // Jump to the next backslash or quote character.
      const q = quote.charCodeAt(0);
      let j = i;
      let c = 0;
      while (j < n) {
        c = line.charCodeAt(j);
        if (c === q || c === BACKSLASH) break;
        j++;
      }
      if (j >= n) {
        i = n;
        break;
      }
      if (c === BACKSLASH) {
        i = j + 2;
        continue;
      }
      if (quote.length === 1 || (line.charCodeAt(j + 1) === q && line.charCodeAt(j + 2) === q)) {
        i = j + quote.length;
        quote = null;
      } else i = j + 1;
      continue;
    }
    let k = i;
    let c = 0;
    while (k < n) {
      c = line.charCodeAt(k);
      if (c < 128 && SPECIAL[c] === 1) break;
      k++;
    }
    if (k >= n) break;
    if (c === HASH) {
      codeEnd = k;
      break;
    }
    if (c === DQ || c === SQ) {
      const triple = line.charCodeAt(k + 1) === c && line.charCodeAt(k + 2) === c;
      quote = c === DQ ? (triple ? '"""' : '"') : triple ? "'''" : "'";
      i = k + quote.length;
      continue;
    }
    if (c === BACKSLASH) {
      i = k + 2;
      continue;
    }
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (depth > 0) depth--;
    i = k + 1;
  }
  // Last significant character before a comment (or the end of the line).
  let e = Math.min(codeEnd, n) - 1;
  while (e >= 0) {
    const c = line.charCodeAt(e);
    if (c !== 32 && c !== 9 && c !== 13) break;
    e--;
  }
  const last = e >= 0 ? line.charCodeAt(e) : -1;
  let cont = false;
  if (quote !== null && quote.length === 1) {
    // A single-quoted string cannot span lines without a backslash; recover at the line end.
    if (last === BACKSLASH) cont = true;
    else quote = null;
  } else if (quote === null && codeEnd === n && last === BACKSLASH) cont = true;
  return { quote, depth, cont, endsWithColon: quote === null && last === 58 };
}
