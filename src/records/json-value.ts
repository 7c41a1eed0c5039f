import { type ByteSink, EventTooLargeError, MAX_NODES } from './event-sink.ts';
import { writeByte, writeLatin1, writeNumber, writeQuoted } from './json-bytes.ts';
import { rfc3339Seconds } from './timestamp.ts';

/** Deepest nesting written; anything deeper is written as `null`. */
export const MAX_DEPTH = 16;

/**
 * Keys whose values Stalwart writes as plain JSON integers above 2^53. A string of decimal
 * digits (the OTel SDK drops bigint attributes, so applications pass these as strings) or a
 * bigint under such a key is written as an exact JSON integer literal.
 */
export type IntegerKeys = ReadonlySet<string>;

/** Whether a value writes anything: undefined, symbols and functions do not, so their key is omitted. */
export function hasText(value: unknown): boolean {
  const type = typeof value;
  return type !== 'undefined' && type !== 'function' && type !== 'symbol';
}

/** The digits of the largest unsigned 64-bit integer, 2^64 - 1, as char codes. */
const U64_MAX_DIGITS = Uint8Array.from('18446744073709551615', (digit) => digit.charCodeAt(0));

/**
 * Writes `value` unquoted when it is `0` or a decimal integer without leading zeros, at most
 * 2^64 - 1 (checked as it is copied: at 20 digits, digit by digit against the largest, until one
 * differs); returns false, having written nothing, otherwise.
 */
function writeU64Digits(sink: ByteSink, value: string): boolean {
  const length = value.length;
  const longest = U64_MAX_DIGITS.length;
  if (length === 0 || length > longest || (length > 1 && value.charCodeAt(0) === 0x30)) return false;
  if (sink.pos + length > sink.end) sink.grow(length);
  const buf = sink.buf;
  const start = sink.pos;
  // Whether the digits so far are those of 2^64 - 1: the next one then must not be larger.
  let atLimit = length === longest;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
    if (atLimit) {
      const limit = U64_MAX_DIGITS[i] as number;
      if (c > limit) return false;
      atLimit = c === limit;
    }
    buf[start + i] = c;
  }
  sink.pos = start + length;
  return true;
}

/**
 * Writes an OTel attribute value (or any JS value) as JSON; the caller has checked
 * {@link hasText}. `integer`: the value's key is one of `integerKeys`. Bytes become standard base64, non-finite numbers `null`, bigints exact
 * integers, Dates RFC 3339 strings (`null` outside the years 0000–9999); cycles and nesting
 * deeper than {@link MAX_DEPTH} are cut to `null`. Every value visited is taken from the
 * sink's `nodes`, and the sink stops at the event's byte limit: both throw
 * {@link EventTooLargeError} as soon as they are spent, so the cost stays bounded.
 */
export function writeValue(
  sink: ByteSink,
  value: unknown,
  integer: boolean,
  integerKeys: IntegerKeys,
  depth: number,
  ancestors: object[] | undefined,
): void {
  if (--sink.nodes < 0) throw new EventTooLargeError(`more than ${MAX_NODES} values`);
  switch (typeof value) {
    case 'string':
      if (!integer || !writeU64Digits(sink, value)) writeQuoted(sink, value);
      return;
    case 'number':
      writeNumber(sink, value);
      return;
    case 'boolean':
      writeLatin1(sink, value ? 'true' : 'false');
      return;
    case 'bigint':
      writeLatin1(sink, value.toString());
      return;
    case 'object':
      if (value === null) writeLatin1(sink, 'null');
      else writeObject(sink, value, integerKeys, depth, ancestors);
      return;
    default:
      writeLatin1(sink, 'null');
  }
}

function writeObject(sink: ByteSink, value: object, integerKeys: IntegerKeys, depth: number, ancestors: object[] | undefined): void {
  if (value instanceof Uint8Array) {
    // Checked before encoding, so that a huge value is never copied.
    const length = Math.ceil(value.byteLength / 3) * 4 + 2;
    if (sink.pos + length > sink.end) sink.grow(length);
    writeLatin1(sink, `"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"`);
    return;
  }
  if (value instanceof Date) {
    const text = rfc3339Seconds(value.getTime());
    writeLatin1(sink, text === undefined ? 'null' : `"${text}"`);
    return;
  }
  const stack = ancestors ?? [];
  if (depth >= MAX_DEPTH || stack.includes(value)) {
    writeLatin1(sink, 'null');
    return;
  }
  stack.push(value);
  if (Array.isArray(value)) {
    writeByte(sink, 0x5b);
    for (let i = 0; i < value.length; i++) {
      if (i > 0) writeByte(sink, 0x2c);
      const item: unknown = value[i];
      if (hasText(item)) writeValue(sink, item, false, integerKeys, depth + 1, stack);
      else writeLatin1(sink, 'null');
    }
    writeByte(sink, 0x5d);
  } else {
    writeEntries(sink, value instanceof Map ? value.entries() : Object.entries(value), integerKeys, depth, stack);
  }
  stack.pop();
}

function writeEntries(
  sink: ByteSink,
  entries: Iterable<[unknown, unknown]>,
  integerKeys: IntegerKeys,
  depth: number,
  stack: object[],
): void {
  writeByte(sink, 0x7b);
  let first = true;
  for (const [k, v] of entries) {
    if (!hasText(v)) continue;
    const name = String(k);
    if (!first) writeByte(sink, 0x2c);
    first = false;
    writeQuoted(sink, name);
    writeByte(sink, 0x3a);
    writeValue(sink, v, integerKeys.has(name), integerKeys, depth + 1, stack);
  }
  writeByte(sink, 0x7d);
}
