/** Helpers of the native collectors (`scan --resolve`). */

/** The last lines of a failed command's output, as one trimmed message. */
export function tailMessage(text: string, lines = 4, max = 500): string {
  const kept = text
    .trim()
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() && !/^[=!_-]{5,}/.test(l.trim()))
    .slice(-lines)
    .join(' | ');
  return kept.length > max ? `${kept.slice(0, max - 1)}…` : kept;
}
