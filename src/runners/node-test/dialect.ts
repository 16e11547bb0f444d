import type { JsDialect } from '../js/dialect.js';

/** node:test: a test's context parameter defines subtests with `t.test()`. */
export const nodeTestDialect: JsDialect = {
  id: 'node-test',
  nameSeparator: ' > ',
  eachTitles: 'pretty-format',
  todoWithoutBody: false,
  scopeModifiers: false,
  contextSubtests: true,
};
