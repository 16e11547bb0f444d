// @ts-check
/**
 * seams' live test events for Vitest (docs/events.md): `--reporter=<this file>` next to
 * `--reporter=json`, with SEAMS_EVENTS naming the events file. Vitest ≥ 3 reporter API:
 * `collected` per test file as Vitest collects it (onTestModuleCollected), one `test` per finished
 * test (onTestCaseResult, after its retries), `error` for a file that fails to load and for
 * unhandled errors, `end` at onTestRunEnd. Vitest collects file by file, so there is no `total`.
 * Plain JavaScript, node: builtins only; it never changes an outcome or Vitest's output.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** @type {{ EventWriter: typeof import('./events.cjs').EventWriter }} */
const { EventWriter } = require('./events.cjs');

/**
 * The parts of Vitest's reported tasks this reporter reads (vitest/node TestCase, TestModule).
 * @typedef {{ type: string, name?: string, parent?: Task, moduleId?: string }} Task
 * @typedef {{ state: string, errors?: ReadonlyArray<{ message?: string, name?: string }> }} CaseResult
 * @typedef {Task & {
 *   id: string,
 *   name: string,
 *   module: { moduleId: string },
 *   project?: { name?: string },
 *   options?: { mode?: string },
 *   result(): CaseResult,
 *   diagnostic(): { duration?: number } | undefined,
 * }} TestCase
 * @typedef {{ moduleId: string, children: { allTests(): Iterable<TestCase> }, errors?: () => ReadonlyArray<{ message?: string }> }} TestModule
 */

/**
 * The titles of the describe blocks and the test, outermost first.
 * @param {TestCase} test
 * @returns {string[]}
 */
function titlePathOf(test) {
  const titles = [test.name];
  for (let p = test.parent; p && p.type === 'suite'; p = p.parent) titles.unshift(p.name ?? '');
  return titles;
}

export default class SeamsEventsReporter {
  constructor() {
    this.events = new EventWriter('vitest');
    /** @type {Set<string>} test ids already reported (a test case reports once; guard anyway) */
    this.seen = new Set();
  }

  /** @param {TestModule} module */
  onTestModuleCollected(module) {
    if (!this.events.active) return;
    let n = 0;
    for (const _ of module.children.allTests()) n++;
    this.events.collected(n);
  }

  /** @param {TestCase} test */
  onTestCaseResult(test) {
    if (!this.events.active) return;
    const result = test.result();
    /** @type {import('./events.cjs').EventStatus} */
    let status;
    if (result.state === 'passed') status = 'passed';
    else if (result.state === 'failed') status = 'failed';
    else if (result.state === 'skipped') status = 'skipped'; // skip, todo, filtered out by .only or -t
    else return; // pending: not finished
    this.seen.add(test.id);
    const error = result.errors?.[0];
    this.events.test({
      status,
      file: test.module.moduleId,
      titlePath: titlePathOf(test),
      ms: test.diagnostic()?.duration,
      message: error ? error.message || error.name : undefined,
      project: test.project?.name || undefined,
    });
  }

  /** @param {TestModule} module */
  onTestModuleEnd(module) {
    if (!this.events.active) return;
    const errors = typeof module.errors === 'function' ? module.errors() : [];
    for (const e of errors) this.events.error(e.message ?? 'the test file failed to run', module.moduleId);
  }

  /**
   * @param {ReadonlyArray<TestModule>} _modules
   * @param {ReadonlyArray<{ message?: string }>} [unhandledErrors]
   */
  onTestRunEnd(_modules, unhandledErrors = []) {
    if (!this.events.active) return;
    for (const e of unhandledErrors) this.events.error(e.message ?? 'unhandled error');
    this.events.end();
  }
}
