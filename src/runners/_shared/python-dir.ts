import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's python/ folder (seams' pytest plugin `seams_pytest/`, the live events writer
 * `seams_events.py`), found from this module's own place (src/runners/_shared or
 * dist/runners/_shared, in a checkout or an installed package alike); null when it is not there
 * (a copy of dist/ alone), so a run then goes without them rather than failing to load them.
 */
export const SEAMS_PYTHON_DIR: string | null = (() => {
  const dir = fileURLToPath(new URL('../../../python/', import.meta.url));
  return existsSync(path.join(dir, 'seams_pytest', '__init__.py')) && existsSync(path.join(dir, 'seams_events.py')) ? path.resolve(dir) : null;
})();

/** PYTHONPATH with seams' python/ folder first, then the run's own (kept, not replaced). */
export function seamsPythonPath(pythonPath: string | undefined): string | undefined {
  if (!SEAMS_PYTHON_DIR) return pythonPath;
  return [SEAMS_PYTHON_DIR, ...(pythonPath ? [pythonPath] : [])].join(path.delimiter);
}

/**
 * The environment of a Python command that writes live test events (docs/events.md): the events
 * file, and seams' python/ folder on PYTHONPATH. Empty without an events file or the folder.
 */
export function pythonEventsEnv(events: string | undefined, pythonPath: string | undefined): Record<string, string> {
  if (!events || !SEAMS_PYTHON_DIR) return {};
  return { SEAMS_EVENTS: events, PYTHONPATH: seamsPythonPath(pythonPath)! };
}
