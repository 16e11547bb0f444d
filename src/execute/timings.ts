import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TaskTimings } from '../core/progress.js';

/**
 * How each task of `seams run` went last time on this machine (`.seams/timings.json`): its
 * start-up, its tests and its wind-down, for the next run's live ETA. Local on purpose: the same
 * suite takes other times on a CI machine, and the shared history keeps per-test durations only.
 * Kept from tasks that drew live results and ran to their end. A missing or unreadable file is
 * no history, never an error.
 */

const FILE = 'timings.json';
/** Tasks remembered at most (the newest win). */
const MAX_TASKS = 500;

interface TimingsFile {
  version: 1;
  tasks: Record<string, TaskTimings & { at: string }>;
}

export const timingsKey = (tier: string, runner: string, project: string | null): string => `${tier}|${runner}|${project ?? ''}`;

const valid = (t: unknown): t is TaskTimings & { at: string } => {
  if (!t || typeof t !== 'object') return false;
  const o = t as Record<string, unknown>;
  return ['tests', 'wallMs', 'firstResultMs', 'afterLastMs'].every((k) => typeof o[k] === 'number' && Number.isFinite(o[k]) && (o[k] as number) >= 0) && typeof o.at === 'string';
};

export class TaskTimingsFile {
  private readonly file: string;
  private data: TimingsFile | undefined;

  constructor(root: string) {
    this.file = path.join(root, '.seams', FILE);
  }

  private load(): TimingsFile {
    if (this.data) return this.data;
    this.data = { version: 1, tasks: {} };
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<TimingsFile>;
      if (parsed.version === 1 && parsed.tasks && typeof parsed.tasks === 'object')
        for (const [k, v] of Object.entries(parsed.tasks)) if (valid(v)) this.data.tasks[k] = v;
    } catch {
      // no file yet, or not ours: no timings
    }
    return this.data;
  }

  get(key: string): TaskTimings | undefined {
    const t = this.load().tasks[key];
    return t && { tests: t.tests, wallMs: t.wallMs, firstResultMs: t.firstResultMs, afterLastMs: t.afterLastMs };
  }

  /** Records a task's timings (written at once, through a temporary file and a rename). */
  set(key: string, timings: TaskTimings, at: Date): void {
    const data = this.load();
    delete data.tasks[key];
    data.tasks[key] = { ...timings, at: at.toISOString() };
    const keys = Object.keys(data.tasks);
    for (const k of keys.slice(0, Math.max(0, keys.length - MAX_TASKS))) delete data.tasks[k];
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(data, null, 1)}\n`);
      renameSync(tmp, this.file);
    } catch {
      // a read-only checkout: the next run has no timings, nothing else changes
    }
  }
}
