/** What replaces URL credentials in anything shown to people. */
const MASK = '***';

/** Query parameter names whose values may be credentials: `token`, `api_key`, `X-Api-Key`, `access_token`, `pwd`, … */
const SENSITIVE_PARAM = /auth|token|key|secret|pass|pwd|cookie|session|signature|credential|jwt/i;

/** One `name=value` parameter of a query string or fragment, after its `?`, `&` or `#`. */
const PARAM = /([?&#])([^=&#]+)=([^&#]+)/g;

/** A query parameter name as written, decoded (`+` is a space), or as it is when it does not decode. */
function decodeParam(name: string): string {
  try {
    return decodeURIComponent(name.replaceAll('+', ' '));
  } catch {
    return name;
  }
}

/**
 * Whether a query parameter of this name holds a credential: the name contains `token`,
 * `key`, `secret`, `pass`, `pwd`, `auth`, `signature`, … (`api_key`, `X-Api-Key`,
 * `access_token`), or has `sig` as one of its words (`sig`, `x-sig`, `hmacSig`, not `design`).
 */
export function isSensitiveParam(name: string): boolean {
  const decoded = decodeParam(name);
  if (SENSITIVE_PARAM.test(decoded)) return true;
  const words = decoded
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.includes('sig');
}

/** Query string and fragment parameters (from their `?`, `&` or `#` on) with credential-like values masked. */
function redactParams(text: string): string {
  return text.replace(PARAM, (whole, separator: string, name: string) => (isSensitiveParam(name) ? `${separator}${name}=${MASK}` : whole));
}

/** The credential-like `name=value` parameters of a URL's query string and fragment, as written and as shown. */
export function secretParams(url: URL): Array<readonly [written: string, shown: string]> {
  const pairs: Array<readonly [string, string]> = [];
  for (const [, , name, value] of `${url.search}${url.hash}`.matchAll(PARAM)) {
    if (name !== undefined && isSensitiveParam(name)) pairs.push([`${name}=${value}`, `${name}=${MASK}`]);
  }
  return pairs;
}

/** `text` (a URL that does not parse) with the parameters after its first `?` or `#` masked. */
function redactParamsText(text: string): string {
  const start = text.search(/[?#]/);
  return start < 0 ? text : `${text.slice(0, start)}${redactParams(text.slice(start))}`;
}

/**
 * A URL for messages and logs: any `user:password@` part becomes `***@`, and the values of
 * query (and fragment) parameters whose names look like credentials (`token`, `key`, `secret`,
 * `password`, `sig`, `api_key`, `X-Api-Key`, …) become `***`: `?token=***&v=1`. Everything else
 * (host, path, other parameters) is kept. Unparseable input is masked the same way, textually.
 */
export function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = new URL(typeof url === 'string' ? url : url.href);
  } catch {
    // Unparseable: mask everything up to the last `@`, since a password may hold `/` or `#`.
    return redactParamsText(String(url).replace(/^([a-z][a-z\d+.-]*:\/\/)?[\s\S]*@/i, `$1${MASK}@`));
  }
  const after = `${parsed.search}${parsed.hash}`;
  const params = redactParams(after);
  const credentials = parsed.username !== '' || parsed.password !== '';
  if (!credentials && params === after) return typeof url === 'string' ? url : parsed.href;
  if (credentials) {
    parsed.username = MASK;
    parsed.password = '';
  }
  return `${parsed.href.slice(0, parsed.href.length - after.length)}${params}`;
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
