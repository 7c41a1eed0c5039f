import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFER_LIMIT } from '../../src/pipeline/deferred-records.ts';
import { eventsOf, pipeline } from '../helpers/pipeline.ts';
import { receivers } from '../helpers/receivers.ts';

const receiver = receivers();

/** A map body whose `n` is read when the record is written: the moment it is read is recorded. */
function watchedBody(n: number, reads: number[]): Record<string, unknown> {
  return {
    get n(): number {
      reads.push(n);
      return n;
    },
  };
}

describe('records written after onEmit returns', () => {
  it('are written by the end of the turn that emitted them', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'] });
    const reads: number[] = [];
    for (let n = 0; n < 10; n++) logger.emit({ eventName: 'auth.success', body: watchedBody(n, reads) as never });
    assert.deepEqual(reads, [], 'not read inside emit');
    await Promise.resolve();
    assert.deepEqual(reads, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await provider.shutdown();
  });

  it(`are never more than ${DEFER_LIMIT} waiting in a synchronous burst`, async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'] });
    const reads: number[] = [];
    let mostWaiting = 0;
    for (let n = 0; n < 3 * DEFER_LIMIT + 7; n++) {
      logger.emit({ eventName: 'auth.success', body: watchedBody(n, reads) as never });
      mostWaiting = Math.max(mostWaiting, n + 1 - reads.length);
    }
    assert.equal(mostWaiting, DEFER_LIMIT - 1);
    await provider.shutdown();
    assert.equal(reads.length, 3 * DEFER_LIMIT + 7);
  });

  it('arrive in the order they were emitted, with increasing ids, across passes', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'] });
    const total = 2 * DEFER_LIMIT + 13;
    for (let n = 0; n < total; n++) {
      logger.emit({ eventName: 'auth.success', attributes: { n } });
      if (n % 100 === 0) await Promise.resolve();
    }
    await provider.shutdown();
    const events = r.requests.flatMap((q) => eventsOf(q.body));
    assert.deepEqual(
      events.map((e) => e.data.n),
      [...Array(total).keys()],
    );
    const ids = events.map((e) => BigInt(e.id));
    assert.ok(ids.every((id, i) => i === 0 || id > (ids[i - 1] as bigint)));
  });

  it('are counted by stats() and sent by forceFlush() called in the same turn', async () => {
    const r = await receiver();
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], throttle: '1h' });
    logger.emit({ eventName: 'auth.success', attributes: { n: 1 } });
    assert.equal(processor.stats().accepted, 1);
    logger.emit({ eventName: 'auth.success', attributes: { n: 2 } });
    await processor.forceFlush();
    assert.deepEqual(
      r.requests.flatMap((q) => eventsOf(q.body)).map((e) => e.data.n),
      [1, 2],
    );
    await provider.shutdown();
  });

  it('with spool-sync = "event", are on disk before emit returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deferred-spool-'));
    try {
      const r = await receiver();
      const { provider, logger } = pipeline({ url: r.url, events: ['*'], throttle: '1h', spoolDir: dir, spoolSync: 'event' });
      logger.emit({ eventName: 'auth.success', attributes: { marker: 'on-disk-at-once' } });
      const files = readdirSync(join(dir, 'test')).filter((f) => f.endsWith('.log'));
      const text = files.map((f) => readFileSync(join(dir, 'test', f), 'utf8')).join('');
      assert.match(text, /on-disk-at-once/);
      await provider.shutdown();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
