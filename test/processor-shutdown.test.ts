import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsOf, pipeline } from './helpers/pipeline.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();

describe('forceFlush and shutdown', () => {
  it('forceFlush sends pending events without waiting for the throttle window', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'], throttleMillis: 60_000 });
    logger.emit({ eventName: 'auth.success' });
    await r.waitForRequests(1);
    logger.emit({ eventName: 'auth.failed' });
    logger.emit({ eventName: 'auth.error' });
    const start = performance.now();
    await provider.forceFlush();
    assert.ok(performance.now() - start < 5_000);
    assert.equal(r.requests.length, 2);
    assert.deepEqual(
      eventsOf(r.requests[1]?.body ?? Buffer.alloc(0)).map((e) => e.type),
      ['auth.failed', 'auth.error'],
    );
    await provider.shutdown();
  });

  it('shutdown delivers pending events, then ignores new records', async () => {
    const r = await receiver();
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], throttleMillis: 60_000 });
    logger.emit({ eventName: 'auth.success' });
    logger.emit({ eventName: 'auth.failed' });
    await Promise.all([provider.shutdown(), processor.shutdown()]);
    assert.equal(r.requests.flatMap((q) => eventsOf(q.body)).length, 2);
    processor.onEmit({ eventName: 'auth.success', attributes: {}, hrTime: [0, 0] } as never);
    await processor.forceFlush();
    assert.equal(processor.stats().pending, 0);
    assert.equal(processor.stats().dropped.shutdown, 1, 'a record after shutdown is counted, not silently lost');
    assert.equal(r.requests.flatMap((q) => eventsOf(q.body)).length, 2);
  });

  it('shutdown aborts a request still in flight at its deadline and counts its events', async () => {
    const r = await receiver({ respond: () => ({ status: 200, delayMillis: 10_000 }) });
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], shutdownTimeoutMillis: 200 });
    logger.emit({ eventName: 'auth.success' });
    logger.emit({ eventName: 'auth.failed' });
    await r.waitForRequests(1);
    const start = performance.now();
    await provider.shutdown();
    assert.ok(performance.now() - start < 3_000);
    const stats = processor.stats();
    assert.equal(stats.dropped.shutdown, 2);
    assert.equal(stats.pending, 0);
    assert.equal(stats.delivered, 0);
  });

  it('shutdown gives up at its deadline when the receiver is down, counting what is left', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    const { provider, logger, processor } = pipeline({ url, events: ['*'], throttleMillis: 20, shutdownTimeoutMillis: 300 });
    logger.emit({ eventName: 'auth.success' });
    const start = performance.now();
    await provider.shutdown();
    assert.ok(performance.now() - start < 5_000);
    const stats = processor.stats();
    assert.equal(stats.state, 'closed');
    assert.equal(stats.dropped.shutdown, 1);
  });
});
