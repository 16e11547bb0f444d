import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { SeamsError } from '../util/errors.js';
import { LIMITS } from '../util/limits.js';
import { closest } from '../core/strings.js';
import { boundProblem, METRIC_HEADS } from '../core/metrics/vocabulary.js';
import { findConfigFile } from './find.js';
import { positionKey, type ConfigPositions } from './locate.js';
import { resolveConfig, type ResolvedConfig } from './resolve.js';
import { configSchema, type UserConfig } from './schema.js';

export interface LoadedConfig {
  /** Absolute path of the config file, or null when the repo has none (defaults apply). */
  file: string | null;
  user: UserConfig;
  config: ResolvedConfig;
  /** `file:line:col` of a key path in the config file (for findings that point at config). */
  locate(keyPath: readonly (string | number)[]): string;
  /** Line and column of every node of the file (what `locate` answers from after a cache hit). */
  positions?: ConfigPositions;
}

type KeyPath = readonly (string | number)[];

export { CONFIG_FILE_NAMES, findConfigFile } from './find.js';

/** Loads, validates and resolves the config of a repo. Invalid config throws one SeamsError (exit 2). */
export async function loadConfig(root: string, explicit?: string): Promise<LoadedConfig> {
  const file = await findConfigFile(root, explicit);
  if (!file) {
    const user: UserConfig = {};
    return { file: null, user, config: resolveConfig(user), locate: () => 'seams.yaml' };
  }
  const size = (await stat(file)).size;
  if (size > LIMITS.configFileBytes)
    throw new SeamsError('SEAMS_CONFIG_INVALID', `${path.relative(process.cwd(), file) || file}: ${size} bytes, over the ${LIMITS.configFileBytes}-byte limit of a config file`, {
      hint: 'seams.yaml describes tiers, services and workflows; a file this large is not one (limits: docs/limits.md)',
    });
  const text = await readFile(file, 'utf8');
  return parseConfig(text, file, root);
}

/** Parses config text; `file` is used in messages only. */
export function parseConfig(text: string, file: string, root = path.dirname(file)): LoadedConfig {
  const display = path.relative(process.cwd(), file) || file;
  if (text.length > LIMITS.configFileBytes)
    throw new SeamsError('SEAMS_CONFIG_INVALID', `${display}: ${text.length} characters, over the ${LIMITS.configFileBytes}-byte limit of a config file`, {
      hint: 'seams.yaml describes tiers, services and workflows; a file this large is not one (limits: docs/limits.md)',
    });
  try {
    return parseConfigText(text, file, display, root);
  } catch (error) {
    if (error instanceof SeamsError) throw error;
    // the yaml library's guards (an alias bomb past `maxAliasCount`) and a stack overflow on
    // absurd nesting are the file's problem, not an internal error
    if (error instanceof ReferenceError && /alias/i.test(error.message))
      throw new SeamsError('SEAMS_CONFIG_INVALID', `${display}: too many YAML aliases (more than ${LIMITS.configAliasCount} expansions; a billion-laughs pattern?)`, {
        hint: `use at most ${LIMITS.configAliasCount} alias expansions (*name) in seams.yaml; write repeated values out or use fewer anchors (limits: docs/limits.md)`,
      });
    if (error instanceof RangeError)
      throw new SeamsError('SEAMS_CONFIG_INVALID', `${display}: nested too deeply to read`, { hint: 'seams.yaml needs a few levels of nesting; check the file for generated or corrupted content (limits: docs/limits.md)' });
    throw error;
  }
}

function parseConfigText(text: string, file: string, display: string, root: string): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const where = (offset: number | undefined) => {
    if (offset === undefined) return display;
    const { line, col } = lineCounter.linePos(offset);
    return `${display}:${line}:${col}`;
  };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    if (/call stack/i.test(e.message)) throw new RangeError(e.message);
    const duplicate = /unique/i.test(e.message);
    throw new SeamsError(
      'SEAMS_CONFIG_INVALID',
      `${where(e.pos[0])}: ${duplicate ? 'duplicate key (each name may appear once)' : e.message.split('\n')[0]}`,
      { hint: duplicate ? 'rename or merge the second definition' : 'fix the YAML syntax at that position' },
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: LIMITS.configAliasCount }) ?? {};
  const locate = (keyPath: KeyPath) => where(nodeAt(doc, keyPath)?.range?.[0]);
  const locateKey = (keyPath: KeyPath) => where(keyOffset(doc, keyPath));

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    // A misspelt key also makes the key it was meant to be "missing": report the typo first.
    const issues = parsed.error.issues;
    const issue = branchIssue(issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!);
    throw new SeamsError('SEAMS_CONFIG_INVALID', describeIssue(issue, locate, locateKey), {
      hint: hintFor(issue),
    });
  }
  const user = parsed.data;
  const config = resolveConfig(user);
  checkReferences(user, config, locate);
  void root;
  return { file, user, config, locate, positions: positionsOf(doc, lineCounter) };
}

