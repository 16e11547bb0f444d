import { scanPythonLine } from '../languages/python/lines.js';
import { parsePythonTree } from '../languages/python/parser.js';
import type { PyNode } from '../languages/python/tree.js';

/**
 * Python imports: parsing with tree-sitter-python. Resolving them to repo files under source
 * roots is workspace/python-roots.ts; names through package re-exports is graph/python-names.ts.
 */

export interface PyImport {
  /** 1-based line. */
  line: number;
  /** `import a.b` → `a.b`; `from ..x import y` → `x` (with level 2); `from . import y` → ''. */
  module: string;
  /** Number of leading dots (0 = absolute). */
  level: number;
  /** For `from … import a, b`: the imported names; empty for `import …` and `*`. */
  names: string[];
  from: boolean;
  /**
   * The local names bound, when one differs from the imported name: `import a.b as c` → `['c']`;
   * `from m import a as x, b` → `['x', 'b']` (parallel to `names`). Absent when nothing is renamed.
   */
  as?: string[];
  /** `from m import *`. */
  star?: true;
  /**
   * Where the statement sits. Absent: module level (also in a class body, `try`, an ordinary
   * `if`, or the `else` of `if TYPE_CHECKING:`). `function`: inside a def / async def at any
   * depth, so it runs only when the function runs. `type-checking`: in the body of
   * `if TYPE_CHECKING:` (any `X.TYPE_CHECKING`, or the `else` of `if not TYPE_CHECKING:`), so it
   * never runs.
   */
  scope?: 'function' | 'type-checking';
}

/** What the name resolver needs of a module: its imports, its own top-level names and `__all__`. */
export interface PyModuleOutline {
  imports: PyImport[];
  /** Names bound at module level by def, class or assignment (not by imports), in no order. */
  defined: string[];
  /** `__all__` when it is a literal list/tuple of strings (with `+=` literals added); absent otherwise. */
  all?: string[];
}

/**
 * The import statements of a module, cut out at their own line numbers with everything else
 * blanked, so tree-sitter parses a few lines instead of the whole file (parsing whole files is
 * ~2 MB/s; a big repo's graph would take seconds). A statement starts a logical line with
 * `import`/`from` outside a triple-quoted string and runs while brackets are open or a line
 * ends in a backslash.
 */
export function importSkeleton(source: string): string {
  return skeletonOf(source).text;
}

/** The skeleton, and whether an import sits on an indented line (then only the full tree tells its block). */
function skeletonOf(source: string): { text: string; nested: boolean } {
  if (!source.includes('import')) return { text: '', nested: false };
  const lines = source.split(/\r?\n/);
  const out: string[] = new Array(lines.length).fill('');
  let triple: string | null = null;
  let found = false;
  let nested = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const head = triple === null ? /^\s*(?:(?:try|else|finally|except\b[^:]*|(?:el)?if\b[^:]*):\s*)?(?=(?:import|from)\s)/.exec(line) : null;
    if (head) {
      if (/^\s/.test(line)) nested = true;
      let depth = 0;
      let j = i;
      for (;;) {
        const text = lines[j]!;
        const code = text.replace(/#.*$/, '');
        for (const ch of code) depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
        out[j] = j === i ? text.slice(head[0].length) : text;
        if ((depth > 0 || /\\\s*$/.test(code)) && j + 1 < lines.length) j++;
        else break;
      }
      found = true;
      i = j;
      continue;
    }
    triple = updateTriple(line, triple);
  }
  return { text: found ? out.join('\n') : '', nested };
}

/**
 * Whether a line leaves us inside a triple-quoted string: comments and single-line strings
 * (with escapes) are skipped so quotes inside them do not count.
 */
function updateTriple(line: string, open: string | null): string | null {
  const { quote } = scanPythonLine(line, open, 0);
  return quote !== null && quote.length === 3 ? quote : null;
}

