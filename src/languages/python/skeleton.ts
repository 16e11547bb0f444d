/**
 * Blanks out function bodies before parsing. Test discovery never looks inside a function body
 * (except for its docstring), and bodies are most of the bytes of a Python file, so tree-sitter
 * gets a "skeleton" with the same line numbers: each body becomes its docstring or `pass`, the
 * remaining body lines become empty lines. The scan tracks strings, brackets, comments and
 * backslash continuations so that only real `def` statements are recognised.
 *
 * The caller must fall back to the full source when the skeleton does not parse cleanly.
 */
export function skeletonize(source: string): string {
  const lines = source.split('\n');
  const out = lines.slice();
  let quote: string | null = null; // open string delimiter: ' " ''' """
  let depth = 0;
  let cont = false;
  /** Indentation of the def whose body is being skipped. */
  let skipIndent = -1;
  /** At the first logical line of a body being skipped. */
  let bodyFirst = false;
  /** Keeping the current logical line (a docstring) inside a skipped body. */
  let keeping = false;
  /** A def header is being read; its indentation. */
  let headerIndent = -1;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const atStart = quote === null && depth === 0 && !cont;
    if (atStart) {
      keeping = false;
      let indent = 0;
      while (indent < line.length && (line[indent] === ' ' || line[indent] === '\t')) indent++;
      const rest = line.slice(indent);
      if (rest === '' || rest === '\r' || rest.startsWith('#')) {
        if (skipIndent >= 0) out[i] = '';
        continue;
      }
      // Tabs count as advancing to the next multiple of 8, as in CPython.
      const width = indentWidth(line, indent);
      if (skipIndent >= 0) {
        if (width > skipIndent) {
          if (bodyFirst) {
            bodyFirst = false;
            if (/^[rRuUbBfF]{0,2}("""|'''|"|')/.test(rest)) keeping = true;
            else out[i] = `${line.slice(0, indent)}pass`;
          } else out[i] = '';
          if (!keeping) {
            // Track strings/brackets of the blanked line so its continuation lines are recognised.
            ({ quote, depth, cont } = scanLine(line, quote, depth));
            continue;
          }
        } else {
          skipIndent = -1;
          bodyFirst = false;
        }
      }
      if (skipIndent < 0 && /^(async[ \t]+)?def[ \t(]/.test(rest)) headerIndent = width;
    } else if (skipIndent >= 0 && !keeping) {
      out[i] = '';
    }
    const scanned = scanLine(line, quote, depth);
    quote = scanned.quote;
    depth = scanned.depth;
    cont = scanned.cont;
    const logicalEnd = quote === null && depth === 0 && !cont;
    if (logicalEnd && headerIndent >= 0) {
      if (scanned.endsWithColon) {
        skipIndent = headerIndent;
        bodyFirst = true;
      }
      headerIndent = -1;
    }
    if (logicalEnd && keeping) keeping = false;
  }
  return out.join('\n');
}

function indentWidth(line: string, indent: number): number {
  let w = 0;
  for (let i = 0; i < indent; i++) w = line[i] === '\t' ? (Math.floor(w / 8) + 1) * 8 : w + 1;
  return w;
}

interface ScanState {
  quote: string | null;
  depth: number;
  cont: boolean;
  /** The last significant character of the line (outside strings and comments) is `:`. */
  endsWithColon: boolean;
}

function scanLine(line: string, quoteIn: string | null, depthIn: number): ScanState {
  let quote = quoteIn;
  let depth = depthIn;
  let last = '';
  let raw = false;
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i]!;
    if (quote !== null) {
      if (c === '\\' && !raw) {
        i += 2;
        continue;
      }
      if (c === '\\' && raw) {
        // In raw strings a backslash still prevents the next quote from closing the string.
        i += 2;
        continue;
      }
      if (line.startsWith(quote, i)) {
        i += quote.length;
        quote = null;
        last = '"';
        continue;
      }
      i++;
      continue;
    }
    if (c === '#') break;
    if (c === '"' || c === "'") {
      // String prefix letters just before the quote decide raw-ness.
      let j = i - 1;
      let prefix = '';
      while (j >= 0 && /[rRbBuUfFtT]/.test(line[j]!)) prefix = line[j--]! + prefix;
      if (j >= 0 && /[\w]/.test(line[j]!)) prefix = '';
      raw = /[rR]/.test(prefix);
      const triple = line.startsWith(c.repeat(3), i);
      quote = triple ? c.repeat(3) : c;
      i += quote.length;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    if (c !== ' ' && c !== '\t' && c !== '\r') last = c;
    i++;
  }
  // A single-quoted string cannot span lines without a backslash; recover at the line end.
  let cont = false;
  const trimmed = line.replace(/[ \t\r]+$/, '');
  if (quote !== null && quote.length === 1) {
    if (trimmed.endsWith('\\')) cont = true;
    else quote = null;
  } else if (quote === null && trimmed.endsWith('\\') && !line.slice(0, line.length).includes('#')) cont = true;
  else if (quote === null && trimmed.endsWith('\\')) cont = !/#/.test(stripStrings(trimmed));
  return { quote, depth, cont, endsWithColon: last === ':' };
}

function stripStrings(s: string): string {
  return s.replace(/(['"])(?:\\.|(?!\1).)*\1/g, '');
}
