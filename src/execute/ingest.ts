import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULTS } from '../config/resolve.js';
import type { ResolvedConfig } from '../config/index.js';
import { worseRunStatus, type DiscoveredTest, type RunnerId, type RunRecord, type ServiceRecord, type TestResult } from '../core/types.js';
import { InventoryIndex, capResult, readResults, type ResultFormat } from '../results/index.js';
import { ResultsFormatError } from '../results/junit.js';
import type { ResultStore, SaveResult } from '../store/index.js';
import { parseStrict, FORMAT_HINTS, seamsResultsSchema } from '../results/index.js';
import { testKeyOf } from '../store/types.js';
import { SeamsError, describeError } from '../util/errors.js';
import { applySkipPolicy } from './policy.js';
import { LIMITS } from '../util/limits.js';

export interface IngestOptions {
  root: string;
  repo: string;
  tests: readonly DiscoveredTest[];
  config: ResolvedConfig;
  store: ResultStore;
  runId?: string;
  tier?: string;
  runner?: RunnerId;
  format?: ResultFormat;
  commit?: string | null;
  branch?: string | null;
  shard?: string | null;
  /** Replace a stored run whose results differ (else that is an error, exit 1). */
  replace?: boolean;
  /** One-line notes for the user (a file read once, options that could not apply). */
  onNote?: (line: string) => void;
}

export interface IngestReport {
  runId: string;
  files: string[];
  save: SaveResult;
  unknown: number;
  /** Shards (`i/n`) of this run that were added now (to a new or an already stored run). */
  added?: string[];
  /** Shards given again that the stored run already holds: not stored a second time. */
  already?: string[];
  /** The stored run under this id was replaced (`--replace`). */
  replaced?: boolean;
}

async function isSeamsResults(file: string): Promise<boolean> {
  try {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(2048);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      return /"kind"\s*:\s*"seams-results"/.test(buf.subarray(0, bytesRead).toString('utf8'));
    } finally {
      await fh.close();
    }
  } catch {
    return false;
  }
}

