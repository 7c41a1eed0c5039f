import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import type { WebhookEvent } from '../../src/records/event.ts';
import type { EventBytes, Spool } from '../../src/spool/spool.ts';
import { allRecovered, event, ids, open, segmentFiles, tempDir } from '../helpers/spool.ts';

/** Events laid out one after the other in one buffer, as the engine holds them. */
function held(list: readonly WebhookEvent[]): { bytes: Buffer; starts: number[]; events: EventBytes } {
  const parts: Buffer[] = [Buffer.from('[')];
  const starts: number[] = [];
  let at = 1;
  for (const e of list) {
    starts.push(at);
    parts.push(e.json, Buffer.from(','));
    at += e.json.length + 1;
  }
  const bytes = Buffer.concat(parts);
  return { bytes, starts, events: { bytesOf: () => bytes, offsetOf: (n) => starts[n] as number, ticketOf: () => -1 } };
}

function appendWritten(spool: Spool, list: readonly WebhookEvent[]): void {
  const { bytes, starts } = held(list);
  list.forEach((e, n) => {
    const start = starts[n] as number;
    assert.equal(spool.appendWritten(bytes, start, start + e.json.length, e.type, e.acceptedAt, e.severity), true);
  });
}

function contents(dir: string): string[] {
  return segmentFiles(dir).map((path) => readFileSync(path, 'latin1'));
}

/** Event `i` of a type that JSON escapes, in its envelope as the engine writes it. */
function ofType(i: number, type: string): WebhookEvent {
  const base = event(i);
  const json = base.json.toString().replace('"type":"auth.success"', `"type":${JSON.stringify(type)}`);
  return { ...base, type, json: Buffer.from(json), bytes: Buffer.byteLength(json) };
}

const varied: WebhookEvent[] = [
  event(1),
  event(2, '"text":"tab\\tand \\"quotes\\" and ünïcödé 📬"'),
  { ...ofType(3, 'custom\ttype "quoted" ü'), severity: 0, acceptedAt: 1 },
  { ...event(4), severity: 24, acceptedAt: 9_007_199_254_740_991 },
  { ...event(5), acceptedAt: 1_795_000_000_000.5, severity: -1 },
  { ...event(6), acceptedAt: 2_147_483_648 },
];

