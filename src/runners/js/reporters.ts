import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildInput } from '../contract.js';

/** The live events reporters of the JS runners (docs/events.md), files of the package's reporters/ folder. */
export type JsReporter = 'vitest.mjs' | 'jest.cjs' | 'playwright.cjs';

/**
 * The package's reporters/ folder, found from this module's own place (src/runners/js or
 * dist/runners/js, in a checkout or an installed package alike); null when it is not there (a
 * copy of dist/ alone), so a run then goes without live events rather than failing to load them.
 */
export const SEAMS_REPORTERS_DIR: string | null = (() => {
  const dir = fileURLToPath(new URL('../../../reporters/', import.meta.url));
  return existsSync(path.join(dir, 'events.cjs')) ? path.resolve(dir) : null;
})();

/** Each reporter's absolute path, or null when it is missing; looked up once, so command builders stay pure. */
const REPORTERS: Readonly<Record<JsReporter, string | null>> = (() => {
  const of = (file: JsReporter) => (SEAMS_REPORTERS_DIR && existsSync(path.join(SEAMS_REPORTERS_DIR, file)) ? path.join(SEAMS_REPORTERS_DIR, file) : null);
  return { 'vitest.mjs': of('vitest.mjs'), 'jest.cjs': of('jest.cjs'), 'playwright.cjs': of('playwright.cjs') };
})();

/**
 * The reporter a JS runner's command loads and the environment naming the events file, when
 * `BuildInput.events` asks for live events and the reporter is there; null otherwise (the
 * command is then the one built without events). Pure.
 */
export function liveEventsReporter(input: Pick<BuildInput, 'events'>, file: JsReporter): { reporter: string; env: Record<string, string> } | null {
  const reporter = REPORTERS[file];
  if (!input.events || !reporter) return null;
  return { reporter, env: { SEAMS_EVENTS: input.events } };
}
