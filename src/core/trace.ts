import { compareTiers } from './tiers.js';
import type { DiscoveredTest, Tier } from './types.js';

/**
 * Traceability: requirement ids defined in spec sources against the ids tests reference
 * (markers, docstrings, comments, titles, tags, annotations — collected by the runner plugins
 * into `test.refs.requirements`). Pure.
 */

export interface RequirementDef {
  id: string;
  /** Text after the id (list item / heading), or the row's description cell. */
  title: string;
  /** The whole definition text (for `needsIntegration`). */
  text: string;
  file: string;
  line: number;
  kind: 'heading' | 'list' | 'table' | 'paragraph';
}

export type TraceStatus = 'covered' | 'covered-only-by-unit' | 'only-skipped' | 'uncovered';

export interface TestRef {
  id: string;
  runner: string;
  file: string;
  line: number;
  tier: Tier;
  status: DiscoveredTest['status'];
}

export interface TraceRow {
  id: string;
  title: string;
  file: string;
  line: number;
  /** The definition's text matches `requirements.needsIntegration`. */
  needsIntegration: boolean;
  /** Listed in (or matched by) `requirements.critical`. */
  critical: boolean;
  status: TraceStatus;
  /** Tests referencing the id, per tier (pyramid order). */
  tiers: { tier: Tier; tests: TestRef[] }[];
  /** Active tests referencing the id. */
  tests: number;
}

export interface TraceReport {
  rows: TraceRow[];
  /** Ids tests reference that no source defines. */
  orphans: { id: string; tests: TestRef[] }[];
  /** Ids defined more than once (the first definition is the row's). */
  duplicates: { id: string; definitions: { file: string; line: number; title: string }[] }[];
  summary: {
    total: number;
    covered: number;
    coveredOnlyByUnit: number;
    onlySkipped: number;
    uncovered: number;
    orphans: number;
    duplicates: number;
    /** covered / total; null ("n/a") when no requirement is defined — never a free 100 %. */
    coveredShare: number | null;
  };
}

export interface TraceInput {
  definitions: readonly RequirementDef[];
  tests: readonly DiscoveredTest[];
  /** Regex source: definitions whose text matches need a test at an `integrationTiers` tier. */
  needsIntegration: string;
  /** Ids, or regexes (written `/…/`) matched against id and text. */
  critical?: readonly string[];
  /** Tiers that satisfy `needsIntegration` (default: integration, e2e, contract, system, functional). */
  integrationTiers?: readonly Tier[];
}

export const INTEGRATION_LEVEL_TIERS: readonly Tier[] = Object.freeze(['integration', 'e2e', 'contract', 'system', 'functional']);

const isActive = (t: DiscoveredTest | TestRef) => t.status !== 'skip' && t.status !== 'todo';

const toRef = (t: DiscoveredTest): TestRef => ({ id: t.id, runner: t.runner, file: t.file, line: t.line, tier: t.tier, status: t.status });

export function buildTrace(input: TraceInput): TraceReport {
  const needs = new RegExp(input.needsIntegration, 'i');
  const integrationTiers = new Set(input.integrationTiers ?? INTEGRATION_LEVEL_TIERS);
  const critical = (input.critical ?? []).map((c) => (c.startsWith('/') && c.endsWith('/') && c.length > 2 ? new RegExp(c.slice(1, -1), 'i') : c));
  const isCritical = (d: RequirementDef) => critical.some((c) => (typeof c === 'string' ? c === d.id : c.test(d.id) || c.test(d.text)));

  const byId = new Map<string, RequirementDef[]>();
  for (const d of input.definitions) {
    const list = byId.get(d.id);
    if (list) list.push(d);
    else byId.set(d.id, [d]);
  }
  const refs = new Map<string, TestRef[]>();
  for (const t of input.tests)
    for (const id of new Set(t.refs.requirements)) {
      const list = refs.get(id);
      if (list) list.push(toRef(t));
      else refs.set(id, [toRef(t)]);
    }

  const rows: TraceRow[] = [];
  for (const [id, defs] of byId) {
    const def = defs[0]!;
    const tests = refs.get(id) ?? [];
    const tiers = new Map<Tier, TestRef[]>();
    for (const t of tests) {
      const list = tiers.get(t.tier);
      if (list) list.push(t);
      else tiers.set(t.tier, [t]);
    }
    const active = tests.filter(isActive);
    const needsIntegration = defs.some((d) => needs.test(d.text));
    let status: TraceStatus;
    if (!tests.length) status = 'uncovered';
    else if (!active.length) status = 'only-skipped';
    else if (needsIntegration && !active.some((t) => integrationTiers.has(t.tier))) status = 'covered-only-by-unit';
    else status = 'covered';
    rows.push({
      id,
      title: def.title,
      file: def.file,
      line: def.line,
      needsIntegration,
      critical: defs.some(isCritical),
      status,
      tiers: [...tiers].sort((a, b) => compareTiers(a[0], b[0])).map(([tier, list]) => ({ tier, tests: list })),
      tests: active.length,
    });
  }
  rows.sort((a, b) => compareIds(a.id, b.id));

  const orphans = [...refs]
    .filter(([id]) => !byId.has(id))
    .map(([id, tests]) => ({ id, tests }))
    .sort((a, b) => compareIds(a.id, b.id));
  const duplicates = [...byId]
    .filter(([, defs]) => defs.length > 1)
    .map(([id, defs]) => ({ id, definitions: defs.map((d) => ({ file: d.file, line: d.line, title: d.title })) }))
    .sort((a, b) => compareIds(a.id, b.id));

  const count = (s: TraceStatus) => rows.filter((r) => r.status === s).length;
  const covered = count('covered');
  return {
    rows,
    orphans,
    duplicates,
    summary: {
      total: rows.length,
      covered,
      coveredOnlyByUnit: count('covered-only-by-unit'),
      onlySkipped: count('only-skipped'),
      uncovered: count('uncovered'),
      orphans: orphans.length,
      duplicates: duplicates.length,
      coveredShare: rows.length ? covered / rows.length : null,
    },
  };
}

/** Natural order: `FR-2` before `FR-10`, prefixes alphabetically. */
export function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
