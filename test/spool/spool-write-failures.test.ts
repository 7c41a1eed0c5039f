import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { WebhookEvent } from '../../src/records/event.ts';
import { openSpool, type Spool } from '../../src/spool/spool.ts';
import { endOfTurn, FullDisk } from '../helpers/full-disk.ts';
import { allRecovered, event, events, ids, open, quiet, tempDir } from '../helpers/spool.ts';

function appendAll(spool: Spool, list: readonly WebhookEvent[]): void {
  for (const e of list) assert.equal(spool.append(e), true, `append ${e.id}`);
}

/** The record bytes of event 0 (those of events 1 to 9 are as many, those of later ones a little more). */
function recordBytes(t: TestContext): number {
  const { spool } = open(t, tempDir(t));
  spool.append(event(0));
  return spool.stats().bytes;
}

/** Leaves `count` pending events in `dir`, as a process that stopped would. */
function backlog(dir: string, count: number): void {
  const spool = openSpool(dir, { maxBytes: 16 * 1024 * 1024, log: quiet });
  appendAll(spool, events(0, count));
  spool.close();
}

/** The events of the spool in `dir`, as the next process recovers them, with what it warned about. */
function reopened(t: TestContext, dir: string): { ids: string[]; tornRecords: number; warnings: string[] } {
  const { spool, warnings } = open(t, dir);
  const found = { ids: ids(allRecovered(spool)), tornRecords: spool.stats().tornRecords, warnings };
  spool.close();
  return found;
}

describe('spool write failures, batch mode', () => {
  it('warns that the events of a turn whose write failed are held in memory only, and keeps them pending', async (t) => {
    const { spool, warnings } = open(t, tempDir(t));
    const disk = new FullDisk(spool);
    appendAll(spool, events(0, 3));
    await endOfTurn();
    disk.room = 0;
    appendAll(spool, events(3, 6));
    await endOfTurn();
    assert.equal(disk.failures, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] as string, /writing to the spool failed \(events accepted in this turn are held in memory only\): ENOSPC/);
    assert.equal(spool.stats().events, 6);
  });

  it('writes the events of later turns once the disk takes them again: the next process recovers those, not the unwritten ones', async (t) => {
    const dir = tempDir(t);
    const { spool } = open(t, dir);
    const disk = new FullDisk(spool);
    appendAll(spool, events(0, 3));
    await endOfTurn();
    disk.room = 0;
    appendAll(spool, events(3, 6));
    await endOfTurn();
    disk.room = Number.POSITIVE_INFINITY;
    appendAll(spool, events(6, 9));
    await endOfTurn();
    spool.close();
    assert.deepEqual(reopened(t, dir).ids, ids([...events(0, 3), ...events(6, 9)]));
  });

  it('leaves nothing of a write that failed part-way in the files: no torn record and none of its events for the next process', async (t) => {
    const dir = tempDir(t);
    const size = recordBytes(t);
    const { spool } = open(t, dir);
    const disk = new FullDisk(spool);
    appendAll(spool, events(0, 3));
    await endOfTurn();
    disk.room = Math.floor(2.5 * size);
    appendAll(spool, events(3, 6));
    await endOfTurn();
    assert.equal(disk.failures, 1);
    disk.room = Number.POSITIVE_INFINITY;
    appendAll(spool, events(6, 9));
    spool.close();
    const next = reopened(t, dir);
    assert.deepEqual(next.ids, ids([...events(0, 3), ...events(6, 9)]));
    assert.equal(next.tornRecords, 0);
    assert.deepEqual(next.warnings, []);
  });
});

describe('spool write failures, event mode', () => {
  it('refuses an event whose write failed, naming it in a warning', (t) => {
    const { spool, warnings } = open(t, tempDir(t), { sync: 'event' });
    const disk = new FullDisk(spool);
    appendAll(spool, [event(0)]);
    disk.room = 0;
    assert.equal(spool.append(event(1)), false);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] as string, new RegExp(`writing event ${event(1).id} failed: ENOSPC`));
    assert.equal(spool.stats().events, 1);
  });

  it('writes the events after a refused one once the disk takes them again, and the next process recovers them', (t) => {
    const dir = tempDir(t);
    const size = recordBytes(t);
    const { spool } = open(t, dir, { sync: 'event' });
    const disk = new FullDisk(spool);
    appendAll(spool, [event(0)]);
    disk.room = Math.floor(size / 2);
    assert.equal(spool.append(event(1)), false);
    disk.room = Number.POSITIVE_INFINITY;
    appendAll(spool, events(2, 4));
    assert.equal(spool.stats().events, 3);
    spool.close();
    const next = reopened(t, dir);
    assert.deepEqual(next.ids, ids([event(0), event(2), event(3)]));
    assert.equal(next.tornRecords, 0);
  });
});

