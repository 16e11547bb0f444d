import type Parser from 'tree-sitter';
import { lineAt, lineStartsOf } from '../../util/lines.js';

/**
 * A tree-sitter parse tree copied into flat typed arrays with one cursor walk, and light nodes
 * over it with the read-only part of tree-sitter's `SyntaxNode` API that the Python readers use.
 *
 * Why: every `SyntaxNode` that node-tree-sitter hands to JavaScript is marshalled through a
 * transfer buffer and registered in the tree's node cache with a weak reference and a finalizer.
 * Reading a 13 MB repository that way cost more than the parse itself, and the finalizers made
 * garbage collection the largest single item of the profile. The cursor walk makes five or six
 * native calls per node and allocates nothing; the light nodes are plain objects. The arrays are
 * transferable, so a worker thread can parse and hand the tree over without cloning objects.
 */

/** The tree as plain data: pre-order arrays, one slot per node (the root is 0). */
export interface PyTreeData {
  /** The source the tree was parsed from (indexes are UTF-16 offsets into it). */
  text: string;
  /** Node type id (tree-sitter symbol; 0xFFFF is ERROR). */
  type: Uint16Array;
  /** Field id of the node in its parent (0: none). */
  field: Uint16Array;
  start: Int32Array;
  end: Int32Array;
  /** Index of the parent (-1 for the root). */
  parent: Int32Array;
  /** Index one past the node's last descendant: children of `i` are `i+1`, then `subEnd` of each. */
  subEnd: Int32Array;
  /** Per node: bit 0 missing, bit 1 has an error at or below it (only filled for trees with errors). */
  flags: Uint8Array;
  /** Names of type and field ids seen by the thread that walked the tree (merged on receipt). */
  typeNames: string[];
  namedTypes: boolean[];
  fieldNames: string[];
}

const MISSING = 1;
const HAS_ERROR = 2;

/** Per-thread tables (ids are the grammar's, the same on every thread). */
const typeNames: string[] = [];
const namedTypes: boolean[] = [];
const fieldNames: string[] = [];
const fieldIds = new Map<string, number>();
/** Types whose children may carry a field (node-types.json); others skip the field lookup. */
let typesWithFields: Set<string> | undefined;
const hasFields: boolean[] = [];

function learnField(id: number, name: string): void {
  if (fieldNames[id] !== undefined) return;
  fieldNames[id] = name;
  fieldIds.set(name, id);
}

/** Merges the name tables of a tree walked on another thread. */
function adoptNames(data: PyTreeData): void {
  if (data.typeNames === typeNames) return;
  data.typeNames.forEach((n, i) => {
    if (n !== undefined && typeNames[i] === undefined) {
      typeNames[i] = n;
      namedTypes[i] = data.namedTypes[i]!;
    }
  });
  data.fieldNames.forEach((n, i) => {
    if (n !== undefined) learnField(i, n);
  });
}

/**
 * Copies a tree into flat arrays. `language` is the grammar module (for which node types have
 * fields); the native tree is not needed afterwards.
 */
export function flattenTree(tree: Parser.Tree, text: string, language: { nodeTypeInfo?: Array<{ type: string; named: boolean; fields?: object }> }): PyTreeData {
  typesWithFields ??= new Set((language.nodeTypeInfo ?? []).filter((t) => t.named && t.fields && Object.keys(t.fields).length).map((t) => t.type));
  const root = tree.rootNode;
  const n = root.descendantCount;
  const withErrors = root.hasError;
  const type = new Uint16Array(n);
  const field = new Uint16Array(n);
  const start = new Int32Array(n);
  const end = new Int32Array(n);
  const parent = new Int32Array(n);
  const subEnd = new Int32Array(n);
  const flags = new Uint8Array(n);
  const cursor = root.walk();
  // Indexes of the open ancestors of the cursor's node.
  const stack = new Int32Array(Math.max(16, n));
  let depth = 0;
  let i = 0;
  for (;;) {
    const t = cursor.nodeTypeId;
    if (hasFields[t] === undefined) {
      // Names may already be known from a tree walked on another thread (adoptNames).
      if (typeNames[t] === undefined) {
        typeNames[t] = cursor.nodeType;
        namedTypes[t] = cursor.nodeIsNamed;
      }
      hasFields[t] = typesWithFields.has(typeNames[t]!);
    }
    type[i] = t;
    start[i] = cursor.startIndex;
    end[i] = cursor.endIndex;
    const p = depth > 0 ? stack[depth - 1]! : -1;
    parent[i] = p;
    if (p >= 0 && (withErrors || hasFields[type[p]!])) {
      const f = cursor.currentFieldId;
      if (f) {
        if (fieldNames[f] === undefined) learnField(f, cursor.currentFieldName);
        field[i] = f;
      }
    }
    if (withErrors && cursor.nodeIsMissing) flags[i] = MISSING;
    const self = i++;
    if (cursor.gotoFirstChild()) {
      stack[depth++] = self;
      continue;
    }
    subEnd[self] = i;
    let done = false;
    while (!cursor.gotoNextSibling()) {
      if (depth === 0 || !cursor.gotoParent()) {
        done = true;
        break;
      }
      subEnd[stack[--depth]!] = i;
    }
    if (done) break;
  }
  // Defensive: a count mismatch would leave slots unset; close every open subtree at the end.
  for (let d = depth - 1; d >= 0; d--) subEnd[stack[d]!] = i;
  if (withErrors) {
    flags[0] |= HAS_ERROR;
    for (let k = i - 1; k >= 0; k--) {
      if (type[k] === 0xffff || flags[k]! & MISSING) flags[k]! |= HAS_ERROR;
      if (flags[k]! & HAS_ERROR && parent[k]! >= 0) flags[parent[k]!]! |= HAS_ERROR;
    }
  }
  const size = i;
  const cut = <T extends Uint8Array | Uint16Array | Int32Array>(a: T): T => (size === n ? a : (a.slice(0, size) as T));
  return {
    text,
    type: cut(type),
    field: cut(field),
    start: cut(start),
    end: cut(end),
    parent: cut(parent),
    subEnd: cut(subEnd),
    flags: cut(flags),
    typeNames,
    namedTypes,
    fieldNames,
  };
}

