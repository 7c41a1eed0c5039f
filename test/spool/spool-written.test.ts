import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
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

const varied: WebhookEvent[] = [
  event(1),
  event(2, '"text":"tab\\tand \\"quotes\\" and ünïcödé 📬"'),
  { ...event(3), type: 'custom\ttype "quoted" ü', severity: 0, acceptedAt: 1 },
  { ...event(4), severity: 24, acceptedAt: 9_007_199_254_740_991 },
  { ...event(5), acceptedAt: 1_795_000_000_000.5, severity: -1 },
  { ...event(6), acceptedAt: 2_147_483_648 },
];

describe('spool, events held as bytes', () => {
  it('writes the same records for an event appended from the bytes the engine holds as for the event itself', (t) => {
    const [byEvent, byBytes] = [tempDir(t), tempDir(t)];
    const first = open(t, byEvent);
    for (const e of varied) assert.equal(first.spool.append(e), true);
    first.spool.close();
    const second = open(t, byBytes);
    appendWritten(second.spool, varied);
    second.spool.close();

    assert.deepEqual(contents(byBytes), contents(byEvent));
    assert.deepEqual(allRecovered(open(t, byBytes).spool), varied);
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
