import type { JsDialect } from '../js/dialect.js';

/** Jest's test API: `.each` titles formatted by jest-each. */
export const jestDialect: JsDialect = {
  id: 'jest',
  nameSeparator: ' ',
  eachTitles: 'pretty-format',
  todoWithoutBody: false,
  scopeModifiers: false,
  contextSubtests: false,
};
