import type { Binding, Bindings, Expr, PyClass, PyModule } from './ast.js';
import { OTHER, toExpr } from './expressions.js';
import { docstringOf, line, nameOf, toFunction, type DefSource } from './functions.js';
import { parsePythonData, PythonLimitError } from './parser.js';
import { LIMITS } from '../../util/limits.js';
import { skeletonizeWithInfo } from './skeleton.js';
import { PyTree, treeHasError, type PyNode, type PyTreeData } from './tree.js';

/**
 * Python modules as the plain `PyModule` view: imports and top-level and class-level bindings
 * (functions, classes, assignments), walking into if/try/with blocks. Definitions are in
 * functions.ts, expressions in expressions.ts.
 */

export { toExpr } from './expressions.js';

type Node = PyNode;

/** Lines of defs whose bodies mention marks, from the skeleton (undefined: read the body). */
let markingDefs: Set<number> | undefined;
/** Lines of the original source being parsed (comments are read from it: the skeleton drops bodies). */
let sourceLines: string[] = [];
const defSource = (): DefSource => ({ markingDefs, lines: sourceLines });

/** Expressions larger than this (in characters) are not converted; they become `other`. */
const MAX_EXPR_CHARS = 2_000_000;

/**
 * A parsed Python source before it becomes a `PyModule`: the flat parse tree (of the skeleton,
 * or of the full source when the skeleton did not parse) and the skeleton's marking defs.
 * Plain data whose arrays are transferable: a worker thread makes it, the main thread reads it.
 */
export interface ParsedPython {
  source: string;
  tree: PyTreeData;
  /** Lines of defs whose blanked bodies mention marks; absent when the full source was parsed. */
  markingDefs?: Set<number>;
}

/**
 * The deepest bracket nesting of Python source (strings and comments skipped) and its line; stops
 * once past `limit`. seams' readers of expressions recurse, and a few thousand nested brackets run
 * them out of stack: such a file is refused before it is parsed (docs/limits.md).
 */
export function pythonBracketDepth(source: string, limit = Infinity): { depth: number; line: number } {
  let depth = 0;
  let best = 0;
  let line = 1;
  let bestLine = 1;
  const n = source.length;
  for (let i = 0; i < n && best <= limit; i++) {
    const c = source.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 35) {
      while (i + 1 < n && source.charCodeAt(i + 1) !== 10) i++;
    } else if (c === 39 || c === 34) {
      const q = source[i]!;
      const triple = source.startsWith(q + q + q, i);
      const close = triple ? q + q + q : q;
      let j = i + close.length;
      while (j < n) {
        const d = source.charCodeAt(j);
        if (d === 92) j += 2;
        else if (source.startsWith(close, j)) break;
        else if (d === 10 && !triple) break;
        else j++;
      }
      for (let k = i; k < j && k < n; k++) if (source.charCodeAt(k) === 10) line++;
      i = j + (j < n && source.charCodeAt(j) !== 10 ? close.length - 1 : -1);
    } else if (c === 40 || c === 91 || c === 123) {
      if (++depth > best) {
        best = depth;
        bestLine = line;
      }
    } else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
  }
  return { depth: best, line: bestLine };
}

export { PythonLimitError };

/** The expensive half of `parsePythonModule`: skeleton, tree-sitter, one cursor walk. Throws `PythonLimitError` for a source nested past the limit. */
export function parsePythonSource(source: string, options: { skeleton?: boolean } = {}): ParsedPython {
  const nesting = pythonBracketDepth(source, LIMITS.pythonNestingDepth);
  if (nesting.depth > LIMITS.pythonNestingDepth)
    throw new PythonLimitError(`brackets nested deeper than ${LIMITS.pythonNestingDepth} levels at line ${nesting.line} (the limit of docs/limits.md); not parsed`);
  if (options.skeleton === false) return { source, tree: parsePythonData(source) };
  const skel = skeletonizeWithInfo(source);
  const tree = parsePythonData(skel.text);
  // The skeleton is an optimisation only: anything it cannot handle is parsed in full.
  if (treeHasError(tree)) return { source, tree: parsePythonData(source) };
  return { source, tree, markingDefs: skel.markingDefs };
}

