/**
 * Delay before retry number `attempt` (1 for the first retry): exponential from the throttle
 * window, capped, with full jitter, but never shorter than the throttle window.
 */
export function backoffMillis(attempt: number, throttleMillis: number, capMillis: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMillis, throttleMillis * 2 ** Math.min(attempt, 30));
  return Math.max(throttleMillis, Math.floor(random() * ceiling));
}

/** Longest wait a `Retry-After` header can impose. */
export const MAX_RETRY_AFTER_MILLIS = 3_600_000;

/** The receiver's `Retry-After`, clamped to a sane range: never more than an hour or than `discard-after`. */
export function clampRetryAfter(retryAfterMillis: number, discardAfterMillis: number): number {
  return Math.max(0, Math.min(retryAfterMillis, MAX_RETRY_AFTER_MILLIS, discardAfterMillis));
}
