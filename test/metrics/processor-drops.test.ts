import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testMetrics, until } from '../helpers/metrics.ts';
import { assertProcessorMatches, DURATION, EXPORTED, INFLIGHT, PROCESSED, QUEUE_SIZE } from '../helpers/metrics-stats.ts';
import { pipeline } from '../helpers/pipeline.ts';
import { receivers } from '../helpers/receivers.ts';

const receiver = receivers();

/** The operations of a snapshot as [status code, error type, observations]. */
function operations(h: { attributes: Record<string, unknown>; value: { count: number } }[]): unknown[] {
  return h.map((point) => [point.attributes['http.response.status_code'], point.attributes['error.type'], point.value.count]);
}

describe('WebhookLogRecordProcessor metrics of dropped records', () => {
  it('counts records refused by a full queue or too large to keep as processed with queue_full and too_large', async () => {
    const r = await receiver();
    const m = testMetrics();
    const { logger, processor, provider } = pipeline({
      url: r.url,
      events: ['*'],
      maxQueueEvents: 2,
      maxQueueBytes: 2048,
      selfObsMeterProvider: m.provider,
    });
    logger.emit({ eventName: 'auth.success', attributes: { blob: 'x'.repeat(4096) } });
    for (let i = 0; i < 5; i++) logger.emit({ eventName: 'auth.success' });
    await processor.forceFlush();
    const s = await m.collect();
    assert.deepEqual(s.errors(PROCESSED), { queue_full: 3, too_large: 1 });
    assert.equal(s.succeeded(PROCESSED), 2);
    assert.deepEqual(s.errors(EXPORTED), {});
    assert.equal(s.succeeded(EXPORTED), 2);
    assertProcessorMatches(s, processor.stats());
    await provider.shutdown();
  });

  it('counts a batch answered 410 as exported with gone, and records emitted afterwards as processed with gone', async () => {
    const r = await receiver({ respond: () => ({ status: 410 }) });
    const m = testMetrics();
    const { logger, processor, provider } = pipeline({ url: r.url, events: ['*'], selfObsMeterProvider: m.provider });
    for (let i = 0; i < 3; i++) logger.emit({ eventName: 'auth.success' });
    await processor.forceFlush();
    logger.emit({ eventName: 'auth.success' });
    const s = await m.collect();
    assert.equal(s.succeeded(PROCESSED), 3);
    assert.deepEqual(s.errors(PROCESSED), { gone: 1 });
    assert.deepEqual(s.errors(EXPORTED), { gone: 3 });
    assert.deepEqual(operations(s.histograms(DURATION)), [[410, 'gone', 1]]);
    assertProcessorMatches(s, processor.stats());
    await provider.shutdown();
  });

  it('counts a batch dropped by lossy as processed successfully and exported with lossy', async () => {
    const r = await receiver({ respond: () => ({ status: 500 }) });
    const m = testMetrics();
    const { logger, processor, provider } = pipeline({ url: r.url, events: ['*'], lossy: true, selfObsMeterProvider: m.provider });
    for (let i = 0; i < 3; i++) logger.emit({ eventName: 'auth.success' });
    await processor.forceFlush();
    const s = await m.collect();
    assert.equal(s.succeeded(PROCESSED), 3);
    assert.deepEqual(s.errors(PROCESSED), {});
    assert.deepEqual(s.errors(EXPORTED), { lossy: 3 });
    assert.deepEqual(operations(s.histograms(DURATION)), [[500, 'lossy', 1]]);
    assertProcessorMatches(s, processor.stats());
    await provider.shutdown();
  });

  it('counts what shutdown drops: the batch in retry as exported, the queued and later records as processed, with already_shutdown', async () => {
    const r = await receiver({ respond: () => ({ status: 503 }) });
    const m = testMetrics();
    // Another sink that takes every record, so the SDK still emits to the webhook after its shutdown.
    const otherSink = { onEmit: () => {}, forceFlush: () => Promise.resolve(), shutdown: () => Promise.resolve() };
    const { logger, processor, provider } = pipeline(
      { url: r.url, events: ['*'], maxBatchEvents: 2, shutdownTimeout: '300ms', selfObsMeterProvider: m.provider },
      [otherSink],
    );
    for (let i = 0; i < 5; i++) logger.emit({ eventName: 'auth.success' });
    await until(() => processor.stats().failedRequests >= 1);
    const during = await m.collect();
    assert.equal(during.sum(QUEUE_SIZE), 3);
    assert.equal(during.sum(INFLIGHT), 2);
    assertProcessorMatches(during, processor.stats());
    await processor.shutdown();
    logger.emit({ eventName: 'auth.success' });
    const s = await m.collect();
    assert.equal(s.succeeded(PROCESSED), 2);
    assert.deepEqual(s.errors(PROCESSED), { already_shutdown: 4 });
    assert.deepEqual(s.errors(EXPORTED), { already_shutdown: 2 });
    assert.deepEqual(operations(s.histograms(DURATION)), [[503, 'already_shutdown', 1]]);
    assert.deepEqual([s.sum(QUEUE_SIZE), s.sum(INFLIGHT)], [0, 0], 'nothing queued or in flight once shut down');
    assertProcessorMatches(s, processor.stats());
    await provider.shutdown();
  });

  it('counts records older than discard-after as discarded where they were: sent ones exported, queued ones processed', async () => {
    const r = await receiver({ respond: () => ({ status: 503, headers: { 'retry-after': '1' } }) });
    const m = testMetrics();
    const { logger, processor, provider } = pipeline({
      url: r.url,
      events: ['*'],
      maxBatchEvents: 1,
      discardAfter: '300ms',
      selfObsMeterProvider: m.provider,
    });
    logger.emit({ eventName: 'auth.success' });
    logger.emit({ eventName: 'auth.failed' });
    await until(() => processor.stats().dropped.discarded === 2, 5_000);
    const s = await m.collect();
    assert.deepEqual(s.errors(PROCESSED), { discarded: 1 });
    assert.deepEqual(s.errors(EXPORTED), { discarded: 1 });
    assert.deepEqual(operations(s.histograms(DURATION)), [[503, 'discarded', 1]]);
    assertProcessorMatches(s, processor.stats());
    await provider.shutdown();
  });
});
