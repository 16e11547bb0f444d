import { scanPythonLine } from '../languages/python/lines.js';
import { parsePythonTree } from '../languages/python/parser.js';
import type { PyNode } from '../languages/python/tree.js';

/**
 * Python imports: parsing with tree-sitter-python. Resolving them to repo files under source
 * roots is workspace/python-roots.ts.
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
}


/**
 * The import statements of a module, cut out at their own line numbers with everything else
 * blanked, so tree-sitter parses a few lines instead of the whole file (parsing whole files is
 * ~2 MB/s; a big repo's graph would take seconds). A statement starts a logical line with
 * `import`/`from` outside a triple-quoted string and runs while brackets are open or a line
 * ends in a backslash.
 */
export function importSkeleton(source: string): string {
  if (!source.includes('import')) return '';
  const lines = source.split(/\r?\n/);
  const out: string[] = new Array(lines.length).fill('');
  let triple: string | null = null;
  let found = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const head = triple === null ? /^\s*(?:(?:try|else|finally|except\b[^:]*|(?:el)?if\b[^:]*):\s*)?(?=(?:import|from)\s)/.exec(line) : null;
    if (head) {
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
  return found ? out.join('\n') : '';
}

/**
 * Whether a line leaves us inside a triple-quoted string: comments and single-line strings
 * (with escapes) are skipped so quotes inside them do not count.
 */
function updateTriple(line: string, open: string | null): string | null {
  const { quote } = scanPythonLine(line, open, 0);
  return quote !== null && quote.length === 3 ? quote : null;
}

/** Every import statement of a module, also those nested in functions, `try` and `if TYPE_CHECKING`. */
export function parsePythonImports(fullSource: string): PyImport[] {
  const dynamic = dynamicImports(fullSource);
  const source = importSkeleton(fullSource);
  if (!source) return dynamic;
  const tree = parsePythonTree(source);
  const out: PyImport[] = [];
  for (const node of tree.rootNode.descendantsOfType(['import_statement', 'import_from_statement'])) {
    const line = node.startPosition.row + 1;
    const dotted = (n: PyNode | null): string => {
      if (!n) return '';
      if (n.type === 'aliased_import') return dotted(n.childForFieldName('name'));
      return n.text.replace(/\s+/g, '');
    };
    if (node.type === 'import_statement') {
      for (const n of node.childrenForFieldName('name')) {
        const module = dotted(n);
        if (module) out.push({ line, module, level: 0, names: [], from: false });
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
    const names = node.childrenForFieldName('name').map(dotted).filter(Boolean);
    out.push({ line, module, level, names, from: true });
  }
  if (dynamic.length) out.push(...dynamic);
  return out.sort((a, b) => a.line - b.line);
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
