/** URLs shown in messages without their secrets. */

/** The URL with its password replaced by `***` (database URLs). */
export function redactPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  }
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
