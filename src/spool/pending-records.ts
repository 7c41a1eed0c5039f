import { isUtf8 } from 'node:buffer';
import { crc32 } from 'node:zlib';
import type { WebhookEvent } from '../records/event.ts';

const TAB = 0x09;
const NEWLINE = 0x0a;
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

/**
 * Records encoded and not yet written: one buffer, reused and grown as needed, that the spool
 * writes with one system call. Each record is a line `<crc32 of body, 8 hex digits>\t<body>\n`
 * (see docs/spool.md).
 */
export class PendingRecords {
  private buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
  /** Bytes encoded so far. */
  length = 0;

  /** The encoded bytes (a view of the buffer, valid until the next append). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  /** Forgets everything encoded, keeping the buffer unless one large record grew it. */
  clear(): void {
    this.length = 0;
    if (this.buffer.length > KEEP_CAPACITY) this.buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
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

  /** Encodes `K\t["id",…]`: events that are done. */
  appendAck(ids: readonly string[]): number {
    const start = this.length;
    let at = start + PREFIX;
    this.reserve(at + 8);
    at += this.buffer.write('K\t[', at, 'latin1');
    if (ids.every((id) => DIGITS.test(id))) {
      const text = ids.length === 0 ? '' : `"${ids.join('","')}"`;
      this.reserve(at + text.length + 2);
      at += this.buffer.write(text, at, 'latin1');
      this.buffer[at++] = 0x5d;
      return this.seal(start, at);
    }
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string;
      const text = DIGITS.test(id) ? `"${id}"` : JSON.stringify(id);
      this.reserve(at + text.length * 3 + 3);
      if (i > 0) this.buffer[at++] = 0x2c;
      at += this.buffer.write(text, at, 'utf8');
    }
    this.buffer[at++] = 0x5d;
    return this.seal(start, at);
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
    const crc = crc32(buffer.subarray(start + PREFIX, end));
    for (let i = 0; i < 8; i++) buffer[start + i] = HEX[(crc >>> (28 - 4 * i)) & 0xf] as number;
    buffer[start + 8] = TAB;
    buffer[end] = NEWLINE;
    this.length = end + 1;
    return this.length - start;
  }

  private reserve(capacity: number): void {
    if (capacity <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(capacity, this.buffer.length * 2));
    // All of it: a record being encoded lies beyond `length`.
    this.buffer.copy(grown);
    this.buffer = grown;
  }
}
