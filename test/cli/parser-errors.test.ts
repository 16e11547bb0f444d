import { describe, expect, it } from 'vitest';
import { formatParserError } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';

/** commander's parser errors use the same two lines as every other usage error (exit 2). */
describe('parser errors in the house style', () => {
  const cases: [string[], string][] = [
    [['scan', '--bogus'], "seams: unknown option '--bogus'\nhint: see seams scan --help\n"],
    [['gaps', '--verbos'], "seams: unknown option '--verbos' (did you mean --verbose?)\nhint: see seams gaps --help\n"],
    [['gaps', '--format', 'yaml'], "seams: option '-f, --format <format>' argument 'yaml' is invalid. Allowed choices are text, json, markdown.\nhint: see seams gaps --help\n"],
    [['scna'], "seams: unknown command 'scna' (did you mean scan?)\nhint: see seams --help\n"],
    [['ci', 'init', 'jenkins'], "seams: command-argument value 'jenkins' is invalid for argument 'provider'. Allowed choices are github, gitlab.\nhint: see seams ci init --help\n"],
    [['gate', '--rule'], "seams: option '-r, --rule <name...>' argument missing\nhint: see seams gate --help\n"],
  ];
  for (const [argv, expected] of cases)
    it(argv.join(' '), async () => {
      const r = await runCli(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(expected);
      expect(r.stdout).toBe('');
    });

  it('formats any commander message, keeping extra lines', () => {
    expect(formatParserError("error: too many arguments for 'init'. Expected 1 argument but got 2.\n", 'seams init')).toBe(
      "seams: too many arguments for 'init'. Expected 1 argument but got 2.\nhint: see seams init --help\n",
    );
  });

  it('--help and --version still print normally with exit 0', async () => {
    const help = await runCli(['gaps', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: seams gaps/);
    expect(help.stderr).toBe('');
    expect((await runCli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('help of the commands QA named has examples and exit codes', async () => {
    for (const cmd of [['init'], ['ci', 'init'], ['gate'], ['report'], ['trace'], ['gaps'], ['scan']]) {
      const r = await runCli([...cmd, '--help']);
      expect(r.stdout, cmd.join(' ')).toMatch(/\nExamples:\n {2}seams /);
      expect(r.stdout, cmd.join(' ')).toMatch(/\nExit codes: 0 /);
    }
  });
});