/**
 * Parses Python source into the plain `PyModule` view. Never throws for bad source: a syntax
 * error is reported in `syntaxError`, and whatever parsed is still returned.
 */
export function parsePythonModule(source: string, options: { skeleton?: boolean } = {}): PyModule {
  let parsed: ParsedPython;
  try {
    parsed = parsePythonSource(source, options);
  } catch (error) {
    // past the nesting limit: nothing is read of the file, and its reason is its syntax error
    if (error instanceof PythonLimitError) return { bindings: new Map(), starImports: [], syntaxError: { line: 1, message: error.message } };
    throw error;
  }
  try {
    return moduleFromParsed(parsed);
  } catch (error) {
    // a shape that nests without brackets (`a.a.a…` thousands long) can still run the readers out of stack
    if (error instanceof RangeError) return { bindings: new Map(), starImports: [], syntaxError: { line: 1, message: 'nested too deeply to read (the stack ran out; docs/limits.md); not parsed' } };
    throw error;
  }
}

/** The cheap half: the `PyModule` view of a parsed source. */
export function moduleFromParsed(parsed: ParsedPython): PyModule {
  sourceLines = parsed.source.split('\n');
  markingDefs = parsed.markingDefs;
  const tree = new PyTree(parsed.tree);
  const root = tree.rootNode;
  try {
    const module: PyModule = { bindings: new Map(), starImports: [] };
    const statements = root.namedChildren;
    const first = statements[0];
    if (first) module.docstring = docstringOf(first);
    collectStatements(statements, module.bindings, module);
    if (root.hasError) module.syntaxError = findSyntaxError(root);
    return module;
  } finally {
    sourceLines = [];
    markingDefs = undefined;
    tree.releaseNodes();
  }
}

function findSyntaxError(root: Node): { line: number; message: string } {
  let found: Node | undefined;
  const visit = (node: Node): void => {
    if (found) return;
    if (node.type === 'ERROR' || node.isMissing) {
      found = node;
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) visit(child);
  };
  visit(root);
  if (!found) return { line: 1, message: 'invalid syntax' };
  const line = found.startPosition.row + 1;
  if (found.isMissing) return { line, message: `invalid syntax: missing ${found.type}` };
  const text = found.text.split('\n')[0]!.slice(0, 40);
  return { line, message: `invalid syntax near ${JSON.stringify(text)}` };
}

function bind(bindings: Bindings, name: string, value: Binding): void {
  // Python dicts keep the first insertion position and the last value.
  if (value.kind === 'import') {
    const prev = bindings.get(name);
    if (prev) value.prev = prev;
  }
  bindings.set(name, value);
}

/** Walks module- or class-level statements, descending into if/try/with blocks. */
function collectStatements(stmts: Node[], bindings: Bindings, module: PyModule | undefined): void {
  for (const stmt of stmts) collectStatement(stmt, bindings, module);
}

function blockChildren(node: Node | null): Node[] {
  if (!node) return [];
  return node.type === 'block' ? node.namedChildren : [node];
}

function collectStatement(stmt: Node, bindings: Bindings, module: PyModule | undefined): void {
  switch (stmt.type) {
    case 'function_definition':
      bind(bindings, nameOf(stmt), toFunction(stmt, [], defSource()));
      return;
    case 'class_definition':
      bind(bindings, nameOf(stmt), toClass(stmt, []));
      return;
    case 'decorated_definition': {
      const def = stmt.childForFieldName('definition');
      if (!def) return;
      const decorators = stmt.namedChildren.filter((c) => c.type === 'decorator').map((d) => toExpr(d.namedChildren[0]));
      if (def.type === 'function_definition') bind(bindings, nameOf(def), toFunction(def, decorators, defSource()));
      else if (def.type === 'class_definition') bind(bindings, nameOf(def), toClass(def, decorators));
      return;
    }
    case 'expression_statement': {
      const e = stmt.namedChildren[0];
      if (e && e.type === 'assignment') {
        // `x = pytest.importorskip("x")` is an assignment whose value is the call.
        const right = e.childForFieldName('right');
        if (module && right?.type === 'call') noteImportorskip(right, module);
        collectAssignment(e, bindings);
      } else if (module && e?.type === 'call') noteImportorskip(e, module);
      return;
    }
    case 'import_statement':
      collectImport(stmt, bindings);
      return;
    case 'import_from_statement':
      collectFromImport(stmt, bindings, module);
      return;
    case 'if_statement':
      collectIf(stmt, bindings, module);
      return;
    case 'try_statement':
      collectTry(stmt, bindings, module);
      return;
    case 'with_statement':
      collectStatements(blockChildren(stmt.childForFieldName('body')), bindings, module);
      return;
    default:
      return;
  }
}


