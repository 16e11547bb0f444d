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

/**
 * The reporter a JS runner's command loads and the environment naming the events file, when
 * `BuildInput.events` asks for live events and the reporter is there; null otherwise (the
 * command is then the one built without events).
 */
export function liveEventsReporter(input: Pick<BuildInput, 'events'>, file: JsReporter, dir: string | null = SEAMS_REPORTERS_DIR): { reporter: string; env: Record<string, string> } | null {
  if (!input.events || !dir) return null;
  const reporter = path.join(dir, file);
  if (!existsSync(reporter)) return null;
  return { reporter, env: { SEAMS_EVENTS: input.events } };
}
