import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventQueue } from '../../src/delivery/event-queue.ts';
import type { WebhookEvent } from '../../src/records/event.ts';

function event(id: string, options: { bytes?: number; severity?: number; acceptedAt?: number } = {}): WebhookEvent {
  return {
    id,
    type: 'auth.success',
    acceptedAt: options.acceptedAt ?? 0,
    severity: options.severity ?? 9,
    json: '{}',
    bytes: options.bytes ?? 10,
  };
}

function fill(queue: EventQueue, events: WebhookEvent[]): EventQueue {
  for (const e of events) queue.push(e);
  return queue;
}

describe('event queue', () => {
  it('takes batches in order, limited by count', () => {
    const queue = fill(
      new EventQueue(),
      ['a', 'b', 'c'].map((id) => event(id)),
    );
    assert.deepEqual(
      queue.take(2, 1_000).map((e) => e.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      queue.take(2, 1_000).map((e) => e.id),
      ['c'],
    );
    assert.equal(queue.length, 0);
    assert.equal(queue.bytes, 0);
  });

  it('limits a batch by bytes but always takes at least one event', () => {
    const queue = fill(new EventQueue(), [event('big', { bytes: 500 }), event('s1'), event('s2')]);
    assert.deepEqual(
      queue.take(10, 100).map((e) => e.id),
      ['big'],
    );
    assert.deepEqual(
      queue.take(10, 15).map((e) => e.id),
      ['s1'],
    );
    assert.equal(queue.bytes, 10);
  });

  it('drops the expired events from the head and returns them', () => {
    const queue = fill(new EventQueue(), [
      event('old', { acceptedAt: 1 }),
      event('older', { acceptedAt: 2 }),
      event('new', { acceptedAt: 10 }),
    ]);
    assert.deepEqual(
      queue.dropAcceptedBefore(5).map((e) => e.id),
      ['old', 'older'],
    );
    assert.deepEqual(
      queue.take(10, 1_000).map((e) => e.id),
      ['new'],
    );
  });

  it('sheds the oldest events below error severity first', () => {
    const queue = fill(new EventQueue(), [
      event('e1', { severity: 17 }),
      event('i1'),
      event('e2', { severity: 21 }),
      event('i2'),
      event('i3'),
    ]);
    assert.deepEqual(
      queue.shed(3, 1_000).map((e) => e.id),
      ['i1', 'i2'],
    );
    assert.deepEqual(
      queue.take(10, 1_000).map((e) => e.id),
      ['e1', 'e2', 'i3'],
    );
  });

  it('sheds error events, oldest first, when nothing else is left', () => {
    const queue = fill(
      new EventQueue(),
      ['e1', 'e2', 'e3'].map((id) => event(id, { severity: 17 })),
    );
    assert.deepEqual(
      queue.shed(1, 1_000).map((e) => e.id),
      ['e1', 'e2'],
    );
    assert.equal(queue.length, 1);
  });

  it('sheds by bytes too', () => {
    const queue = fill(
      new EventQueue(),
      ['a', 'b', 'c'].map((id) => event(id, { bytes: 40 })),
    );
    assert.deepEqual(
      queue.shed(10, 50).map((e) => e.id),
      ['a', 'b'],
    );
    assert.equal(queue.bytes, 40);
  });

  it('keeps order and byte counts through a long stream of pushes and takes', () => {
    const queue = new EventQueue();
    let next = 0;
    const seen: string[] = [];
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 50; i++) queue.push(event(String(next++)));
      seen.push(...queue.take(40, 1_000_000).map((e) => e.id));
    }
    seen.push(...queue.clear().map((e) => e.id));
    assert.deepEqual(
      seen,
      Array.from({ length: 10_000 }, (_, i) => String(i)),
    );
    assert.equal(queue.bytes, 0);
  });
});
