/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z in epoch milliseconds: the years RFC 3339 can write. */
const FIRST_SECOND_MILLIS = -62_167_219_200_000;
const LAST_SECOND_MILLIS = 253_402_300_799_000;

/**
 * RFC 3339 UTC timestamp with whole seconds (`2026-11-22T10:05:14Z`) of an epoch-milliseconds
 * time, or undefined when the time is not a number or falls outside the years 0000–9999.
 */
export function rfc3339Seconds(epochMillis: number): string | undefined {
  const millis = Math.floor(epochMillis / 1000) * 1000;
  if (!(millis >= FIRST_SECOND_MILLIS && millis <= LAST_SECOND_MILLIS)) return undefined;
  return `${new Date(millis).toISOString().slice(0, 19)}Z`;
}

let cachedSecond = Number.NaN;
let cachedText: string | undefined;

/**
 * {@link rfc3339Seconds}, as Stalwart writes `createdAt`. The last second formatted is cached:
 * a burst of events costs one format.
 */
export function formatCreatedAt(epochMillis: number): string | undefined {
  const second = Math.floor(epochMillis / 1000);
  if (second !== cachedSecond) {
    cachedText = rfc3339Seconds(epochMillis);
    cachedSecond = second;
  }
  return cachedText;
}
