// @ts-check
'use strict';
/**
 * seams' live test events for Jest (docs/events.md): `--reporters=default --reporters=<this file>`,
 * with SEAMS_EVENTS naming the events file. Jest knows its tests only file by file, and only once a
 * file has run, so there is no `total`: each finished file adds `collected` (its number of tests).
 * One `test` per test as it finishes (onTestCaseResult, Jest ≥ 29; each retry attempt reports, the
 * last counts); the file's skipped tests, which Jest does not report one by one, and every test
 * under an older Jest, come with the file's result (onTestResult). `error` for a file that fails to
 * run, `end` at onRunComplete. Plain JavaScript, node: builtins only.
 */
const { EventWriter } = require('./events.cjs');

/**
 * The parts of Jest's results this reporter reads (@jest/test-result AssertionResult, TestResult).
 * @typedef {{ ancestorTitles?: string[], title: string, status: string, duration?: number | null, failureMessages?: string[] | null }} Assertion
 * @typedef {{ testFilePath: string, testResults?: Assertion[], testExecError?: { message?: string } | null, failureMessage?: string | null }} FileResult
 * @typedef {{ path: string }} JestTest
 */

/** Statuses Jest reports only with the file's result (a skipped test dispatches no test-case result). */
const SKIPPED = new Set(['pending', 'skipped', 'disabled']);

/**
 * @param {string} status Jest's word
 * @returns {import('./events.cjs').EventStatus}
 */
function statusOf(status) {
  if (status === 'passed' || status === 'focused') return 'passed';
  if (status === 'failed') return 'failed';
  return 'skipped'; // pending, skipped, disabled, todo
}

/** @param {Assertion} a */
const keyOf = (a) => JSON.stringify([...(a.ancestorTitles ?? []), a.title]);

class SeamsEventsReporter {
  constructor() {
    this.events = new EventWriter('jest');
    /** @type {Map<string, Set<string>>} per test file: the tests already reported one by one */
    this.reported = new Map();
  }

  /**
   * @param {string} file
   * @param {Assertion} a
   */
  emit(file, a) {
    this.events.test({
      status: statusOf(a.status),
      file,
      titlePath: [...(a.ancestorTitles ?? []), a.title],
      ms: a.duration ?? undefined,
      message: a.failureMessages?.[0],
    });
  }

  /**
   * @param {JestTest} test
   * @param {Assertion} result
   */
  onTestCaseResult(test, result) {
    if (!this.events.active) return;
    let seen = this.reported.get(test.path);
    if (!seen) this.reported.set(test.path, (seen = new Set()));
    seen.add(keyOf(result));
    this.emit(test.path, result);
  }

  /**
   * @param {JestTest} test
   * @param {FileResult} result
   */
  onTestResult(test, result) {
    if (!this.events.active) return;
    const file = result.testFilePath || test.path;
    const assertions = result.testResults ?? [];
    const seen = this.reported.get(test.path) ?? new Set();
    this.reported.delete(test.path);
    this.events.collected(assertions.length);
    for (const a of assertions) if (SKIPPED.has(a.status) || !seen.has(keyOf(a))) this.emit(file, a);
    if (result.testExecError || (assertions.length === 0 && result.failureMessage))
      this.events.error(result.testExecError?.message ?? result.failureMessage ?? 'the test file failed to run', file);
  }

  onRunComplete() {
    this.events.end();
  }

  /** Jest asks reporters for an error to fail the run with: this one never has any. */
  getLastError() {
    return undefined;
  }
}

module.exports = SeamsEventsReporter;
