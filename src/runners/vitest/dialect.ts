import type { JsDialect } from '../js/dialect.js';

/** Vitest's test API: `.each` titles formatted by @vitest/runner, a test without a body is a todo. */
export const vitestDialect: JsDialect = {
  id: 'vitest',
  nameSeparator: ' > ',
  eachTitles: 'loupe',
  todoWithoutBody: true,
  scopeModifiers: false,
  contextSubtests: false,
};
