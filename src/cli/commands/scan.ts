import type { Command } from 'commander';
import { Option } from 'commander';
import type { Inventory } from '../../core/types.js';
import { renderScanMarkdown, renderScanText } from '../../report/scan.js';
import { resolvePython, runners as scanPlugins } from '../../runners/registry.js';
import type { VerifyReport } from '../../runners/types.js';
import { scanConfigured } from '../../scan/configured.js';
import { SeamsError } from '../../util/errors.js';
import { writeOutput, type CliIO } from '../io.js';
import type { SetExit } from '../main.js';

export interface ScanCommandOptions {
  format: 'text' | 'json' | 'markdown';
  verify?: boolean;
  python?: string;
  config?: string;
  output?: string;
}

export function registerScan(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command('scan')
    .description(`inventory every test by tier, statically (${scanPlugins.map((r) => r.title).join(', ')})`)
    .argument('[paths...]', 'repository folders to scan', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--verify', "cross-check the static inventory against each runner's own collector")
    .option('--python <interpreter>', 'Python interpreter for --verify (default: $SEAMS_PYTHON, else python3)')
    .option('-c, --config <file>', 'seams.yaml to use (single repository only)')
    .option('-o, --output <file>', 'write the output to a file instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  seams scan                          the repository in the current folder
  seams scan services/api web         one table per repository and a combined one
  seams scan . --format markdown      the tier table for a planning document
  seams scan . --verify               compare with pytest --collect-only, vitest list, …

Exit codes: 0 scanned (also with diagnostics), 1 --verify found differences,
2 bad path / config / nothing to scan.`,
    )
    .action(async (paths: string[], opts: ScanCommandOptions) => {
      setExit(await scanCommand(paths, opts, io));
    });
}

export async function scanCommand(paths: string[], opts: ScanCommandOptions, io: CliIO): Promise<number> {
  const { inventory } = await scanConfigured(paths, { configFile: opts.config });
  assertSomethingScanned(inventory);
  let verification: VerifyReport[][] = [];
  let code = 0;
  if (opts.verify) {
    verification = await verifyInventory(inventory, resolvePython(opts.python, io.env));
    const reports = verification.flat();
    if (reports.some((r) => r.error)) code = 2;
    else if (reports.some((r) => r.missing.length || r.extra.length)) code = 1;
  }
  const text =
    opts.format === 'json'
      ? `${JSON.stringify(withVerification(inventory, verification), null, 2)}\n`
      : opts.format === 'markdown'
        ? renderScanMarkdown(inventory, verification)
        : renderScanText(inventory, verification);
  if (opts.output) await writeOutput(io, opts.output, text);
  else io.stdout.write(text);
  return code;
}

function withVerification(inventory: Inventory, verification: VerifyReport[][]) {
  if (!verification.length) return inventory;
  return { ...inventory, repos: inventory.repos.map((r, i) => ({ ...r, verification: verification[i] ?? [] })) };
}

/** A repo with no test files is a usage error; one whose files all failed to parse is a failure. */
function assertSomethingScanned(inventory: Inventory): void {
  for (const repo of inventory.repos) {
    if (repo.files.length === 0 && repo.tests.length === 0) {
      const failed = repo.diagnostics.filter((d) => d.severity === 'error');
      if (failed.length)
        throw new SeamsError('SEAMS_NOTHING_SCANNED', `nothing could be scanned in ${repo.root}: ${failed[0]!.message}`, {
          hint: 'run with --format json to see every diagnostic',
          exitCode: 1,
        });
      throw new SeamsError('SEAMS_NO_TESTS', `no tests found in ${repo.root}`, {
        hint: `seams finds ${scanPlugins.map((r) => r.title).join(', ')} suites; point it at the repository root`,
      });
    }
  }
}

export async function verifyInventory(inventory: Inventory, python?: string): Promise<VerifyReport[][]> {
  const all: VerifyReport[][] = [];
  for (const repo of inventory.repos) {
    const reports: VerifyReport[] = [];
    const used = new Set(repo.runners.map((r) => r.runner));
    for (const plugin of scanPlugins) {
      if (!plugin.verify || !used.has(plugin.id)) continue;
      for (const r of await plugin.verify(repo.root, repo, { python })) reports.push({ ...r, unit: plugin.verifyUnit });
    }
    all.push(reports);
  }
  return all;
}
