import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/cli/mulberry32.ts';

describe('mulberry32, the seeded numbers of the demo and the benchmark records', () => {
  it('gives the numbers of mulberry32 for a seed, so that the demo and the benchmark records stay as they were', () => {
    const zero = mulberry32(0);
    assert.deepEqual([zero(), zero()], [0.26642920868471265, 0.0003297457005828619]);
    const demo = mulberry32(0x5eed);
    assert.deepEqual([demo(), demo(), demo(), demo()], [0.7100320369936526, 0.286336648510769, 0.9519026265479624, 0.10175976227037609]);
  });

  it('gives numbers in [0, 1), the same again for the same seed', () => {
    const first = mulberry32(42);
    const again = mulberry32(42);
    for (let i = 0; i < 10_000; i++) {
      const value = first();
      assert.ok(value >= 0 && value < 1, `${value}`);
      assert.equal(again(), value);
    }
  });
});