/**
 * Every import statement of a module, also those nested in functions, `try` and
 * `if TYPE_CHECKING`, each with its `scope`. The skeleton is parsed when every import starts a
 * line at column 0 and the file never says `TYPE_CHECKING` (then all are module level); else the
 * whole file is parsed, so the tree says which block holds each import.
 */
export function parsePythonImports(fullSource: string): PyImport[] {
  if (!fullSource.includes('import')) return dynamicImports(fullSource);
  const dynamic = dynamicImports(fullSource);
  // An indented import line (or one in a docstring: that only costs the slower path) or a
  // mention of TYPE_CHECKING: the block of each import matters. Parse the imports with every
  // compound statement header kept (def, class, if, try, with, …); when that reduced text does
  // not parse cleanly, the whole file.
  if (NESTED_IMPORT.test(fullSource) || fullSource.includes('TYPE_CHECKING')) {
    let root = rootOf(blockSkeleton(fullSource));
    if (root.hasError) root = rootOf(fullSource);
    return withDynamic(importsOfTree(root), dynamic);
  }
  const { text } = skeletonOf(fullSource);
  return text ? withDynamic(importsOfTree(rootOf(text)), dynamic) : dynamic;
}

const NESTED_IMPORT = /^[ \t]+(?:import|from)[ \t]/m;

const rootOf = (source: string): PyNode => parsePythonTree(source).rootNode;

const COMPOUND = /^([ \t]*)(?:async[ \t]+)?(def|class|if|elif|else|try|except|finally|with|for|while|match|case)\b/;
const IMPORT_LINE = /^[ \t]*(?:(?:try|else|finally|except\b[^:]*|(?:el)?if\b[^:]*):[ \t]*)?(?:import|from)[ \t]/;

/** The stand-in header of a compound statement whose own text does not matter (only its kind does). */
const STAND_IN: Record<string, string> = {
  def: 'def _():',
  class: 'class _:',
  if: 'if _:',
  elif: 'elif _:',
  else: 'else:',
  try: 'try:',
  except: 'except _:',
  finally: 'finally:',
  with: 'with _:',
  for: 'for _ in _:',
  while: 'while _:',
};

/**
 * The source with only import statements and the compound statement headers that enclose them
 * kept at their line numbers, everything else blank: enough for tree-sitter to tell which def /
 * class / `if TYPE_CHECKING:` holds each import, at a fraction of the bytes and nodes. A header
 * is kept when an import sits in its block (by indentation, which tree-sitter then checks: a
 * reduced text that does not parse cleanly makes the caller parse the whole file), together with
 * the other clauses of its statement (`elif`/`else`/`except`/`finally`), so the text stays
 * valid. A header keeps its own text (with continuation lines) only where the text matters — an
 * `if`/`elif` that mentions `TYPE_CHECKING`, `match`/`case` — and is otherwise a stand-in of its
 * kind on its first line (`def _():`, `if _:`, `try:`, …). A kept header whose body keeps nothing
 * gets ` ...` after its colon.
 */
