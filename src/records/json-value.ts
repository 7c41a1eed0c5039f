/** Deepest nesting written; anything deeper is written as `null`. */
export const MAX_DEPTH = 16;

/**
 * Keys whose values Stalwart writes as plain JSON integers above 2^53. A string of decimal
 * digits (the OTel SDK drops bigint attributes, so applications pass these as strings) or a
 * bigint under such a key is written as an exact JSON integer literal.
 */
export type IntegerKeys = ReadonlySet<string>;

/** Strings longer than this go straight to `JSON.stringify`, which is fastest on long text. */
const SCAN_LIMIT = 256;

/**
 * `JSON.stringify(text)`. Short printable-ASCII text without `"` or `\` (almost every attribute
 * value) needs no escaping and is quoted directly, which is cheaper than a call into the JSON
 * serializer.
 */
export function quoteString(text: string): string {
  const length = text.length;
  if (length > SCAN_LIMIT) return JSON.stringify(text);
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/**
 * Most distinct attribute keys whose member prefixes are remembered; later keys are quoted on
 * each call. (Keys inside nested maps are not remembered: they may be data, not names.)
 */
const MAX_CACHED_KEYS = 2048;

/** How a key starts a JSON member: first in its object, or after another member. */
export interface MemberPrefix {
  /** `"key":` */
  readonly first: string;
  /** `,"key":` */
  readonly next: string;
}

const prefixCache = new Map<string, MemberPrefix>();

/** The quoted key and colon that start a member, with and without the comma before it. */
export function memberPrefix(key: string): MemberPrefix {
  let prefix = prefixCache.get(key);
  if (prefix === undefined) {
    const first = `${JSON.stringify(key)}:`;
    prefix = { first, next: `,${first}` };
    if (prefixCache.size < MAX_CACHED_KEYS) prefixCache.set(key, prefix);
  }
  return prefix;
}

/** The largest unsigned 64-bit integer; decimal strings of equal length compare as numbers. */
const U64_MAX_DIGITS = '18446744073709551615';

/** Whether `value` is `0` or a decimal integer without leading zeros, at most 2^64 - 1. */
function isU64Digits(value: string): boolean {
  const length = value.length;
  if (length === 0 || length > U64_MAX_DIGITS.length) return false;
  if (value.charCodeAt(0) === 0x30) return length === 1;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return length < U64_MAX_DIGITS.length || value <= U64_MAX_DIGITS;
}

/**
 * Writes an OTel attribute value (or any JS value) as JSON text, or returns undefined when the
 * value has nothing to write (undefined, symbols, functions), so its key can be omitted.
 * Bytes become standard base64, non-finite numbers `null`, bigints exact integers, Dates
 * RFC 3339 strings; cycles and nesting deeper than {@link MAX_DEPTH} are cut to `null`.
 */
export function writeValue(
  value: unknown,
  key: string | undefined,
  integerKeys: IntegerKeys,
  depth: number,
  ancestors: object[] | undefined,
): string | undefined {
  switch (typeof value) {
    case 'string':
      return key !== undefined && integerKeys.has(key) && isU64Digits(value) ? value : quoteString(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      return value === null ? 'null' : writeObject(value, integerKeys, depth, ancestors);
    default:
      return undefined;
  }
}

function writeObject(value: object, integerKeys: IntegerKeys, depth: number, ancestors: object[] | undefined): string {
  if (value instanceof Uint8Array) {
    return `"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"`;
  }
  if (value instanceof Date) {
    const time = value.getTime();
    return Number.isFinite(time) ? `"${new Date(time - (time % 1000)).toISOString().slice(0, 19)}Z"` : 'null';
  }
  if (depth >= MAX_DEPTH) return 'null';
  const stack = ancestors ?? [];
  if (stack.includes(value)) return 'null';
  stack.push(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += writeValue(value[i], undefined, integerKeys, depth + 1, stack) ?? 'null';
    }
    out += ']';
  } else if (value instanceof Map) {
    out = writeEntries(value.entries(), integerKeys, depth, stack);
  } else {
    out = writeEntries(Object.entries(value), integerKeys, depth, stack);
  }
  stack.pop();
  return out;
}

function writeEntries(entries: Iterable<[unknown, unknown]>, integerKeys: IntegerKeys, depth: number, stack: object[]): string {
  let out = '{';
  for (const [k, v] of entries) {
    const name = String(k);
    const text = writeValue(v, name, integerKeys, depth + 1, stack);
    if (text === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(name)}:${text}`;
  }
  return `${out}}`;
}
