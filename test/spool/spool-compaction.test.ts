import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { WebhookEvent } from '../../src/records/event.ts';
import type { Spool } from '../../src/spool/spool.ts';
import { allRecovered, event, events, ids, open, segmentFiles, tempDir } from '../helpers/spool.ts';

const segmentBytes = 4096;

function diskBytes(dir: string): number {
  return segmentFiles(dir).reduce((sum, path) => sum + statSync(path).size, 0);
}

/** Appends events `from` to `to - 1`, each acknowledged in the next turn's writes, as delivered events are; returns the most disk used meanwhile. */
function churn(spool: Spool, dir: string, from: number, to: number): number {
  let most = 0;
  for (let i = from; i < to; i++) {
    assert.equal(spool.append(event(i)), true);
    spool.commit();
    spool.ack(ids([event(i)]));
    if (i % 20 === 0) most = Math.max(most, diskBytes(dir));
  }
  return most;
}

/** Changes one byte of the first record in `dir` that holds `text`, so that it no longer matches its checksum. */
function corrupt(dir: string, text: string): void {
  for (const path of segmentFiles(dir)) {
    const at = readFileSync(path).indexOf(text);
    if (at < 0) continue;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.from('X'), 0, 1, at);
    closeSync(fd);
    return;
  }
  throw new Error(`no record holds ${text}`);
}

describe('spool compaction', () => {
  it('keeps exactly the pending events, with their ids and bytes, through many compactions and a restart', async (t) => {
    const dir = tempDir(t);
    const { spool, warnings } = open(t, dir, { segmentBytes });
    const kept: WebhookEvent[] = [];
    let most = 0;
    for (let i = 0; i < 3000; i++) {
      const e = event(i, `"n":${i},"text":"ünïcödé 📬 ${'x'.repeat(i % 50)}"`);
      assert.equal(spool.append(e), true);
      spool.commit();
      if (i % 150 === 0) kept.push(e);
      else spool.ack(ids([e]));
      if (i % 20 !== 0) continue;
      await spool.whenDeleted();
      most = Math.max(most, diskBytes(dir));
    }
    assert.ok(most < 6 * segmentBytes, `disk use peaked at ${most} bytes`);
    assert.equal(spool.stats().events, kept.length);
    assert.deepEqual(warnings, []);
    spool.close();

    const next = open(t, dir, { segmentBytes });
    assert.deepEqual(allRecovered(next.spool), kept);
    assert.equal(next.spool.stats().tornRecords, 0);
  });

  it('moves events taken from an earlier process’s segments into new ones, so those segments go', (t) => {
    const dir = tempDir(t);
    const first = open(t, dir, { segmentBytes });
    for (const e of events(0, 5)) assert.equal(first.spool.append(e), true);
    first.spool.close();
    const [earlier] = segmentFiles(dir);

    const second = open(t, dir, { segmentBytes });
    assert.deepEqual(second.spool.recovered, events(0, 5));
    churn(second.spool, dir, 5, 2000);
    assert.ok(earlier !== undefined && !segmentFiles(dir).includes(earlier), 'the earlier process’s segment is deleted');
    second.spool.close();

    assert.deepEqual(allRecovered(open(t, dir, { segmentBytes }).spool), events(0, 5));
  });

  it('warns about a pending record that no longer reads back when compacting, and keeps the other pending events', (t) => {
    const dir = tempDir(t);
    const { spool, warnings } = open(t, dir, { segmentBytes });
    const [damaged, intact] = [event(0, '"n":"damaged"'), event(1, '"n":"intact"')];
    // Written in turns of their own, so that each is in a group of its own.
    for (const e of [damaged, intact]) {
      assert.equal(spool.append(e), true);
      spool.commit();
    }
    corrupt(dir, '"damaged"');

    churn(spool, dir, 2, 2000);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(
      warnings[0] as string,
      /compacting: 1 pending events did not read back .*does not match its checksum.*held in memory only/,
    );
    assert.equal(spool.stats().events, 1);
    spool.close();

    const next = open(t, dir, { segmentBytes });
    assert.deepEqual(allRecovered(next.spool), [intact]);
    assert.equal(next.spool.stats().tornRecords, 0, 'the damaged record went with its segment');
  });
});