export function blockSkeleton(source: string): string {
  const lines = source.split(/\r?\n/);
  interface Item {
    first: number;
    last: number;
    indent: number;
    /** The compound keyword of a header; undefined for an import. */
    keyword?: string;
    /** The header's own text matters (kept verbatim). */
    verbatim?: boolean;
    quoteIn: string | null;
    depthIn: number;
    /** The statement a clause belongs to (its first header); itself for a first header. */
    group?: Item;
    needed?: boolean;
  }
  const items: Item[] = [];
  for (let i = 0; i < lines.length; ) {
    // a logical line starts here (outside strings and brackets)
    const first = i;
    const line = lines[i]!;
    const isImport = IMPORT_LINE.test(line);
    const header = isImport ? null : COMPOUND.exec(line);
    let scan = scanPythonLine(line, null, 0);
    let lastQuote: string | null = null;
    let lastDepth = 0;
    let mentionsFlag = line.includes('TYPE_CHECKING');
    i++;
    while ((scan.cont || scan.depth > 0 || (scan.quote !== null && scan.quote.length === 3)) && i < lines.length) {
      lastQuote = scan.quote;
      lastDepth = scan.depth;
      if (header) mentionsFlag ||= lines[i]!.includes('TYPE_CHECKING');
      scan = scanPythonLine(lines[i]!, scan.quote, scan.depth);
      i++;
    }
    const indent = (header?.[1] ?? /^[ \t]*/.exec(line)![0]).length;
    const state = { quoteIn: i - 1 === first ? null : lastQuote, depthIn: i - 1 === first ? 0 : lastDepth };
    if (isImport) items.push({ first, last: i - 1, indent, ...state });
    else if (header && scan.endsWithColon) {
      const keyword = header[2]!;
      const verbatim = !STAND_IN[keyword] || ((keyword === 'if' || keyword === 'elif') && mentionsFlag);
      items.push({ first, last: i - 1, indent, keyword, verbatim, ...state });
    }
  }
  // Open headers by indentation: an import needs every header enclosing it, and a needed clause
  // needs the whole statement.
  const open: Item[] = [];
  for (const item of items) {
    while (open.length && open[open.length - 1]!.indent > item.indent) open.pop();
    const top = open[open.length - 1];
    if (item.keyword && CLAUSE.has(item.keyword) && top?.indent === item.indent && top.keyword) item.group = top.group ?? top;
    else item.group = item.keyword ? item : undefined;
    while (open.length && open[open.length - 1]!.indent >= item.indent) open.pop();
    if (!item.keyword) for (const h of open) h.needed = true;
    else open.push(item);
  }
  for (const item of items) if (item.needed && item.group) item.group.needed = true;
  const out: string[] = new Array(lines.length).fill('');
  const kept = items.filter((item) => !item.keyword || item.group?.needed);
  kept.forEach((item, k) => {
    if (item.keyword && !item.verbatim) out[item.first] = `${' '.repeat(item.indent)}${STAND_IN[item.keyword]}`;
    else for (let j = item.first; j <= item.last; j++) out[j] = lines[j]!;
    if (!item.keyword) return;
    // a header whose next kept statement is not deeper has an empty body
    const next = kept[k + 1];
    if (next && next.indent > item.indent) return;
    const at = item.verbatim ? item.last : item.first;
    const text = out[at]!;
    const cut = item.verbatim ? commentStart(text, item.quoteIn, item.depthIn) : text.length;
    out[at] = `${text.slice(0, cut).replace(/[ \t]+$/, '')} ...${cut < text.length ? ` ${text.slice(cut)}` : ''}`;
  });
  return out.join('\n');
}

const CLAUSE = new Set(['elif', 'else', 'except', 'finally']);

/** Where a line's comment starts (its length when it has none), given the state it starts in. */
function commentStart(line: string, quote: string | null, depth: number): number {
  for (let p = line.indexOf('#'); p >= 0; p = line.indexOf('#', p + 1)) {
    const s = scanPythonLine(line.slice(0, p), quote, depth);
    if (s.quote === null) return p;
  }
  return line.length;
}

