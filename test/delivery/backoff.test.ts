import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMillis } from '../../src/delivery/backoff.ts';

describe('retry backoff', () => {
  it('is never shorter than the throttle window', () => {
    for (const attempt of [1, 2, 5])
      assert.equal(
        backoffMillis(attempt, 1_000, 60_000, () => 0),
        1_000,
      );
  });

  it('grows exponentially from the throttle window at most', () => {
    const top = (attempt: number): number => backoffMillis(attempt, 1_000, 60_000, () => 0.999_999);
    assert.deepEqual([1, 2, 3, 4, 5].map(top), [1_999, 3_999, 7_999, 15_999, 31_999]);
  });

  it('is capped by retry-max, even after very many attempts', () => {
    assert.equal(
      backoffMillis(1_000, 1_000, 60_000, () => 0.999_999),
      59_999,
    );
  });

  it('spreads retries over the whole range (full jitter)', () => {
    let seed = 1;
    const random = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const delays = Array.from({ length: 1_000 }, () => backoffMillis(6, 100, 60_000, random));
    assert.ok(Math.min(...delays) >= 100);
    assert.ok(Math.max(...delays) <= 6_400);
    assert.ok(new Set(delays).size > 500, 'not one fixed delay');
  });
});