/** Line and column of every node (map values, sequence items), keyed by key path. */
function positionsOf(doc: Document, lineCounter: LineCounter): ConfigPositions {
  const out: ConfigPositions = {};
  const visit = (node: unknown, keyPath: (string | number)[]) => {
    const offset = (node as Node | undefined)?.range?.[0];
    if (offset !== undefined) {
      const { line, col } = lineCounter.linePos(offset);
      out[positionKey(keyPath)] = [line, col];
    }
    if (isMap(node)) {
      for (const pair of node.items) if (isScalar(pair.key) && (typeof pair.key.value === 'string' || typeof pair.key.value === 'number')) visit(pair.value, [...keyPath, pair.key.value]);
    } else if (isSeq(node)) node.items.forEach((item, i) => visit(item, [...keyPath, i]));
  };
  visit(doc.contents, []);
  return out;
}

function nodeAt(doc: Document, keyPath: KeyPath): Node | undefined {
  let node: unknown = doc.contents;
  for (const key of keyPath) {
    if (!node || typeof node !== 'object' || !('get' in node)) return node as Node | undefined;
    const next = (node as { get(k: unknown, keepScalar: boolean): unknown }).get(key, true);
    if (next === undefined) return node as Node;
    node = next;
  }
  return node as Node | undefined;
}

function keyOffset(doc: Document, keyPath: KeyPath): number | undefined {
  const parent = nodeAt(doc, keyPath.slice(0, -1));
  const last = keyPath[keyPath.length - 1];
  if (parent && isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    if (pair && isScalar(pair.key)) return pair.key.range?.[0];
  }
  return nodeAt(doc, keyPath)?.range?.[0];
}

const KNOWN_KEYS: Record<string, readonly string[]> = {};

/** First segments of the metric vocabulary shared by targets and gates (core/metrics/vocabulary.ts). */
export { METRIC_HEADS };

function describeIssue(
  issue: z.core.$ZodIssue,
  locate: (p: KeyPath) => string,
  locateKey: (p: KeyPath) => string,
): string {
  const keyPath = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const at = keyPath.length ? keyPath.join('.') : 'top level';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const known = allowedKeys(keyPath);
    const guess = closest(key, known);
    return `${locateKey([...keyPath, key])}: unknown key "${key}" in ${at}${guess ? ` (did you mean "${guess}"?)` : ''}`;
  }
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    const key = keyPath[keyPath.length - 1];
    return `${locate(keyPath.slice(0, -1))}: missing required key "${String(key)}" in ${keyPath.slice(0, -1).join('.') || 'top level'}`;
  }
  return `${locate(keyPath)}: ${at}: ${issue.message}`;
}

/**
 * For a value that fits none of a union's forms: the issue of the form it was meant to be (the
 * object form of `env: { KEY: { value, secret } }`), when exactly that form got past the type check.
 */
function branchIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const meant = issue.errors.filter((b) => b.length && !b.every((i) => i.code === 'invalid_type' && i.path.length === 0));
  if (meant.length !== 1) return issue;
  const inner = meant[0]!.find((i) => i.code === 'unrecognized_keys') ?? meant[0]![0]!;
  return branchIssue({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue);
}

function hintFor(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return 'see schemas/seams.config.schema.json for the keys each section takes';
  }
  return 'see the seams.yaml reference in README.md, or add `$schema` for editor completion';
}

/** The keys the schema allows at a key path (for did-you-mean). */
function allowedKeys(keyPath: KeyPath): readonly string[] {
  const cacheKey = keyPath.map((k) => (typeof k === 'number' ? '#' : k)).join('.');
  if (KNOWN_KEYS[cacheKey]) return KNOWN_KEYS[cacheKey]!;
  // Walk the zod schema along the path: records consume one key, arrays one index.
  let schema: any = configSchema;
  for (const key of keyPath) {
    const def = schema?._zod?.def;
    if (!def) break;
    if (def.type === 'object') schema = def.shape[key as string];
    else if (def.type === 'record') schema = def.valueType;
    else if (def.type === 'array') schema = def.element;
    else if (def.type === 'optional') {
      schema = def.innerType;
      const d2 = schema?._zod?.def;
      if (d2?.type === 'object') schema = d2.shape[key as string];
      else if (d2?.type === 'record') schema = d2.valueType;
      else if (d2?.type === 'array') schema = d2.element;
    }
    while (schema?._zod?.def?.type === 'optional') schema = schema._zod.def.innerType;
  }
  const keys = schema?._zod?.def?.type === 'object' ? Object.keys(schema._zod.def.shape) : [];
  KNOWN_KEYS[cacheKey] = keys;
  return keys;
}

