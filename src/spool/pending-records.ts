import { isUtf8 } from 'node:buffer';
import type { WebhookEvent } from '../records/event.ts';
import { type ChecksumBuffer, checksumBuffer } from './checksum-buffer.ts';

const TAB = 0x09;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;
/** `{"id":"`: the bytes before an event's id. */
const ID_START = 7;
/** Most chars of a number as `String(n)` writes it (`-1.2345678901234567e+308`). */
const NUMBER_CHARS = 24;
/** Ids per ack line, so one line stays small whatever the batch. */
const ACK_CHUNK = 1000;

/** `<crc32, 8 hex digits>\t` before every body. */
const PREFIX = 9;
const DIGITS = /^\d+$/;
/** Type names written into the header as they are (no JSON escaping needed). */
const PLAIN_TYPE = /^[a-z0-9.-]*$/;
const INITIAL_CAPACITY = 64 * 1024;
/** A buffer grown past this (by one large record, or a burst) is given back once it is written. */
const KEEP_CAPACITY = 16 * 1024 * 1024;
/** ASCII codes of the lower-case hex digits. */
const HEX = Buffer.from('0123456789abcdef', 'latin1');

/** `A\t[id,acceptedAt,severity,type,bytes]\t`, without JSON.stringify when every field is plain (ASCII); undefined otherwise. */
function plainHeader(event: WebhookEvent): string | undefined {
  const { id, type, acceptedAt, severity } = event;
  if (!DIGITS.test(id) || !PLAIN_TYPE.test(type)) return undefined;
  if (!Number.isFinite(acceptedAt) || !Number.isFinite(severity)) return undefined;
  return `A\t["${id}",${acceptedAt},${severity},"${type}",${event.json.length}]\t`;
}

/** Writes `value`, an integer from 0 to 2^31 - 1, in decimal at `at`; returns where it ended. */
function writeInteger(buffer: Buffer, at: number, value: number): number {
  let end = at + 1;
  for (let power = 10; power <= value; power *= 10) end++;
  let n = value | 0;
  for (let i = end - 1; i >= at; i--) {
    const next = (n / 10) | 0;
    buffer[i] = 0x30 + n - next * 10;
    n = next;
  }
  return end;
}

/**
 * Writes `value` as `JSON.stringify` does into `buffer` at `at` (room for {@link NUMBER_CHARS}
 * checked by the caller); returns where it ended. Safe integers are written digit by digit, in
 * 32-bit arithmetic.
 */
function writeNumber(buffer: Buffer, at: number, value: number): number {
  if (value >= 0 && value <= 0x7fff_ffff && Math.floor(value) === value) return writeInteger(buffer, at, value);
  if (!Number.isSafeInteger(value) || value < 0) return at + buffer.write(Number.isFinite(value) ? String(value) : 'null', at, 'latin1');
  // Below 2^53: at most 7 digits before the last 9.
  const high = Math.floor(value / 1e9);
  return writePadded(buffer, writeInteger(buffer, at, high), value - high * 1e9, 9);
}

/** Writes `value`, an integer from 0 to 10^digits - 1, as exactly `digits` decimal digits (leading zeros) at `at`. */
function writePadded(buffer: Buffer, at: number, value: number, digits: number): number {
  let n = value | 0;
  for (let i = at + digits - 1; i >= at; i--) {
    const next = (n / 10) | 0;
    buffer[i] = 0x30 + n - next * 10;
    n = next;
  }
  return at + digits;
}

/**
 * Writes `JSON.stringify(text)` as UTF-8 at `at` (room for 6 bytes a char checked by the
 * caller); returns where it ended. Printable ASCII without `"` or `\` (every type name of the
 * catalog) is copied char by char.
 */
function writeQuoted(buffer: Buffer, at: number, text: string): number {
  let end = at;
  buffer[end++] = QUOTE;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c) return at + buffer.write(JSON.stringify(text), at, 'utf8');
    buffer[end++] = c;
  }
  buffer[end++] = QUOTE;
  return end;
}

/**
 * Records encoded and not yet written: one buffer, reused and grown as needed, that the spool
 * writes with one system call. Each record is a line `<crc32 of body, 8 hex digits>\t<body>\n`
 * (see docs/spool.md).
 */
