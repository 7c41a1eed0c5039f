import { isUtf8 } from 'node:buffer';
import type { WebhookEvent } from '../records/event.ts';
import { type ChecksumBuffer, checksumBuffer } from './checksum-buffer.ts';
import { plainHeader, writeInteger, writeNumber, writePadded } from './record-fields.ts';
import { DASH, GROUP_BYTES, GROUP_LINE, sealGroup, writeGroupedPrefix, writeHex } from './record-groups.ts';

const TAB = 0x09;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;
/** `E`: an append record whose id and type are read from its event JSON (see record.ts). */
const COMPACT_APPEND = 0x45;
/** Most chars of a number as `String(n)` writes it (`-1.2345678901234567e+308`). */
const NUMBER_CHARS = 24;
/** Ids per ack line, so one line stays small whatever the batch. */
const ACK_CHUNK = 1000;

/** `<crc32, 8 hex digits>\t` before every body. */
const PREFIX = 9;
const DIGITS = /^\d+$/;
const INITIAL_CAPACITY = 64 * 1024;
/** A buffer grown past this (by one large record, or a burst) is given back once it is written. */
const KEEP_CAPACITY = 16 * 1024 * 1024;

/**
 * Records encoded and not yet written: one buffer, reused and grown as needed, that the spool
 * writes with one system call. Each record is a line `<crc32 of body, 8 hex digits>\t<body>\n`,
 * or, when `grouped`, a line of a group under one checksum (record-groups.ts; docs/spool.md).
 */
export class PendingRecords {
  private space: ChecksumBuffer = checksumBuffer(INITIAL_CAPACITY);
  /** `space.bytes`. */
  private buffer: Buffer = this.space.bytes;
  /** Bytes encoded so far. */
  length = 0;
  /** Where the line encoded last starts (after the group line it may have opened). */
  lineStart = 0;
  private readonly grouped: boolean;
  /** Where the open group's line starts; -1 when no group is open. */
  private groupStart = -1;
  /** Whether {@link beginAcks} opened the group its line is in. */
  private ackOpenedGroup = false;

  constructor(grouped = false) {
    this.grouped = grouped;
  }
  /** The acceptance time whose digits {@link appendWritten} wrote last, and those digits. */
  private acceptedAt = Number.NaN;
  private readonly acceptedDigits: Buffer = Buffer.alloc(NUMBER_CHARS);
  private acceptedLength = 0;
  /** The ack line being encoded: where it starts, where its next id goes, how many it names. */
  private ackStart = 0;
  private ackAt = 0;
  private ackCount = 0;

  /** The encoded bytes, the open group closed (a view of the buffer, valid until the next append). */
  bytes(): Buffer {
    this.endGroup();
    return this.buffer.subarray(0, this.length);
  }

  /** Forgets everything encoded, keeping the buffer unless one large record grew it. */
  clear(): void {
    this.length = 0;
    this.groupStart = -1;
    if (this.buffer.length <= KEEP_CAPACITY) return;
    this.space = checksumBuffer(INITIAL_CAPACITY);
    this.buffer = this.space.bytes;
  }

  /** Forgets the records encoded after `length` (one refused for the size limit), and a group left without lines. */
  truncate(length: number): void {
    if (this.groupStart >= 0 && length <= this.groupStart + GROUP_LINE) {
      this.length = Math.min(length, this.groupStart);
      this.groupStart = -1;
      return;
    }
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
    const start = this.beginLine();
    const bodyStart = start + PREFIX;
    const headerBytes = Buffer.byteLength(header);
    this.reserve(bodyStart + headerBytes + json.length + 1);
    this.buffer.write(header, bodyStart, headerBytes, 'utf8');
    this.buffer.set(json, bodyStart + headerBytes);
    return this.seal(start, bodyStart + headerBytes + json.length);
  }

