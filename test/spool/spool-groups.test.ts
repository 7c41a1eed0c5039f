import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import type { WebhookEvent } from '../../src/records/event.ts';
import { allRecovered, event, events, ids, open, tempDir } from '../helpers/spool.ts';

function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith('segment-'))
    .sort()
    .map((name) => join(dir, name));
}

function lines(dir: string): string[] {
  return segmentFiles(dir).flatMap((path) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line !== ''),
  );
}

/** `<crc32 of body>\t<body>`: a record with a checksum of its own. */
function checked(body: string): string {
  return `${crc32(Buffer.from(body)).toString(16).padStart(8, '0')}\t${body}`;
}

function appendRecord(e: WebhookEvent): string {
  return checked(`A\t${JSON.stringify([e.id, e.acceptedAt, e.severity, e.type, e.bytes])}\t${e.json.toString()}`);
}

describe('spool records under group checksums', () => {
  it('writes the records of one turn as groups: a group line, then lines that point back to it', (t) => {
    const dir = tempDir(t);
    const { spool } = open(t, dir);
    for (const e of events(0, 100)) assert.equal(spool.append(e), true);
    spool.commit();
    const written = lines(dir);
    const groupLines = written.filter((line) => /^[0-9a-f]{8}\tG\t[0-9a-f]{8}\t[0-9a-f]{8}$/.test(line));
    const grouped = written.filter((line) => /^-[0-9a-f]{7}\tA\t/.test(line));
    assert.equal(grouped.length, 100);
    assert.ok(groupLines.length >= 3 && groupLines.length <= 100 / 10, `${groupLines.length} groups of about 4 KiB for 100 events`);
    assert.equal(written.length, groupLines.length + grouped.length);
    assert.match(written[0] as string, /\tG\t/);
  });

  it('recovers a spool whose records each carry a checksum of their own, as earlier versions wrote them', (t) => {
    const dir = tempDir(t);
    const list = events(0, 5);
    const ack = checked(`K\t${JSON.stringify([list[1]?.id])}`);
    writeFileSync(join(dir, 'segment-000000000001.log'), `${[...list.map(appendRecord), ack].join('\n')}\n`);

    const { spool, warnings } = open(t, dir);
    assert.deepEqual(spool.recovered, [list[0], list[2], list[3], list[4]]);
    assert.equal(spool.stats().tornRecords, 0);
    assert.deepEqual(warnings, []);
  });

  it('recovers records with their own checksums and grouped ones side by side in one segment', (t) => {
    const dir = tempDir(t);
    const older = events(0, 3);
    writeFileSync(join(dir, 'segment-000000000001.log'), `${older.map(appendRecord).join('\n')}\n`);
    const first = open(t, dir);
    for (const e of events(3, 6)) assert.equal(first.spool.append(e), true);
    first.spool.ack(ids([older[0] as WebhookEvent, event(4)]));
    first.spool.close();

    const second = open(t, dir);
    assert.deepEqual(second.spool.recovered, [event(1), event(2), event(3), event(5)]);
    assert.equal(second.spool.stats().tornRecords, 0);
  });

  it('skips a damaged group while streaming a backlog back, and delivers the groups before and after it', (t) => {
    const dir = tempDir(t);
    const first = open(t, dir);
    const turns = [events(0, 40), events(40, 80), events(80, 120)];
    for (const turn of turns) {
      for (const e of turn) assert.equal(first.spool.append(e), true);
      first.spool.commit();
    }
    first.spool.close();
    // One byte of a record in the middle turn (each turn starts a group of its own).
    const [segment] = segmentFiles(dir);
    assert.ok(segment !== undefined);
    const text = readFileSync(segment, 'utf8');
    writeFileSync(segment, text.replace('"n":60}', '"n":66}'));

    const second = open(t, dir, { recoveredEvents: 5, recoveredBytes: 1024 });
    assert.ok(second.spool.unread > 0, 'most of the backlog is read back later');
    const recovered = allRecovered(second.spool).map((e) => e.id);
    const lost = new Set(recovered);
    const missing = events(0, 120).filter((e) => !lost.has(e.id));
    assert.ok(missing.length > 0 && missing.length <= 40, `${missing.length} events lost with their group`);
    assert.ok(
      missing.some((e) => e.id === event(60).id),
      'the damaged record is among them',
    );
    assert.ok(
      missing.every((e) => e.id >= event(40).id && e.id < event(80).id),
      'only records of the damaged turn',
    );
    assert.equal(second.spool.stats().tornRecords, missing.length);
  });

  it('reports a group whose lines were cut short by a crash as damaged records, and keeps the earlier groups', (t) => {
    const dir = tempDir(t);
    const first = open(t, dir);
    for (const e of events(0, 10)) assert.equal(first.spool.append(e), true);
    first.spool.commit();
    for (const e of events(10, 20)) assert.equal(first.spool.append(e), true);
    first.spool.close();
    const [segment] = segmentFiles(dir);
    assert.ok(segment !== undefined);
    const bytes = readFileSync(segment);
    // The second turn's write stopped halfway through its group.
    const second = bytes.indexOf('\tG\t', bytes.indexOf('\tG\t') + 1) - 8;
    writeFileSync(segment, bytes.subarray(0, second + Math.floor((bytes.length - second) / 2)));

    const reopened = open(t, dir);
    assert.deepEqual(reopened.spool.recovered, events(0, 10));
    assert.ok(reopened.spool.stats().tornRecords >= 5, `${reopened.spool.stats().tornRecords} damaged records`);
  });
});