export class PendingRecords {
  private space: ChecksumBuffer = checksumBuffer(INITIAL_CAPACITY);
  /** `space.bytes`. */
  private buffer: Buffer = this.space.bytes;
  /** Bytes encoded so far. */
  length = 0;
  /** The ack line being encoded: where it starts, where its next id goes, how many it names. */
  private ackStart = 0;
  private ackAt = 0;
  private ackCount = 0;

  /** The encoded bytes (a view of the buffer, valid until the next append). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  /** Forgets everything encoded, keeping the buffer unless one large record grew it. */
  clear(): void {
    this.length = 0;
    if (this.buffer.length <= KEEP_CAPACITY) return;
    this.space = checksumBuffer(INITIAL_CAPACITY);
    this.buffer = this.space.bytes;
  }

  /** Forgets the records encoded after `length` (one refused for the size limit). */
  truncate(length: number): void {
    this.length = length;
  }

  /**
   * Encodes the record of an accepted event and returns its length: `A\t[header]\t<json>` with
   * the event JSON's bytes verbatim, or `A\t[header with the JSON escaped as a sixth element]`
   * when the JSON could not be stored verbatim on one UTF-8 line (a raw newline, bytes that are
   * not UTF-8).
   */
  appendEvent(event: WebhookEvent): number {
    const { json } = event;
    if (json.includes(NEWLINE) || !isUtf8(json)) {
      const header = [event.id, event.acceptedAt, event.severity, event.type, json.length, json.toString('utf8')];
      return this.appendBody(`A\t${JSON.stringify(header)}`);
    }
    const header = plainHeader(event) ?? `A\t${JSON.stringify([event.id, event.acceptedAt, event.severity, event.type, json.length])}\t`;
    const start = this.length;
    const bodyStart = start + PREFIX;
    const headerBytes = Buffer.byteLength(header);
    this.reserve(bodyStart + headerBytes + json.length + 1);
    this.buffer.write(header, bodyStart, headerBytes, 'utf8');
    this.buffer.set(json, bodyStart + headerBytes);
    return this.seal(start, bodyStart + headerBytes + json.length);
  }

  /**
   * Encodes the record of an event the engine wrote (src/records/event.ts), whose JSON is
   * `json[start, end)` with its id's digits ending at `idEnd`, and returns its length. Such JSON
   * is valid UTF-8 without a raw newline, so it is copied verbatim without being checked, and
   * the header is written byte by byte: the same bytes as {@link appendEvent} writes.
   */
  appendWritten(json: Buffer, start: number, end: number, idEnd: number, type: string, acceptedAt: number, severity: number): number {
    const record = this.length;
    const length = end - start;
    this.reserve(record + PREFIX + 24 + (idEnd - start) + 3 * NUMBER_CHARS + 6 * type.length + length);
    const buffer = this.buffer;
    let at = record + PREFIX;
    buffer[at++] = 0x41;
    buffer[at++] = TAB;
    buffer[at++] = OPEN;
    buffer[at++] = QUOTE;
    for (let i = start + ID_START; i < idEnd; i++) buffer[at++] = json[i] as number;
    buffer[at++] = QUOTE;
    buffer[at++] = COMMA;
    at = writeNumber(buffer, at, acceptedAt);
    buffer[at++] = COMMA;
    at = writeNumber(buffer, at, severity);
    buffer[at++] = COMMA;
    at = writeQuoted(buffer, at, type);
    buffer[at++] = COMMA;
    at = writeNumber(buffer, at, length);
    buffer[at++] = CLOSE;
    buffer[at++] = TAB;
    at += json.copy(buffer, at, start, end);
    return this.seal(record, at);
  }

  /** Copies whole records (lines, their newlines included) verbatim. */
  appendLines(source: Buffer, start: number, end: number): void {
    this.reserve(this.length + end - start);
    this.length += source.copy(this.buffer, this.length, start, end);
  }

  /** The record encoded at `start`, `length` bytes, without its newline (a view, valid until the next append). */
  record(start: number, length: number): Buffer {
    return this.buffer.subarray(start, start + length - 1);
  }