/** Whether the tree holds a syntax error (an ERROR or MISSING node), as tree-sitter's `hasError` of the root. */
export function treeHasError(data: PyTreeData): boolean {
  return data.flags.length > 0 && (data.flags[0]! & HAS_ERROR) !== 0;
}

/** The buffers of a tree, for `postMessage(…, transferList)`. */
export function treeTransferList(data: PyTreeData): ArrayBuffer[] {
  return [data.type, data.field, data.start, data.end, data.parent, data.subEnd, data.flags].map((a) => a.buffer as ArrayBuffer);
}

export interface Point {
  row: number;
  column: number;
}

/**
 * The read-only subset of tree-sitter's `SyntaxNode` that the Python readers use. `PyTree`
 * implements it over flat arrays; a native `SyntaxNode` satisfies it too.
 */
export interface PyNode {
  readonly id: number;
  readonly type: string;
  readonly text: string;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  readonly isError: boolean;
  readonly hasError: boolean;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startPosition: Point;
  readonly endPosition: Point;
  readonly parent: PyNode | null;
  readonly children: PyNode[];
  readonly namedChildren: PyNode[];
  readonly childCount: number;
  readonly namedChildCount: number;
  readonly firstChild: PyNode | null;
  readonly lastChild: PyNode | null;
  readonly firstNamedChild: PyNode | null;
  readonly lastNamedChild: PyNode | null;
  readonly nextSibling: PyNode | null;
  readonly previousSibling: PyNode | null;
  readonly nextNamedSibling: PyNode | null;
  readonly previousNamedSibling: PyNode | null;
  readonly descendantCount: number;
  child(index: number): PyNode | null;
  namedChild(index: number): PyNode | null;
  childForFieldName(name: string): PyNode | null;
  /** The field name of the child at `index` (of `children`), or null. */
  fieldNameForChild(index: number): string | null;
  childrenForFieldName(name: string): PyNode[];
  descendantsOfType(types: string | string[]): PyNode[];
}

/** A flat tree with light nodes created on demand (one object per node, so identity holds). */
export class PyTree {
  private nodes: Array<LiteNode | undefined> | undefined;
  private lineStarts: number[] | undefined;

  constructor(readonly data: PyTreeData) {
    adoptNames(data);
  }

  /**
   * Forgets the light nodes made so far (they are remade on demand). A module view keeps the
   * tree for its lazily converted values; it need not keep every node it read once.
   */
  releaseNodes(): void {
    this.nodes = undefined;
  }

  get rootNode(): PyNode {
    return this.node(0)!;
  }

  /** The node at a pre-order index (null for -1). */
  node(i: number): LiteNode | null {
    if (i < 0 || i >= this.data.type.length) return null;
    return ((this.nodes ??= new Array<LiteNode | undefined>(this.data.type.length))[i] ??= new LiteNode(this, i));
  }

  /** Row and column (UTF-16 units, as node-tree-sitter reports them for string input) of an offset. */
  pointAt(offset: number): Point {
    const starts = (this.lineStarts ??= lineStartsOf(this.data.text));
    const row = lineAt(starts, offset);
    return { row, column: offset - starts[row]! };
  }
}

class LiteNode implements PyNode {
  constructor(
    private readonly tree: PyTree,
    readonly id: number,
  ) {}

  private get d(): PyTreeData {
    return this.tree.data;
  }

  get type(): string {
    return typeNames[this.d.type[this.id]!]!;
  }

  get text(): string {
    return this.d.text.substring(this.d.start[this.id]!, this.d.end[this.id]!);
  }

  get isNamed(): boolean {
    return namedTypes[this.d.type[this.id]!]!;
  }

  get isMissing(): boolean {
    return (this.d.flags[this.id]! & MISSING) !== 0;
  }

