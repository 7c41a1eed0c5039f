import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { WebhookLogRecordProcessor } from '../../src/processor.ts';
import type { WebhookEvent } from '../../src/records/event.ts';
import { eventsOf } from '../helpers/pipeline.ts';
import { waitUntil } from '../helpers/poll.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { allRecovered, event, events, ids, open, tempDir } from '../helpers/spool.ts';

function appendAll(list: readonly WebhookEvent[], append: (e: WebhookEvent) => boolean): void {
  for (const e of list) assert.equal(append(e), true, `append ${e.id}`);
}

describe('spool spill: what memory has no room for waits on disk', () => {
  it('keeps the events appended after spill() on disk only and gives them back in order', (t) => {
    const { spool } = open(t, tempDir(t));
    appendAll(events(0, 10), (e) => spool.append(e));
    assert.equal(spool.ticket >= 0, true, 'held in memory before the spill');
    spool.spill();
    appendAll(events(10, 40), (e) => spool.append(e));
    assert.equal(spool.ticket, -1, 'not held in memory after it');
    assert.equal(spool.unread, 30);
    assert.equal(spool.stats().events, 40);
    assert.deepEqual(ids(allRecovered(spool)), ids(events(10, 40)));
    assert.equal(spool.unread, 0);
    // Caught up: held in memory again.
    assert.equal(spool.append(event(40)), true);
    assert.ok(spool.ticket >= 0);
  });

  it('gives back spilled events across segments, and the next process recovers those not acknowledged', (t) => {
    const dir = tempDir(t);
    const first = open(t, dir, { segmentBytes: 4096 });
    appendAll(events(0, 5), (e) => first.spool.append(e));
    first.spool.spill();
    appendAll(events(5, 105), (e) => first.spool.append(e));
    const taken = first.spool.takeRecovered(60, 1024 * 1024);
    assert.deepEqual(ids(taken), ids(events(5, 65)));
    first.spool.ack(ids([...events(0, 5), ...taken]));
    first.spool.close();

    const second = open(t, dir, { segmentBytes: 4096 });
    assert.deepEqual(ids(allRecovered(second.spool)), ids(events(65, 105)));
    assert.equal(second.spool.stats().tornRecords, 0);
  });

  it('spills again once it has caught up, from where the writing then is', (t) => {
    const { spool } = open(t, tempDir(t));
    spool.spill();
    appendAll(events(0, 5), (e) => spool.append(e));
    assert.deepEqual(ids(allRecovered(spool)), ids(events(0, 5)));
    appendAll(events(5, 8), (e) => spool.append(e));
    spool.spill();
    appendAll(events(8, 12), (e) => spool.append(e));
    assert.deepEqual(ids(allRecovered(spool)), ids(events(8, 12)));
  });
});