/** The outline of a module (imports, defined names, `__all__`), from a parse of the whole file. */
export function parsePythonOutline(fullSource: string): PyModuleOutline {
  const root = rootOf(fullSource);
  const imports = withDynamic(importsOfTree(root), dynamicImports(fullSource));
  const defined = new Set<string>();
  let all: string[] | undefined;
  let allBroken = false;
  const strings = (n: PyNode | null): string[] | undefined => {
    if (!n || (n.type !== 'list' && n.type !== 'tuple')) return undefined;
    const out: string[] = [];
    for (const c of n.namedChildren) {
      if (c.type !== 'string') return undefined;
      const content = c.namedChildren.filter((x) => x.type === 'string_content');
      if (c.namedChildren.some((x) => x.type === 'interpolation')) return undefined;
      out.push(content.map((x) => x.text).join(''));
    }
    return out;
  };
  const bind = (n: PyNode | null) => {
    if (!n) return;
    if (n.type === 'identifier') defined.add(n.text);
    else if (['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list'].includes(n.type)) for (const c of n.namedChildren) bind(c);
    else if (n.type === 'list_splat_pattern' || n.type === 'list_splat') bind(n.namedChildren[0] ?? null);
  };
  const walk = (block: PyNode) => {
    for (const st of block.namedChildren) {
      switch (st.type) {
        case 'function_definition':
        case 'class_definition':
          bind(st.childForFieldName('name'));
          break;
        case 'decorated_definition':
          bind(st.childForFieldName('definition')?.childForFieldName('name') ?? null);
          break;
        case 'expression_statement':
          for (const e of st.namedChildren) {
            if (e.type === 'assignment') {
              // a = b = 1 nests assignments on the right
              for (let a: PyNode | null = e; a && a.type === 'assignment'; a = a.childForFieldName('right')) {
                const left = a.childForFieldName('left');
                if (left?.type === 'identifier' && left.text === '__all__') {
                  const value = strings(a.childForFieldName('right'));
                  if (value) all = value;
                  else allBroken = true;
                } else bind(left);
              }
            } else if (e.type === 'augmented_assignment') {
              const left = e.childForFieldName('left');
              if (left?.type === 'identifier' && left.text === '__all__') {
                const value = strings(e.childForFieldName('right'));
                if (value && all) all = [...all, ...value];
                else allBroken = true;
              } else bind(left);
            }
          }
          break;
        case 'if_statement': {
          const type = typeCheckingOf(st.childForFieldName('condition'));
          const consequence = st.childForFieldName('consequence');
          if (consequence && type !== 'consequence') walk(consequence);
          for (const alt of st.childrenForFieldName('alternative')) {
            if (alt.type === 'else_clause' && type === 'alternative') continue;
            const body = alt.childForFieldName('body') ?? alt.childForFieldName('consequence');
            if (body) walk(body);
          }
          break;
        }
        case 'try_statement':
        case 'with_statement':
        case 'for_statement':
        case 'while_statement':
          for (const c of st.namedChildren) {
            if (c.type === 'block') walk(c);
            else {
              const body = c.childForFieldName('body');
              if (body?.type === 'block') walk(body);
              else for (const b of c.namedChildren) if (b.type === 'block') walk(b);
            }
          }
          break;
        default:
      }
    }
  };
  walk(root);
  return { imports, defined: [...defined], ...(all && !allBroken ? { all } : {}) };
}

/**
 * Which branch of an `if` runs only under a type checker: `if TYPE_CHECKING:` (bare, or any
 * `X.TYPE_CHECKING`, as `typing.` or `t.`) → its consequence; `if not TYPE_CHECKING:` → its else.
 */
function typeCheckingOf(condition: PyNode | null): 'consequence' | 'alternative' | null {
  if (!condition) return null;
  let c = condition;
  while (c.type === 'parenthesized_expression' && c.namedChildren.length === 1) c = c.namedChildren[0]!;
  const isFlag = (n: PyNode | null): boolean =>
    !!n && ((n.type === 'identifier' && n.text === 'TYPE_CHECKING') || (n.type === 'attribute' && n.childForFieldName('attribute')?.text === 'TYPE_CHECKING'));
  if (isFlag(c)) return 'consequence';
  if (c.type === 'not_operator' && isFlag(c.childForFieldName('argument'))) return 'alternative';
  return null;
}

