/**
 * The one interpreter rule of every command that starts Python (scan --verify/--resolve, run,
 * services): the `--python` option, then the `SEAMS_PYTHON` environment variable, then `python3`.
 */
export function resolvePython(option: string | undefined, env: { readonly [k: string]: string | undefined }): string {
  return option || env.SEAMS_PYTHON || 'python3';
}

/** Where the interpreter choice came from, for hints ("SEAMS_PYTHON names an interpreter that is not there"). */
export function pythonSource(option: string | undefined, env: { readonly [k: string]: string | undefined }): '--python' | 'SEAMS_PYTHON' | 'default' {
  return option ? '--python' : env.SEAMS_PYTHON ? 'SEAMS_PYTHON' : 'default';
}
