import { closeSync, openSync, readSync } from 'node:fs';
import type { LiveEvent, LiveStatus } from '../core/progress.js';

/** Reads a live events file (docs/events.md) as the runner appends to it. */

/** A line longer than this is skipped (the protocol's limit). */
export const MAX_EVENT_LINE = 64 * 1024;
const STATUSES: ReadonlySet<string> = new Set<LiveStatus>(['passed', 'failed', 'skipped', 'error']);
const count = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e9;
const text = (v: unknown, max = 4096): string | undefined => (typeof v === 'string' && v.length ? v.slice(0, max) : undefined);

/**
 * One line of an events file as a checked event; null for a line that is not one (not JSON, not
 * an object, an unknown event, a field of the wrong type). Unknown fields are dropped.
 */
export function parseEventLine(line: string): LiveEvent | null {
  if (!line || line.length > MAX_EVENT_LINE || line[0] !== '{') return null;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  switch (o.event) {
    case 'start':
      return { event: 'start', ...(text(o.runner, 64) ? { runner: text(o.runner, 64)! } : {}) };
    case 'total':
    case 'collected':
      return count(o.tests) ? { event: o.event, tests: o.tests } : null;
    case 'test': {
      if (typeof o.status !== 'string' || !STATUSES.has(o.status)) return null;
      const id = text(o.id);
      const file = text(o.file);
      const titlePath = Array.isArray(o.titlePath) && o.titlePath.every((t) => typeof t === 'string') ? (o.titlePath as string[]) : undefined;
      if (!id && !(file && titlePath)) return null;
      const ms = typeof o.ms === 'number' && Number.isFinite(o.ms) && o.ms >= 0 ? o.ms : undefined;
      const message = text(o.message, 200);
      const project = text(o.project, 200);
      return {
        event: 'test',
        status: o.status as LiveStatus,
        ...(id ? { id } : {}),
        ...(file && titlePath ? { file, titlePath } : {}),
        ...(project ? { project } : {}),
        ...(ms !== undefined ? { ms } : {}),
        ...(message ? { message } : {}),
      };
    }
    case 'error':
      return { event: 'error', message: text(o.message, 200) ?? 'error', ...(text(o.file) ? { file: text(o.file)! } : {}) };
    case 'end':
      return { event: 'end' };
    default:
      return null;
  }
}

/** Bytes read per call: a runner writes a line per test, so one read usually takes them all. */
const CHUNK = 256 * 1024;

/**
 * Follows an events file: `poll()` reads what was appended since the last call and hands each
 * complete line's event to `onEvent` (a partial last line waits for its newline). The file may
 * not exist yet (the runner has not started its writer). `close()` reads the rest first.
 */
export class EventsTail {
  private fd: number | undefined;
  private offset = 0;
  private carry = '';
  private skipping = false;
  private closed = false;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly file: string,
    private readonly onEvent: (e: LiveEvent) => void,
  ) {}

  /** Reads what is new; returns how many events it gave. Never throws for the file's sake. */
  poll(): number {
    if (this.closed) return 0;
    if (this.fd === undefined) {
      try {
        this.fd = openSync(this.file, 'r');
      } catch {
        return 0;
      }
    }
    let given = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(this.fd, this.buf, 0, CHUNK, this.offset);
      } catch {
        return given;
      }
      if (n <= 0) return given;
      this.offset += n;
      given += this.take(this.decoder.decode(this.buf.subarray(0, n), { stream: true }));
      if (n < CHUNK) return given;
    }
  }

  private take(chunk: string): number {
    let given = 0;
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      const piece = chunk.slice(start, nl);
      start = nl + 1;
      const line = this.skipping ? '' : this.carry + piece;
      this.carry = '';
      this.skipping = false;
      const e = parseEventLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      if (e) {
        this.onEvent(e);
        given++;
      }
    }
    if (!this.skipping) {
      this.carry += chunk.slice(start);
      // an overlong line is dropped as it arrives, not kept until its newline
      if (this.carry.length > MAX_EVENT_LINE) {
        this.carry = '';
        this.skipping = true;
      }
    }
    return given;
  }

  /** Reads the rest and lets the file go. */
  close(): void {
    if (this.closed) return;
    this.poll();
    this.closed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
