import { isValidHeaderName, isValidHeaderValue, parseHeaderLine } from './headers.ts';
import { describe, fail, isRecord, type Place, show } from './place.ts';
import { isSensitiveHeader } from './redact.ts';

/** Headers the exporter or the HTTP layer sets itself. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'x-signature',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'proxy-authorization',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
]);

/** A configured header; `at` names it in errors (` "X-Team" at index 1`), never showing its value. */
export interface HeaderEntry {
  readonly name: string;
  readonly value: string;
  readonly at: string;
}

/**
 * How an error names header number `index`: by its name, and for `"Name: value"` lines by
 * index too. An invalid name that looks like a credential (`Authorization Bearer x`) is
 * not shown; values never are.
 */
export function headerAt(name: string, index: number, isLine: boolean): string {
  const shown = isValidHeaderName(name) || !isSensitiveHeader(name);
  const label = shown ? ` ${show(name)}` : '';
  return isLine || !shown ? `${label} at index ${index}` : label;
}

export function headerEntries(value: unknown, place: Place): HeaderEntry[] {
  if (Array.isArray(value)) {
    return value.map((line: unknown, index): HeaderEntry => {
      if (typeof line !== 'string') {
        fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must contain only "Name: value" strings, got ${describe(line)} at index ${index}`);
      }
      const header = parseHeaderLine(line);
      if (header === undefined)
        fail(place, 'ERR_WEBHOOK_INVALID_HEADER', `: expected "Name: value", got a line without ":" at index ${index}`);
      return { ...header, at: headerAt(header.name, index, true) };
    });
  }
  if (!isRecord(value)) {
    fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be a list of "Name: value" strings or an object, got ${describe(value)}`);
  }
  return Object.entries(value).map(([name, text], index): HeaderEntry => {
    const at = headerAt(name, index, false);
    if (typeof text !== 'string')
      fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must map names to strings, got ${describe(text)} for header${at}`);
    return { name, value: text, at };
  });
}

export function resolveHeaders(value: unknown, hasAuth: boolean, place: Place): Readonly<Record<string, string>> {
  if (value === undefined) return Object.freeze({});
  const entries = headerEntries(value, place);
  const seen = new Set<string>();
  for (const { name, value: text, at } of entries) {
    const lower = name.toLowerCase();
    if (!isValidHeaderName(name)) fail(place, 'ERR_WEBHOOK_INVALID_HEADER', `: invalid header name${at}`);
    if (!isValidHeaderValue(text)) fail(place, 'ERR_WEBHOOK_INVALID_HEADER', `: invalid header value (control characters) in header${at}`);
    if (RESERVED_HEADERS.has(lower))
      fail(place, 'ERR_WEBHOOK_RESERVED_HEADER', `: ${show(name)} is set by the exporter and cannot be configured`);
    if (lower === 'authorization' && hasAuth) {
      fail(place, 'ERR_WEBHOOK_RESERVED_HEADER', `: ${show(name)} cannot be configured together with auth`);
    }
    if (seen.has(lower)) fail(place, 'ERR_WEBHOOK_INVALID_HEADER', `: ${show(name)} is given more than once`);
    seen.add(lower);
  }
  return Object.freeze(Object.fromEntries(entries.map(({ name, value: text }) => [name, text])));
}