/** `import a.b` (binds `a`) / `import a.b as c`. */
function collectImport(stmt: Node, bindings: Bindings): void {
  for (const n of stmt.namedChildren) {
    if (n.type === 'dotted_name') {
      // `import a.b` binds `a`.
      const top = n.text.split('.')[0]!;
      bind(bindings, top, { kind: 'import', module: top, level: 0, line: line(stmt) });
    } else if (n.type === 'aliased_import') {
      const name = n.childForFieldName('name')?.text ?? '';
      const alias = n.childForFieldName('alias')?.text ?? name;
      bind(bindings, alias, { kind: 'import', module: name, level: 0, line: line(stmt) });
    }
  }
}

/** `from m import a, b as c` / `from . import *`: bindings, or a star import of the module. */
function collectFromImport(stmt: Node, bindings: Bindings, module: PyModule | undefined): void {
  const modNode = stmt.childForFieldName('module_name');
  let level = 0;
  let mod = '';
  if (modNode) {
    if (modNode.type === 'relative_import') {
      const prefix = modNode.namedChildren.find((c) => c.type === 'import_prefix');
      level = prefix ? prefix.text.length : 0;
      mod = modNode.namedChildren.find((c) => c.type === 'dotted_name')?.text ?? '';
    } else mod = modNode.text;
  }
  for (const n of stmt.namedChildren) {
    if (n === modNode || n.startIndex === modNode?.startIndex) continue;
    if (n.type === 'wildcard_import') {
      module?.starImports.push({ module: mod, level });
    } else if (n.type === 'dotted_name') {
      bind(bindings, n.text, { kind: 'import', module: mod, level, name: n.text, line: line(stmt) });
    } else if (n.type === 'aliased_import') {
      const name = n.childForFieldName('name')?.text ?? '';
      const alias = n.childForFieldName('alias')?.text ?? name;
      bind(bindings, alias, { kind: 'import', module: mod, level, name, line: line(stmt) });
    }
  }
}

/** if/elif/else: the branches are alternatives. */
function collectIf(stmt: Node, bindings: Bindings, module: PyModule | undefined): void {
  // Branches are alternatives: a name bound in several keeps the first branch's binding
  // (the "happy path": `if HAVE_X: … else: fallback`).
  const branches: Node[][] = [blockChildren(stmt.childForFieldName('consequence'))];
  for (const alt of stmt.namedChildren) {
    if (alt.type === 'elif_clause') branches.push(blockChildren(alt.childForFieldName('consequence')));
    else if (alt.type === 'else_clause') branches.push(blockChildren(alt.childForFieldName('body')));
  }
  mergeBranches(branches, bindings, module);
}

/** try/except/else/finally: the body (with else) and each handler are alternatives; finally always runs. */
function collectTry(stmt: Node, bindings: Bindings, module: PyModule | undefined): void {
  const main: Node[] = [];
  const handlers: Node[][] = [];
  const after: Node[] = [];
  for (const part of stmt.namedChildren) {
    if (part.type === 'block') main.push(...part.namedChildren);
    else if (part.type === 'except_clause' || part.type === 'except_group_clause') {
      const block = part.namedChildren.find((c) => c.type === 'block');
      if (block) handlers.push(block.namedChildren);
    } else if (part.type === 'else_clause') {
      const block = part.childForFieldName('body') ?? part.namedChildren.find((c) => c.type === 'block') ?? null;
      main.push(...blockChildren(block));
    } else if (part.type === 'finally_clause') {
      const block = part.namedChildren.find((c) => c.type === 'block') ?? null;
      after.push(...blockChildren(block));
    }
  }
  mergeBranches([main, ...handlers], bindings, module);
  collectStatements(after, bindings, module);
}