/** sha256 (hex) of a file's content, streamed. */
function hashFile(file: string): Promise<string> {
  const h = createHash('sha256');
  return new Promise<string>((resolve, reject) => {
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

/**
 * The run id of a set of report files: a function of their content only, whatever their order or
 * names. One file keeps the id earlier seams versions gave it (the first 16 hex digits of its
 * sha256), so re-ingesting it finds the run stored then.
 */
export function contentRunId(hashes: readonly string[]): string {
  const sorted = [...new Set(hashes)].sort();
  const id = sorted.length === 1 ? sorted[0]! : createHash('sha256').update(sorted.join('\n')).digest('hex');
  return `ingest-${id.slice(0, 16)}`;
}

/** The files of one call, each read once: a path given again or a file with the same content as an earlier one is dropped, told in one note. */
async function distinctFiles(files: readonly string[], note: (line: string) => void): Promise<{ file: string; hash: string }[]> {
  const byHash = new Map<string, string>();
  const seenPath = new Map<string, number>();
  const sameAs: string[] = [];
  const out: { file: string; hash: string }[] = [];
  for (const f of files) {
    const abs = path.resolve(f);
    const times = seenPath.get(abs);
    seenPath.set(abs, (times ?? 0) + 1);
    if (times !== undefined) continue;
    const hash = await hashFile(f);
    const same = byHash.get(hash);
    if (same !== undefined) {
      sameAs.push(`${f} (same content as ${same})`);
      continue;
    }
    byHash.set(hash, f);
    out.push({ file: f, hash });
  }
  const twice = [...seenPath].filter(([, n]) => n > 1).map(([f, n]) => `${f} (given ${n} times)`);
  if (twice.length || sameAs.length) note(`read once: ${[...twice, ...sameAs].join(', ')}`);
  return out;
}

/** The one-line counts of a set of results. */
function countsLine(results: readonly TestResult[]): string {
  const c = { passed: 0, failed: 0, skipped: 0, other: 0 };
  for (const r of results) {
    if (r.status === 'passed') c.passed++;
    else if (r.status === 'failed' || r.status === 'error') c.failed++;
    else if (r.status === 'skipped') c.skipped++;
    else c.other++;
  }
  return `${results.length} result${results.length === 1 ? '' : 's'} (${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${c.other ? `, ${c.other} other` : ''})`;
}

/** How many differing tests a conflict lists. */
const SHOWN = 5;

/**
 * The difference between a stored run and the results this call brings for it, or undefined when
 * they agree: the same tests with the same statuses (durations and messages are not compared).
 * `subset`: the new results are one shard of the stored run, so stored tests they do not hold are
 * other shards', not a difference.
 */
export function runDifference(stored: readonly TestResult[], fresh: readonly TestResult[], subset: boolean): string[] | undefined {
  const before = new Map(stored.map((r) => [testKeyOf(r), r.status]));
  const now = new Map(fresh.map((r) => [testKeyOf(r), r.status]));
  const lines: string[] = [];
  let n = 0;
  const show = (r: TestResult, line: string) => {
    if (n++ < SHOWN) lines.push(`  ${r.id}${r.project ? ` [${r.project}]` : ''}: ${line}`);
  };
  for (const r of fresh) {
    const was = before.get(testKeyOf(r));
    if (was === undefined) show(r, `not in the stored run, now ${r.status}`);
    else if (was !== r.status) show(r, `stored ${was}, now ${r.status}`);
  }
  if (!subset) for (const r of stored) if (!now.has(testKeyOf(r))) show(r, `stored ${r.status}, not in this ingest`);
  if (!n) return undefined;
  if (n > SHOWN) lines.push(`  … and ${n - SHOWN} more`);
  return [`${n} test${n === 1 ? '' : 's'} differ${n === 1 ? 's' : ''}:`, ...lines];
}

function conflict(what: string, stored: RunRecord, fresh: readonly TestResult[], diff: string[]): SeamsError {
  return new SeamsError(
    'SEAMS_INGEST_CONFLICT',
    [`${what} is already stored with different results: stored ${countsLine(stored.results)}, this ingest ${countsLine(fresh)}; ${diff[0]}`, ...diff.slice(1)].join('\n'),
    { hint: `pass --replace to replace the stored run ${stored.id} by this ingest (nothing was stored)`, exitCode: 1 },
  );
}

/** Options given for a run that is already stored and differ from what it holds: they cannot apply, so say so. */
function unappliedOptions(stored: RunRecord, o: IngestOptions, note: (line: string) => void): void {
  const what: string[] = [];
  if (o.commit != null && o.commit !== stored.commit) what.push(`--commit ${o.commit} (stored: ${stored.commit ?? 'none'})`);
  if (o.branch != null && o.branch !== stored.branch) what.push(`--branch ${o.branch} (stored: ${stored.branch ?? 'none'})`);
  if (o.tier && !stored.tiers.includes(o.tier)) what.push(`--tier ${o.tier} (stored: ${stored.tiers.join(', ') || 'none'})`);
  if (what.length) note(`warning: run ${stored.id} is already stored, so ${what.join(', ')} ${what.length === 1 ? 'was' : 'were'} not applied (pass --replace to store it again with them)`);
}


/** Merges shards of one run (same id) into one record. */
export function mergeShards(runs: readonly RunRecord[]): RunRecord {
  if (runs.length === 1) return runs[0]!;
  const first = runs[0]!;
  const services = new Map<string, ServiceRecord>();
  for (const r of runs) for (const s of r.services) if (!services.has(s.name) || s.status !== 'ready') services.set(s.name, s);
  return {
    ...first,
    tiers: [...new Set(runs.flatMap((r) => r.tiers))],
    shard: null,
    environment: { ...first.environment, shards: String(runs.length) },
    startedAt: runs.map((r) => r.startedAt).sort()[0]!,
    finishedAt: runs.map((r) => r.finishedAt).sort().at(-1)!,
    status: runs.map((r) => r.status).reduce(worseRunStatus),
    ...(runs.find((r) => r.incomplete) ? { incomplete: runs.find((r) => r.incomplete)!.incomplete } : {}),
    services: [...services.values()],
    results: runs.flatMap((r) => r.results),
  };
}

/**
 * Ingests results produced elsewhere, as a function of the files' content:
 * - seams results files (`seams run -o`, checked against their schema) keep their run ids, and
 *   shards of the same id are merged;
 * - every other file (JUnit XML, Jest/Vitest/Playwright JSON, go test -json) becomes one run whose
 *   id is `--run-id` or derived from the sorted content hashes of the files, so the same files in
 *   any order are one run; a file given twice (same path or same content) is read once.
 * Re-ingesting what is stored changes nothing. Results that differ from the stored run (or shard)
 * under the same id are refused (exit 1, with the difference) unless `replace`, which replaces the
 * stored run in one transaction. A report with no test results is refused (exit 2).
 */
export async function ingestFiles(files: readonly string[], o: IngestOptions): Promise<IngestReport[]> {
  if (!files.length) throw new SeamsError('SEAMS_USAGE', 'no results files given', { hint: 'seams ingest report.xml [more files…]' });
  const note = o.onNote ?? (() => {});
  for (const f of files) {
    const st = await stat(f).catch(() => null);
    if (!st)
      throw new SeamsError('SEAMS_RESULTS_NOT_FOUND', `results file not found: ${f}`, { hint: 'check the path; nothing was stored' });
    if (!st.isFile()) throw new SeamsError('SEAMS_RESULTS_NOT_FOUND', `${f} is not a file`, { hint: 'pass report files, not folders' });
  }
  const distinct = await distinctFiles(files, note);
  const seams: { file: string; runs: RunRecord[] }[] = [];
  const foreign: { file: string; hash: string }[] = [];
  for (const d of distinct) {
    if (await isSeamsResults(d.file)) {
      let doc: unknown;
      const size = (await stat(d.file)).size;
      // the same size limit as every other results format (docs/limits.md): V8 cannot hold much more as one string
      if (size > LIMITS.resultsFileBytes)
        throw new ResultsFormatError(`${d.file}: ${Math.round(size / 2 ** 20)} MB seams results file is larger than seams reads (${LIMITS.resultsFileBytes / 2 ** 20} MB)`, 'write one results file per tier or shard (seams run -o) and ingest them together (limits: docs/limits.md)');
      try {
        doc = JSON.parse(await readFile(d.file, 'utf8'));
      } catch (error) {
        throw new ResultsFormatError(`${d.file}: not valid JSON (${describeError(error)})`, FORMAT_HINTS.seams);
      }
      const valid = parseStrict(seamsResultsSchema, doc, d.file, 'seams');
      // names and messages cut to the limits, as for every other format (a runaway name is not stored whole)
      const runs = (valid.runs ?? [valid.run!]) as RunRecord[];
      for (const run of runs) run.results.forEach(capResult);
      seams.push({ file: d.file, runs });
    } else foreign.push(d);
  }
  const reports: IngestReport[] = [];
  const index = new InventoryIndex(o.tests);
  const policy = (batch: TestResult[]) => {
    for (const tier of new Set(batch.map((r) => r.tier).filter((t): t is string => Boolean(t))))
      applySkipPolicy(batch, tier, o.config.tiers[tier]?.skips, DEFAULTS.strictSkipTiers);
    return batch;
  };

  // seams results files: checked against the stored runs before anything is stored
  const groups = new Map<string, { files: string[]; runs: RunRecord[]; stored: RunRecord | null; replace: boolean }>();
  for (const s of seams)
    for (const r of s.runs) {
      const id = o.runId ?? r.id;
      const g = groups.get(id) ?? { files: [], runs: [], stored: null, replace: false };
      g.files.push(s.file);
      g.runs.push({ ...r, id });
      groups.set(id, g);
    }
  for (const [id, g] of groups) {
    g.stored = await o.store.getRun(id);
    if (!g.stored) continue;
    const storedShards = storedShardsOf(g.stored);
    const unsharded = g.runs.filter((r) => !r.shard);
    for (const part of [...(unsharded.length ? [{ shard: null as string | null, results: mergeShards(unsharded).results }] : []), ...g.runs.filter((r) => r.shard).map((r) => ({ shard: r.shard, results: r.results }))]) {
      // a shard the stored run does not hold yet is merged, not compared
      if (part.shard && storedShards.size && !storedShards.has(part.shard)) continue;
      const diff = runDifference(g.stored.results, part.results, part.shard !== null && storedShards.size > 1);
      if (!diff) continue;
      if (!o.replace) throw conflict(part.shard ? `shard ${part.shard} of run ${id}` : `run ${id}`, g.stored, part.results, diff);
      g.replace = true;
    }
    if (!g.replace) unappliedOptions(g.stored, o, note);
  }

  if (foreign.length) {
    const id = o.runId ?? contentRunId(foreign.map((f) => f.hash));
    const startedAt = new Date().toISOString();
    let unknown = 0;
    const tiers = new Set<string>(o.tier ? [o.tier] : []);
    const header = {
      id,
      repo: o.repo,
      commit: o.commit ?? null,
      branch: o.branch ?? null,
      tiers: o.tier ? [o.tier] : [], // the store adds every tier the results name
      environment: { source: 'ingest', files: foreign.map((f) => path.basename(f.file)).join(', ').slice(0, 500) },
      shard: o.shard ?? null,
      services: [],
      startedAt,
      finishedAt: startedAt,
    };
    async function* batches(): AsyncGenerator<TestResult[]> {
      let total = 0;
      const empty: string[] = [];
      for (const { file: f } of foreign) {
        const ctx = { root: o.root, tests: o.tests, runner: o.runner };
        let n = 0;
        for await (const batch of readResults(f, ctx, o.format, index)) {
          n += batch.length;
          for (const r of batch) {
            if (!r.known) {
              unknown++;
              if (o.tier) r.tier = o.tier;
            }
            if (r.tier) tiers.add(r.tier);
          }
          yield policy(batch);
        }
        if (!n) empty.push(f);
        total += n;
      }
      if (!total)
        throw new ResultsFormatError(`no test results in ${empty.join(', ')}`, 'an empty report from a real run usually means the runner selected or collected nothing: check its output; nothing was stored');
      for (const f of empty) note(`${f}: no test results in it`);
    }
    const collect = async () => {
      const all: TestResult[] = [];
      for await (const b of batches()) all.push(...b);
      return all;
    };
    // a stored run under an id the user gave may hold other results: compare before anything is stored
    const stored = o.runId !== undefined || o.replace ? await o.store.getRun(id) : null;
    let save: SaveResult;
    if (stored) {
      const fresh = await collect();
      const storedShards = storedShardsOf(stored);
      const newShard = o.shard && storedShards.size && !storedShards.has(o.shard);
      const diff = newShard ? undefined : runDifference(stored.results, fresh, Boolean(o.shard) && storedShards.size > 1);
      if (diff && !o.replace) throw conflict(o.shard ? `shard ${o.shard} of run ${id}` : `run ${id}`, stored, fresh, diff);
      if (o.replace && (diff || o.commit != null || o.branch != null || o.tier)) save = await o.store.replaceRun({ ...header, results: fresh, ...(o.shard ? { shards: [o.shard] } : {}), ...statusOf(fresh) });
      else {
        save = await o.store.saveRun({ ...header, status: statusOf(fresh).status, results: fresh });
        if (!save.inserted) unappliedOptions(stored, o, note);
      }
    } else {
      save = await o.store.saveRunStream(header, readAhead(batches()));
      if (!save.inserted && (o.commit != null || o.branch != null || o.tier)) {
        const again = await o.store.getRun(id);
        if (again) unappliedOptions(again, o, note);
      }
    }
    reports.push({
      runId: id,
      files: foreign.map((f) => f.file),
      save,
      unknown,
      ...(o.shard ? (save.inserted ? { added: [o.shard], already: [] } : { added: [], already: [o.shard] }) : {}),
      ...(stored && o.replace && save.inserted && !save.merged ? { replaced: true } : {}),
    });
  }

  for (const [id, g] of groups) {
    if (g.replace) {
      const shards = [...new Set(g.runs.map((r) => r.shard).filter((s): s is string => Boolean(s)))];
      const merged = mergeShards(g.runs);
      const { shards: _count, ...environment } = merged.environment;
      void _count;
      // as the store keeps a run of several shards: the list in environment.shards
      if (shards.length > 1) environment.shards = shards.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).join(',');
      const run = { ...merged, environment, id, shard: shards.length === 1 ? shards[0]! : null, shards };
      const save = await o.store.replaceRun(run);
      reports.push({ runId: id, files: [...new Set(g.files)], save, unknown: countUnknown(g.runs), replaced: true });
      continue;
    }
    // Idempotence is per (run id, shard): each shard is saved on its own, so a shard stored by an
    // earlier ingest (or `seams run --shard`) is kept once and a new shard is merged into the run.
    const unsharded = g.runs.filter((r) => !r.shard);
    const byShard = new Map<string, RunRecord[]>();
    for (const r of g.runs) if (r.shard) byShard.set(r.shard, [...(byShard.get(r.shard) ?? []), r]);
    const parts: { run: RunRecord; shards: string[] }[] = [];
    if (unsharded.length) parts.push({ run: mergeShards(unsharded), shards: [] });
    for (const [shard, runs] of byShard) parts.push({ run: { ...mergeShards(runs), shard }, shards: [shard] });
    let save: SaveResult | undefined;
    let first: SaveResult | undefined;
    let inserted = false;
    const added: string[] = [];
    const already: string[] = [];
    for (const part of parts) {
      save = await o.store.saveRun({ ...part.run, id, shards: part.shards });
      first ??= save;
      inserted ||= save.inserted;
      (save.inserted ? added : already).push(...part.shards);
    }
    reports.push({
      runId: id,
      files: [...new Set(g.files)],
      // merged: the run was stored before this call (else this call created it)
      save: { ...save!, inserted, merged: inserted && (!first!.inserted || first!.merged === true) },
      unknown: countUnknown(g.runs),
      ...(byShard.size ? { added, already } : {}),
    });
  }
  return reports;
}

/**
 * Batches of `source`, reading up to `depth` batches ahead of the consumer: while the store waits
 * for its database (PostgreSQL answering an INSERT), the next batches are parsed instead of the
 * event loop idling. The order and every error of `source` stay as they are: an error is thrown
 * where its batch would have been, and a consumer that stops early closes `source` after what it
 * was reading. Memory: at most `depth` batches held.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, depth = 4): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const queue: Promise<IteratorResult<T>>[] = [];
  let ended = false;
  const fill = () => {
    while (!ended && queue.length < depth) {
      const p = it.next();
      // observed here, thrown in order below: no unhandled rejection for a batch not asked for yet
      p.then(
        (r) => {
          if (r.done) ended = true;
        },
        () => {
          ended = true;
        },
      );
      queue.push(p);
    }
  };
  let finished = false;
  try {
    for (;;) {
      fill();
      const r = await queue.shift()!;
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } catch (error) {
    finished = true;
    throw error;
  } finally {
    // stopped early by the consumer: let the source close its file
    if (!finished) await it.return?.().catch(() => {});
  }
}

/** The shards a stored run holds (`environment.shards` lists them once it holds several). */
function storedShardsOf(run: RunRecord): Set<string> {
  const listed = (run.environment.shards ?? '').split(',').filter((x) => /^\d+\/\d+$/.test(x));
  return new Set(run.shard ? [...listed, run.shard] : listed);
}

const countUnknown = (runs: readonly RunRecord[]) => runs.reduce((n, run) => n + run.results.filter((r) => r.known === false).length, 0);

function statusOf(results: readonly TestResult[]): { status: RunRecord['status'] } {
  // as the store derives it from the counts (statusOfCounts)
  return { status: results.some((r) => r.status === 'failed' || r.status === 'error' || r.status === 'not-run') ? 'failed' : 'passed' };
}
