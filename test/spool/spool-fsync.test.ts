import assert from 'node:assert/strict';
import { writeSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import { FileSpool } from '../../src/spool/file-spool.ts';
import type { SegmentWriter } from '../../src/spool/segment-writer.ts';
import type { Spool } from '../../src/spool/spool.ts';
import { event, ids, open, tempDir } from '../helpers/spool.ts';

/**
 * The disk under a spool's segment files as a slow one: an fsync in the thread pool never ends
 * until {@link release}; every fsync done at once is noted.
 */
class SlowDisk {
  /** Files whose fsync in the thread pool is still running. */
  readonly held = new Map<number, (error: Error | null) => void>();
  /** Files synced at once, in order. */
  readonly syncedNow: number[] = [];
  readonly writer: SegmentWriter;

  constructor(t: TestContext, spool: Spool) {
    assert.ok(spool instanceof FileSpool);
    this.writer = spool['writer'];
    this.writer.fsyncLater = (fd, done) => this.held.set(fd, done);
    this.writer.fsyncFile = (fd) => this.syncedNow.push(fd);
    t.after(() => this.release());
  }

  /** Lets every fsync in the thread pool finish. */
  release(): void {
    for (const done of this.held.values()) done(null);
    this.held.clear();
  }
}

describe('spool fsync', () => {
  it('does not wait for the fsync of a full segment: a slow disk does not block the event loop', (t) => {
    const dir = tempDir(t);
    const { spool } = open(t, dir, { segmentBytes: 4096 });
    const disk = new SlowDisk(t, spool);
    for (let i = 0; i < 200; i++) {
      assert.equal(spool.append(event(i)), true);
      spool.commit();
    }
    assert.ok(disk.held.size >= 5, `${disk.held.size} segments being synced`);
    assert.deepEqual(disk.syncedNow, [], 'nothing synced on the event loop');
  });

  it('syncs at close the full segments whose fsync has not finished', (t) => {
    const dir = tempDir(t);
    const { spool } = open(t, dir, { segmentBytes: 4096 });
    const disk = new SlowDisk(t, spool);
    for (let i = 0; i < 100; i++) {
      spool.append(event(i));
      spool.commit();
    }
    const slow = [...disk.held.keys()];
    assert.ok(slow.length > 0);
    spool.close();
    for (const fd of slow) assert.ok(disk.syncedNow.includes(fd), `segment file ${fd} synced at close`);
  });

  it('has the copies of a compaction on disk before its mark says the older segments are superseded', (t) => {
    const dir = tempDir(t);
    const { spool } = open(t, dir, { segmentBytes: 4096 });
    const disk = new SlowDisk(t, spool);
    /** At the write of each compaction mark: the files still being synced in the thread pool and not synced at once since. */
    const unsynced: number[][] = [];
    disk.writer.writeFile = (fd, buffer, offset, length) => {
      if (buffer.subarray(offset, offset + length).includes('\tC\t')) {
        unsynced.push([...disk.held.keys()].filter((held) => !disk.syncedNow.includes(held)));
      }
      return writeSync(fd, buffer, offset, length);
    };
    // One pending event keeps its segment; every other is acknowledged: dead records pile up until a compaction.
    spool.append(event(0));
    for (let i = 1; i < 600; i++) {
      spool.append(event(i));
      spool.commit();
      spool.ack(ids([event(i)]));
    }
    assert.ok(unsynced.length > 0, 'a compaction ran');
    assert.deepEqual(
      unsynced,
      unsynced.map(() => []),
    );
  });
});