/** The scope of a node: the innermost def wins over everything; a type-checking branch outside it counts too. */
function scopeOf(node: PyNode): PyImport['scope'] {
  let prev = node;
  let typeOnly = false;
  for (let p = node.parent; p; prev = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda') return typeOnly ? 'type-checking' : 'function';
    if (p.type === 'if_statement') {
      const which = typeCheckingOf(p.childForFieldName('condition'));
      // by id, not object identity (the native binding's node objects are not unique per node)
      if (which === 'consequence' && prev.id === p.childForFieldName('consequence')?.id) typeOnly = true;
      else if (which === 'alternative' && prev.type === 'else_clause') typeOnly = true;
    }
  }
  return typeOnly ? 'type-checking' : undefined;
}

function importsOfTree(root: PyNode): PyImport[] {
  const out: PyImport[] = [];
  const dotted = (n: PyNode | null): string => {
    if (!n) return '';
    if (n.type === 'aliased_import') return dotted(n.childForFieldName('name'));
    return n.text.replace(/\s+/g, '');
  };
  const alias = (n: PyNode): string | undefined => (n.type === 'aliased_import' ? n.childForFieldName('alias')?.text : undefined);
  for (const node of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    const line = node.startPosition.row + 1;
    const scope = scopeOf(node);
    const extra = scope ? { scope } : {};
    if (node.type === 'import_statement') {
      for (const n of node.childrenForFieldName('name')) {
        const module = dotted(n);
        const as = alias(n);
        if (module) out.push({ line, module, level: 0, names: [], from: false, ...(as ? { as: [as] } : {}), ...extra });
      }
      continue;
    }
    const moduleNode = node.childForFieldName('module_name');
    if (!moduleNode) continue;
    let level = 0;
    let module = '';
    if (moduleNode.type === 'relative_import') {
      for (const c of moduleNode.namedChildren) {
        if (c.type === 'import_prefix') level = c.text.replace(/\s+/g, '').length;
        else if (c.type === 'dotted_name') module = dotted(c);
      }
    } else module = dotted(moduleNode);
    const nameNodes = node.childrenForFieldName('name');
    const names = nameNodes.map(dotted).filter(Boolean);
    const as = nameNodes.map((n) => alias(n) ?? dotted(n)).filter(Boolean);
    const renamed = as.some((a, i) => a !== names[i]);
    const star = node.namedChildren.some((c) => c.type === 'wildcard_import');
    out.push({ line, module, level, names, from: true, ...(renamed ? { as } : {}), ...(star ? { star: true as const } : {}), ...extra });
  }
  return out;
}

function withDynamic(imports: PyImport[], dynamic: PyImport[]): PyImport[] {
  if (dynamic.length) imports.push(...dynamic);
  return imports.sort((a, b) => a.line - b.line);
}
/** `importlib.import_module("a.b")` and `__import__("a")` with a literal absolute name. */
function dynamicImports(source: string): PyImport[] {
  const out: PyImport[] = [];
  // pytest_plugins = ["tests.fixtures.db", …] in a conftest.py / test module loads those modules
  const plugins = /^pytest_plugins\s*=\s*([[(]?)/m.exec(source);
  if (plugins) {
    const start = plugins.index + plugins[0].length;
    const end = plugins[1] ? source.indexOf(plugins[1] === '[' ? ']' : ')', start) : source.indexOf('\n', start);
    const body = source.slice(start, end < 0 ? undefined : end);
    const line = source.slice(0, plugins.index).split('\n').length;
    for (const m of body.matchAll(/(['"])([A-Za-z_][\w.]*)\1/g)) out.push({ line, module: m[2]!, level: 0, names: [], from: false });
  }
  if (!source.includes('import_module(') && !source.includes('__import__(')) return out;
  const re = /\b(?:import_module|__import__)\(\s*(['"])([A-Za-z_][\w.]*)\1/g;
  for (const m of source.matchAll(re)) {
    let line = 1;
    for (let i = source.indexOf('\n'); i >= 0 && i < m.index; i = source.indexOf('\n', i + 1)) line++;
    out.push({ line, module: m[2]!, level: 0, names: [], from: false });
  }
  return out;
}
