/**
 * A linear, allocation-light estimate of how deeply a JS/TS file nests, read before the file is
 * handed to oxc-parser: oxc's parser is recursive native code, and a file nested a few thousand
 * levels deep overflows its stack with a SIGSEGV that no `try` can catch (it takes the whole
 * process, and a worker thread's crash too). The estimate counts, at each point of the file:
 *
 * - open brackets `(`, `[`, `{` and template substitutions `${`;
 * - within each bracket, the constructs that nest without brackets in the grammar: ternaries
 *   (`?`), arrows (`=>`), assignments, `:` (labels, object values, types), `<` opened and not
 *   closed (JSX elements, type arguments), and the keywords `new`, `if`, `else`, `for`, `while`,
 *   `do`, `with`, `await`, `yield`, `typeof`, `void`, `delete`; these counts start again at `;`
 *   and `,`, and after a closed block (unless an `else` follows).
 *
 * Strings, comments, template text and regular expression literals are skipped (a string or a
 * regular expression ends at a line break at the latest, so one mis-read slash or quote costs at
 * most one line). The estimate is an over-count for unusual but harmless code (a statement with
 * many comparisons), never far under the parser's real recursion for the shapes above.
 */
export interface NestingDepth {
  /** The deepest point's estimate. */
  depth: number;
  /** UTF-16 offset where the estimate first passed `limit` (or of the deepest point). */
  offset: number;
  /**
   * Backslashes outside strings, comments, templates and regular expressions (valid only as a
   * `\u` escape in an identifier): oxc's error recovery is quadratic in them (8,000 took a
   * second, 70,000 over a minute).
   */
  escapes: number;
}

const enum C {
  LPAREN = 40, RPAREN = 41, LBRACK = 91, RBRACK = 93, LBRACE = 123, RBRACE = 125,
  SLASH = 47, STAR = 42, BACKSLASH = 92, NL = 10, CR = 13, QUOTE = 39, DQUOTE = 34, BACKTICK = 96,
  DOLLAR = 36, SEMI = 59, COMMA = 44, QUESTION = 63, COLON = 58, EQ = 61, GT = 62, LT = 60, BANG = 33, DOT = 46, AT = 64,
}

/** Words that start a statement or declaration: the constructs before them have ended (code without semicolons). */
const STATEMENT_WORDS = new Set(['const', 'let', 'var', 'function', 'class', 'return', 'import', 'export', 'throw', 'break', 'continue', 'case', 'default', 'interface', 'type', 'enum', 'namespace', 'declare']);
/** Words that continue an expression on a new line (so no statement ended before them). */
const CONTINUE_WORDS = new Set(['else', 'instanceof', 'in', 'of', 'as', 'satisfies', 'extends', 'implements', 'keyof']);
const CHAIN_WORDS = new Set(['new', 'if', 'else', 'for', 'while', 'do', 'with', 'await', 'yield', 'typeof', 'void', 'delete']);
/** Words after which a `/` starts a regular expression (an operand is expected). */
const OPERAND_WORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

const isIdent = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127;

/**
 * The nesting estimate of `source`; stops early (returning the offset) once it passes `limit`.
 */
