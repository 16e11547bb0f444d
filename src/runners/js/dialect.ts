import type { TestDialect } from '../../languages/typescript/tests.js';

/** A JS runner's test API as the extractor needs it, plus how the runner joins a title path into a name. */
export interface JsDialect extends TestDialect {
  /** Cache key: the runner whose API this is. */
  id: string;
  /** Separator of the title path in the runner's full test name. */
  nameSeparator: string;
}
