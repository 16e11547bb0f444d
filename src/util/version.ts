/** seams' own version: shown by `--version` and part of every cache key (a new seams never trusts an old entry). */
export const SEAMS_VERSION = '0.1.0';
