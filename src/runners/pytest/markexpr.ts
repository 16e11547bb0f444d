/**
 * pytest's `-m` / `-k` expression language (`_pytest.mark.expression`):
 *   expr := and ('or' and)* ; and := not ('and' not)* ; not := 'not' not | '(' expr ')' | ident [ '(' kwargs ')' ]
 * Keyword arguments on marker names (`-m "device(serial='123')"`) are accepted and ignored.
 */

type Token = { kind: 'lparen' | 'rparen' | 'or' | 'and' | 'not' | 'ident' | 'eof' | 'other'; value: string };

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\()|(\))|([\w:+\-.[\]\\/]+)|(\S))/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(input)) && m[0] !== '') {
    if (m[1]) out.push({ kind: 'lparen', value: '(' });
    else if (m[2]) out.push({ kind: 'rparen', value: ')' });
    else if (m[3]) {
      const v = m[3];
      out.push({ kind: v === 'or' || v === 'and' || v === 'not' ? v : 'ident', value: v });
    } else if (m[4]) out.push({ kind: 'other', value: m[4] });
    if (re.lastIndex >= input.length) break;
  }
  out.push({ kind: 'eof', value: '' });
  return out;
}

const tokenCache = new Map<string, Token[]>();

function evaluate(input: string, matcher: (ident: string) => boolean): boolean {
  let tokens = tokenCache.get(input);
  if (!tokens) {
    tokens = tokenize(input);
    if (tokenCache.size < 100) tokenCache.set(input, tokens);
  }
  let pos = 0;
  const peek = () => tokens[pos]!;
  const next = () => tokens[pos++]!;
  const expr = (): boolean => {
    let v = and();
    while (peek().kind === 'or') {
      next();
      const r = and();
      v = v || r;
    }
    return v;
  };
  const and = (): boolean => {
    let v = not();
    while (peek().kind === 'and') {
      next();
      const r = not();
      v = v && r;
    }
    return v;
  };
  const not = (): boolean => {
    const t = next();
    if (t.kind === 'not') return !not();
    if (t.kind === 'lparen') {
      const v = expr();
      if (peek().kind === 'rparen') next();
      return v;
    }
    if (t.kind === 'ident') {
      // Marker keyword arguments: skip a balanced (...) group.
      if (peek().kind === 'lparen') {
        let depth = 0;
        do {
          const k = next().kind;
          if (k === 'lparen') depth++;
          else if (k === 'rparen') depth--;
          else if (k === 'eof') break;
        } while (depth > 0);
      }
      return matcher(t.value);
    }
    return true;
  };
  if (peek().kind === 'eof') return true;
  return expr();
}

/** `-m`: identifiers are marker names, matched exactly. */
export function evaluateMarkExpr(expr: string, hasMark: (name: string) => boolean): boolean {
  return evaluate(expr, hasMark);
}

/** `-k`: identifiers match case-insensitively as substrings of the item's names and keywords. */
export function evaluateKeywordExpr(expr: string, matches: (keyword: string) => boolean): boolean {
  return evaluate(expr, matches);
}