  get isError(): boolean {
    return this.d.type[this.id] === 0xffff;
  }

  get hasError(): boolean {
    return (this.d.flags[this.id]! & HAS_ERROR) !== 0;
  }

  get startIndex(): number {
    return this.d.start[this.id]!;
  }

  get endIndex(): number {
    return this.d.end[this.id]!;
  }

  get startPosition(): Point {
    return this.tree.pointAt(this.d.start[this.id]!);
  }

  get endPosition(): Point {
    return this.tree.pointAt(this.d.end[this.id]!);
  }

  get parent(): PyNode | null {
    return this.tree.node(this.d.parent[this.id]!);
  }

  get descendantCount(): number {
    return this.d.subEnd[this.id]! - this.id;
  }

  /** Indexes of the children. */
  private childIds(): number[] {
    const { subEnd } = this.d;
    const out: number[] = [];
    const stop = subEnd[this.id]!;
    for (let c = this.id + 1; c < stop; c = subEnd[c]!) out.push(c);
    return out;
  }

  private namedIds(): number[] {
    const { type } = this.d;
    return this.childIds().filter((c) => namedTypes[type[c]!]);
  }

  get children(): PyNode[] {
    return this.childIds().map((c) => this.tree.node(c)!);
  }

  get namedChildren(): PyNode[] {
    return this.namedIds().map((c) => this.tree.node(c)!);
  }

  get childCount(): number {
    return this.childIds().length;
  }

  get namedChildCount(): number {
    return this.namedIds().length;
  }

  child(index: number): PyNode | null {
    const ids = this.childIds();
    return index >= 0 && index < ids.length ? this.tree.node(ids[index]!) : null;
  }

  namedChild(index: number): PyNode | null {
    const ids = this.namedIds();
    return index >= 0 && index < ids.length ? this.tree.node(ids[index]!) : null;
  }

  get firstChild(): PyNode | null {
    return this.child(0);
  }

  get lastChild(): PyNode | null {
    const ids = this.childIds();
    return ids.length ? this.tree.node(ids[ids.length - 1]!) : null;
  }

  get firstNamedChild(): PyNode | null {
    return this.namedChild(0);
  }

  get lastNamedChild(): PyNode | null {
    const ids = this.namedIds();
    return ids.length ? this.tree.node(ids[ids.length - 1]!) : null;
  }

  private siblings(named: boolean): { ids: number[]; at: number } {
    const p = this.d.parent[this.id]!;
    if (p < 0) return { ids: [this.id], at: 0 };
    const parent = this.tree.node(p)!;
    const ids = named ? parent.namedIds() : parent.childIds();
    return { ids, at: ids.indexOf(this.id) };
  }

  get nextSibling(): PyNode | null {
    const p = this.d.parent[this.id]!;
    if (p < 0) return null;
    const next = this.d.subEnd[this.id]!;
    return next < this.d.subEnd[p]! ? this.tree.node(next) : null;
  }

  get previousSibling(): PyNode | null {
    const { ids, at } = this.siblings(false);
    return at > 0 ? this.tree.node(ids[at - 1]!) : null;
  }

  get nextNamedSibling(): PyNode | null {
    const { type, subEnd, parent } = this.d;
    const p = parent[this.id]!;
    if (p < 0) return null;
    for (let c = subEnd[this.id]!; c < subEnd[p]!; c = subEnd[c]!) if (namedTypes[type[c]!]) return this.tree.node(c);
    return null;
  }

  get previousNamedSibling(): PyNode | null {
    const { ids, at } = this.siblings(true);
    return at > 0 ? this.tree.node(ids[at - 1]!) : null;
  }

  childForFieldName(name: string): PyNode | null {
    const f = fieldIds.get(name);
    if (f === undefined) return null;
    const { subEnd, field } = this.d;
    const stop = subEnd[this.id]!;
    for (let c = this.id + 1; c < stop; c = subEnd[c]!) if (field[c] === f) return this.tree.node(c);
    return null;
  }

  fieldNameForChild(index: number): string | null {
    const c = this.childIds()[index];
    if (c === undefined) return null;
    const f = this.d.field[c]!;
    return f ? fieldNames[f]! : null;
  }

  childrenForFieldName(name: string): PyNode[] {
    const f = fieldIds.get(name);
    if (f === undefined) return [];
    const { subEnd, field } = this.d;
    const out: PyNode[] = [];
    const stop = subEnd[this.id]!;
    for (let c = this.id + 1; c < stop; c = subEnd[c]!) if (field[c] === f) out.push(this.tree.node(c)!);
    return out;
  }

  /** The node and its descendants of the given types (named or anonymous), in document order. */
  descendantsOfType(types: string | string[]): PyNode[] {
    const wanted = new Set(typeof types === 'string' ? [types] : types);
    const { type, subEnd } = this.d;
    const out: PyNode[] = [];
    const stop = subEnd[this.id]!;
    for (let c = this.id; c < stop; c++) if (wanted.has(typeNames[type[c]!]!)) out.push(this.tree.node(c)!);
    return out;
  }
}
