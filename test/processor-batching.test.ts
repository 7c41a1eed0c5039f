import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsOf, pipeline, sleep } from './helpers/pipeline.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();

describe('throttle and batching', () => {
  it('sends the first event at once (leading edge)', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'], throttleMillis: 10_000 });
    const start = performance.now();
    logger.emit({ eventName: 'auth.success' });
    const [request] = await r.waitForRequests(1, 5_000);
    assert.ok((request?.receivedAt ?? Infinity) - start < 2_000);
    await provider.shutdown();
  });

  it('groups events of one window into one request, sent when the window ends', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'], throttleMillis: 400 });
    const emittedAt = performance.now();
    logger.emit({ eventName: 'auth.success' });
    await r.waitForRequests(1);
    for (let i = 0; i < 5; i++) logger.emit({ eventName: 'auth.failed' });
    await sleep(100);
    assert.equal(r.requests.length, 1, 'nothing more before the window ends');
    const [first, second] = await r.waitForRequests(2);
    assert.equal(eventsOf(second?.body ?? Buffer.alloc(0)).length, 5);
    // The window opened when the first request left, at most its arrival latency before it arrived.
    const firstLatency = (first?.receivedAt ?? 0) - emittedAt;
    assert.ok((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0) >= 400 - firstLatency - 5, 'at most one request per window');
    await provider.shutdown();
  });

  it('leaves no event waiting on a quiet system', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'], throttleMillis: 150 });
    logger.emit({ eventName: 'auth.success' });
    logger.emit({ eventName: 'auth.success' });
    await sleep(30);
    logger.emit({ eventName: 'auth.failed' });
    await r.waitForRequests(2, 3_000);
    assert.equal(r.requests.flatMap((q) => eventsOf(q.body)).length, 3);
    assert.equal(r.requests.length, 2, 'the window re-armed on its own and sent the rest in one request');
    await provider.shutdown();
  });

  it('keeps order and never has two requests in flight with a slow receiver', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const r = await receiver({
      respond: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(120);
        inFlight--;
        return { status: 200 };
      },
    });
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], throttleMillis: 20 });
    for (let i = 0; i < 12; i++) {
      logger.emit({ eventName: 'auth.success', attributes: { n: i } });
      await sleep(25);
    }
    await provider.forceFlush();
    await provider.shutdown();
    const ns = r.requests.flatMap((q) => eventsOf(q.body).map((e) => e.data.n));
    assert.deepEqual(ns, [...Array(12).keys()]);
    assert.equal(maxInFlight, 1);
    assert.ok(r.requests.length >= 3 && r.requests.length < 12, `${r.requests.length} requests`);
    assert.equal(processor.stats().delivered, 12);
  });

  it('splits a window by max-batch-events and sends the parts back to back', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'], throttleMillis: 5_000, maxBatchEvents: 10 });
    for (let i = 0; i < 25; i++) logger.emit({ eventName: 'auth.success', attributes: { n: i } });
    const requests = await r.waitForRequests(3, 3_000);
    assert.deepEqual(
      requests.map((q) => eventsOf(q.body).length),
      [10, 10, 5],
    );
    assert.deepEqual(
      requests.flatMap((q) => eventsOf(q.body).map((e) => e.data.n)),
      [...Array(25).keys()],
    );
    await provider.shutdown();
  });

  it('splits by max-batch-bytes', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'], throttleMillis: 5_000, maxBatchBytes: 2048 });
    for (let i = 0; i < 10; i++) logger.emit({ eventName: 'auth.success', attributes: { details: 'x'.repeat(500) } });
    await provider.forceFlush();
    await provider.shutdown();
    assert.ok(r.requests.length >= 3);
    for (const q of r.requests) assert.ok(q.body.length <= 2048, `${q.body.length} bytes`);
    assert.equal(r.requests.flatMap((q) => eventsOf(q.body)).length, 10);
  });
});
