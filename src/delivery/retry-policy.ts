import type { DeliveryResult } from '../http/delivery-result.ts';
import { clampRetryAfter } from '../http/retry-after.ts';
import { backoffMillis } from './backoff.ts';

/** What the retry policy needs to know of a webhook's options. */
export interface RetrySettings {
  readonly throttleMillis: number;
  readonly retryMaxMillis: number;
  readonly discardAfterMillis: number;
  readonly lossy: boolean;
}

/** Base of the backoff when there is no throttle window to start from (the exporter's default `throttle` of 0). */
export const RETRY_BASE_MILLIS = 500;

/** What happens after a failed attempt. */
export type RetryDecision =
  /** The batch stays at the head and is sent again, with the same id, in `waitMillis`. */
  | { readonly kind: 'retry'; readonly waitMillis: number }
  /** The batch is dropped; the next request waits `waitMillis` (0 when the receiver is not failing). */
  | { readonly kind: 'drop'; readonly reason: 'lossy' | 'discarded' | 'too-large'; readonly waitMillis: number }
  /** 413 for several events: the halves are sent next, at once. */
  | { readonly kind: 'split' }
  /** 410 Gone: the webhook stops, everything pending is dropped (`gone`). */
  | { readonly kind: 'stop' };

/** The failed attempt decided on. */
export interface FailedAttempt {
  readonly result: Exclude<DeliveryResult, { status: 'success' }>;
  /** Consecutive failed attempts, this one included (1 after the first failure). */
  readonly attempt: number;
  readonly batchEvents: number;
  /** When the batch's newest event was accepted (epoch ms), for `discard-after`. */
  readonly newestAcceptedAt: number;
  /** Now (epoch ms). */
  readonly now: number;
}

/** The delay before the next attempt after a retryable failure. */
function retryWait(
  result: Extract<DeliveryResult, { status: 'retryable' }>,
  attempt: number,
  settings: RetrySettings,
  random: () => number,
): number {
  const cap = settings.retryMaxMillis;
  const base = settings.throttleMillis > 0 ? settings.throttleMillis : Math.min(RETRY_BASE_MILLIS, cap);
  let wait = result.capped ? cap : backoffMillis(attempt, base, cap, random);
  if (result.retryAfterMillis !== undefined) wait = Math.max(wait, clampRetryAfter(result.retryAfterMillis, settings.discardAfterMillis));
  return wait;
}

/**
 * The one retry policy of the processor and the exporter alike, as a pure function:
 *
 * - 410: stop. 413: split a batch of several events, drop a single one (`too-large`).
 * - 408, 429, 5xx, network errors, timeouts: retry after a backoff, exponential with full
 *   jitter from `throttle` (or {@link RETRY_BASE_MILLIS} without one) up to `retry-max`, and
 *   never before the receiver's `Retry-After` (clamped to an hour and to `discard-after`).
 *   Other answers (other 4xx, 3xx) likewise, at the `retry-max` interval.
 * - With `lossy`, a retryable failure drops the batch instead (`lossy`); without, a retry that
 *   would come when every event of the batch is older than `discard-after` drops it now
 *   (`discarded`). Either way the next request waits as a retry would have.
 */
export function retryDecision(failed: FailedAttempt, settings: RetrySettings, random: () => number = Math.random): RetryDecision {
  const { result } = failed;
  if (result.status === 'failure') {
    if (result.reason === 'gone') return { kind: 'stop' };
    return failed.batchEvents > 1 ? { kind: 'split' } : { kind: 'drop', reason: 'too-large', waitMillis: 0 };
  }
  const waitMillis = retryWait(result, failed.attempt, settings, random);
  if (settings.lossy) return { kind: 'drop', reason: 'lossy', waitMillis };
  if (failed.now + waitMillis > failed.newestAcceptedAt + settings.discardAfterMillis)
    return { kind: 'drop', reason: 'discarded', waitMillis };
  return { kind: 'retry', waitMillis };
}
