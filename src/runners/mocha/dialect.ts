import type { JsDialect } from '../js/dialect.js';

/** Mocha's BDD/TDD interfaces. */
export const mochaDialect: JsDialect = {
  id: 'mocha',
  nameSeparator: ' ',
  eachTitles: 'pretty-format',
  todoWithoutBody: false,
  scopeModifiers: false,
  contextSubtests: false,
};