describe('spool, events held as bytes', () => {
  it('recovers an event appended from the bytes the engine holds exactly as one appended as an event', (t) => {
    const [byEvent, byBytes] = [tempDir(t), tempDir(t)];
    const first = open(t, byEvent);
    for (const e of varied) assert.equal(first.spool.append(e), true);
    first.spool.close();
    const second = open(t, byBytes);
    appendWritten(second.spool, varied);
    second.spool.close();

    assert.deepEqual(allRecovered(open(t, byEvent).spool), varied);
    assert.deepEqual(allRecovered(open(t, byBytes).spool), varied);
  });

  it('writes such an event as a compact record: acceptance time and severity, then the event JSON verbatim', (t) => {
    const dir = tempDir(t);
    const { spool } = open(t, dir);
    appendWritten(spool, varied);
    spool.close();
    const records = contents(dir)
      .join('')
      .split('\n')
      .filter((line) => !/^[0-9a-f]{8}\tG\t/.test(line) && line !== '');
    assert.deepEqual(
      records.map((line) => line.slice(line.indexOf('\t') + 1)),
      varied.map((e) => Buffer.from(`E\t${e.acceptedAt},${e.severity}\t${e.json.toString()}`).toString('latin1')),
    );
  });

  it('reads compact records and records with a JSON header side by side in one segment, in order', (t) => {
    const dir = tempDir(t);
    const { spool } = open(t, dir);
    const [a, b, c, d] = [event(1), ofType(2, 'x.y'), event(3), event(4)];
    assert.equal(spool.append(a), true);
    appendWritten(spool, [b, c]);
    assert.equal(spool.append(d), true);
    spool.ack(ids([c]));
    spool.close();

    assert.deepEqual(allRecovered(open(t, dir).spool), [a, b, d]);
  });

  it('counts a compact record whose JSON lacks the envelope as damaged, and recovers the others', (t) => {
    const dir = tempDir(t);
    const good = event(1);
    const body = (json: string): string => `E\t1795000000000,9\t${json}`;
    const line = (text: string): string => `${crc32(Buffer.from(text)).toString(16).padStart(8, '0')}\t${text}`;
    const bad = ['{"id":"17950000000001","n":1}', '{"id":"x","createdAt":"2026-11-18T11:06:40Z","type":"a","data":{}}'];
    writeFileSync(
      join(dir, 'segment-000000000001.log'),
      `${[...bad.map((json) => line(body(json))), line(body(good.json.toString()))].join('\n')}\n`,
    );
    const { spool, warnings } = open(t, dir);
    assert.deepEqual(allRecovered(spool), [{ ...good, acceptedAt: 1_795_000_000_000 }]);
    assert.equal(spool.stats().tornRecords, 2);
    assert.equal(warnings.length, 1);
  });

  it('acknowledges by the ids in the bytes the engine holds as by the ids themselves', (t) => {
    const [byIds, byBytes] = [tempDir(t), tempDir(t)];
    const done = [0, 2, 3, 5];
    for (const dir of [byIds, byBytes]) {
      const { spool } = open(t, dir);
      appendWritten(spool, varied);
      if (dir === byIds) spool.ack(ids(done.map((n) => varied[n] as WebhookEvent)));
      else spool.ackWritten(held(varied).events, Int32Array.from(done));
      assert.equal(spool.stats().events, 2);
      spool.close();
    }
    assert.deepEqual(contents(byBytes), contents(byIds));
    assert.deepEqual(allRecovered(open(t, byBytes).spool), [varied[1], varied[4]]);
  });

  it('acknowledges by the tickets appending gave as by the ids', (t) => {
    const [byIds, byTickets] = [tempDir(t), tempDir(t)];
    const done = [0, 2, 3, 5];
    for (const dir of [byIds, byTickets]) {
      const { spool } = open(t, dir);
      const { bytes, starts } = held(varied);
      const tickets = varied.map((e, n) => {
        const start = starts[n] as number;
        assert.equal(spool.appendWritten(bytes, start, start + e.json.length, e.type, e.acceptedAt, e.severity), true);
        return spool.ticket;
      });
      assert.ok(tickets.every((ticket) => ticket >= 0));
      if (dir === byIds) spool.ack(ids(done.map((n) => varied[n] as WebhookEvent)));
      else
        spool.ackWritten(
          { bytesOf: () => Buffer.alloc(0), offsetOf: () => 0, ticketOf: (n) => tickets[n] as number },
          Int32Array.from(done),
        );
      spool.ackWritten({ bytesOf: () => Buffer.alloc(0), offsetOf: () => 0, ticketOf: (n) => tickets[n] as number }, Int32Array.from(done));
      assert.equal(spool.stats().events, 2);
      spool.close();
    }
    assert.deepEqual(contents(byTickets), contents(byIds));
    assert.deepEqual(allRecovered(open(t, byTickets).spool), [varied[1], varied[4]]);
  });

  it('appends and acknowledges an event whose JSON does not start with a plain id like any other', (t) => {
    const dir = tempDir(t);
    const odd = { ...event(7), id: 'ops-7', json: Buffer.from('{"id":"ops-7","n":7}'), bytes: 20 };
    const list = [event(6), odd, event(8)];
    const first = open(t, dir);
    appendWritten(first.spool, list);
    first.spool.close();

    const second = open(t, dir);
    assert.deepEqual(second.spool.recovered, list);
    second.spool.ackWritten(held(list).events, Int32Array.from([1, 2]));
    second.spool.close();
    assert.deepEqual(allRecovered(open(t, dir).spool), [event(6)]);
  });
});
