/**
 * How a module uses some of its import bindings, read from oxc-parser's ESTree AST: the members
 * of a namespace import it reads (`ns.a`, `ns?.b`, `<ns.C />`; `ns.sub.c` as the path `sub.c`), whether it exports the binding
 * again (`export { ns }`, `export default ns`), and whether it uses it any other way (passed as a
 * value, spread, `ns[key]`, shorthand `{ ns }`, `typeof ns` in an expression). Type positions
 * (annotations, `typeof ns` in a type, `ns.T` as a type, type aliases and interfaces) do not count:
 * they vanish at runtime. A shadowing local of the same name counts as a use (conservative).
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = { type: string; [key: string]: any };

export interface Tracked {
  local: string;
  /** Collect `x.member` reads (a namespace import, or a named import that may be a namespace). */
  members: boolean;
}

export interface BindingUse {
  members: Set<string>;
  exported: boolean;
  other: boolean;
}

/** Keys of TypeScript nodes that hold types only. */
const TYPE_KEYS = new Set(['typeAnnotation', 'typeArguments', 'typeParameters', 'returnType', 'superTypeArguments', 'implements']);
/** Nodes that are types or declarations of types only. */
const TYPE_NODES = new Set(['TSTypeAliasDeclaration', 'TSInterfaceDeclaration', 'TSDeclareFunction', 'TSTypeReference', 'TSTypeQuery', 'TSQualifiedName', 'TSImportType']);
const SKIP_KEYS = new Set(['type', 'start', 'end', 'range', 'loc', 'parent']);

/** `a.b.c` as ['a', 'b', 'c'] when the expression is a chain of plain property reads from an identifier. */
function memberPath(n: Node): string[] | undefined {
  const names: string[] = [];
  let cur: Node | undefined = n;
  while (cur && (cur.type === 'MemberExpression' || cur.type === 'JSXMemberExpression')) {
    if (cur.computed || (cur.property?.type !== 'Identifier' && cur.property?.type !== 'JSXIdentifier')) return undefined;
    names.push(cur.property.name as string);
    cur = cur.object as Node;
  }
  if (!cur || (cur.type !== 'Identifier' && cur.type !== 'JSXIdentifier')) return undefined;
  names.push(cur.name as string);
  return names.reverse();
}

/**
 * `source`, when given, lets the walk skip every subtree whose text holds no tracked name (the
 * AST's offsets are UTF-16, as the text's).
 */
export function bindingUses(program: Node, tracked: readonly Tracked[], source?: string): Map<string, BindingUse> {
  const uses = new Map<string, BindingUse>();
  const namespaces = new Set<string>();
  for (const t of tracked) {
    uses.set(t.local, { members: new Set(), exported: false, other: false });
    if (t.members) namespaces.add(t.local);
  }
  const identifier = (n: Node | null | undefined): string | undefined => (n && (n.type === 'Identifier' || n.type === 'JSXIdentifier') ? (n.name as string) : undefined);

  // where a tracked name occurs in the text, sorted: a subtree with none cannot use one
  const at: number[] = [];
  if (source !== undefined) {
    const ident = /[\p{ID_Continue}$\u200c\u200d]/u;
    for (const t of tracked)
      for (let i = source.indexOf(t.local); i >= 0; i = source.indexOf(t.local, i + 1))
        if (!ident.test(source[i - 1] ?? ' ') && !ident.test(source[i + t.local.length] ?? ' ')) at.push(i);
    at.sort((a, b) => a - b);
  }
  const mentions = (start: number, end: number): boolean => {
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < at.length && at[lo]! < end;
  };

  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    const n = node as Node;
    if (typeof n.type !== 'string') return;
    if (source !== undefined && typeof n.start === 'number' && typeof n.end === 'number' && !mentions(n.start, n.end)) return;
    switch (n.type) {
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
        return;
      case 'ExportNamedDeclaration':
        if (n.source || n.exportKind === 'type') return;
        for (const spec of n.specifiers ?? []) {
          if (spec.exportKind === 'type') continue;
          const u = uses.get(identifier(spec.local) ?? '');
          if (u) u.exported = true;
        }
        walk(n.declaration);
        return;
      case 'ExportDefaultDeclaration': {
        const u = uses.get(identifier(n.declaration) ?? '');
        if (u) u.exported = true;
        else walk(n.declaration);
        return;
      }
      case 'MemberExpression':
      case 'JSXMemberExpression': {
        // `ns.a.b.c`: the member path `a.b.c` (a namespace re-exported as `export * as a` is followed by name too)
        const path = memberPath(n);
        if (path && namespaces.has(path[0]!) && path.length > 1) {
          uses.get(path[0]!)!.members.add(path.slice(1).join('.'));
          return;
        }
        walk(n.object);
        if (n.computed) walk(n.property);
        return;
      }
      case 'Identifier':
      case 'JSXIdentifier': {
        const u = uses.get(n.name as string);
        if (u) u.other = true;
        return;
      }
      case 'Property':
      case 'PropertyDefinition':
      case 'MethodDefinition':
      case 'AccessorProperty':
        if (n.computed) walk(n.key);
        walk(n.value);
        walk(n.decorators);
        return;
      case 'LabeledStatement':
        walk(n.body);
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
        return;
      case 'TSEnumMember':
        walk(n.initializer);
        return;
      case 'VariableDeclaration':
      case 'ClassDeclaration':
      case 'TSModuleDeclaration':
        if (n.declare) return;
        break;
      default:
        if (TYPE_NODES.has(n.type)) return;
    }
    for (const key in n) {
      if (SKIP_KEYS.has(key) || TYPE_KEYS.has(key)) continue;
      const v = n[key];
      if (v !== null && typeof v === 'object') walk(v);
    }
  };
  walk(program);
  return uses;
}
