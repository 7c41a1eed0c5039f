import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchEncoder } from '../../src/delivery/encode.ts';
import { EventStore } from '../../src/delivery/event-store.ts';
import type { WebhookEvent } from '../../src/records/event.ts';
import { sized } from '../helpers/store.ts';

function event(json: string): WebhookEvent {
  const bytes = Buffer.from(json);
  return { id: '1', type: 'auth.success', acceptedAt: 0, severity: 9, json: bytes, bytes: bytes.length };
}

const ascii = event('{"id":"1","data":{"accountName":"jane"}}');
const multiByte = event('{"id":"2","data":{"details":"naïve ✓ 😀"}}');

/** The body `{"events":[...]}` of `events`, as text. */
function expected(events: readonly WebhookEvent[]): string {
  return `{"events":[${events.map((e) => e.json.toString()).join(',')}]}`;
}

/** A store holding `events`, and their slots in order. */
function holding(events: readonly WebhookEvent[]): { store: EventStore; slots: Int32Array } {
  const store = new EventStore();
  return { store, slots: Int32Array.from(events, (e, i) => store.add(e, i)) };
}

describe('batch body', () => {
  it('is {"events":[...]} with the events\' JSON verbatim, comma-separated, as UTF-8', () => {
    const events = [ascii, multiByte, ascii];
    const { store, slots } = holding(events);
    const body = new BatchEncoder().encode(store, slots);
    assert.equal(body.toString('utf8'), expected(events));
    assert.equal(body.length, Buffer.byteLength(body.toString('utf8')));
  });

  it('holds an empty list when there are no events', () => {
    assert.equal(new BatchEncoder().encode(new EventStore(), new Int32Array(0)).toString('utf8'), '{"events":[]}');
  });

  it('keeps the order of the batch, whatever the order the events are held in', () => {
    const events = [ascii, multiByte, sized('3')];
    const { store, slots } = holding(events);
    const reversed = Int32Array.from(slots).reverse();
    assert.equal(new BatchEncoder().encode(store, reversed).toString('utf8'), expected([...events].reverse()));
  });

  it('is exact across chunks of held events and for an event larger than a chunk', () => {
    const many = Array.from({ length: 6_000 }, (_, i) => sized(String(i), { bytes: 200 + (i % 50) }));
    const huge = event(`{"id":"h","data":{"details":"${'x'.repeat(3 * 1024 * 1024)}"}}`);
    const events = [...many.slice(0, 3_000), huge, ...many.slice(3_000)];
    const { store, slots } = holding(events);
    assert.equal(new BatchEncoder().encode(store, slots).toString('utf8'), expected(events));
  });
});

describe('batch encoder (one buffer reused from body to body)', () => {
  it('gives each body exactly, whether it is larger or smaller than the one before', () => {
    const encoder = new BatchEncoder();
    const large = Array.from({ length: 5_000 }, (_, i) => (i % 2 === 0 ? ascii : multiByte));
    const huge = [event(`{"id":"3","data":{"details":"${'x'.repeat(9 * 1024 * 1024)}"}}`)];
    for (const events of [[ascii], large, [multiByte], huge, [ascii, multiByte], large, []]) {
      const { store, slots } = holding(events);
      assert.equal(encoder.encode(store, slots).toString('utf8'), expected(events));
    }
  });
});
