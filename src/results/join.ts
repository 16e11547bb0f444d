import type { DiscoveredTest, RunnerId, TestResult } from '../core/types.js';
import { fallbackJUnitId, titlePathJUnitNaming } from '../runners/_shared/junit.js';
import { getRunner } from '../runners/registry.js';
import { readJUnitFile, type JUnitCase } from './junit.js';
import { capText, LIMITS } from '../util/limits.js';

/** How results are joined to the inventory. */
export interface JoinContext {
  /** Absolute repo root: JSON reports carry absolute file paths that become repo-relative ids. */
  root: string;
  tests: readonly DiscoveredTest[];
  /** The runner whose command produced the file, when known (decides how JUnit names map to ids). */
  runner?: RunnerId;
  /** Repo-relative directory the runner resolves ids against (pytest rootdir). */
  runnerRoot?: string;
  project?: string | null;
  /** Services the results ran with. */
  services?: string[];
}

/** Finds inventory tests for results, by their own id or by the name JUnit gives them (the runner's `junit` naming). */
export class InventoryIndex {
  private readonly byId = new Map<string, DiscoveredTest>();
  private readonly byJUnit = new Map<string, DiscoveredTest>();

  constructor(tests: readonly DiscoveredTest[]) {
    for (const t of tests) {
      this.byId.set(`${t.runner}|${t.project ?? ''}|${t.id}`, t);
      this.byId.set(`${t.runner}||${t.id}`, t);
      const naming = getRunner(t.runner)?.junit ?? titlePathJUnitNaming;
      for (const key of naming.keys(t)) this.byJUnit.set(key, t);
    }
  }

  get(runner: string, project: string | null, id: string): DiscoveredTest | undefined {
    return this.byId.get(`${runner}|${project ?? ''}|${id}`) ?? (project === null ? undefined : this.byId.get(`${runner}||${id}`));
  }

  junit(classname: string, name: string): DiscoveredTest | undefined {
    // no inventory (`--no-scan`, a history without a repo): no key to build per result
    if (!this.byJUnit.size) return undefined;
    return this.byJUnit.get(`${classname}\u0000${name}`);
  }
}

/**
 * Cuts the texts of a result that came from a report to the limits of docs/limits.md, with a
 * marker: a runaway 60 MB test name would otherwise be stored whole in the history (and in every
 * later report). Ids and names are cut at `LIMITS.nameChars`, messages and reasons at
 * `LIMITS.messageChars`.
 */
export function capResult(r: TestResult): TestResult {
  const name = LIMITS.nameChars;
  if (r.id.length > name) r.id = capText(r.id, name);
  if (r.name.length > name) r.name = capText(r.name, name);
  if (r.suite !== undefined && r.suite.length > name) r.suite = capText(r.suite, name);
  if (r.file !== undefined && r.file.length > name) r.file = capText(r.file, name);
  if (r.message !== undefined && r.message.length > LIMITS.messageChars) r.message = capText(r.message, LIMITS.messageChars);
  if (r.reason !== undefined && r.reason.length > LIMITS.messageChars) r.reason = capText(r.reason, LIMITS.messageChars);
  return r;
}

/** Marks a result known/unknown and copies the inventory's file and tier; cuts its texts to the limits (`capResult`). */
export function enrich(r: TestResult, t: DiscoveredTest | undefined, ctx: JoinContext): TestResult {
  capResult(r);
  if (t) {
    r.known = true;
    r.file = t.file;
    r.tier = t.tier;
    if (r.project === null && t.project !== null) r.project = t.project;
  } else r.known = false;
  if (ctx.services?.length) r.services = ctx.services;
  return r;
}

export function junitCaseToResult(c: JUnitCase, index: InventoryIndex, ctx: JoinContext): TestResult {
  const t = index.junit(c.classname, c.name);
  const runner: TestResult['runner'] = t?.runner ?? ctx.runner ?? 'junit';
  const guess = getRunner(runner)?.junit?.guessId;
  const id = t ? t.id : guess ? guess(c, ctx.runnerRoot ?? '') : fallbackJUnitId(c);
  const r: TestResult = {
    runner,
    project: t?.project ?? ctx.project ?? null,
    id,
    name: c.name,
    status: c.status,
    durationMs: c.durationMs,
    attempts: c.attempts,
    flaky: c.flaky,
  };
  if (c.classname) r.suite = c.classname;
  else if (c.suite) r.suite = c.suite;
  if (c.file) r.file = c.file;
  if (c.message) r.message = c.message;
  if (c.reason) r.reason = c.reason;
  return enrich(r, t, ctx);
}

/** Streams the results of a JUnit XML file, joined to the inventory, in batches. */
export async function* junitResults(file: string, ctx: JoinContext, index = new InventoryIndex(ctx.tests)): AsyncGenerator<TestResult[]> {
  for await (const batch of readJUnitFile(file)) yield batch.map((c) => junitCaseToResult(c, index, ctx));
}
