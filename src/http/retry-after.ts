/**
 * The receiver's `Retry-After`, in one place: parsed from the header (by the response
 * classification) and clamped to a sane wait (by the retry policy).
 */

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** IMF-fixdate, RFC 850 and asctime, the three HTTP-date forms of RFC 9110 §5.6.7. */
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`);
const RFC_850 = new RegExp(`^${LONG_DAY}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}$`);

/**
 * `Retry-After` as milliseconds from `nowMillis`: delta-seconds or an HTTP-date (a date in
 * the past gives 0). Anything else gives `undefined`.
 */
export function parseRetryAfter(value: string | undefined, nowMillis: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  let dateMillis: number;
  if (IMF_FIXDATE.test(text) || RFC_850.test(text)) dateMillis = Date.parse(text);
  else if (ASCTIME.test(text)) dateMillis = Date.parse(`${text} GMT`);
  else return undefined;
  if (!Number.isFinite(dateMillis)) return undefined;
  return Math.max(0, dateMillis - nowMillis);
}

/** Longest wait a `Retry-After` header can impose. */
export const MAX_RETRY_AFTER_MILLIS = 3_600_000;

/** The receiver's `Retry-After`, clamped to a sane range: never more than an hour or than `discard-after`. */
export function clampRetryAfter(retryAfterMillis: number, discardAfterMillis: number): number {
  return Math.max(0, Math.min(retryAfterMillis, MAX_RETRY_AFTER_MILLIS, discardAfterMillis));
}
