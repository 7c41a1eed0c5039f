import type { WebhookEvent } from '../records/event.ts';

/**
 * The fields of a spool record's header, written byte by byte into the buffer they go to (see
 * pending-records.ts), as `JSON.stringify` writes them.
 */

const DIGITS = /^\d+$/;
/** Type names written into the header as they are (no JSON escaping needed). */
const PLAIN_TYPE = /^[a-z0-9.-]*$/;

/** `A\t[id,acceptedAt,severity,type,bytes]\t`, without JSON.stringify when every field is plain (ASCII); undefined otherwise. */
export function plainHeader(event: WebhookEvent): string | undefined {
  const { id, type, acceptedAt, severity } = event;
  if (!DIGITS.test(id) || !PLAIN_TYPE.test(type)) return undefined;
  if (!Number.isFinite(acceptedAt) || !Number.isFinite(severity)) return undefined;
  return `A\t["${id}",${acceptedAt},${severity},"${type}",${event.json.length}]\t`;
}

/** Writes `value`, an integer from 0 to 2^31 - 1, in decimal at `at`; returns where it ended. */
export function writeInteger(buffer: Buffer, at: number, value: number): number {
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
 * Writes `value` as `JSON.stringify` does into `buffer` at `at` (room for 24 chars, the most
 * `String(n)` writes, checked by the caller); returns where it ended. Safe integers are written digit by digit, in
 * 32-bit arithmetic.
 */
export function writeNumber(buffer: Buffer, at: number, value: number): number {
  if (value >= 0 && value <= 0x7fff_ffff && Math.floor(value) === value) return writeInteger(buffer, at, value);
  if (!Number.isSafeInteger(value) || value < 0) return at + buffer.write(Number.isFinite(value) ? String(value) : 'null', at, 'latin1');
  // Below 2^53: at most 7 digits before the last 9.
  const high = Math.floor(value / 1e9);
  return writePadded(buffer, writeInteger(buffer, at, high), value - high * 1e9, 9);
}

/** Writes `value`, an integer from 0 to 10^digits - 1, as exactly `digits` decimal digits (leading zeros) at `at`. */
export function writePadded(buffer: Buffer, at: number, value: number, digits: number): number {
  let n = value | 0;
  for (let i = at + digits - 1; i >= at; i--) {
    const next = (n / 10) | 0;
    buffer[i] = 0x30 + n - next * 10;
    n = next;
  }
  return at + digits;
}
