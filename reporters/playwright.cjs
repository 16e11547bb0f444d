// @ts-check
'use strict';
/**
 * seams' live test events for Playwright (docs/events.md): `--reporter=json,<this file>`, with
 * SEAMS_EVENTS naming the events file. `total` at onBegin (every test of every project), one
 * `test` per finished attempt at onTestEnd (a retried test reports each attempt; the last counts),
 * `error` for errors outside tests (onError), `end` at onEnd. Plain JavaScript, node: builtins only.
 *
 * The title path is the describe blocks and the test, without the project and file levels of
 * Playwright's own titlePath(): seams' inventory id has no project in it; the project travels in
 * its own field. The reporter says it prints nothing (printsToStdio), so Playwright keeps adding
 * its line/dot reporter exactly as it does for `--reporter=json` alone.
 */
const { EventWriter } = require('./events.cjs');

/**
 * The parts of Playwright's reporter objects this reporter reads (@playwright/test/reporter).
 * @typedef {{ type: string, title: string, parent?: Suite, project(): { name?: string } | undefined }} Suite
 * @typedef {{ title: string, parent: Suite, location: { file: string }, expectedStatus: string }} TestCase
 * @typedef {{ status: string, duration: number, error?: { message?: string, value?: string }, errors?: { message?: string }[] }} TestResult
 * @typedef {{ allTests(): unknown[] }} RootSuite
 */

/**
 * @param {TestCase} test
 * @returns {string[]}
 */
function titlePathOf(test) {
  const titles = [test.title];
  for (let p = /** @type {Suite | undefined} */ (test.parent); p && p.type === 'describe'; p = p.parent) titles.unshift(p.title);
  return titles;
}

class SeamsEventsReporter {
  constructor() {
    this.events = new EventWriter('playwright');
  }

  printsToStdio() {
    return false;
  }

  /**
   * @param {unknown} _config
   * @param {RootSuite} suite
   */
  onBegin(_config, suite) {
    if (this.events.active) this.events.total(suite.allTests().length);
  }

  /**
   * @param {TestCase} test
   * @param {TestResult} result
   */
  onTestEnd(test, result) {
    if (!this.events.active) return;
    /** @type {import('./events.cjs').EventStatus} */
    let status;
    /** @type {string | undefined} */
    let message;
    const failed = result.status === 'failed' || result.status === 'timedOut';
    if (result.status === 'interrupted') return; // the run was stopped: the test did not finish
    if (result.status === 'skipped') status = 'skipped';
    else if (test.expectedStatus === 'failed') {
      // test.fail(): failing as expected is an xfail (skipped), passing fails
      status = failed ? 'skipped' : 'failed';
      if (!failed) message = 'passed, but test.fail() expects it to fail';
    } else status = failed ? 'failed' : 'passed';
    if (status === 'failed' && !message) {
      const error = result.error ?? result.errors?.[0];
      message = error?.message ?? (error && 'value' in error && typeof error.value === 'string' ? error.value : undefined) ?? result.status;
    }
    let project;
    for (let p = /** @type {Suite | undefined} */ (test.parent); p; p = p.parent) {
      if (p.type === 'project') {
        project = p.project()?.name || p.title || undefined;
        break;
      }
    }
    this.events.test({ status, file: test.location.file, titlePath: titlePathOf(test), ms: result.duration, message, project });
  }

  /** @param {{ message?: string, value?: string, location?: { file: string } }} error */
  onError(error) {
    if (this.events.active) this.events.error(error.message ?? error.value ?? 'error', error.location?.file);
  }

  onEnd() {
    this.events.end();
  }
}

module.exports = SeamsEventsReporter;