  /**
   * Encodes the record of an event the engine wrote (src/records/event.ts), whose JSON is
   * `json[start, end)`, and returns its length: `E\t<acceptedAt>,<severity>\t<json>`, the
   * compact form of an append record. Such JSON is valid UTF-8 without a raw newline and starts
   * with the envelope the id and type are read back from (`{"id":"<digits>","createdAt":…,
   * "type":…`), so it is copied verbatim without being checked, and only what the JSON does not
   * hold is written before it.
   */
  appendWritten(json: Buffer, start: number, end: number, acceptedAt: number, severity: number): number {
    const record = this.beginLine();
    this.reserve(record + PREFIX + 4 + 2 * NUMBER_CHARS + (end - start));
    const buffer = this.buffer;
    let at = record + PREFIX;
    buffer[at++] = COMPACT_APPEND;
    buffer[at++] = TAB;
    // Every event of one end-of-turn pass has the same acceptance time: its digits are kept.
    if (acceptedAt !== this.acceptedAt) {
      this.acceptedAt = acceptedAt;
      this.acceptedLength = writeNumber(this.acceptedDigits, 0, acceptedAt);
    }
    const digits = this.acceptedDigits;
    for (let i = 0; i < this.acceptedLength; i++) buffer[at++] = digits[i] as number;
    buffer[at++] = COMMA;
    at = writeNumber(buffer, at, severity);
    buffer[at++] = TAB;
    at += json.copy(buffer, at, start, end);
    return this.seal(record, at);
  }

  /**
   * Copies the record line `source[start, end)` (its newline included) as a line with a
   * checksum of its own: verbatim when it has one, else (a grouped line) its body under a new
   * checksum.
   */
  appendChecked(source: Buffer, start: number, end: number): void {
    const at = this.length;
    this.reserve(at + end - start);
    const length = source.copy(this.buffer, at, start, end);
    if (source[start] === DASH) writeHex(this.buffer, at, this.space.crc(at + PREFIX, at + length - 1), 8);
    this.length = at + length;
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
    const open = this.groupStart;
    const start = this.beginLine();
    this.ackOpenedGroup = this.groupStart !== open;
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
    if (this.ackCount === 0) {
      // Nothing to acknowledge: the group this line opened goes too.
      if (this.ackOpenedGroup) this.truncate(this.ackStart - GROUP_LINE);
      this.ackOpenedGroup = false;
      return;
    }
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

  /** Encodes `C\t<seq>`, with a checksum of its own: every segment numbered below `seq` holds nothing that is still needed. */
  appendSupersedes(seq: number): number {
    this.endGroup();
    return this.appendBody(`C\t${seq}`, this.length);
  }

  private appendBody(body: string, start = this.beginLine()): number {
    const bodyStart = start + PREFIX;
    const size = Buffer.byteLength(body);
    this.reserve(bodyStart + size + 1);
    const written = this.buffer.write(body, bodyStart, size, 'utf8');
    return this.seal(start, bodyStart + written);
  }

  /**
   * Where the next line starts. When grouped, a group is opened first if none is, or if the open
   * one is full (that one is closed).
   */
  private beginLine(): number {
    if (this.grouped && (this.groupStart < 0 || this.length - this.groupStart >= GROUP_BYTES)) {
      this.endGroup();
      this.reserve(this.length + GROUP_LINE);
      this.groupStart = this.length;
      this.length += GROUP_LINE;
    }
    this.lineStart = this.length;
    return this.length;
  }

  /**
   * Writes the line of the open group, now that its lines are known (a group without lines is
   * dropped): the next record starts a group of its own, where a reader may start.
   */
  endGroup(): void {
    const start = this.groupStart;
    if (start < 0) return;
    this.groupStart = -1;
    if (this.length === start + GROUP_LINE) this.length = start;
    else sealGroup(this.buffer, start, this.length);
  }

  /**
   * Writes the prefix of the line of body `[start + 9, end)`: its checksum, or, in a group, the
   * distance back to the group's line; then its newline. Returns the line's length.
   */
  private seal(start: number, end: number): number {
    const buffer = this.buffer;
    if (this.groupStart >= 0 && start > this.groupStart) {
      writeGroupedPrefix(buffer, start, this.groupStart);
    } else {
      writeHex(buffer, start, this.space.crc(start + PREFIX, end), 8);
      buffer[start + 8] = TAB;
    }
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
