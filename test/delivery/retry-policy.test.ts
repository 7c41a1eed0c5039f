import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FailedAttempt, RETRY_BASE_MILLIS, type RetrySettings, retryDecision } from '../../src/delivery/retry-policy.ts';

const NOW = 1_795_000_000_000;
const settings: RetrySettings = { throttleMillis: 1_000, retryMaxMillis: 60_000, discardAfterMillis: 300_000, lossy: false };
const lowest = (): number => 0;
const highest = (): number => 0.999_999;

function failed(result: FailedAttempt['result'], patch: Partial<FailedAttempt> = {}): FailedAttempt {
  return { result, attempt: 1, batchEvents: 4, newestAcceptedAt: NOW - 10, now: NOW, ...patch };
}

const unavailable: FailedAttempt['result'] = {
  status: 'retryable',
  statusCode: 503,
  retryAfterMillis: undefined,
  capped: false,
  message: 'HTTP 503',
};
const badRequest: FailedAttempt['result'] = { ...unavailable, statusCode: 400, capped: true, message: 'HTTP 400' };
const gone: FailedAttempt['result'] = { status: 'failure', reason: 'gone', statusCode: 410, message: 'HTTP 410' };
const tooLarge: FailedAttempt['result'] = { status: 'failure', reason: 'too-large', statusCode: 413, message: 'HTTP 413' };

describe('retry policy', () => {
  it('stops the webhook on 410', () => {
    assert.deepEqual(retryDecision(failed(gone), settings), { kind: 'stop' });
  });

  it('splits a batch on 413, and drops a single event as too-large without waiting', () => {
    assert.deepEqual(retryDecision(failed(tooLarge), settings), { kind: 'split' });
    assert.deepEqual(retryDecision(failed(tooLarge, { batchEvents: 1 }), settings), { kind: 'drop', reason: 'too-large', waitMillis: 0 });
  });

  it('retries a 503 after a backoff from the throttle window', () => {
    assert.deepEqual(retryDecision(failed(unavailable), settings, lowest), { kind: 'retry', waitMillis: 1_000 });
    assert.deepEqual(retryDecision(failed(unavailable, { attempt: 3 }), settings, highest), { kind: 'retry', waitMillis: 7_999 });
  });

  it('backs off from 500 ms without a throttle window, never past retry-max', () => {
    const unthrottled = { ...settings, throttleMillis: 0, retryMaxMillis: 5_000 };
    assert.deepEqual(retryDecision(failed(unavailable), unthrottled, lowest), { kind: 'retry', waitMillis: RETRY_BASE_MILLIS });
    assert.deepEqual(retryDecision(failed(unavailable, { attempt: 20 }), unthrottled, highest), { kind: 'retry', waitMillis: 4_999 });
    const tight = { ...unthrottled, retryMaxMillis: 200 };
    assert.deepEqual(retryDecision(failed(unavailable), tight, highest), { kind: 'retry', waitMillis: 200 });
  });

  it('retries other 4xx at the retry-max interval', () => {
    assert.deepEqual(retryDecision(failed(badRequest), settings, lowest), { kind: 'retry', waitMillis: 60_000 });
  });

  it('never retries before Retry-After, clamped to discard-after', () => {
    const later = { ...unavailable, retryAfterMillis: 30_000 };
    assert.deepEqual(retryDecision(failed(later), settings, lowest), { kind: 'retry', waitMillis: 30_000 });
    const muchLater = { ...unavailable, retryAfterMillis: 86_400_000 };
    assert.deepEqual(retryDecision(failed(muchLater), settings, lowest), { kind: 'drop', reason: 'discarded', waitMillis: 300_000 });
  });

  it('drops the batch as discarded when every event would be older than discard-after at the retry', () => {
    const old = { newestAcceptedAt: NOW - 299_500 };
    assert.deepEqual(retryDecision(failed(unavailable, old), settings, lowest), { kind: 'drop', reason: 'discarded', waitMillis: 1_000 });
    const fresh = { newestAcceptedAt: NOW - 298_000 };
    assert.deepEqual(retryDecision(failed(unavailable, fresh), settings, lowest), { kind: 'retry', waitMillis: 1_000 });
  });

  it('with lossy, drops a batch that failed but still makes the next request wait', () => {
    assert.deepEqual(retryDecision(failed(unavailable), { ...settings, lossy: true }, lowest), {
      kind: 'drop',
      reason: 'lossy',
      waitMillis: 1_000,
    });
  });
});
