import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { WebhookEvent } from '../../src/records/event.ts';
import { openSpool, type Spool, WebhookSpoolError } from '../../src/spool/spool.ts';
import { event, events, ids, open, tempDir } from '../helpers/spool.ts';

function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith('segment-'))
    .sort()
    .map((name) => join(dir, name));
}

function diskBytes(dir: string): number {
  return segmentFiles(dir).reduce((sum, path) => sum + statSync(path).size, 0);
}

/** Replaces `from` with `to` (of the same length) in the one segment file of `dir`. */
function corruptSegment(dir: string, from: string, to: string): void {
  const [segment] = segmentFiles(dir);
  assert.ok(segment !== undefined);
  const text = readFileSync(segment, 'utf8');
  assert.ok(text.includes(from), `the segment holds ${from}`);
  writeFileSync(segment, text.replace(from, to));
}

function appendAll(spool: Spool, list: readonly WebhookEvent[]): void {
  for (const e of list) assert.equal(spool.append(e), true, `append ${e.id}`);
}

describe('spool', () => {
  it('gives every unacknowledged event back to the next process, field for field', (t) => {
    const dir = tempDir(t);
    const odd: WebhookEvent[] = [
      event(1, '"text":"tab\\tand \\"quotes\\" and ünïcödé 📬"'),
      { ...event(2), type: 'custom\ttype "quoted"', severity: 0, acceptedAt: 1 },
      { ...event(3), json: Buffer.from('{"pretty":\n  "json with a raw newline"}'), bytes: 39 },
      { ...event(4), json: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), bytes: 7, severity: 21 },
      { ...event(5), json: Buffer.from('{"raw\ttab":1}'), bytes: 13 },
    ];
    const first = open(t, dir);
    appendAll(first.spool, odd);
    first.spool.close();

    const second = open(t, dir);
    // Bytes that are not UTF-8 come back as text would: each invalid byte as U+FFFD.
    const expected = odd.map((e) => (e.id === event(4).id ? { ...e, json: Buffer.from('{"\ufffd":1}'), bytes: 9 } : e));
    assert.deepEqual(second.spool.recovered, expected);
    assert.equal(second.spool.stats().events, odd.length);
    assert.equal(second.spool.stats().tornRecords, 0);
    assert.deepEqual(second.warnings, []);
  });

  it('does not give back acknowledged events and keeps the append order of the rest', (t) => {
    const dir = tempDir(t);
    const all = events(0, 10);
    const first = open(t, dir);
    appendAll(first.spool, all);
    first.spool.ack(ids([all[2], all[5], all[9]] as WebhookEvent[]));
    first.spool.ack(ids([all[0] as WebhookEvent]));
    assert.equal(first.spool.stats().events, 6);
    first.spool.close();

    const second = open(t, dir);
    assert.deepEqual(
      second.spool.recovered.map((e) => e.id),
      [1, 3, 4, 6, 7, 8].map((i) => event(i).id),
    );
  });

  it('keeps recovered events pending until the process that recovered them acknowledges them', (t) => {
    const dir = tempDir(t);
    const first = open(t, dir);
    appendAll(first.spool, events(0, 5));
    first.spool.close();

    const second = open(t, dir);
    assert.equal(second.spool.stats().events, 5);
    second.spool.ack(ids(second.spool.recovered.slice(0, 2)));
    appendAll(second.spool, [event(5)]);
    second.spool.close();

    const third = open(t, dir);
    assert.deepEqual(third.spool.recovered, events(2, 6));
  });

  it('recovers a backlog spread over many segments and reclaims them as it is acknowledged', async (t) => {
    const dir = tempDir(t);
    const small = { segmentBytes: 4096 };
    const first = open(t, dir, small);
    appendAll(first.spool, events(0, 300));
    first.spool.close();

    const second = open(t, dir, small);
    assert.deepEqual(second.spool.recovered, events(0, 300));
    const before = segmentFiles(dir).length;
    assert.ok(before > 5, `${before} segments`);
    second.spool.ack(ids(second.spool.recovered.slice(0, 150)));
    await second.spool.whenDeleted();
    assert.ok(segmentFiles(dir).length < before * 0.6, `${segmentFiles(dir).length} of ${before} segments left`);
    second.spool.close();

    assert.deepEqual(open(t, dir, small).spool.recovered, events(150, 300));
  });

  it('counts pending records in bytes and events, and an acknowledged event frees its bytes', (t) => {
    const { spool } = open(t, tempDir(t));
    assert.deepEqual(spool.stats(), { bytes: 0, maxBytes: 16 * 1024 * 1024, events: 0, unread: 0, tornRecords: 0 });
    appendAll(spool, events(0, 3));
    const three = spool.stats().bytes;
    assert.ok(three > event(0).bytes * 3, `${three} bytes hold the three events and their headers`);
    spool.ack(ids([event(1)]));
    assert.equal(spool.stats().events, 2);
    assert.equal(spool.stats().bytes, (three / 3) * 2);
  });

  it('deletes segment files once every event in them is acknowledged', async (t) => {
    const dir = tempDir(t);
    const { spool } = open(t, dir, { segmentBytes: 4096 });
    const all = events(0, 200);
    appendAll(spool, all);
    const fullSegments = segmentFiles(dir).length;
    const fullBytes = diskBytes(dir);
    assert.ok(fullSegments > 5, `${fullSegments} segments`);

    spool.ack(ids(all.slice(0, 100)));
    await spool.whenDeleted();
    const halfSegments = segmentFiles(dir).length;
    assert.ok(halfSegments < fullSegments && halfSegments > 1, `${halfSegments} of ${fullSegments} segments left`);
    assert.ok(diskBytes(dir) < fullBytes);

    spool.ack(ids(all.slice(100)));
    await spool.whenDeleted();
    assert.ok(segmentFiles(dir).length <= 2, `${segmentFiles(dir).length} segments left`);
    assert.ok(diskBytes(dir) < 2 * 4096 + 4096, `${diskBytes(dir)} bytes left`);
    spool.close();
    assert.deepEqual(open(t, dir).spool.recovered, []);
  });

  it('bounds disk use when one old event stays pending while later ones are acknowledged', async (t) => {
    const dir = tempDir(t);
    const segmentBytes = 4096;
    const { spool } = open(t, dir, { segmentBytes });
    const stuck = event(0);
    appendAll(spool, [stuck]);
    let largest = 0;
    for (let i = 1; i <= 2000; i++) {
      const e = event(i);
      appendAll(spool, [e]);
      spool.ack(ids([e]));
      if (i % 20 !== 0) continue;
      // Between turns of the event loop, once the files of segments that are done are deleted.
      await spool.whenDeleted();
      largest = Math.max(largest, diskBytes(dir));
    }
    assert.ok(largest < 4 * segmentBytes, `disk use peaked at ${largest} bytes after ${2000 * stuck.bytes} bytes written`);
    spool.close();
    assert.deepEqual(open(t, dir).spool.recovered, [stuck]);
  });

  it('ignores (and deletes) segments a compaction superseded, as if the process had stopped before deleting them', (t) => {
    const dir = tempDir(t);
    const segmentBytes = 4096;
    const { spool } = open(t, dir, { segmentBytes });
    const stuck = event(0);
    appendAll(spool, [stuck]);
    const kept = new Map<string, Buffer>();
    for (let i = 1; i <= 2000; i++) {
      const e = event(i);
      appendAll(spool, [e]);
      spool.ack(ids([e]));
      spool.commit();
      for (const path of segmentFiles(dir)) if (!kept.has(path)) kept.set(path, readFileSync(path));
    }
    spool.close();
    const restored = [...kept].filter(([path]) => !segmentFiles(dir).includes(path));
    assert.ok(restored.length > 5, `${restored.length} deleted segments to bring back`);
    for (const [path, content] of restored) writeFileSync(path, content);

    const second = open(t, dir, { segmentBytes });
    assert.deepEqual(second.spool.recovered, [stuck]);
    assert.equal(second.spool.unread, 0);
    assert.ok(
      restored.every(([path]) => !segmentFiles(dir).includes(path)),
      'the superseded segments are gone',
    );
  });

  it('skips a torn last record, counts it at every start while its segment is kept, and keeps appending', (t) => {
    const dir = tempDir(t);
    const first = open(t, dir);
    appendAll(first.spool, events(0, 2));
    first.spool.commit();
    appendAll(first.spool, [event(2)]);
    first.spool.close();
    const [segment] = segmentFiles(dir);
    assert.ok(segment !== undefined);
    truncateSync(segment, statSync(segment).size - 10);

    const second = open(t, dir);
    assert.deepEqual(second.spool.recovered, events(0, 2));
    assert.equal(second.spool.stats().tornRecords, 1);
    assert.equal(second.warnings.length, 1);
    assert.match(second.warnings[0] as string, /skipped 1 damaged record/);
    assert.equal(second.spool.append(event(3)), true);
    second.spool.close();

    const third = open(t, dir);
    assert.deepEqual(third.spool.recovered, [...events(0, 2), event(3)]);
    assert.equal(third.spool.stats().tornRecords, 1);
  });

  it('skips a record whose checksum does not match its content', (t) => {
    const dir = tempDir(t);
    const first = open(t, dir);
    // Each written on its own, so each is checked on its own.
    for (const e of events(0, 3)) {
      appendAll(first.spool, [e]);
      first.spool.commit();
    }
    first.spool.close();
    corruptSegment(dir, '"n":1}', '"n":7}');

    const second = open(t, dir);
    assert.deepEqual(second.spool.recovered, [event(0), event(2)]);
    assert.equal(second.spool.stats().tornRecords, 1);
    assert.equal(second.spool.append(event(3)), true);
  });

  it('counts every record of a group written in one turn as damaged when one byte of it is, and recovers the other groups', (t) => {
    const dir = tempDir(t);
    const first = open(t, dir);
    appendAll(first.spool, events(0, 3));
    first.spool.commit();
    appendAll(first.spool, events(3, 6));
    first.spool.close();
    corruptSegment(dir, '"n":1}', '"n":7}');

    const second = open(t, dir);
    assert.deepEqual(second.spool.recovered, events(3, 6));
    assert.equal(second.spool.stats().tornRecords, 3);
    assert.match(second.warnings[0] as string, /skipped 3 damaged record/);
  });

  it('with spool-sync "event", gives every record a checksum of its own: a damaged one costs only itself', (t) => {
    const dir = tempDir(t);
    const first = open(t, dir, { sync: 'event' });
    appendAll(first.spool, events(0, 3));
    first.spool.close();
    corruptSegment(dir, '"n":1}', '"n":7}');

    const second = open(t, dir);
    assert.deepEqual(second.spool.recovered, [event(0), event(2)]);
    assert.equal(second.spool.stats().tornRecords, 1);
  });

  it('refuses appends beyond maxBytes until acknowledgements free space', (t) => {
    const dir = tempDir(t);
    const maxBytes = 1000;
    const first = open(t, dir, { maxBytes });
    const accepted: WebhookEvent[] = [];
    let refused: WebhookEvent | undefined;
    for (let i = 0; i < 100 && refused === undefined; i++) {
      if (first.spool.append(event(i))) accepted.push(event(i));
      else refused = event(i);
    }
    assert.ok(refused !== undefined && accepted.length > 1);
    assert.ok(first.spool.stats().bytes <= maxBytes);
    assert.equal(first.spool.stats().events, accepted.length);
    assert.equal(first.spool.append(refused), false);

    first.spool.ack(ids([accepted[0] as WebhookEvent]));
    assert.equal(first.spool.append(refused), true);
    first.spool.close();
    assert.deepEqual(open(t, dir).spool.recovered, [...accepted.slice(1), refused]);
  });

  it('reports a directory that cannot be created as ERR_WEBHOOK_SPOOL_IO', (t) => {
    const file = join(tempDir(t), 'a-file');
    writeFileSync(file, '');
    assert.throws(
      () => openSpool(join(file, 'spool'), { maxBytes: 1000, log: { warn: () => {}, debug: () => {} } }),
      (error: unknown) => error instanceof WebhookSpoolError && error.code === 'ERR_WEBHOOK_SPOOL_IO',
    );
  });

  it('refuses appends and ignores acks after close, leaving the files for the next process', (t) => {
    const dir = tempDir(t);
    const { spool } = open(t, dir);
    appendAll(spool, [event(0)]);
    spool.close();
    assert.equal(spool.append(event(1)), false);
    spool.ack(ids([event(0)]));
    assert.deepEqual(open(t, dir).spool.recovered, [event(0)]);
  });
});
