/** Secrets out of everything seams prints or stores: the one redaction function, and webhook URLs. */

/** What replaces a secret. */
export const MASK = '***';

/**
 * A secret value to mask: a literal, or a pattern (a configured value whose `{port}`-style
 * placeholders match whatever they were substituted with).
 */
export type Secret = string | RegExp;

/** Literal secrets shorter than this are not searched in free text (they would mask unrelated words). */
export const MIN_SECRET_LENGTH = 4;

// scheme://user:password@host — the password runs to the last `@` of the authority (an unencoded
// `@` in it must not leave a tail visible); the user may be empty (redis://:password@host)
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@?#]*:)[^\s/?#]*@/gi;
// ?password=…, &sslpassword=…, ?token=… and the like in a URL's query
const QUERY_SECRET = /([?&](?:[a-z0-9_-]*pass(?:word|wd)?|pwd|secret|token|access_token|api_?key)=)[^&\s#"']+/gi;

/**
 * `text` with every secret masked: passwords inside URLs (`scheme://user:***@host`, and
 * password-like query parameters), then each of `secrets` wherever it occurs. The one function
 * seams masks with, for messages, logs, service records, reports and the history.
 */
export function redactSecrets(text: string, secrets: readonly Secret[] = []): string {
  let out = text;
  const literals = secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  for (const s of literals) if (out.includes(s)) out = out.split(s).join(MASK);
  for (const s of secrets) if (s instanceof RegExp) out = out.replace(s.global ? s : new RegExp(s.source, `${s.flags}g`), MASK);
  // most text has no URL: no need to scan it for one
  if (out.includes('://')) out = out.replace(URL_PASSWORD, `$1${MASK}@`);
  if (out.includes('=')) out = out.replace(QUERY_SECRET, `$1${MASK}`);
  return out;
}

/** Only the scheme and host, the path hidden (webhook URLs such as Slack's carry the secret in the path). */
export function redactPath(url: string, fallback = 'the webhook URL'): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return fallback;
  }
}
