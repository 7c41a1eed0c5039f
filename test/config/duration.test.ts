import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from '../../src/config/duration.ts';

describe('parseDuration', () => {
  it('reads each Stalwart unit as milliseconds', () => {
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('2h'), 7_200_000);
    assert.equal(parseDuration('1d'), 86_400_000);
  });

  it('reads a bare number as milliseconds', () => {
    assert.equal(parseDuration('1500'), 1500);
  });

  it('ignores case and whitespace anywhere', () => {
    assert.equal(parseDuration('30S'), 30_000);
    assert.equal(parseDuration('10 MS'), 10);
    assert.equal(parseDuration(' 1 0 s '), 10_000);
    assert.equal(parseDuration('\t5m\n'), 300_000);
  });

  it('rejects zero, signs, fractions, compound and unknown units', () => {
    for (const value of ['0', '0s', '-1s', '+1s', '1.5s', '1m30s', '1w', 's', 'abc', '', '   ', '1 s s']) {
      assert.equal(parseDuration(value), undefined, JSON.stringify(value));
    }
  });

  it('rejects values too large to count exactly in milliseconds', () => {
    assert.equal(parseDuration('99999999999999999999d'), undefined);
  });
});

describe('formatDuration', () => {
  it('uses the largest unit that divides the value exactly', () => {
    assert.equal(formatDuration(30_000), '30s');
    assert.equal(formatDuration(90_000), '90s');
    assert.equal(formatDuration(300_000), '5m');
    assert.equal(formatDuration(7_200_000), '2h');
    assert.equal(formatDuration(172_800_000), '2d');
    assert.equal(formatDuration(1500), '1500ms');
    assert.equal(formatDuration(0), '0ms');
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [1, 999, 1000, 61_000, 3_600_000, 90_061_001]) {
      assert.equal(parseDuration(formatDuration(ms)), ms);
    }
  });
});
