// @ts-check
'use strict';
/**
 * seams' live test events writer (docs/events.md), shared by the Vitest, Jest and Playwright
 * reporters of this folder. It runs inside the user's test runner: plain JavaScript, node:
 * builtins only, and it never throws into the runner. Events are appended as NDJSON to the file
 * named by SEAMS_EVENTS; without it, or when the file cannot be opened, the writer stays silent.
 *
 * Flushing: events are buffered and written at most every 100 ms (an unref'd timer), at once
 * after a failure, and synchronously at the end (and at process exit, for a run cut short).
 */
const fs = require('node:fs');

const FLUSH_MS = 100;
const MESSAGE_MAX = 200;
// CSI and OSC escape sequences (colours, hyperlinks) of the runners' formatted messages
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/**
 * @typedef {'passed' | 'failed' | 'skipped' | 'error'} EventStatus
 * @typedef {{ status: EventStatus, file: string, titlePath: string[], ms?: number, message?: string, project?: string }} TestEvent
 */

/**
 * The first non-empty line of a failure, without terminal escapes, at most 200 characters.
 * @param {unknown} text
 * @returns {string | undefined}
 */
function firstLine(text) {
  if (typeof text !== 'string') return undefined;
  const line = text.replace(ANSI, '').split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0);
  if (!line) return undefined;
  return line.length > MESSAGE_MAX ? `${line.slice(0, MESSAGE_MAX - 1)}…` : line;
}

/**
 * A duration in milliseconds, rounded to 0.01 ms; undefined when not a finite number ≥ 0.
 * @param {unknown} ms
 * @returns {number | undefined}
 */
function duration(ms) {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? Math.round(ms * 100) / 100 : undefined;
}

class EventWriter {
  /**
   * @param {string} runner
   * @param {string | undefined} [file] the events file; SEAMS_EVENTS when not given
   */
  constructor(runner, file = process.env.SEAMS_EVENTS) {
    /** @type {number | null} */
    this.fd = null;
    /** @type {string[]} */
    this.buffer = [];
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    this.ended = false;
    if (!file) return;
    try {
      this.fd = fs.openSync(file, 'a');
    } catch {
      return;
    }
    this.onExit = () => this.flush();
    process.once('exit', this.onExit);
    this.write({ event: 'start', runner, v: 1 });
  }

  /** Whether events are written at all. */
  get active() {
    return this.fd !== null;
  }

  /**
   * Buffers one event; `now` flushes at once (after a failure).
   * @param {Record<string, unknown>} event
   * @param {boolean} [now]
   */
  write(event, now = false) {
    if (this.fd === null) return;
    let line;
    try {
      line = JSON.stringify(event);
    } catch {
      return;
    }
    this.buffer.push(line);
    if (now) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref?.();
    }
  }

  /** @param {number} tests */
  total(tests) {
    this.write({ event: 'total', tests });
  }

  /** @param {number} tests */
  collected(tests) {
    if (tests > 0) this.write({ event: 'collected', tests });
  }

  /** @param {TestEvent} t */
  test(t) {
    /** @type {Record<string, unknown>} */
    const event = { event: 'test', file: t.file, titlePath: t.titlePath, status: t.status };
    if (t.project) event.project = t.project;
    const ms = duration(t.ms);
    if (ms !== undefined) event.ms = ms;
    const message = firstLine(t.message);
    if (message && (t.status === 'failed' || t.status === 'error')) event.message = message;
    this.write(event, t.status === 'failed' || t.status === 'error');
  }

  /**
   * An error outside any test (a file that fails to import).
   * @param {unknown} message
   * @param {string} [file]
   */
  error(message, file) {
    /** @type {Record<string, unknown>} */
    const event = { event: 'error', message: firstLine(message) ?? 'error' };
    if (file) event.file = file;
    this.write(event, true);
  }

  /** The runner finished its tests: `end`, written synchronously, and the file closed. */
  end() {
    if (this.fd === null || this.ended) return;
    this.ended = true;
    this.write({ event: 'end' });
    this.flush();
    if (this.onExit) process.removeListener('exit', this.onExit);
    try {
      if (this.fd !== null) fs.closeSync(this.fd);
    } catch {
      // closing is best effort
    }
    this.fd = null;
  }

  /** Writes the buffered events now (synchronously). */
  flush() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.fd === null || this.buffer.length === 0) return;
    const data = Buffer.from(`${this.buffer.join('\n')}\n`, 'utf8');
    this.buffer = [];
    try {
      let off = 0;
      while (off < data.length) off += fs.writeSync(this.fd, data, off, data.length - off);
    } catch {
      // a full disk or a removed file: stop writing, never fail the run
      try {
        fs.closeSync(this.fd);
      } catch {
        // ignore
      }
      this.fd = null;
    }
  }
}

module.exports = { EventWriter, firstLine };
