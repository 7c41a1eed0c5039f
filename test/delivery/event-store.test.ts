import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHUNK_BYTES } from '../../src/delivery/arena.ts';
import { EventStore } from '../../src/delivery/event-store.ts';
import { EventTooLargeError } from '../../src/records/event.ts';
import { writeLatin1 } from '../../src/records/json-bytes.ts';
import { sized } from '../helpers/store.ts';

/** Writes `{"id":"<id>","data":"<filler>"}` through the store's sink and commits it. */
function write(store: EventStore, id: string, filler = 'x'.repeat(100)): number {
  const sink = store.begin(CHUNK_BYTES * 64);
  writeLatin1(sink, `{"id":"${id}","data":"${filler}"}`);
  return store.commit(sink, 0, 0, 9);
}

describe('event store', () => {
  it('gives back each event as written, across chunk boundaries', () => {
    const store = new EventStore();
    const slots: number[] = [];
    // About 9 MiB of events: several chunks, events cut at every chunk end moved whole.
    for (let i = 0; i < 30_000; i++) slots.push(write(store, String(i), 'y'.repeat(250 + (i % 97))));
    for (const [i, slot] of slots.entries()) {
      assert.equal(store.idOf(slot), String(i));
      assert.equal(store.json(slot).toString(), `{"id":"${i}","data":"${'y'.repeat(250 + (i % 97))}"}`);
    }
  });

  it('reuses its memory once events are released: a steady stream stays within a few chunks', () => {
    const store = new EventStore();
    for (let round = 0; round < 200; round++) {
      const batch = Int32Array.from({ length: 1_000 }, (_, i) => write(store, `${round}-${i}`));
      store.release(batch);
    }
    assert.ok(store.memoryBytes <= 3 * CHUNK_BYTES + 200_000, `${store.memoryBytes} bytes held`);
  });

  it('copies the few events left in mostly emptied chunks, so memory follows what is held', () => {
    const store = new EventStore();
    const kept: number[] = [];
    const gone: number[] = [];
    // 40 MiB of events of which every 50th is kept, as shedding keeps error events.
    for (let i = 0; i < 100_000; i++) (i % 50 === 0 ? kept : gone).push(write(store, String(i), 'z'.repeat(400)));
    store.release(Int32Array.from(gone));
    // A few calls: each copies a bounded amount.
    for (let i = 0; i < 10; i++) store.compact();
    // The slot table keeps its size; the chunks hold little more than the events kept.
    const chunks = store.memoryBytes - store.slots.memoryBytes;
    assert.ok(chunks < 2 * kept.length * 420 + 4 * CHUNK_BYTES, `${chunks} bytes of chunks held for ${kept.length} events`);
    for (const [n, slot] of kept.entries()) assert.equal(store.json(slot).toString(), `{"id":"${n * 50}","data":"${'z'.repeat(400)}"}`);
  });

  it('keeps an event written while another one is being written, and both intact', () => {
    const store = new EventStore();
    const outer = store.begin(1_000);
    writeLatin1(outer, '{"id":"1","data":{"a":');
    const inner = store.begin(1_000);
    writeLatin1(inner, '{"id":"2","data":{}}');
    const second = store.commit(inner, 0, 1, 9);
    writeLatin1(outer, '1}}');
    const first = store.commit(outer, 0, 0, 9);
    assert.equal(store.json(first).toString(), '{"id":"1","data":{"a":1}}');
    assert.equal(store.json(second).toString(), '{"id":"2","data":{}}');
    assert.equal(store.json(write(store, '3')).toString(), `{"id":"3","data":"${'x'.repeat(100)}"}`);
  });

  it('leaves nothing of an aborted event', () => {
    const store = new EventStore();
    const a = write(store, 'a');
    const sink = store.begin(1_000);
    writeLatin1(sink, '{"id":"broken",');
    store.abort(sink);
    const b = write(store, 'b');
    assert.equal(store.json(a).toString(), `{"id":"a","data":"${'x'.repeat(100)}"}`);
    assert.equal(store.json(b).toString(), `{"id":"b","data":"${'x'.repeat(100)}"}`);
  });

  it('holds an event larger than a chunk, and stops an event at its limit', () => {
    const store = new EventStore();
    const big = 'b'.repeat(3 * CHUNK_BYTES);
    const slot = write(store, 'big', big);
    assert.equal(store.json(slot).toString(), `{"id":"big","data":"${big}"}`);
    const sink = store.begin(100);
    assert.throws(() => writeLatin1(sink, 'x'.repeat(102)), EventTooLargeError);
    store.abort(sink);
    assert.equal(store.json(store.add(sized('after'), 0)).toString(), sized('after').json.toString());
  });
});
