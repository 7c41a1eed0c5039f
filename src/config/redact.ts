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

/** Header names whose values may be credentials: never shown in messages or options views. */
const SENSITIVE_HEADER = /auth|token|key|secret|pass|cookie|session|signature|credential/i;

/** Header values that carry a credential whatever the header is called: `Bearer …`, `Basic …`. */
const CREDENTIAL_VALUE = /^\s*(?:bearer|basic|digest|token|negotiate)\s/i;

/** Whether a header of this name holds a credential (`Authorization`, `X-Api-Key`, `Cookie`, …). */
export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADER.test(name);
}

/** A header value for display: `***` when the name or the value looks like a credential. */
export function redactHeaderValue(name: string, value: string): string {
  return isSensitiveHeader(name) || CREDENTIAL_VALUE.test(value) ? MASK : value;
}
