/** What replaces URL credentials in anything shown to people. */
const MASK = '***';

/**
 * A URL for messages and logs: any `user:password@` part becomes `***@`; everything else
 * (host, path, query string) is kept. Unparseable input is masked the same way, textually.
 */
export function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = new URL(typeof url === 'string' ? url : url.href);
  } catch {
    return String(url).replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, `$1${MASK}@`);
  }
  if (parsed.username === '' && parsed.password === '') return parsed.href;
  parsed.username = MASK;
  parsed.password = '';
  return parsed.href;
}
