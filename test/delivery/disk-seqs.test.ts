import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/cli/mulberry32.ts';
import { DiskSeqs } from '../../src/delivery/disk-seqs.ts';

describe('sequence numbers waiting on disk', () => {
  it('gives back the reserved range, then the numbers pushed, oldest first', () => {
    const seqs = new DiskSeqs();
    seqs.addFirst(10, 3);
    for (const seq of [13, 14, 20, 21, 30]) seqs.push(seq);
    assert.equal(seqs.size, 8);
    assert.equal(seqs.oldest(), 10);
    assert.deepEqual(seqs.take(4), [10, 11, 12, 13]);
    assert.equal(seqs.oldest(), 14);
    assert.deepEqual(seqs.take(10), [14, 20, 21, 30]);
    assert.equal(seqs.size, 0);
    assert.equal(seqs.oldest(), undefined);
    assert.deepEqual(seqs.take(1), []);
  });

  it('gives back a backlog found after events went behind it first, and knows the lowest number still there', () => {
    const seqs = new DiskSeqs();
    for (const seq of [0, 1, 2]) seqs.push(seq);
    seqs.addFirst(3, 2);
    assert.equal(seqs.oldest(), 0);
    assert.deepEqual(seqs.take(1), [3]);
    assert.equal(seqs.oldest(), 0);
    assert.deepEqual(seqs.take(2), [4, 0]);
    assert.equal(seqs.oldest(), 1);
    assert.deepEqual(seqs.take(5), [1, 2]);
  });

  it('keeps a million consecutive numbers as one run', () => {
    const seqs = new DiskSeqs();
    for (let seq = 0; seq < 1_000_000; seq++) seqs.push(seq);
    assert.equal(seqs.size, 1_000_000);
    assert.equal((seqs as unknown as { starts: number[] }).starts.length, 1);
    assert.deepEqual(seqs.take(3), [0, 1, 2]);
    assert.equal(seqs.oldest(), 3);
  });

  it('matches a plain list of the same numbers through any mix of pushes and takes', () => {
    const random = mulberry32(7);
    const seqs = new DiskSeqs();
    const model: number[] = [];
    let next = 0;
    seqs.addFirst(next, 50);
    for (let i = 0; i < 50; i++) model.push(next++);
    for (let step = 0; step < 20_000; step++) {
      if (random() < 0.6) {
        // Some numbers go to events that were not put on disk.
        next += random() < 0.2 ? 1 + Math.floor(random() * 3) : 0;
        seqs.push(next);
        model.push(next++);
      } else {
        const count = Math.floor(random() * 5);
        assert.deepEqual(seqs.take(count), model.splice(0, count));
      }
      assert.equal(seqs.size, model.length);
      assert.equal(seqs.oldest(), model[0]);
    }
  });
});
