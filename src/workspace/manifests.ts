import { readFileSync } from 'node:fs';
import { parseSync } from 'oxc-parser';
import { nestingLimitError } from '../languages/typescript/parse.js';
import { parse as parseYaml } from 'yaml';
import { noteInput } from '../util/inputs.js';

/**
 * Readers of the manifests and config files a repository describes itself with: package.json
 * (and JSON with comments: tsconfig.json), npm/yarn/pnpm workspace lists, ini files
 * (pytest.ini, setup.cfg, tox.ini). pyproject.toml is read with smol-toml where it is used.
 */

/** Reads a JSON object file (a leading BOM allowed); the error message when it is not one. */
export function readJsonFile(abs: string): { value?: Record<string, unknown>; error?: string } {
  let text: string;
  noteInput('file', abs);
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    return { error: (e as Error).message };
  }
  try {
    const v = JSON.parse(text.replace(/^\uFEFF/, ''));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? { value: v } : { error: 'not a JSON object' };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The `workspaces` globs of a package.json (the array form or yarn's `{ packages }`); undefined when it has none. */
export function workspaceGlobs(json: Record<string, unknown> | undefined): string[] | undefined {
  const w = json?.workspaces;
  if (Array.isArray(w)) return w.filter((x): x is string => typeof x === 'string');
  if (w && typeof w === 'object' && Array.isArray((w as { packages?: unknown }).packages))
    return ((w as { packages: unknown[] }).packages).filter((x): x is string => typeof x === 'string');
  return undefined;
}

/** The `packages` globs of a pnpm-workspace.yaml; throws when the YAML does not parse. */
export function pnpmWorkspaceGlobs(text: string): string[] {
  const doc = parseYaml(text) as { packages?: unknown } | null;
  return Array.isArray(doc?.packages) ? doc.packages.filter((x): x is string => typeof x === 'string') : [];
}

/** Parses JSON with comments and trailing commas (tsconfig.json) through the JS parser. */
export function parseJsonc(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // fall through: comments or trailing commas
  }
  // oxc's native parser crashes the process on text nested thousands deep
  const tooDeep = nestingLimitError(text);
  if (tooDeep) throw new Error(tooDeep.message);
  const result = parseSync('tsconfig.json.js', `(${text}\n)`);
  if (result.errors.length) throw new Error(result.errors[0]!.message);
  const stmt = (result.program.body[0] as { expression?: unknown } | undefined)?.expression;
  return toValue(stmt);
}

function toValue(node: any): unknown {
  if (!node) return undefined;
  switch (node.type) {
    case 'ParenthesizedExpression':
      return toValue(node.expression);
    case 'ObjectExpression': {
      const out: Record<string, unknown> = {};
      for (const p of node.properties) {
        if (p.type !== 'Property') continue;
        const key = p.key.type === 'Identifier' ? p.key.name : String(p.key.value);
        out[key] = toValue(p.value);
      }
      return out;
    }
    case 'ArrayExpression':
      return node.elements.map(toValue);
    case 'Literal':
      return node.value;
    case 'UnaryExpression':
      return node.operator === '-' ? -(toValue(node.argument) as number) : undefined;
    default:
      return undefined;
  }
}

/**
 * An ini file as `iniconfig` reads it: `[section]`, `key = value` or `key: value`, values
 * continued on indented lines, `#` and `;` comment lines.
 */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/\s+$/, '');
    if (!line.trim() || /^\s*[#;]/.test(line)) continue;
    if (/^\s/.test(line)) {
      if (section && lastKey !== undefined) {
        const prev = section.get(lastKey) ?? '';
        section.set(lastKey, prev ? `${prev}\n${line.trim()}` : line.trim());
      }
      continue;
    }
    const sec = /^\[([^\]]+)\]/.exec(line);
    if (sec) {
      section = new Map();
      sections.set(sec[1]!.trim(), section);
      lastKey = undefined;
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (kv && section) {
      lastKey = kv[1]!.trim();
      section.set(lastKey, kv[2]!.replace(/\s+[#;].*$/, ''));
    }
  }
  return sections;
}

