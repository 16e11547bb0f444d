/**
 * Reading test commands out of package.json scripts (`node --test …`, `mocha …`) without a shell:
 * the script is split into commands at `&&`, `||`, `;` and `|`, then into words (quotes respected).
 */

export function splitCommands(script: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let has = false;
  const flushWord = () => {
    if (has) words.push(cur);
    cur = '';
    has = false;
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < script.length) cur += script[++i];
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === ' ' || ch === '\t' || ch === '\n') flushWord();
    else if (ch === '&' || ch === '|' || ch === ';') {
      flushWord();
      if (words.length) commands.push(words);
      words = [];
      if (script[i + 1] === ch) i++;
    } else {
      cur += ch;
      has = true;
    }
  }
  flushWord();
  if (words.length) commands.push(words);
  return commands;
}

/** Options of `node` that take a value (so the value is not a test path). */
const NODE_VALUE_FLAGS = new Set([
  '--import', '--require', '-r', '--loader', '--experimental-loader', '--test-reporter', '--test-reporter-destination',
  '--test-name-pattern', '--test-skip-pattern', '--test-concurrency', '--test-timeout', '--env-file', '--conditions', '-C',
  '--test-shard', '--input-type', '--watch-path', '--max-old-space-size', '--stack-size', '--title',
]);

/** For each `node … --test …` command in a script: the positional patterns (empty = Node's defaults). */
export function nodeTestPatterns(script: string): string[][] {
  const out: string[][] = [];
  for (const words of splitCommands(script)) {
    let i = 0;
    while (i < words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[i]!)) i++; // env assignments
    if (words[i] === 'cross-env') {
      i++;
      while (i < words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[i]!)) i++;
    }
    const cmd = words[i];
    if (cmd !== 'node' && !cmd?.endsWith('/node')) continue;
    const args = words.slice(i + 1);
    if (!args.includes('--test')) continue;
    const patterns: string[] = [];
    for (let j = 0; j < args.length; j++) {
      const a = args[j]!;
      if (a.startsWith('-')) {
        if (NODE_VALUE_FLAGS.has(a)) j++;
        continue;
      }
      patterns.push(a);
    }
    out.push(patterns);
  }
  return out;
}

const MOCHA_VALUE_FLAGS = new Set([
  '--require', '-r', '--reporter', '-R', '--reporter-option', '--reporter-options', '-O', '--timeout', '-t', '--slow', '-s',
  '--ui', '-u', '--config', '--package', '--extension', '--ignore', '--exclude', '--file', '--grep', '-g', '--fgrep', '-f',
  '--retries', '--jobs', '-j', '--spec', '--node-option', '-n', '--import',
]);

export interface MochaCli {
  spec: string[];
  recursive: boolean;
  extension: string[];
  ignore: string[];
  config?: string;
}

/** Mocha invocations in a script, with their spec arguments and the flags that change collection. */
export function mochaInvocations(script: string): MochaCli[] {
  const out: MochaCli[] = [];
  for (const words of splitCommands(script)) {
    let i = words.findIndex((w) => w === 'mocha' || w.endsWith('/mocha') || w === '_mocha');
    if (i < 0) continue;
    const cli: MochaCli = { spec: [], recursive: false, extension: [], ignore: [] };
    for (i = i + 1; i < words.length; i++) {
      const a = words[i]!;
      const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      if (flag === '--recursive') cli.recursive = true;
      else if (MOCHA_VALUE_FLAGS.has(flag)) {
        const v = inline ?? words[++i];
        if (v === undefined) continue;
        if (flag === '--spec') cli.spec.push(v);
        else if (flag === '--extension') cli.extension.push(v);
        else if (flag === '--ignore' || flag === '--exclude') cli.ignore.push(v);
        else if (flag === '--config') cli.config = v;
      } else if (!a.startsWith('-')) cli.spec.push(a);
    }
    out.push(cli);
  }
  return out;
}

/** The `-c/--config <file>` of each `playwright test …` command in a script (undefined when not given). */
export function playwrightConfigArgs(script: string): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const words of splitCommands(script)) {
    const i = words.findIndex((w, k) => (w === 'playwright' || w.endsWith('/playwright')) && words[k + 1] === 'test');
    if (i < 0) continue;
    let config: string | undefined;
    for (let j = i + 2; j < words.length; j++) {
      const a = words[j]!;
      if (a === '-c' || a === '--config') config = words[++j];
      else if (a.startsWith('--config=')) config = a.slice('--config='.length);
    }
    out.push(config);
  }
  return out;
}
