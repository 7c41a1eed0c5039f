import { type ByteSink, EventTooLargeError, MAX_NODES } from './event-sink.ts';

/** Buffer's own encoders, without the argument parsing of `buffer.write(text, offset, encoding)`. */
interface Encoders {
  latin1Write(text: string, offset: number, length: number): number;
  utf8Write(text: string, offset: number, length: number): number;
}

/** Text up to this length is copied char by char: cheaper than a call into the encoder. */
const LOOP_LIMIT = 32;

/** Writes one byte. */
export function writeByte(sink: ByteSink, byte: number): void {
  if (sink.pos >= sink.end) sink.grow(1);
  sink.buf[sink.pos++] = byte;
}

/** Writes text whose every char is below U+0100 (digits, dates, base64, number texts) as one byte each. */
export function writeLatin1(sink: ByteSink, text: string): void {
  const length = text.length;
  if (sink.pos + length > sink.end) sink.grow(length);
  const buf = sink.buf;
  let pos = sink.pos;
  if (length > LOOP_LIMIT) {
    pos += (buf as unknown as Encoders).latin1Write(text, pos, length);
  } else {
    for (let i = 0; i < length; i++) buf[pos++] = text.charCodeAt(i);
  }
  sink.pos = pos;
}

/** Writes `bytes` from index `from` on. */
export function writeBytes(sink: ByteSink, bytes: Uint8Array, from = 0): void {
  const length = bytes.length - from;
  if (sink.pos + length > sink.end) sink.grow(length);
  const buf = sink.buf;
  let pos = sink.pos;
  if (length > LOOP_LIMIT) {
    buf.set(from === 0 ? bytes : bytes.subarray(from), pos);
    pos += length;
  } else {
    for (let i = from; i < bytes.length; i++) buf[pos++] = bytes[i] as number;
  }
  sink.pos = pos;
}

/** Writes any text as UTF-8 (a lone surrogate as U+FFFD, as every UTF-8 encoder does). */
export function writeUtf8(sink: ByteSink, text: string): void {
  let room = text.length * 3;
  if (sink.pos + room > sink.end) {
    room = Buffer.byteLength(text);
    if (sink.pos + room > sink.end) sink.grow(room);
  }
  sink.pos += (sink.buf as unknown as Encoders).utf8Write(text, sink.pos, room);
}

/** Strings longer than this go straight to `JSON.stringify`, which is fastest on long text. */
const SCAN_LIMIT = 256;

/**
 * Writes `JSON.stringify(text)`. Short printable-ASCII text without `"` or `\` (almost every
 * attribute value) needs no escaping and is copied between quotes char by char as it is
 * checked; anything else goes through `JSON.stringify`.
 */
export function writeQuoted(sink: ByteSink, text: string): void {
  const length = text.length;
  // At least a byte per char: checked first, so that text over the limit is never copied.
  if (sink.pos + length + 2 > sink.end) sink.grow(length + 2);
  if (length > SCAN_LIMIT) {
    writeUtf8(sink, JSON.stringify(text));
    return;
  }
  const buf = sink.buf;
  const start = sink.pos;
  let pos = start;
  buf[pos++] = 0x22;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
      writeUtf8(sink, JSON.stringify(text));
      return;
    }
    buf[pos++] = c;
  }
  buf[pos++] = 0x22;
  sink.pos = pos;
}

/**
 * Writes `prefix` from index `from` on, then `JSON.stringify(text)`: a member of an object
 * whose value is a string, taken from the sink's `nodes` as one value. The common case (short
 * text that needs no escaping) checks for room once and copies both in one pass.
 */
export function writeMember(sink: ByteSink, prefix: Uint8Array, from: number, text: string): void {
  if (--sink.nodes < 0) throw new EventTooLargeError(`more than ${MAX_NODES} values`);
  const length = text.length;
  if (length > SCAN_LIMIT) {
    writeBytes(sink, prefix, from);
    writeQuoted(sink, text);
    return;
  }
  const end = prefix.length;
  const room = end - from + length + 2;
  if (sink.pos + room > sink.end) sink.grow(room);
  const buf = sink.buf;
  let pos = sink.pos;
  for (let i = from; i < end; i++) buf[pos++] = prefix[i] as number;
  const quote = pos;
  buf[pos++] = 0x22;
  let i = 0;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) break;
    buf[pos++] = c;
  }
  if (i === length) {
    buf[pos++] = 0x22;
    sink.pos = pos;
    return;
  }
  sink.pos = quote;
  writeUtf8(sink, JSON.stringify(text));
}

/** Decimal digits of a non-negative integer below 2^32, written backwards from `end - 1`. */
function writeDigits(buf: Buffer, end: number, value: number): void {
  let n = value;
  let at = end;
  // Above 2^31 - 1 in floating point until the rest fits 32-bit integer arithmetic.
  while (n > 0x7fff_ffff) {
    const next = Math.floor(n / 10);
    buf[--at] = 0x30 + (n - next * 10);
    n = next;
  }
  let small = n | 0;
  do {
    const next = (small / 10) | 0;
    buf[--at] = 0x30 + (small - next * 10);
    small = next;
  } while (small > 0);
}

/** How many decimal digits a non-negative integer below 2^32 has. */
function digitCount(value: number): number {
  let count = 1;
  for (let limit = 10; value >= limit && count < 10; limit *= 10) count++;
  return count;
}

/** Writes a number as `String(value)` would, or `null` when it is not finite (as JSON has no such numbers). */
export function writeNumber(sink: ByteSink, value: number): void {
  const magnitude = value < 0 ? -value : value;
  if (magnitude <= 0xffff_ffff && Math.floor(magnitude) === magnitude) {
    // -0 is written as 0, like String(-0).
    const negative = value < 0;
    const length = digitCount(magnitude) + (negative ? 1 : 0);
    if (sink.pos + length > sink.end) sink.grow(length);
    if (negative) sink.buf[sink.pos] = 0x2d;
    writeDigits(sink.buf, sink.pos + length, magnitude);
    sink.pos += length;
    return;
  }
  writeLatin1(sink, Number.isFinite(value) ? String(value) : 'null');
}
