import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventQueue } from '../../src/delivery/event-queue.ts';
import { EventStore } from '../../src/delivery/event-store.ts';
import { idsOf, sized } from '../helpers/store.ts';

/** A store and a queue of events of the given ids and options. */
function queued(events: { id: string; bytes?: number; severity?: number; acceptedAt?: number }[]) {
  const store = new EventStore();
  const queue = new EventQueue(store.slots);
  for (const e of events) queue.push(store.add(sized(e.id, e), 0));
  const ids = (slots: Int32Array): string[] => idsOf(store, slots);
  return { store, queue, ids };
}

describe('event queue', () => {
  it('takes batches in order, limited by count', () => {
    const { queue, ids } = queued([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    assert.deepEqual(ids(queue.take(2, 1_000)), ['a', 'b']);
    assert.deepEqual(ids(queue.take(2, 1_000)), ['c']);
    assert.equal(queue.length, 0);
    assert.equal(queue.bytes, 0);
  });

  it('limits a batch by bytes but always takes at least one event', () => {
    const { queue, ids } = queued([{ id: 'big', bytes: 500 }, { id: 's1' }, { id: 's2' }]);
    assert.deepEqual(ids(queue.take(10, 100)), ['big']);
    assert.deepEqual(ids(queue.take(10, 60)), ['s1']);
    assert.equal(queue.bytes, 40);
  });

  it('drops the expired events from the head and returns them', () => {
    const { queue, ids } = queued([
      { id: 'old', acceptedAt: 1 },
      { id: 'older', acceptedAt: 2 },
      { id: 'new', acceptedAt: 10 },
    ]);
    assert.deepEqual(ids(queue.dropAcceptedBefore(5)), ['old', 'older']);
    assert.deepEqual(ids(queue.take(10, 1_000)), ['new']);
  });

  it('sheds the oldest events below error severity first', () => {
    const { queue, ids } = queued([{ id: 'e1', severity: 17 }, { id: 'i1' }, { id: 'e2', severity: 21 }, { id: 'i2' }, { id: 'i3' }]);
    assert.deepEqual(ids(queue.shed(3, 1_000)), ['i1', 'i2']);
    assert.deepEqual(ids(queue.take(10, 1_000)), ['e1', 'e2', 'i3']);
  });

  it('sheds error events, oldest first, when nothing else is left', () => {
    const { queue, ids } = queued(['e1', 'e2', 'e3'].map((id) => ({ id, severity: 17 })));
    assert.deepEqual(ids(queue.shed(1, 1_000)), ['e1', 'e2']);
    assert.equal(queue.length, 1);
  });

  it('sheds by bytes too', () => {
    const { queue, ids } = queued(['a', 'b', 'c'].map((id) => ({ id })));
    assert.deepEqual(ids(queue.shed(10, 50)), ['a', 'b']);
    assert.equal(queue.bytes, 40);
  });

  it('keeps order and byte counts through a long stream of pushes and takes', () => {
    const store = new EventStore();
    const queue = new EventQueue(store.slots);
    let next = 0;
    const seen: string[] = [];
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 50; i++) queue.push(store.add(sized(String(next++)), 0));
      const taken = queue.take(40, 1_000_000);
      seen.push(...idsOf(store, taken));
      store.release(taken);
    }
    seen.push(...idsOf(store, queue.clear()));
    assert.deepEqual(
      seen,
      Array.from({ length: 10_000 }, (_, i) => String(i)),
    );
    assert.equal(queue.bytes, 0);
  });

  it('keeps order when shedding wraps around the ring', () => {
    const store = new EventStore();
    const queue = new EventQueue(store.slots);
    // Advance the head so that the queued events wrap around the end of the ring.
    for (let i = 0; i < 1_000; i++) queue.push(store.add(sized(`x${i}`), 0));
    store.release(queue.take(1_000, Number.POSITIVE_INFINITY));
    for (let i = 0; i < 1_000; i++) queue.push(store.add(sized(`${i}`, { severity: i % 2 === 0 ? 17 : 9 }), 0));
    const shed = idsOf(store, queue.shed(600, Number.POSITIVE_INFINITY));
    assert.deepEqual(
      shed,
      Array.from({ length: 400 }, (_, i) => String(2 * i + 1)),
    );
    const kept = idsOf(store, queue.clear());
    assert.equal(kept.length, 600);
    assert.deepEqual(kept.slice(0, 3), ['0', '2', '4']);
    assert.deepEqual(kept.slice(-3), ['997', '998', '999']);
  });
});
