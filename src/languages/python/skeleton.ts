import { scanPythonLine as scanLine } from './lines.js';

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
  return skeletonizeWithInfo(source).text;
}

/** Mentions of marks in a skipped body: a decorator factory that applies marks at import time. */
const MARK_MENTION = /pytest\.mark|\bparametrize\b/;

/**
 * The skeleton, plus the (1-based) lines of the `def`s whose blanked bodies mention pytest marks
 * (`pytest.mark…`, `parametrize`).
 */
export function skeletonizeWithInfo(source: string): { text: string; markingDefs: Set<number> } {
  const markingDefs = new Set<number>();
  let defLine = 0;
  let bodyDefLine = 0;
  const lines = source.split('\n');
  const out = lines.slice();
  const bodyDefOf: number[] = [];
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

  /** Lines blanked or replaced (only they are searched for mark mentions). */
  const changed: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const atStart = quote === null && depth === 0 && !cont;
    if (atStart) {
      keeping = false;
      let indent = 0;
      let c = line.charCodeAt(0);
      while (c === 32 || c === 9) c = line.charCodeAt(++indent);
      // Blank, `\r` only, or a comment line.
      if (indent === line.length || c === HASH || (c === CR && indent === line.length - 1)) {
        // Comment lines are not attributed to a body (they may sit between two defs).
        if (skipIndent >= 0 && line !== '') {
          out[i] = '';
          changed.push(i);
        }
        continue;
      }
      // Tabs count as advancing to the next multiple of 8, as in CPython.
      const width = indentWidth(line, indent);
      if (skipIndent >= 0) {
        if (width > skipIndent) {
          if (bodyFirst) {
            bodyFirst = false;
            DOCSTRING_START.lastIndex = indent;
            if (DOCSTRING_START.test(line)) keeping = true;
            else {
              out[i] = `${line.slice(0, indent)}pass`;
              changed.push(i);
            }
          } else {
            out[i] = '';
            changed.push(i);
          }
          bodyDefOf[i] = bodyDefLine;
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
      if (skipIndent < 0 && (c === 100 || c === 97)) {
        DEF_START.lastIndex = indent;
        if (DEF_START.test(line)) {
          headerIndent = width;
          defLine = i + 1;
        }
      }
    } else if (skipIndent >= 0 && !keeping) {
      if (line !== '') {
        out[i] = '';
        changed.push(i);
      }
      bodyDefOf[i] = bodyDefLine;
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
        bodyDefLine = defLine;
      }
      headerIndent = -1;
    }
    if (logicalEnd && keeping) keeping = false;
  }
  for (const i of changed) if (MARK_MENTION.test(lines[i]!)) markingDefs.add(bodyDefOf[i] ?? 0);
  markingDefs.delete(0);
  return { text: out.join('\n'), markingDefs };
}

const HASH = 35;
const CR = 13;
/** A def statement at the scan position (`lastIndex`). */
const DEF_START = /(async[ \t]+)?def[ \t(]/y;
/** A string literal at the scan position: the first statement of a body is a docstring. */
const DOCSTRING_START = /[rRuUbBfF]{0,2}("""|\'\'\'|"|\')/y;

function indentWidth(line: string, indent: number): number {
  let w = 0;
  for (let i = 0; i < indent; i++) w = line[i] === '\t' ? (Math.floor(w / 8) + 1) * 8 : w + 1;
  return w;
}
