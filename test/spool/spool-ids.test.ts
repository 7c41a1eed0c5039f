import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebhookEvent } from '../../src/records/event.ts';
import { allRecovered, event, events, ids, open, tempDir } from '../helpers/spool.ts';

/** An event with this id. */
function withId(id: string, n: number): WebhookEvent {
  const json = Buffer.from(`{"id":"${id}","n":${n}}`);
  return { ...event(n), id, json, bytes: json.length };
}

/** A deterministic shuffle (mulberry32). */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  let state = seed;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

describe('spool, acknowledging by id', () => {
  it('acknowledges events whose ids were appended out of order', (t) => {
    const dir = tempDir(t);
    const list = [event(5), event(3), event(9), event(4)];
    const first = open(t, dir);
    for (const e of list) assert.equal(first.spool.append(e), true);
    assert.equal(first.spool.append(event(3)), true, 'a pending event appended again is kept once');
    first.spool.ack(ids([event(3), event(9)]));
    assert.equal(first.spool.stats().events, 2);
    first.spool.close();
    assert.deepEqual(allRecovered(open(t, dir).spool), [event(5), event(4)]);
  });

  it('tells ids apart that differ only in leading zeros, and takes ids that are not digits', (t) => {
    const dir = tempDir(t);
    const list = [withId('123', 1), withId('0123', 2), withId('00123', 3), withId('ops-7', 4), withId('1234567890123456789012', 5)];
    const first = open(t, dir);
    for (const e of list) assert.equal(first.spool.append(e), true);
    first.spool.ack(['0123', 'ops-7', '1234567890123456789012', '99']);
    assert.equal(first.spool.stats().events, 2);
    first.spool.close();
    assert.deepEqual(allRecovered(open(t, dir).spool), [list[0], list[2]]);
  });

  it('finds every pending event among thousands acknowledged in any order', (t) => {
    const dir = tempDir(t);
    const all = events(0, 6000);
    const first = open(t, dir);
    for (const e of all) assert.equal(first.spool.append(e), true);
    const done = shuffled(
      all.filter((_, i) => i % 7 !== 0),
      42,
    );
    for (let i = 0; i < done.length; i += 100) first.spool.ack(ids(done.slice(i, i + 100)));
    const kept = all.filter((_, i) => i % 7 === 0);
    assert.equal(first.spool.stats().events, kept.length);
    first.spool.close();
    assert.deepEqual(allRecovered(open(t, dir).spool), kept);
  });

  it('keeps appending and acknowledging once a backlog of many thousands is acknowledged', (t) => {
    const dir = tempDir(t);
    const first = open(t, dir, { segmentBytes: 1024 * 1024 });
    const backlog = events(0, 70_000);
    for (const e of backlog) assert.equal(first.spool.append(e), true);
    first.spool.ack(ids(backlog));
    assert.equal(first.spool.stats().events, 0);
    const later = events(70_000, 70_010);
    for (const e of later) assert.equal(first.spool.append(e), true);
    first.spool.ack(ids(later.slice(0, 5)));
    first.spool.close();
    assert.deepEqual(allRecovered(open(t, dir).spool), later.slice(5));
  });
});
