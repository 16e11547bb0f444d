import type { JsDialect } from '../js/dialect.js';

/** Playwright's test API: title-less `test.skip()`/`test.fixme()`… modify the enclosing scope. */
export const playwrightDialect: JsDialect = {
  id: 'playwright',
  nameSeparator: ' › ',
  eachTitles: 'pretty-format',
  todoWithoutBody: false,
  scopeModifiers: true,
  contextSubtests: false,
};