export function jsNestingDepth(source: string, limit = Infinity, escapeLimit = Infinity): NestingDepth {
  const n = source.length;
  // per open bracket: its kind (0 bracket, 1 template substitution) and its chain count
  const kinds: number[] = [];
  const chains: number[] = [0];
  let chainTotal = 0;
  let best = 0;
  let bestAt = 0;
  // whether the last significant token ends an operand (then `/` divides and `<` compares)
  let afterOperand = false;
  let escapes = 0;
  // the bracket level of an open JSX tag (`<A b="c"`), where `=` is an attribute's, not an assignment; -1 outside
  let jsxTag = -1;
  // a line break since the last token (code without semicolons ends statements there)
  let newline = false;
  let i = 0;
  const bump = (at: number) => {
    chains[chains.length - 1]! += 1;
    chainTotal++;
    const d = kinds.length + chainTotal;
    if (d > best) {
      best = d;
      bestAt = at;
    }
  };
  const resetChain = () => {
    chainTotal -= chains[chains.length - 1]!;
    chains[chains.length - 1] = 0;
  };
  /** Skips template text from `i` (after a backtick or a closing `}` of a substitution); returns true when a `${` opened. */
  const skipTemplate = (): boolean => {
    while (i < n) {
      const c = source.charCodeAt(i);
      if (c === C.BACKSLASH) i += 2;
      else if (c === C.BACKTICK) {
        i++;
        return false;
      } else if (c === C.DOLLAR && source.charCodeAt(i + 1) === C.LBRACE) {
        i += 2;
        return true;
      } else i++;
    }
    return false;
  };
  const open = (kind: number, at: number) => {
    kinds.push(kind);
    chains.push(0);
    const d = kinds.length + chainTotal;
    if (d > best) {
      best = d;
      bestAt = at;
    }
  };
  while (i < n) {
    if (best > limit || escapes > escapeLimit) break;
    const c = source.charCodeAt(i);
    if (c <= 32) {
      if (c === C.NL) newline = true;
      i++;
      continue;
    }
    const lineStart = newline;
    newline = false;
    if (c === C.SLASH) {
      const next = source.charCodeAt(i + 1);
      if (next === C.SLASH) {
        while (i < n && source.charCodeAt(i) !== C.NL) i++;
        continue;
      }
      if (next === C.STAR) {
        const end = source.indexOf('*/', i + 2);
        i = end < 0 ? n : end + 2;
        continue;
      }
      if (next === C.GT) {
        // `/>`: a self-closing JSX element closes
        if (chains[chains.length - 1]! > 0) {
          chains[chains.length - 1]! -= 1;
          chainTotal--;
        }
        i += 2;
        if (jsxTag === kinds.length) jsxTag = -1;
        afterOperand = true;
        continue;
      }
      if (!afterOperand) {
        // a regular expression literal: to the closing slash outside a class, or the line's end
        i++;
        let inClass = false;
        while (i < n) {
          const r = source.charCodeAt(i);
          if (r === C.BACKSLASH) i += 2;
          else if (r === C.NL || r === C.CR) break;
          else {
            i++;
            if (r === C.LBRACK) inClass = true;
            else if (r === 93) inClass = false;
            else if (r === C.SLASH && !inClass) break;
          }
        }
        afterOperand = true;
        continue;
      }
      i++;
      afterOperand = false;
      continue;
    }
    if (c === C.QUOTE || c === C.DQUOTE) {
      i++;
      while (i < n) {
        const s = source.charCodeAt(i);
        if (s === C.BACKSLASH) i += 2;
        else if (s === c) {
          i++;
          break;
        } else if (s === C.NL) break;
        else i++;
      }
      afterOperand = true;
      continue;
    }
    if (c === C.BACKTICK) {
      i++;
      if (skipTemplate()) open(1, i);
      else afterOperand = true;
      continue;
    }
    if (isIdent(c)) {
      const start = i;
      while (i < n && isIdent(source.charCodeAt(i))) i++;
      const len = i - start;
      const word = len >= 2 && len <= 10 ? source.slice(start, i) : '';
      // an operand, a line break, then a word: a new statement (automatic semicolon insertion)
      if (lineStart && afterOperand && jsxTag < 0 && !CONTINUE_WORDS.has(word)) resetChain();
      if (CHAIN_WORDS.has(word)) bump(start);
      else if (STATEMENT_WORDS.has(word) && jsxTag < 0) resetChain();
      afterOperand = !OPERAND_WORDS.has(word);
      continue;
    }
    switch (c) {
      case C.LPAREN:
      case C.LBRACK:
      case C.LBRACE:
        open(0, i);
        afterOperand = false;
        i++;
        continue;
      case C.RPAREN:
      case C.RBRACK:
      case C.RBRACE: {
        i++;
        if (!kinds.length) {
          afterOperand = true;
          continue;
        }
        const kind = kinds.pop()!;
        chainTotal -= chains.pop()!;
        if (kind === 1) {
          // back into the template's text
          if (skipTemplate()) open(1, i);
          else afterOperand = true;
          continue;
        }
        if (c === C.RBRACE) {
          // a closed block ends the constructs before it, unless an `else` continues them
          let j = i;
          while (j < n && source.charCodeAt(j) <= 32) j++;
          if (!source.startsWith('else', j)) resetChain();
        }
        afterOperand = true;
        continue;
      }
      case C.AT:
        // decorators nest: `@@@…` recursed oxc's parser out of stack like brackets
        bump(i);
        i++;
        afterOperand = false;
        continue;
      case C.BACKSLASH:
        escapes++;
        i++;
        continue;
      case C.SEMI:
      case C.COMMA:
        resetChain();
        afterOperand = false;
        i++;
        continue;
      case C.QUESTION: {
        const next = source.charCodeAt(i + 1);
        if (next === C.DOT && !(source.charCodeAt(i + 2) >= 48 && source.charCodeAt(i + 2) <= 57)) {
          i += 2; // `?.`
          afterOperand = false;
          continue;
        }
        if (next === C.QUESTION) {
          i += source.charCodeAt(i + 2) === C.EQ ? 3 : 2; // `??`, `??=`
          if (source.charCodeAt(i - 1) === C.EQ) bump(i);
          afterOperand = false;
          continue;
        }
        bump(i);
        i++;
        afterOperand = false;
        continue;
      }
      case C.COLON:
        bump(i);
        i++;
        afterOperand = false;
        continue;
      case C.EQ: {
        const next = source.charCodeAt(i + 1);
        if (next === C.GT) {
          bump(i);
          i += 2;
        } else if (next === C.EQ) {
          i += source.charCodeAt(i + 2) === C.EQ ? 3 : 2;
        } else if (jsxTag === kinds.length) {
          i++; // an attribute
        } else {
          const prev = source.charCodeAt(i - 1);
          // `=`, `+=`, `-=`, …: an assignment (not `<=`, `>=`, `!=`)
          if (prev !== C.LT && prev !== C.GT && prev !== C.BANG) bump(i);
          i++;
        }
        afterOperand = false;
        continue;
      }
      case C.LT: {
        const next = source.charCodeAt(i + 1);
        if (next === C.SLASH) {
          // `</`: a JSX element closes
          if (chains[chains.length - 1]! > 0) {
            chains[chains.length - 1]! -= 1;
            chainTotal--;
          }
          i += 2;
          afterOperand = false;
          continue;
        }
        if (next === C.LT || next === C.EQ) {
          i += 2;
          afterOperand = false;
          continue;
        }
        if (!afterOperand && (isIdent(next) && !(next >= 48 && next <= 57))) jsxTag = kinds.length;
        bump(i);
        i++;
        afterOperand = false;
        continue;
      }
      case C.GT:
        if (jsxTag === kinds.length) {
          jsxTag = -1; // the element stays open until `</` or `/>`; its children follow
          i++;
          afterOperand = false;
          continue;
        } else if (chains[chains.length - 1]! > 0) {
          // a type argument list `<…>` (or a comparison) closes
          chains[chains.length - 1]! -= 1;
          chainTotal--;
        }
        i++;
        afterOperand = true;
        continue;
      default:
        i++;
        afterOperand = c === C.RPAREN || c === C.RBRACK;
    }
  }
  return { depth: best, offset: escapes > escapeLimit ? i : bestAt, escapes };
}