function noteImportorskip(call: Node, module: PyModule): void {
  const fn = call.childForFieldName('function');
  if (!fn || !/(^|\.)importorskip$/.test(fn.text)) return;
  const first = call.childForFieldName('arguments')?.namedChildren[0];
  const arg = first ? toExpr(first) : undefined;
  if (arg?.t !== 'str') return;
  (module.importorskips ??= []).push({ module: arg.v, line: call.startPosition.row + 1 });
}

function mergeBranches(branches: Node[][], bindings: Bindings, module: PyModule | undefined): void {
  const boundHere = new Set<string>();
  for (const branch of branches) {
    const local: Bindings = new Map();
    collectStatements(branch, local, module);
    for (const [name, b] of local) {
      if (boundHere.has(name)) continue;
      bind(bindings, name, b);
    }
    for (const name of local.keys()) boundHere.add(name);
  }
}

function collectAssignment(node: Node, bindings: Bindings): void {
  // a = b = value: the right side of the innermost assignment is the value.
  const targets: Node[] = [];
  let cur: Node | null = node;
  while (cur && cur.type === 'assignment') {
    const left = cur.childForFieldName('left');
    if (left) targets.push(left);
    cur = cur.childForFieldName('right');
  }
  if (!cur) {
    // An annotation without value (`x: int`) binds nothing.
    return;
  }
  const valueNode = cur;
  let converted: Expr | undefined;
  // Most module constants are never evaluated: convert the value on first use only.
  const getValue = () => (converted ??= valueNode.endIndex - valueNode.startIndex > MAX_EXPR_CHARS ? OTHER('too large') : toExpr(valueNode));
  for (const target of targets) {
    if (target.type === 'identifier') bind(bindings, target.text, lazyValueBinding(getValue, line(node)));
    else if (target.type === 'pattern_list' || target.type === 'tuple_pattern') {
      const value = getValue();
      if (value.t !== 'tuple' && value.t !== 'list') {
        for (const n of target.namedChildren)
          if (n.type === 'identifier') bind(bindings, n.text, { kind: 'value', expr: { t: 'other', kind: 'unpacked' }, line: line(node) });
        continue;
      }
      const names = target.namedChildren;
      if (names.length === value.items.length)
        names.forEach((n, i) => {
          if (n.type === 'identifier') bind(bindings, n.text, { kind: 'value', expr: value.items[i]!, line: line(node) });
        });
    }
  }
}

/** A value binding whose `expr` is converted from the parse tree when first read. */
function lazyValueBinding(get: () => Expr, lineNo: number): Binding {
  const b = { kind: 'value', line: lineNo } as Binding & { expr: Expr };
  Object.defineProperty(b, 'expr', {
    enumerable: true,
    configurable: true,
    get() {
      const expr = get();
      Object.defineProperty(b, 'expr', { value: expr, enumerable: true, writable: true, configurable: true });
      return expr;
    },
  });
  return b;
}

function toClass(def: Node, decorators: Expr[]): PyClass {
  const bases: Expr[] = [];
  const keywords: Record<string, Expr> = {};
  for (const a of def.childForFieldName('superclasses')?.namedChildren ?? []) {
    if (a.type === 'keyword_argument') keywords[a.childForFieldName('name')?.text ?? ''] = toExpr(a.childForFieldName('value'));
    else if (a.type !== 'comment') bases.push(toExpr(a));
  }
  const body: Bindings = new Map();
  const block = def.childForFieldName('body');
  const stmts = block?.namedChildren ?? [];
  collectStatements(stmts, body, undefined);
  return {
    kind: 'class',
    name: nameOf(def),
    line: line(def),
    decorators,
    bases,
    keywords,
    body,
    docstring: stmts[0] ? docstringOf(stmts[0]) : undefined,
  };
}

