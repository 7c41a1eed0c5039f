import { STATUS_CODES } from 'node:http';
import type { DeliveryResult } from './delivery-result.ts';
import { parseRetryAfter } from './retry-after.ts';

// The transport imports the result type from here.
export type { DeliveryResult } from './delivery-result.ts';

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
