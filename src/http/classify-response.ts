import { STATUS_CODES } from 'node:http';

/** The outcome of one delivery attempt. */
export type DeliveryResult =
  | { status: 'success'; statusCode: number }
  | {
      status: 'retryable';
      statusCode: number | undefined;
      retryAfterMillis: number | undefined;
      /** other 4xx: retried, but only at the capped interval */
      capped: boolean;
      message: string;
    }
  | { status: 'failure'; reason: 'gone' | 'too-large'; statusCode: number; message: string };

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

function statusMessage(statusCode: number): string {
  const text = STATUS_CODES[statusCode];
  return text === undefined ? `HTTP ${statusCode}` : `HTTP ${statusCode} ${text}`;
}

/**
 * Maps a response status to a delivery outcome: 2xx success; 408, 429 and 5xx retryable;
 * 410 stops the webhook; 413 asks for smaller batches; any other status (other 4xx, and
 * 1xx/3xx since redirects are not followed) is retried at the capped interval only.
 */
export function classifyResponse(statusCode: number, retryAfter: string | undefined, nowMillis: number): DeliveryResult {
  if (statusCode >= 200 && statusCode <= 299) return { status: 'success', statusCode };
  const message = statusMessage(statusCode);
  if (statusCode === 410) return { status: 'failure', reason: 'gone', statusCode, message };
  if (statusCode === 413) return { status: 'failure', reason: 'too-large', statusCode, message };
  const retryAfterMillis = parseRetryAfter(retryAfter, nowMillis);
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) {
    return { status: 'retryable', statusCode, retryAfterMillis, capped: false, message };
  }
  const redirect = statusCode >= 300 && statusCode <= 399;
  return {
    status: 'retryable',
    statusCode,
    retryAfterMillis,
    capped: true,
    message: redirect ? `${message} (redirects are not followed)` : message,
  };
}
