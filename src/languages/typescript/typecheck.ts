import type { ExtractedTest, ExtractResult } from './extract-model.js';
import { SKIP_KEYS } from './extract-model.js';
import { parseModule, type Node, type ParsedModule } from './parse.js';

/**
 * Vitest's type-check collector (`typecheck.enabled`), reproduced: it does not run the file, it
 * walks the AST once and takes every `it/test/describe/suite` call literally — the title is the
 * source text inside the quotes (no `.each` expansion, no template evaluation), nesting comes from
 * source ranges, and `skipIf`/`runIf` always mean skip.
 */
export function extractTypecheckTests(source: string, absFile: string, parsed: ParsedModule = parseModule(absFile, source)): ExtractResult {
  if (parsed.error) return { tests: [], parseError: parsed.error };
  const NAMES = ['it', 'test', 'describe', 'suite'];
  const getName = (callee: Node | null | undefined): string | null => {
    if (!callee) return null;
    if (callee.type === 'Identifier') return callee.name;
    if (callee.type === 'CallExpression') return getName(callee.callee);
    if (callee.type === 'TaggedTemplateExpression') return getName(callee.tag);
    if (callee.type === 'MemberExpression') {
      if (callee.object?.type === 'Identifier' && NAMES.includes(callee.object.name)) return callee.object.name;
      return getName(callee.object?.property);
    }
    return null;
  };
  interface Def { start: number; end: number; name: string; type: 'test' | 'suite'; mode: string; line: number }
  const defs: Def[] = [];
  const visit = (node: Node) => {
    if (node.type === 'CallExpression') {
      const callee = node.callee;
      const name = getName(callee);
      if (name && NAMES.includes(name)) {
        const property = callee?.property?.name;
        let mode = !property || property === name ? 'run' : property;
        if (!['each', 'for', 'skipIf', 'runIf'].includes(mode)) {
          const start = callee.type === 'CallExpression' ? callee.end : callee.type === 'TaggedTemplateExpression' ? callee.end + 1 : node.start;
          const msg = node.arguments[0];
          const message = !msg ? '' : msg.type === 'Literal' || msg.type === 'TemplateLiteral' ? source.slice(msg.start + 1, msg.end - 1) : source.slice(msg.start, msg.end);
          if (mode === 'skipIf' || mode === 'runIf') mode = 'skip';
          defs.push({ start, end: node.end, name: message, type: name === 'it' || name === 'test' ? 'test' : 'suite', mode, line: parsed.lineOf(node.start) });
        }
      }
    }
    for (const key in node) {
      if (SKIP_KEYS.has(key)) continue;
      const v = node[key];
      if (Array.isArray(v)) {
        for (const c of v) if (c && typeof c === 'object' && typeof c.type === 'string') visit(c);
      } else if (v && typeof v === 'object' && typeof v.type === 'string') visit(v);
    }
  };
  visit(parsed.program);
  defs.sort((a, b) => a.start - b.start);
  const stack: (Def & { effMode: string })[] = [];
  const tests: ExtractedTest[] = [];
  let hasOnly = false;
  for (const d of defs) {
    while (stack.length && stack[stack.length - 1]!.end < d.start) stack.pop();
    const parent = stack[stack.length - 1];
    const effMode = parent && parent.effMode !== 'run' ? parent.effMode : d.mode;
    if (d.mode === 'only') hasOnly = true;
    if (d.type === 'suite') {
      stack.push({ ...d, effMode });
      continue;
    }
    tests.push({
      titlePath: [...stack.map((s) => s.name), d.name],
      line: d.line,
      status: effMode === 'skip' ? 'skip' : effMode === 'todo' ? 'todo' : 'active',
      dynamic: false,
      tags: [],
      annotations: [],
    });
  }
  void hasOnly;
  return { tests };
}