/** Cross-references the schema cannot check: names that must exist, cycles, regexes. */
function checkReferences(user: UserConfig, config: ResolvedConfig, locate: (p: KeyPath) => string): void {
  const fail = (keyPath: KeyPath, message: string, hint: string): never => {
    throw new SeamsError('SEAMS_CONFIG_INVALID', `${locate(keyPath)}: ${message}`, { hint });
  };
  const components = Object.keys(config.components);
  for (const [id, wf] of Object.entries(user.workflows ?? {})) {
    wf.chain.forEach((c, i) => {
      if (!config.components[c]) {
        const guess = closest(c, components);
        fail(
          ['workflows', id, 'chain', i],
          `workflow "${id}" names unknown component "${c}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
          components.length ? `declare it under components:, or use one of: ${components.join(', ')}` : 'declare it under components:',
        );
      }
    });
    const seen = new Set<string>();
    wf.chain.forEach((c, i) => {
      if (seen.has(c)) fail(['workflows', id, 'chain', i], `workflow "${id}" chain visits "${c}" twice (a cycle)`, 'list each component of a workflow once, in call order');
      seen.add(c);
    });
  }
  const services = Object.keys(config.services);
  for (const [id, svc] of Object.entries(user.services ?? {})) {
    const kinds = [svc.command, svc.url, svc.compose].filter((x) => x !== undefined).length;
    if (kinds !== 1)
      fail(['services', id], `service "${id}" needs exactly one of command, url or compose`, 'a process to start (command), an external URL to probe (url), or a docker compose file (compose)');
    (svc.depends_on ?? []).forEach((d, i) => {
      if (!config.services[d]) {
        const guess = closest(d, services);
        fail(['services', id, 'depends_on', i], `service "${id}" depends on unknown service "${d}"${guess ? ` (did you mean "${guess}"?)` : ''}`, 'declare it under services:');
      }
    });
  }
  const cycle = findCycle(Object.fromEntries(Object.entries(user.services ?? {}).map(([k, v]) => [k, v.depends_on ?? []])));
  if (cycle) fail(['services', cycle[0]!, 'depends_on'], `services depend on each other in a cycle: ${cycle.join(' → ')}`, 'remove one depends_on edge of the cycle');
  for (const [id, tier] of Object.entries(user.tiers ?? {})) {
    if (tier.args?.length && tier.command !== undefined)
      fail(
        ['tiers', id, 'args'],
        `tier "${id}" has both args and command: args are added to the command seams builds, and command replaces it`,
        `put the arguments in tiers.${id}.command, or remove command so seams builds the command with args`,
      );
    (tier.services ?? []).forEach((s, i) => {
      if (!config.services[s]) {
        const guess = closest(s, services);
        fail(['tiers', id, 'services', i], `tier "${id}" needs unknown service "${s}"${guess ? ` (did you mean "${guess}"?)` : ''}`, 'declare it under services:');
      }
    });
  }
  for (const [id, gate] of Object.entries(user.gates ?? {})) {
    // a bound in the wrong unit ("95%" on a count, 3 on a share) would compare nonsense: say where
    for (const key of ['min', 'max'] as const) {
      const problem = boundProblem(gate[key], gate.metric, key);
      if (problem) fail(['gates', id, key], `gate "${id}": ${problem.message}`, problem.hint);
    }
    if (gate.scenario && !config.scenarios[gate.scenario]) {
      const guess = closest(gate.scenario, Object.keys(config.scenarios));
      fail(['gates', id, 'scenario'], `gate "${id}" names unknown scenario "${gate.scenario}"${guess ? ` (did you mean "${guess}"?)` : ''}`, 'declare it under scenarios:');
    }
  }
  (user.targets ?? []).forEach((t, i) => {
    const head = t.metric.split('.')[0]!;
    if (!METRIC_HEADS.includes(head)) {
      const guess = closest(head, METRIC_HEADS);
      fail(['targets', i, 'metric'], `target names unknown metric "${t.metric}"${guess ? ` (did you mean "${guess}…"?)` : ''}`, `metrics: ${METRIC_HEADS.map((h) => `${h}.…`).join(', ')} (see docs/gaps.md)`);
    }
    const problem = boundProblem(t.target, t.metric, 'target');
    if (problem) fail(['targets', i, 'target'], `target ${t.title ? `"${t.title}"` : t.metric}: ${problem.message}`, problem.hint);
  });
  const patterns: [KeyPath, string | undefined][] = [
    [['requirements', 'pattern'], user.requirements?.pattern],
    [['requirements', 'needsIntegration'], user.requirements?.needsIntegration],
  ];
  for (const [keyPath, source] of patterns) {
    if (source === undefined) continue;
    try {
      new RegExp(source);
    } catch (error) {
      fail(keyPath, `invalid regular expression: ${(error as Error).message}`, 'escape backslashes in YAML strings ("\\\\b") or use single quotes');
    }
  }
}

function findCycle(graph: Record<string, string[]>): string[] | null {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 2) return null;
    if (state.get(n) === 1) return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 1);
    stack.push(n);
    for (const m of graph[n] ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 2);
    return null;
  };
  for (const n of Object.keys(graph)) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}
