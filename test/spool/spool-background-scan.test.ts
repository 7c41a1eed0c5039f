import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Spool } from '../../src/spool/spool.ts';
import { allRecovered, event, events, ids, open, segmentFiles, tempDir } from '../helpers/spool.ts';

/** Leaves `count` unacknowledged events (number 0 on) in `dir`, as a process that ended would. */
function leaveBacklog(t: Parameters<typeof open>[0], dir: string, count: number): void {
  const { spool } = open(t, dir, { segmentBytes: 256 * 1024 });
  for (const e of events(0, count)) spool.append(e);
  spool.close();
}

/** Turns of the event loop (setImmediate) until the spool says its scan has ended. */
async function turnsUntilScanned(spool: Spool): Promise<number> {
  let scanned = false;
  spool.whenScanned(() => {
    scanned = true;
  });
  let turns = 0;
  while (!scanned && turns < 100_000) {
    await new Promise((resolve) => setImmediate(resolve));
    turns++;
  }
  return turns;
}

describe('spool scan in the background', () => {
  it('returns from open before reading the backlog, and finds it over many turns', async (t) => {
    const dir = tempDir(t);
    leaveBacklog(t, dir, 20_000);
    const { spool } = open(t, dir, { scanInBackground: true });
    assert.equal(spool.scanning, true);
    assert.ok((await turnsUntilScanned(spool)) >= 10, 'about 2,000 lines a turn');
    assert.equal(spool.scanning, false);
    assert.equal(spool.unread, 20_000);
    assert.deepEqual(ids(allRecovered(spool)), ids(events(0, 20_000)));
  });

  it('gives back the events appended during the scan after the backlog, in order', async (t) => {
    const dir = tempDir(t);
    leaveBacklog(t, dir, 5000);
    const { spool } = open(t, dir, { scanInBackground: true });
    for (const e of events(5000, 5100)) assert.equal(spool.append(e), true);
    assert.equal(spool.ticket, -1, 'not held in memory: it goes behind whatever the scan finds');
    assert.deepEqual(spool.takeRecovered(10, 1 << 20).length, 10, 'taking ends the scan first');
    assert.equal(spool.scanning, false);
    const rest = allRecovered(spool);
    assert.equal(rest.length, 5090);
    assert.equal(rest.at(-101)?.id, event(4999).id);
    assert.deepEqual(ids(rest.slice(-100)), ids(events(5000, 5100)));
  });

  it('counts the files not read yet against spool-max-bytes while it scans', (t) => {
    const dir = tempDir(t);
    leaveBacklog(t, dir, 2000);
    const { spool } = open(t, dir, { scanInBackground: true, maxBytes: 400 * 1024 });
    assert.ok(spool.stats().bytes > 200 * 1024, `${spool.stats().bytes}`);
    let taken = 0;
    while (taken < 2000 && spool.append(event(10_000 + taken))) taken++;
    assert.ok(taken < 2000, 'refused before the spool could exceed its limit');
  });

  it('deletes nothing while it scans, so that a close leaves everything for the next start', (t) => {
    const dir = tempDir(t);
    leaveBacklog(t, dir, 3000);
    const first = open(t, dir, { scanInBackground: true });
    for (const e of events(3000, 3010)) first.spool.append(e);
    first.spool.close();
    const next = open(t, dir);
    assert.deepEqual(ids(allRecovered(next.spool)), ids(events(0, 3010)));
  });

  it('acknowledges and reclaims as usual once the backlog is read', async (t) => {
    const dir = tempDir(t);
    leaveBacklog(t, dir, 3000);
    const { spool } = open(t, dir, { scanInBackground: true });
    await turnsUntilScanned(spool);
    spool.ack(ids(allRecovered(spool)));
    spool.commit();
    assert.equal(spool.stats().events, 0);
    await spool.whenDeleted();
    assert.equal(segmentFiles(dir).length, 1, 'only the active segment is left');
  });

  it('reads at open, as before, when the destination changed: events for another url are set aside first', (t) => {
    const dir = tempDir(t);
    const earlier = open(t, dir, { destination: new URL('http://127.0.0.1:1/a') });
    earlier.spool.append(event(1));
    earlier.spool.close();
    const { spool, warnings } = open(t, dir, { scanInBackground: true, destination: new URL('http://127.0.0.1:1/b') });
    assert.equal(spool.scanning, false);
    assert.equal(spool.unread, 0);
    assert.match(warnings.join('\n'), /1 recovered events were not sent because they were accepted for another url/);
  });

  it('keeps the files and still takes new events when a segment cannot be read', async (t) => {
    const dir = tempDir(t);
    leaveBacklog(t, dir, 100);
    // A directory where a segment file should be: listed, but reading it fails.
    mkdirSync(join(dir, 'segment-000000000000.log'));
    const { spool, warnings } = open(t, dir, { scanInBackground: true });
    spool.append(event(500));
    await turnsUntilScanned(spool);
    assert.match(warnings.join('\n'), /reading what an earlier process left failed, it is left for the next start/);
    assert.deepEqual(ids(allRecovered(spool)), [event(500).id]);
    assert.ok(segmentFiles(dir).length >= 2, 'the earlier files are kept');
  });
});