describe('a webhook with a spool, its memory queue full', () => {
  it('keeps accepting events into the spool during an outage longer than the memory queue holds, and delivers them all in order', async (t) => {
    let down = true;
    const accepted: Buffer[] = [];
    const receiver = await startReceiver({
      respond: (req) => {
        if (down) return { status: 503 };
        accepted.push(req.body);
        return { status: 200 };
      },
    });
    t.after(() => receiver.close());
    const processor = new WebhookLogRecordProcessor({
      id: 'spill',
      url: receiver.url,
      events: ['*'],
      spoolDir: tempDir(t),
      maxQueueEvents: 100,
      maxBatchEvents: 50,
      throttleMillis: 10,
      retryMaxMillis: 20,
      shutdownTimeoutMillis: 1000,
    });
    const provider = new LoggerProvider({ processors: [processor] });
    t.after(() => provider.shutdown());
    const logger = provider.getLogger('t');
    for (let i = 0; i < 1000; i++) logger.emit({ eventName: 'auth.success', attributes: { n: i } });
    await waitUntil(() => receiver.requests.length > 0, 5000, 'a first request');
    const during = processor.stats();
    assert.equal(during.dropped.overflow, 0, 'nothing dropped for the full memory queue');
    assert.equal(during.pending, 1000);
    assert.ok(during.pendingBytes < 200 * 100, `${during.pendingBytes} bytes pending in memory, about 100 events' worth`);
    assert.ok(during.spool !== undefined && during.spool.unread >= 800, `${during.spool?.unread} events waiting on disk only`);
    assert.equal(during.spool.maxBytes, 64 * 1024 * 1024);
    assert.ok(during.spool.bytes > 1000 * 100, `${during.spool.bytes} bytes of records in the spool`);
    down = false;
    await processor.forceFlush();
    const delivered = accepted.flatMap((body) => eventsOf(body));
    assert.deepEqual(
      delivered.map((e) => e.data['n']),
      Array.from({ length: 1000 }, (_, i) => i),
    );
    assert.equal(processor.stats().pending, 0);
  });

  it('drops as overflow only what the spool has no room for either', async (t) => {
    const receiver = await startReceiver({ respond: () => ({ status: 503 }) });
    t.after(() => receiver.close());
    const processor = new WebhookLogRecordProcessor({
      id: 'spill-full',
      url: receiver.url,
      events: ['*'],
      spoolDir: tempDir(t),
      spoolMaxBytes: 64 * 1024,
      maxQueueEvents: 100,
      throttleMillis: 10,
      shutdownTimeoutMillis: 100,
    });
    const provider = new LoggerProvider({ processors: [processor] });
    t.after(() => provider.shutdown());
    const logger = provider.getLogger('t');
    for (let i = 0; i < 2000; i++) logger.emit({ eventName: 'auth.success', attributes: { n: i } });
    const stats = processor.stats();
    assert.ok(stats.pending > 100, `${stats.pending} pending: more than the memory queue holds`);
    assert.ok(stats.dropped.overflow > 0, 'the rest dropped once the spool is full');
    assert.equal(stats.pending + stats.dropped.overflow, 2000);
  });

  it('leaves nothing behind in the spool when it was full as memory filled: later events are delivered once and acknowledged', async (t) => {
    let down = true;
    const accepted: unknown[] = [];
    const receiver = await startReceiver({
      respond: (req) => {
        if (down) return { status: 503 };
        accepted.push(...eventsOf(req.body).map((e) => e.data['n']));
        return { status: 200 };
      },
    });
    t.after(() => receiver.close());
    const options = {
      url: receiver.url,
      events: ['*'],
      maxQueueEvents: 10,
      throttleMillis: 10,
      retryMaxMillis: 20,
      shutdownTimeoutMillis: 200,
    };
    const emit = (logger: ReturnType<LoggerProvider['getLogger']>, from: number, to: number): void => {
      for (let i = from; i < to; i++) logger.emit({ eventName: 'auth.success', attributes: { n: i, pad: 'x'.repeat(7000) } });
    };
    // The record bytes of ten events (large ones: a spool holds at least 64 KiB), to size a spool that holds exactly those.
    const probe = new WebhookLogRecordProcessor({ ...options, id: 'probe', spoolDir: tempDir(t) });
    const probeProvider = new LoggerProvider({ processors: [probe] });
    emit(probeProvider.getLogger('t'), 0, 10);
    const tenRecords = probe.stats().spool?.bytes ?? 0;
    await probeProvider.shutdown();
    assert.ok(tenRecords > 0);

    const processor = new WebhookLogRecordProcessor({ ...options, id: 'tight', spoolDir: tempDir(t), spoolMaxBytes: tenRecords + 40 });
    const provider = new LoggerProvider({ processors: [processor] });
    t.after(() => provider.shutdown());
    const logger = provider.getLogger('t');
    emit(logger, 0, 12);
    assert.equal(processor.stats().dropped.overflow, 2, 'memory and spool full: the 11th and 12th dropped');
    down = false;
    await processor.forceFlush();
    emit(logger, 100, 105);
    await processor.forceFlush();
    down = true;
    emit(logger, 200, 215);
    await waitUntil(() => receiver.requests.length > 0, 5000, 'a request');
    down = false;
    await processor.forceFlush();
    assert.equal(new Set(accepted).size, accepted.length, `no event delivered twice: ${JSON.stringify(accepted)}`);
    const expected = [
      ...Array.from({ length: 10 }, (_, i) => i),
      100,
      101,
      102,
      103,
      104,
      ...Array.from({ length: 10 }, (_, i) => 200 + i),
    ];
    for (const n of expected) assert.ok(accepted.includes(n), `event ${n} delivered`);
    assert.equal(processor.stats().spool?.bytes, 0, 'nothing left in the spool once everything is delivered');
  });

  it('counts the events waiting in the spool as gone when the endpoint answers 410, and no later start sends them', async (t) => {
    let status = 503;
    const receiver = await startReceiver({ respond: () => ({ status }) });
    t.after(() => receiver.close());
    const spoolDir = tempDir(t);
    const options = { id: 'gone', url: receiver.url, events: ['*'], spoolDir, maxQueueEvents: 10, throttleMillis: 10, retryMaxMillis: 20 };
    const processor = new WebhookLogRecordProcessor({ ...options, shutdownTimeoutMillis: 200 });
    const provider = new LoggerProvider({ processors: [processor] });
    const logger = provider.getLogger('t');
    for (let i = 0; i < 50; i++) logger.emit({ eventName: 'auth.success', attributes: { n: i } });
    assert.equal(processor.stats().spool?.unread, 40);
    status = 410;
    await waitUntil(() => processor.stats().state === 'gone', 5000, 'the webhook stopped by 410');
    const stats = processor.stats();
    assert.equal(stats.pending, 0);
    assert.equal(stats.dropped.gone, 50, 'those in memory and those on disk alike');
    await waitUntil(() => processor.stats().spool?.bytes === 0, 5000, 'the spool acknowledged them all');
    await provider.shutdown();

    const requestsBefore = receiver.requests.length;
    status = 200;
    const next = new WebhookLogRecordProcessor({ ...options, id: 'gone', shutdownTimeoutMillis: 200 });
    const nextProvider = new LoggerProvider({ processors: [next] });
    t.after(() => nextProvider.shutdown());
    assert.equal(next.stats().pending, 0, 'nothing recovered');
    await next.forceFlush();
    assert.equal(receiver.requests.length, requestsBefore);
  });
});
