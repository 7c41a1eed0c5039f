import assert from 'node:assert/strict';
import { existsSync, unlink } from 'node:fs';
import { describe, it } from 'node:test';
import { SegmentWriter } from '../../src/spool/segment-writer.ts';
import { tempDir } from '../helpers/spool.ts';

/** A writer that has started `count` segments (the last one active), their files on disk. */
function writerWith(dir: string, count: number): SegmentWriter {
  const writer = new SegmentWriter(dir, [], 4096, () => {});
  for (let i = 0; i < count; i++) {
    writer.rotate();
    writer.write(Buffer.from(`segment ${i}\n`));
  }
  return writer;
}

describe('spool segment deletion', () => {
  it('deletes the files of segments that are done in the thread pool, one at a time, oldest first', async (t) => {
    const dir = tempDir(t);
    const writer = writerWith(dir, 5);
    const paths = writer.segments.map((segment) => segment.path);
    const started: string[] = [];
    let inFlight = 0;
    let most = 0;
    writer.unlinkLater = (path, done) => {
      started.push(path);
      most = Math.max(most, ++inFlight);
      unlink(path, (error) => {
        inFlight--;
        done(error);
      });
    };
    writer.reclaim(() => true);

    assert.deepEqual(
      writer.segments.map((segment) => segment.path),
      paths.slice(4),
      'the last segment stays',
    );
    assert.ok(existsSync(paths[1] as string), 'the files are still there when reclaim returns');
    await writer.whenDeleted();
    assert.deepEqual(started, paths.slice(0, 4));
    assert.equal(most, 1);
    assert.deepEqual(
      paths.map((path) => existsSync(path)),
      [false, false, false, false, true],
    );
    writer.closeActive();
  });

  it('leaves a file that will not go first in line, and no newer one goes before it', async (t) => {
    const dir = tempDir(t);
    const writer = writerWith(dir, 4);
    const paths = writer.segments.map((segment) => segment.path);
    let fail = true;
    writer.unlinkLater = (path, done) => {
      if (fail) done(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
      else unlink(path, done);
    };
    writer.reclaim(() => true);
    await writer.whenDeleted();
    assert.deepEqual(
      paths.map((path) => existsSync(path)),
      [true, true, true, true],
    );

    fail = false;
    writer.reclaim(() => true);
    await writer.whenDeleted();
    assert.deepEqual(
      paths.map((path) => existsSync(path)),
      [false, false, false, true],
    );
    writer.closeActive();
  });

  it('deletes what is left at once when asked (at close), oldest first', (t) => {
    const dir = tempDir(t);
    const writer = writerWith(dir, 4);
    const paths = writer.segments.map((segment) => segment.path);
    writer.unlinkLater = () => {
      // Never finishes: the thread pool is busy.
    };
    writer.reclaim(() => true);
    writer.unlinkNow();
    assert.deepEqual(
      paths.map((path) => existsSync(path)),
      [false, false, false, true],
    );
    writer.closeActive();
  });
});