  /**
   * Starts encoding `K\t["id",…]`: events that are done. Ids are added with {@link ackDigits}
   * and {@link ackText}, a new line started every {@link ACK_CHUNK}; {@link endAcks} ends it
   * (a line that names no id is not written).
   */
  beginAcks(): void {
    const start = this.length;
    this.reserve(start + PREFIX + 3);
    this.buffer[start + PREFIX] = 0x4b;
    this.buffer[start + PREFIX + 1] = TAB;
    this.buffer[start + PREFIX + 2] = OPEN;
    this.ackStart = start;
    this.ackAt = start + PREFIX + 3;
    this.ackCount = 0;
  }

  /** Adds the id whose digits are `bytes[start, end)`. */
  ackDigits(bytes: Buffer, start: number, end: number): void {
    this.nextAck(end - start + 2);
    const buffer = this.buffer;
    let at = this.ackAt;
    buffer[at++] = QUOTE;
    for (let i = start; i < end; i++) buffer[at++] = bytes[i] as number;
    buffer[at++] = QUOTE;
    this.ackAt = at;
  }

  /** Adds the plain id of these numbers (see id-key.ts). */
  ackNumbers(high: number, low: number): void {
    // Quotes, and at most 21 digits.
    this.nextAck(23);
    const buffer = this.buffer;
    let at = this.ackAt;
    buffer[at++] = QUOTE;
    at = high === 0 ? writeInteger(buffer, at, low) : writePadded(buffer, writeNumber(buffer, at, high), low, 6);
    buffer[at++] = QUOTE;
    this.ackAt = at;
  }

  /** Adds an id given as text. */
  ackText(id: string): void {
    const text = DIGITS.test(id) ? `"${id}"` : JSON.stringify(id);
    this.nextAck(Buffer.byteLength(text));
    this.ackAt += this.buffer.write(text, this.ackAt, 'utf8');
  }

  /** Ends the ack line begun with {@link beginAcks}. */
  endAcks(): void {
    if (this.ackCount === 0) return;
    this.buffer[this.ackAt] = CLOSE;
    this.seal(this.ackStart, this.ackAt + 1);
    this.ackCount = 0;
  }

  /** Encodes `K\t["id",…]` of these ids. */
  appendAcks(ids: readonly string[]): void {
    this.beginAcks();
    for (const id of ids) this.ackText(id);
    this.endAcks();
  }

  /** Encodes `C\t<seq>`: every segment numbered below `seq` holds nothing that is still needed. */
  appendSupersedes(seq: number): number {
    return this.appendBody(`C\t${seq}`);
  }

  private appendBody(body: string): number {
    const start = this.length;
    const bodyStart = start + PREFIX;
    const size = Buffer.byteLength(body);
    this.reserve(bodyStart + size + 1);
    const written = this.buffer.write(body, bodyStart, size, 'utf8');
    return this.seal(start, bodyStart + written);
  }

  /** Writes the checksum of the body `[start + 9, end)` and the newline; returns the record's length. */
  private seal(start: number, end: number): number {
    const buffer = this.buffer;
    const crc = this.space.crc(start + PREFIX, end);
    for (let i = 0; i < 8; i++) buffer[start + i] = HEX[(crc >>> (28 - 4 * i)) & 0xf] as number;
    buffer[start + 8] = TAB;
    buffer[end] = NEWLINE;
    this.length = end + 1;
    return this.length - start;
  }

  /** Makes room for an id of `bytes` bytes in the ack line, after a comma (or in a new line once this one holds {@link ACK_CHUNK}). */
  private nextAck(bytes: number): void {
    if (this.ackCount === ACK_CHUNK) {
      this.endAcks();
      this.beginAcks();
    }
    // The comma before it, and the `]` and newline that may end the line after it.
    this.reserve(this.ackAt + bytes + 3);
    if (this.ackCount++ > 0) this.buffer[this.ackAt++] = COMMA;
  }

  private reserve(capacity: number): void {
    if (capacity <= this.buffer.length) return;
    // All of it is kept: a record being encoded lies beyond `length`.
    this.space.grow(Math.max(capacity, this.buffer.length * 2));
    this.buffer = this.space.bytes;
  }
}
