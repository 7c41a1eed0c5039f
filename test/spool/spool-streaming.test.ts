import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { WebhookLogRecordProcessor } from '../../src/processor.ts';
import type { WebhookEvent } from '../../src/records/event.ts';
import { openSpool } from '../../src/spool/spool.ts';
import { spoolDirectory } from '../../src/spool/spool-directory.ts';
import { eventsOf } from '../helpers/pipeline.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { event, open, quiet, tempDir } from '../helpers/spool.ts';

/** Event `i` with a 300-byte payload, accepted now. */
function big(i: number): WebhookEvent {
  return { ...event(i, `"n":${i},"pad":"${'x'.repeat(300)}"`), acceptedAt: Date.now() };
}

/** Leaves `count` pending events in `dir`, as a process that stopped would. */
function backlog(dir: string, count: number): void {
  const spool = openSpool(dir, { maxBytes: 1024 * 1024 * 1024, log: quiet });
  for (let i = 0; i < count; i++) assert.equal(spool.append(big(i)), true);
  spool.close();
}

function segments(dir: string): number {
  return readdirSync(dir).filter((name) => name.startsWith('segment-')).length;
}

describe('spool recovery, read back in chunks', () => {
  it('opens a backlog far larger than what it reads at once, holding only the first chunk in memory', (t) => {
    const dir = tempDir(t);
    backlog(dir, 60_000);
    const { spool } = open(t, dir, { recoveredEvents: 1000, recoveredBytes: 1024 * 1024 });
    assert.ok(spool.recovered.length <= 1000, `${spool.recovered.length} events read at open`);
    assert.deepEqual(spool.recovered.map((e) => e.id).slice(0, 2), [event(0).id, event(1).id]);
    assert.equal(spool.unread, 60_000 - spool.recovered.length);
    const stats = spool.stats();
    assert.equal(stats.events, 60_000);
    assert.equal(stats.events - stats.unread, spool.recovered.length, 'held in memory: the first chunk only');
  });

  it('has nothing unread once the first chunk took exactly the whole backlog', (t) => {
    const dir = tempDir(t);
    backlog(dir, 100);
    const { spool } = open(t, dir, { recoveredEvents: 100 });
    assert.equal(spool.recovered.length, 100);
    assert.equal(spool.unread, 0);
    assert.deepEqual(spool.takeRecovered(10, 1024), []);
  });

  it('gives the whole backlog back in order, a chunk at a time, holding no more than the chunks not yet acknowledged', async (t) => {
    const dir = tempDir(t);
    backlog(dir, 20_000);
    const { spool } = open(t, dir, { segmentBytes: 256 * 1024, recoveredEvents: 500 });
    const before = segments(dir);
    const ids: string[] = [];
    let held = spool.recovered.slice();
    let most = 0;
    while (held.length > 0) {
      const stats = spool.stats();
      most = Math.max(most, stats.events - stats.unread);
      ids.push(...held.map((e) => e.id));
      spool.ack(held.map((e) => e.id));
      held = spool.takeRecovered(500, 1024 * 1024);
    }
    assert.deepEqual(
      ids,
      Array.from({ length: 20_000 }, (_, i) => event(i).id),
    );
    assert.ok(most <= 500, `${most} events held in memory at most`);
    assert.equal(spool.unread, 0);
    await spool.whenDeleted();
    assert.ok(segments(dir) <= 2, `${segments(dir)} of ${before} segment files left once all is acknowledged`);
  });

  it('keeps events appended while a backlog is unread on disk only, and gives them back after the backlog', (t) => {
    const dir = tempDir(t);
    backlog(dir, 3000);
    const { spool } = open(t, dir, { recoveredEvents: 100 });
    for (let i = 3000; i < 3050; i++) assert.equal(spool.append(big(i)), true);
    assert.equal(spool.stats().unread, 2950);
    const all = [...spool.recovered];
    for (let more = spool.takeRecovered(400, 1024 * 1024); more.length > 0; more = spool.takeRecovered(400, 1024 * 1024)) all.push(...more);
    assert.deepEqual(
      all.map((e) => e.id),
      Array.from({ length: 3050 }, (_, i) => event(i).id),
    );
    assert.equal(spool.unread, 0);
  });

  it('delivers a spool many times larger than max-queue-bytes, oldest first, with the queue within its caps', async (t) => {
    const spoolDir = tempDir(t);
    backlog(spoolDirectory(spoolDir, 'big'), 20_000);
    const maxQueueBytes = 256 * 1024;
    let mostPendingBytes = 0;
    let processor: WebhookLogRecordProcessor | undefined;
    const receiver = await startReceiver({
      respond: () => {
        mostPendingBytes = Math.max(mostPendingBytes, processor?.stats().pendingBytes ?? 0);
        return { status: 200 };
      },
    });
    t.after(() => receiver.close());
    processor = new WebhookLogRecordProcessor({
      id: 'big',
      url: receiver.url,
      events: ['*'],
      spoolDir,
      maxQueueBytes,
      maxQueueEvents: 2000,
      maxBatchEvents: 250,
      throttleMillis: 10,
    });
    const provider = new LoggerProvider({ processors: [processor] });
    provider.getLogger('t').emit({ eventName: 'auth.success', attributes: { n: 'new' } });
    await provider.forceFlush();
    await provider.shutdown();
    const delivered = receiver.requests.flatMap((q) => eventsOf(q.body));
    assert.equal(delivered.length, 20_001);
    assert.deepEqual(
      delivered.slice(0, 20_000).map((e) => e.id),
      Array.from({ length: 20_000 }, (_, i) => event(i).id),
    );
    assert.equal(delivered[20_000]?.data['n'], 'new', 'the event accepted during recovery comes after the backlog');
    assert.ok(mostPendingBytes <= maxQueueBytes, `${mostPendingBytes} bytes pending in memory at most, of a backlog of about 8 MB`);
    assert.equal(processor.stats().dropped.overflow, 0);
  });
});
