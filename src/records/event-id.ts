import { randomInt } from 'node:crypto';

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

/**
 * The last three digits of the microsecond count followed by the process digits, for each
 * value of those three digits; with the millisecond digits cached below, making an id costs
 * no number formatting within a millisecond.
 */
const SUFFIXES: readonly string[] = Array.from({ length: 1000 }, (_, n) => `${String(n).padStart(3, '0')}${node}`);
let prefixMillis = -1;
let prefixText = '';

/** A new id; `now` is the current time in epoch milliseconds. */
export function nextEventId(now: number = Date.now()): string {
  const micros = now * 1000;
  last = micros > last ? micros : last + 1;
  if (!Number.isSafeInteger(last) || last < 1000) return `${last}${node}`;
  const millis = Math.floor(last / 1000);
  if (millis !== prefixMillis) {
    prefixMillis = millis;
    prefixText = String(millis);
  }
  return prefixText + (SUFFIXES[last - millis * 1000] as string);
}
