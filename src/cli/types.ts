import type { Command } from 'commander';
import type { CliIO } from './io.js';

/**
 * Each command module exports `register<Name>(program, io, setExit)`; the command sets its exit
 * code through `setExit` (0 ok, 1 findings or failed gate, 2 usage / configuration error).
 */
export type SetExit = (code: number) => void;
export type Register = (program: Command, io: CliIO, setExit: SetExit) => void;

/** `--no-cache`, on every command that scans (commander gives `cache: false`). */
export const NO_CACHE_HELP = 'scan every file again; neither read nor write the scan cache (.seams/cache)';

/** `--root`, kept on every command that takes repository folders as arguments. */
export const ROOT_ALIAS_HELP = 'repository folder: an alias of a path argument (kept for scripts)';
