import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULTS } from '../config/resolve.js';
import type { ResolvedConfig } from '../config/index.js';
import type { DiscoveredTest, RunnerId, RunRecord, ServiceRecord, TestResult } from '../core/types.js';
import { InventoryIndex, readResults, type ResultFormat } from '../results/index.js';
import { ResultsFormatError } from '../results/junit.js';
import type { ResultStore, SaveResult } from '../store/index.js';
import { SeamsError, describeError } from '../util/errors.js';
import { applySkipPolicy } from './policy.js';

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

async function hashFiles(files: readonly string[]): Promise<string> {
  const h = createHash('sha256');
  for (const f of files) {
    await new Promise<void>((resolve, reject) => {
      createReadStream(f)
        .on('data', (d) => h.update(d))
        .on('end', resolve)
        .on('error', reject);
    });
  }
  return h.digest('hex').slice(0, 16);
}

const worst = (a: RunRecord['status'], b: RunRecord['status']): RunRecord['status'] =>
  a === 'error' || b === 'error' ? 'error' : a === 'failed' || b === 'failed' ? 'failed' : 'passed';

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
    status: runs.map((r) => r.status).reduce(worst),
    services: [...services.values()],
    results: runs.flatMap((r) => r.results),
  };
}

function validateRun(run: unknown, file: string): RunRecord {
  const r = run as RunRecord;
  if (!r || typeof r !== 'object' || typeof r.id !== 'string' || !Array.isArray(r.results) || !Array.isArray(r.tiers))
    throw new ResultsFormatError(`${file}: not a seams results file (a run needs id, tiers and results)`);
  return r;
}

/**
 * Ingests results produced elsewhere. Seams results files (`seams run -o`) keep their run ids and
 * shards of the same id are merged; every other file (JUnit XML, Jest/Vitest/Playwright JSON,
 * go test -json) becomes one run whose id is `--run-id` or derived from the files' content, so
 * ingesting the same files twice changes nothing.
 */
export async function ingestFiles(files: readonly string[], o: IngestOptions): Promise<IngestReport[]> {
  if (!files.length) throw new SeamsError('SEAMS_USAGE', 'no results files given', { hint: 'seams ingest report.xml [more files…]' });
  for (const f of files) {
    const st = await stat(f).catch(() => null);
    if (!st)
      throw new SeamsError('SEAMS_RESULTS_NOT_FOUND', `results file not found: ${f}`, { hint: 'check the path; nothing was stored' });
    if (!st.isFile()) throw new SeamsError('SEAMS_RESULTS_NOT_FOUND', `${f} is not a file`, { hint: 'pass report files, not folders' });
  }
  const seams: { file: string; runs: RunRecord[] }[] = [];
  const foreign: string[] = [];
  for (const f of files) {
    if (await isSeamsResults(f)) {
      let doc: { run?: unknown; runs?: unknown[] };
      try {
        doc = JSON.parse(await readFile(f, 'utf8')) as typeof doc;
      } catch (error) {
        throw new ResultsFormatError(`${f}: not valid JSON (${describeError(error)})`);
      }
      const runs = doc.runs ?? (doc.run ? [doc.run] : []);
      seams.push({ file: f, runs: runs.map((r) => validateRun(r, f)) });
    } else foreign.push(f);
  }
  const reports: IngestReport[] = [];
  const index = new InventoryIndex(o.tests);
  const policy = (batch: TestResult[]) => {
    for (const tier of new Set(batch.map((r) => r.tier).filter((t): t is string => Boolean(t))))
      applySkipPolicy(batch, tier, o.config.tiers[tier]?.skips, DEFAULTS.strictSkipTiers);
    return batch;
  };

  const groups = new Map<string, { files: string[]; runs: RunRecord[] }>();
  for (const s of seams)
    for (const r of s.runs) {
      const id = o.runId ?? r.id;
      const g = groups.get(id) ?? { files: [], runs: [] };
      g.files.push(s.file);
      g.runs.push({ ...r, id });
      groups.set(id, g);
    }
  for (const [id, g] of groups) {
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
      unknown: g.runs.reduce((n, run) => n + run.results.filter((r) => r.known === false).length, 0),
      ...(byShard.size ? { added, already } : {}),
    });
  }

  if (foreign.length) {
    const id = o.runId ?? `ingest-${await hashFiles(foreign)}`;
    const startedAt = new Date().toISOString();
    let unknown = 0;
    const tiers = new Set<string>(o.tier ? [o.tier] : []);
    async function* batches(): AsyncGenerator<TestResult[]> {
      for (const f of foreign) {
        const ctx = { root: o.root, tests: o.tests, runner: o.runner };
        for await (const batch of readResults(f, ctx, o.format, index)) {
          for (const r of batch) {
            if (!r.known) {
              unknown++;
              if (o.tier) r.tier = o.tier;
            }
            if (r.tier) tiers.add(r.tier);
          }
          yield policy(batch);
        }
      }
    }
    const save = await o.store.saveRunStream(
      {
        id,
        repo: o.repo,
        commit: o.commit ?? null,
        branch: o.branch ?? null,
        tiers: o.tier ? [o.tier] : [], // the store adds every tier the results name
        environment: { source: 'ingest', files: foreign.map((f) => path.basename(f)).join(', ').slice(0, 500) },
        shard: o.shard ?? null,
        services: [],
        startedAt,
        finishedAt: startedAt,
      },
      batches(),
    );
    reports.push({ runId: id, files: foreign, save, unknown });
  }
  return reports;
}