describe('spool write failures behind an unread backlog', () => {
  it('hands out the events appended behind the backlog whose write failed, after the backlog', async (t) => {
    const dir = tempDir(t);
    backlog(dir, 50);
    const { spool, warnings } = open(t, dir, { recoveredEvents: 10 });
    const disk = new FullDisk(spool);
    disk.room = 0;
    appendAll(spool, events(100, 105));
    await endOfTurn();
    assert.equal(disk.failures, 1);
    assert.equal(warnings.length, 1);
    assert.equal(spool.unread, 45);
    disk.room = Number.POSITIVE_INFINITY;
    const all = allRecovered(spool);
    assert.deepEqual(ids(all), ids([...events(0, 50), ...events(100, 105)]));
    spool.ack(ids(all));
    assert.equal(spool.stats().events, 0);
  });

  it('hands them out in their place: after the events written before them, before those written after', async (t) => {
    const dir = tempDir(t);
    backlog(dir, 50);
    const { spool } = open(t, dir, { recoveredEvents: 10 });
    const disk = new FullDisk(spool);
    disk.room = 0;
    appendAll(spool, events(100, 105));
    await endOfTurn();
    disk.room = Number.POSITIVE_INFINITY;
    appendAll(spool, events(200, 203));
    await endOfTurn();
    assert.equal(disk.failures, 1);
    assert.deepEqual(ids(allRecovered(spool)), ids([...events(0, 50), ...events(100, 105), ...events(200, 203)]));
  });

  it('hands out each of them once when the write failed part-way', async (t) => {
    const dir = tempDir(t);
    const size = recordBytes(t);
    backlog(dir, 50);
    const { spool } = open(t, dir, { recoveredEvents: 10 });
    const disk = new FullDisk(spool);
    disk.room = Math.floor(2.5 * size);
    appendAll(spool, events(100, 105));
    await endOfTurn();
    assert.equal(disk.failures, 1);
    disk.room = Number.POSITIVE_INFINITY;
    const all = allRecovered(spool);
    assert.deepEqual(ids(all), ids([...events(0, 50), ...events(100, 105)]));
    assert.equal(spool.stats().events, 55);
  });
});

describe('spool write failures, compaction', () => {
  /**
   * Leaves 100 pending events in a spool of small segments, then appends and acknowledges others
   * until a compaction runs, on a disk with `room` bytes left for all of it. Returns whether a
   * compaction failed, and what the next process recovers.
   */
  function compactOnFullDisk(t: TestContext, room: number): { failed: boolean; recovered: string[]; pending: string[] } {
    const dir = tempDir(t);
    const { spool, warnings } = open(t, dir, { segmentBytes: 4096 });
    appendAll(spool, events(0, 100));
    spool.commit();
    const disk = new FullDisk(spool);
    disk.room = room;
    for (let i = 100; i < 600 && !warnings.some((w) => /compacting failed/.test(w)); i++) {
      spool.append(event(i));
      spool.commit();
      spool.ack(ids([event(i)]));
    }
    const failed = warnings.some((w) => /compacting failed/.test(w));
    spool.close();
    const next = open(t, dir, { segmentBytes: 4096 });
    const recovered = ids(allRecovered(next.spool));
    next.spool.close();
    return { failed, recovered, pending: ids(events(0, 100)) };
  }

  it('deletes the copies of a compaction that failed on a full disk: the next process recovers each pending event once', (t) => {
    let failures = 0;
    for (let room = 30_000; room < 60_000 && failures < 12; room += 997) {
      const { failed, recovered, pending } = compactOnFullDisk(t, room);
      if (!failed) continue;
      failures++;
      assert.equal(new Set(recovered).size, recovered.length, `no event recovered twice (room ${room})`);
      for (const id of pending) assert.ok(recovered.includes(id), `pending event ${id} recovered (room ${room})`);
    }
    assert.ok(failures > 0, 'some disk sizes make a compaction fail');
  });
});
