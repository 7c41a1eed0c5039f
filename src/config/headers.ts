/** A header line split into its name and value. */
export interface HeaderLine {
  name: string;
  value: string;
}

/** RFC 7230 `token`: the characters allowed in a header name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** RFC 7230 `field-value`: visible ASCII, space, tab and obs-text; never CR, LF or NUL. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Optional whitespace around a name or value (space and tab, as HTTP defines it). */
const OWS = /^[ \t]+|[ \t]+$/g;

/**
 * Splits a Stalwart `"Name: value"` header line at the first `:` and trims spaces and tabs
 * around both parts. Returns `undefined` when the line has no `:`. Neither part is validated.
 */
export function parseHeaderLine(line: string): HeaderLine | undefined {
  const colon = line.indexOf(':');
  if (colon < 0) return undefined;
  return { name: line.slice(0, colon).replace(OWS, ''), value: line.slice(colon + 1).replace(OWS, '') };
}

/** Whether `name` is a valid HTTP header name (a non-empty RFC 7230 token). */
export function isValidHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

/** Whether `value` can be sent as an HTTP header value (no CR, LF, NUL or other control characters). */
export function isValidHeaderValue(value: string): boolean {
  return FIELD_VALUE.test(value);
}
