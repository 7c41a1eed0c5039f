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
    // Unparseable: mask everything up to the last `@`, since a password may hold `/` or `#`.
    return String(url).replace(/^([a-z][a-z\d+.-]*:\/\/)?[\s\S]*@/i, `$1${MASK}@`);
  }
  if (parsed.username === '' && parsed.password === '') return typeof url === 'string' ? url : parsed.href;
  parsed.username = MASK;
  parsed.password = '';
  return parsed.href;
}
