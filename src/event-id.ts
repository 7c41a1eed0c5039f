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

export function nextEventId(): string {
  const now = Date.now() * 1000;
  last = now > last ? now : last + 1;
  return `${last}${node}`;
}

/** The creation time, in epoch milliseconds, encoded in an id made by {@link nextEventId}. */
export function eventIdMillis(id: string): number {
  return Math.floor(Number(id.slice(0, -3)) / 1000);
}
