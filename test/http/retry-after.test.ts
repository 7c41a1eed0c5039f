import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clampRetryAfter, MAX_RETRY_AFTER_MILLIS, parseRetryAfter } from '../../src/http/retry-after.ts';

const NOW = Date.parse('2026-11-22T10:00:00Z');

describe('parseRetryAfter', () => {
  it('delta-seconds become milliseconds', () => {
    assert.equal(parseRetryAfter('0', NOW), 0);
    assert.equal(parseRetryAfter(' 120 ', NOW), 120_000);
  });

  it('the three HTTP-date forms are understood', () => {
    const in90s = NOW + 90_000;
    const imf = new Date(in90s).toUTCString();
    assert.equal(parseRetryAfter(imf, NOW), 90_000);
    assert.equal(parseRetryAfter('Sunday, 22-Nov-26 10:01:30 GMT', NOW), 90_000);
    assert.equal(parseRetryAfter('Sun Nov 22 10:01:30 2026', NOW), 90_000);
  });

  it('a date in the past means retry now', () => {
    assert.equal(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', NOW), 0);
  });

  it('garbage, negative numbers and absent values give undefined', () => {
    for (const value of [undefined, '', 'soon', '-5', '1.5', '2026-11-22T10:00:30Z', '1 day']) {
      assert.equal(parseRetryAfter(value, NOW), undefined, `value ${String(value)}`);
    }
  });
});

describe('Retry-After clamping', () => {
  it('keeps a reasonable wait as given', () => {
    assert.equal(clampRetryAfter(5_000, 300_000), 5_000);
  });

  it('never waits longer than discard-after or an hour', () => {
    assert.equal(clampRetryAfter(86_400_000, 300_000), 300_000);
    assert.equal(clampRetryAfter(86_400_000, 86_400_000), MAX_RETRY_AFTER_MILLIS);
  });

  it('treats a date in the past as no wait', () => {
    assert.equal(clampRetryAfter(-5_000, 300_000), 0);
  });
});
