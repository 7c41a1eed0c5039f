import { randomInt } from 'node:crypto';
import type { ByteSink } from './event-sink.ts';
import { writeLatin1 } from './json-bytes.ts';

/**
 * Event ids: decimal digit strings below 2^64, unique per event and fixed once assigned, so a
 * retried batch carries the same ids and a receiver can de-duplicate.
 *
 * An id is a strictly increasing count of microseconds since the Unix epoch (it runs ahead of
 * the clock only under bursts above a million events per second) followed by three digits
 * drawn at random when the process starts, which separate processes that share a receiver.
 */
const node = String(randomInt(0, 1000)).padStart(3, '0');
let last = 0;

/** Digits after the millisecond count: the last three of the microsecond count, then the process digits. */
const SUFFIX_DIGITS = 6;
/**
 * The {@link SUFFIX_DIGITS} digits for each value of the last three microsecond digits, one
 * after the other; with the millisecond digits cached below, writing an id costs no number
 * formatting within a millisecond.
 */
const SUFFIXES = Buffer.from(Array.from({ length: 1000 }, (_, n) => `${String(n).padStart(3, '0')}${node}`).join(''), 'latin1');
let prefixMillis = -1;
/** The digits of {@link prefixMillis}, as bytes (at most 16 for a safe integer). */
const prefix = Buffer.alloc(16);
let prefixLength = 0;

/** Writes a new id (its digits, unquoted); `now` is the current time in epoch milliseconds. */
export function writeEventId(sink: ByteSink, now: number): void {
  const micros = now * 1000;
  last = micros > last ? micros : last + 1;
  if (!Number.isSafeInteger(last) || last < 1000) {
    writeLatin1(sink, `${last}${node}`);
    return;
  }
  const millis = Math.floor(last / 1000);
  if (millis !== prefixMillis) {
    prefixMillis = millis;
    prefixLength = prefix.write(String(millis), 0, 'latin1');
  }
  const length = prefixLength + SUFFIX_DIGITS;
  if (sink.pos + length > sink.end) sink.grow(length);
  const buf = sink.buf;
  let pos = sink.pos;
  for (let i = 0; i < prefixLength; i++) buf[pos++] = prefix[i] as number;
  for (let i = (last - millis * 1000) * SUFFIX_DIGITS, end = i + SUFFIX_DIGITS; i < end; i++) buf[pos++] = SUFFIXES[i] as number;
  sink.pos = pos;
}
