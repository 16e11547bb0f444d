// @ts-check
/**
 * seams' live test events for Vitest (docs/events.md): `--reporter=<this file>` next to
 * `--reporter=json`, with SEAMS_EVENTS naming the events file. Vitest ≥ 3 reporter API:
 * `collected` per test file as Vitest collects it (onTestModuleCollected), one `test` per finished
 * test (onTestCaseResult, after its retries), `error` for a file that fails to load and for
 * unhandled errors, `end` at onTestRunEnd. Vitest collects file by file, so there is no `total`.
 * Vitest 2 has none of these: there the older onCollected / onTaskUpdate / onFinished write the
 * same events (Vitest 3 calls both sets; onTestRunStart, new in 3, turns the older ones off).
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
 *
 * Vitest 2's runner tasks (@vitest/runner Task, File) and result packs, for the older hooks.
 * @typedef {{ state?: string, duration?: number, errors?: ReadonlyArray<{ message?: string, name?: string }> }} LegacyResult
 * @typedef {{ id: string, type: string, name: string, mode?: string, suite?: LegacyTask, file?: LegacyTask, filepath?: string, projectName?: string, tasks?: LegacyTask[], result?: LegacyResult }} LegacyTask
 */

/** Vitest 2's final task states and the protocol's words. */
const LEGACY_STATUS = /** @type {Record<string, import('./events.cjs').EventStatus>} */ ({ pass: 'passed', fail: 'failed', skip: 'skipped', todo: 'skipped' });

/**
 * @param {LegacyTask} task
 * @returns {number}
 */
function legacyCount(task) {
  let n = 0;
  for (const t of task.tasks ?? []) n += t.type === 'test' || t.type === 'custom' ? 1 : legacyCount(t);
  return n;
}

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
    /** Vitest ≥ 3 (onTestRunStart was called): the older hooks stay silent. */
    this.modern = false;
    /** @type {{ state: { idMap: Map<string, LegacyTask> } } | undefined} Vitest 2's context */
    this.ctx = undefined;
    /** @type {Set<string>} Vitest 2: the files counted */
    this.collectedFiles = new Set();
    /** @type {Set<string>} the modules whose load errors were reported */
    this.erroredModules = new Set();
    /** @type {Map<string, string>} Vitest 2: the last state reported per test id */
    this.reportedState = new Map();
  }

  /** @param {{ state: { idMap: Map<string, LegacyTask> } }} ctx */
  onInit(ctx) {
    this.ctx = ctx;
  }

  onTestRunStart() {
    this.modern = true;
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
    if (this.events.active) this.moduleErrors(module);
  }

  /**
   * A module's errors outside its tests (it failed to load), once.
   * @param {TestModule} module
   */
  moduleErrors(module) {
    if (this.erroredModules.has(module.moduleId)) return;
    const errors = typeof module.errors === 'function' ? module.errors() : [];
    if (errors.length) this.erroredModules.add(module.moduleId);
    for (const e of errors) this.events.error(e.message ?? 'the test file failed to run', module.moduleId);
  }

  /**
   * @param {ReadonlyArray<TestModule>} modules
   * @param {ReadonlyArray<{ message?: string }>} [unhandledErrors]
   */
  onTestRunEnd(modules = [], unhandledErrors = []) {
    if (!this.events.active) return;
    // Vitest 3 ends a module that fails to load without onTestModuleEnd
    for (const m of modules) this.moduleErrors(m);
    for (const e of unhandledErrors) this.events.error(e.message ?? 'unhandled error');
    this.events.end();
  }

  /**
   * Vitest 2: files as they are collected.
   * @param {LegacyTask[]} [files]
   */
  onCollected(files = []) {
    if (this.modern || !this.events.active) return;
    for (const f of files) {
      if (this.collectedFiles.has(f.id)) continue;
      this.collectedFiles.add(f.id);
      this.events.collected(legacyCount(f));
    }
  }

  /**
   * Vitest 2: task state changes, `[id, result, meta]`; a test's final state once (a later
   * different one, after a retry, again: the last counts).
   * @param {ReadonlyArray<[string, LegacyResult | undefined, unknown?]>} packs
   */
  onTaskUpdate(packs) {
    if (this.modern || !this.events.active || !this.ctx) return;
    for (const [id, result] of packs) {
      const task = this.ctx.state.idMap.get(id);
      if (task) this.legacyTest(task, result);
    }
  }

  /**
   * @param {LegacyTask} task
   * @param {LegacyResult | undefined} result
   */
  legacyTest(task, result) {
    if ((task.type !== 'test' && task.type !== 'custom') || !task.file?.filepath) return;
    // a skipped or todo test may end without a result of its own
    const state = result?.state ?? (task.mode === 'skip' || task.mode === 'todo' ? task.mode : undefined);
    const status = state ? LEGACY_STATUS[state] : undefined;
    if (!status || this.reportedState.get(task.id) === state) return;
    this.reportedState.set(task.id, /** @type {string} */ (state));
    const titles = [task.name];
    for (let s = task.suite; s && s.id !== task.file.id; s = s.suite) titles.unshift(s.name);
    const error = result?.errors?.[0];
    this.events.test({
      status,
      file: task.file.filepath,
      titlePath: titles,
      ms: result?.duration,
      message: error ? error.message || error.name : undefined,
      project: task.file.projectName || undefined,
    });
  }

  /** @param {LegacyTask} task */
  legacyRest(task) {
    for (const t of task.tasks ?? []) {
      if (t.type === 'test' || t.type === 'custom') {
        if (!this.reportedState.has(t.id)) this.legacyTest(t, t.result);
      } else this.legacyRest(t);
    }
  }

  /**
   * Vitest 2: the end of the run.
   * @param {LegacyTask[]} [files]
   * @param {ReadonlyArray<{ message?: string }>} [errors]
   */
  onFinished(files = [], errors = []) {
    if (this.modern || !this.events.active) return;
    // the tests whose final state came in no task update (skipped, todo)
    for (const f of files) this.legacyRest(f);
    for (const f of files) if (f.result?.state === 'fail' && legacyCount(f) === 0) for (const e of f.result.errors ?? []) this.events.error(e.message ?? 'the test file failed to run', f.filepath);
    for (const e of errors) this.events.error(e.message ?? 'unhandled error');
    this.events.end();
  }
}
