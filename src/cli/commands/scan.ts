import path from 'node:path';
import { repoPaths } from '../../app/options.js';
import type { Command } from 'commander';
import { Option } from 'commander';
import { scan, verificationOf, verificationStatus } from '../../app/scan.js';
import { scanRenderers } from '../../report/renderers/scan.js';
import { displayPath, repoFolders, writeOutput, type CliIO } from '../io.js';
import { NO_CACHE_HELP, ROOT_ALIAS_HELP, type SetExit } from '../types.js';
import { runners } from '../../runners/registry.js';
import { resolvePython } from '../../util/python.js';
import { SeamsError } from '../../util/errors.js';

export interface ScanCommandOptions {
  format: 'text' | 'json' | 'markdown';
  verify?: boolean;
  python?: string;
  config?: string;
  output?: string;
  resolve?: boolean;
  resolveTimeout?: string;
  cache?: boolean;
}

export function registerScan(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command('scan')
    .description(`inventory every test by tier, statically (${runners.map((r) => r.title).join(', ')})`)
    .argument('[paths...]', 'repository folders to scan (default: the current one)')
    .option('--root <dir>', ROOT_ALIAS_HELP)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--verify', "cross-check the static inventory against each runner's own collector")
    .option('--python <interpreter>', 'Python interpreter for --verify (default: $SEAMS_PYTHON, else python3)')
    .option('-c, --config <file>', 'seams.yaml to use (single repository only)')
    .option('-o, --output <file>', 'write the output to a file instead of stdout')
    .option('--resolve', "list the files that hold dynamic tests with the runner's own collector (pytest --collect-only, vitest list, playwright test --list); this RUNS the repository's collection code: conftest.py, plugins, configs, test modules' top level")
    .option('--no-resolve', 'static only, whatever seams.yaml scan.resolve says')
    .option('--resolve-timeout <seconds>', 'time limit of each collector command of --resolve (default 120)')
    .option('--no-cache', NO_CACHE_HELP)
    .addHelpText(
      'after',
      `
Examples:
  seams scan                          the repository in the current folder
  seams scan services/api web         one table per repository and a combined one
  seams scan . --format markdown      the tier table for a planning document
  seams scan . --verify               compare with pytest --collect-only, vitest list, …
  seams scan . --resolve              dynamic tests listed by the runners themselves (runs
                                      conftest.py and configs; cached in .seams/cache)

Exit codes: 0 scanned (also with diagnostics), 1 --verify found differences,
2 bad path / config / nothing to scan.`,
    )
    .action(async (paths: string[], opts: ScanCommandOptions & { root?: string }) => {
      setExit(await scanCommand(repoPaths(paths, opts.root), opts, io));
    });
}

export async function scanCommand(paths: string[], opts: ScanCommandOptions, io: CliIO): Promise<number> {
  const roots = repoFolders(io, paths);
  const config = opts.config && path.resolve(io.cwd, opts.config);
  // seams hands absolute paths down; what it prints names them as the user sees them from here
  const shownPaths = (text: string) => relativeToCwd(io, text, [...roots, ...(config ? [config] : [])]);
  let result: Awaited<ReturnType<typeof scan>>;
  try {
    result = await scan(roots, {
      // the folders as the user named them, from the working folder of the CLI (io.cwd)
      config,
      verify: opts.verify,
      python: resolvePython(opts.python, io.env),
      resolve: opts.resolve,
      resolveTimeoutMs: resolveTimeoutMs(opts.resolveTimeout),
      cache: opts.cache,
      env: io.env,
    });
  } catch (error) {
    if (error instanceof SeamsError)
      throw new SeamsError(error.code, shownPaths(error.message), { hint: error.hint && shownPaths(error.hint), exitCode: error.exitCode, cause: error });
    throw error;
  }
  // text and Markdown name each repository, and the paths in its problems and verification errors,
  // relative to the working folder (as gaps does); JSON keeps the absolute root and the texts as they came
  const shown =
    opts.format === 'json'
      ? result
      : {
          ...result,
          repos: result.repos.map((r) => ({
            ...r,
            root: displayPath(io, r.root),
            diagnostics: r.diagnostics.map((d) => ({ ...d, message: shownPaths(d.message) })),
            ...(r.verification ? { verification: r.verification.map((v) => (v.error ? { ...v, error: shownPaths(v.error) } : v)) } : {}),
          })),
        };
  const text = scanRenderers[opts.format](shown);
  if (opts.output) await writeOutput(io, opts.output, text);
  else io.stdout.write(text);
  return verificationStatus(verificationOf(result));
}

/**
 * `text` with each of the absolute `paths` (and what lies under them) written as displayPath writes
 * it: relative to the working folder when inside it (`/w/app/pyproject.toml` → `app/pyproject.toml`
 * from /w), absolute otherwise. Longest first, so a repository inside another keeps its own name.
 */
export function relativeToCwd(io: CliIO, text: string, paths: readonly string[]): string {
  let out = text;
  for (const abs of [...new Set(paths)].sort((a, b) => b.length - a.length)) {
    const rel = displayPath(io, abs);
    if (rel === abs) continue;
    const escaped = abs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // the path itself, or the path followed by a separator and more; never a longer name (/w/app2)
    out = out.replace(new RegExp(`${escaped}(?=[\\/]|(?![\\w-]|\\.\\w))([\\/])?`, 'g'), (_m, sep?: string) => (sep ? (rel === '.' ? '' : `${rel}${sep}`) : rel));
  }
  return out;
}

/** `--resolve-timeout <seconds>`: a positive number of seconds. */
function resolveTimeoutMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!text.trim() || !Number.isFinite(seconds) || seconds <= 0)
    throw new SeamsError('SEAMS_USAGE', `--resolve-timeout must be a positive number of seconds, got ${text}`, { hint: 'seams scan --resolve --resolve-timeout 300' });
  return seconds * 1000;
}
