import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { eventsOf, pipeline } from './helpers/pipeline.ts';
import { waitUntil } from './helpers/poll.ts';
import type { Receiver } from './helpers/receiver.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();

const until = (condition: () => boolean, timeoutMillis = 8_000): Promise<void> => waitUntil(condition, timeoutMillis);

function deliveredNs(r: Receiver): unknown[] {
  return r.requests.flatMap((q) => eventsOf(q.body).map((e) => e.data.n));
}

describe('fault suite', () => {
  it('loses nothing while the receiver is down and delivers all once it is back', async () => {
    const first = await receiver();
    const { port } = first;
    await first.close();
    const { provider, logger, processor } = pipeline({ url: first.url, events: ['*'], throttleMillis: 20, retryMaxMillis: 150 });
    for (let i = 0; i < 50; i++) logger.emit({ eventName: 'auth.success', attributes: { n: i } });
    await until(() => processor.stats().failedRequests >= 2);
    const back = await receiver({ port });
    await until(() => processor.stats().delivered === 50);
    await provider.shutdown();
    assert.deepEqual(deliveredNs(back), [...Array(50).keys()]);
    assert.deepEqual(processor.stats().dropped, { discarded: 0, overflow: 0, lossy: 0, gone: 0, 'too-large': 0, invalid: 0, shutdown: 0 });
  });

  it('retries after 500 and keeps the ids', async () => {
    const r = await receiver({ respond: (_q, i) => ({ status: i === 0 ? 500 : 200 }) });
    const { provider, logger } = pipeline({ url: r.url, events: ['*'], throttleMillis: 20 });
    logger.emit({ eventName: 'auth.success' });
    const [failed, retried] = await r.waitForRequests(2);
    await provider.shutdown();
    assert.equal(retried?.body.toString(), failed?.body.toString());
  });

  it('waits at least Retry-After after a 429', async () => {
    const r = await receiver({ respond: (_q, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }) });
    const { provider, logger } = pipeline({ url: r.url, events: ['*'], throttleMillis: 10 });
    logger.emit({ eventName: 'auth.success' });
    const [limited, next] = await r.waitForRequests(2, 5_000);
    await provider.shutdown();
    assert.ok((next?.receivedAt ?? 0) - (limited?.receivedAt ?? 0) >= 990, `${(next?.receivedAt ?? 0) - (limited?.receivedAt ?? 0)} ms`);
  });

  it('gives up on a receiver slower than timeout and retries the same batch', async () => {
    const r = await receiver({ respond: (_q, i) => ({ status: 200, delayMillis: i === 0 ? 2_000 : 0 }) });
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], throttleMillis: 20, timeoutMillis: 200 });
    logger.emit({ eventName: 'auth.success' });
    await until(() => processor.stats().delivered === 1);
    await provider.shutdown();
    assert.equal(processor.stats().failedRequests, 1);
    assert.equal(r.requests[1]?.body.toString(), r.requests[0]?.body.toString());
  });

  it('retries after the connection is reset mid-request', async () => {
    const r = await receiver({ respond: (_q, i) => (i === 0 ? { destroy: true } : { status: 200 }) });
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], throttleMillis: 20 });
    logger.emit({ eventName: 'auth.success' });
    await until(() => processor.stats().delivered === 1);
    await provider.shutdown();
    assert.equal(processor.stats().failedRequests, 1);
  });

  it('refuses an invalid TLS certificate unless allow-invalid-certs is set', async () => {
    const r = await receiver({ tls: true });
    const strict = pipeline({ url: r.url, events: ['*'], throttleMillis: 20, discardAfterMillis: 300 });
    strict.logger.emit({ eventName: 'auth.success' });
    await until(() => strict.processor.stats().failedRequests >= 1);
    assert.equal(r.requests.length, 0);
    await strict.processor.forceFlush({ timeoutMillis: 50 });
    await strict.provider.shutdown();
    const relaxed = pipeline({ url: r.url, events: ['*'], allowInvalidCerts: true });
    relaxed.logger.emit({ eventName: 'auth.success' });
    await relaxed.provider.shutdown();
    assert.equal(r.requests.length, 1);
    assert.equal(relaxed.processor.stats().delivered, 1);
  });

  it('stops the webhook on 410 Gone and counts every event dropped', async () => {
    const r = await receiver({ respond: () => ({ status: 410 }) });
    const errors: string[] = [];
    const sink: DiagLogger = { error: (...a: unknown[]) => errors.push(a.join(' ')), warn() {}, info() {}, debug() {}, verbose() {} };
    diag.setLogger(sink, { logLevel: DiagLogLevel.ERROR, suppressOverrideMessage: true });
    try {
      const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], throttleMillis: 20 });
      logger.emit({ eventName: 'auth.success' });
      logger.emit({ eventName: 'auth.success' });
      await until(() => processor.stats().state === 'gone');
      logger.emit({ eventName: 'auth.failed' });
      await provider.shutdown();
      const stats = processor.stats();
      assert.equal(stats.dropped.gone, 3);
      assert.equal(r.requests.length, 1);
      assert.match(errors.join('\n'), /410 Gone.*webhook stopped/);
    } finally {
      diag.disable();
    }
  });

  it('splits a batch the receiver finds too large (413) and drops only a single oversized event', async () => {
    const r = await receiver({ respond: (q) => ({ status: eventsOf(q.body).length > 2 || q.body.length > 4_000 ? 413 : 200 }) });
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], throttleMillis: 5_000 });
    for (let i = 0; i < 4; i++) logger.emit({ eventName: 'auth.success', attributes: { n: i } });
    logger.emit({ eventName: 'auth.success', attributes: { n: 'big', details: 'x'.repeat(5_000) } });
    await provider.forceFlush();
    await provider.shutdown();
    const accepted = r.requests.filter((q) => eventsOf(q.body).length <= 2 && q.body.length <= 4_000);
    assert.deepEqual(
      accepted.flatMap((q) => eventsOf(q.body).map((e) => e.data.n)),
      [0, 1, 2, 3],
    );
    assert.equal(processor.stats().dropped['too-large'], 1);
    assert.equal(processor.stats().delivered, 4);
  });

  it('lossy sheds through a long burst over the cap, counting every event', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    const { provider, logger, processor } = pipeline({
      url,
      events: ['*'],
      throttleMillis: 60_000,
      lossy: true,
      maxQueueEvents: 20_000,
      shutdownTimeoutMillis: 100,
    });
    for (let i = 0; i < 200_000; i++) logger.emit({ eventName: 'auth.success', attributes: { n: i } });
    const stats = processor.stats();
    assert.ok(stats.pending <= 20_000);
    assert.equal(stats.pending + stats.dropped.overflow + stats.dropped.lossy, 200_000);
    await provider.shutdown();
  });

  it('keeps memory bounded through a 100k burst with the receiver down, counting drops exactly', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    const { provider, logger, processor } = pipeline({
      url,
      events: ['*'],
      throttleMillis: 50,
      maxQueueEvents: 10_000,
      maxQueueBytes: 4 * 1024 * 1024,
      shutdownTimeoutMillis: 200,
    });
    for (let i = 0; i < 100_000; i++) logger.emit({ eventName: 'auth.success', attributes: { accountName: 'jane', n: i } });
    const stats = processor.stats();
    assert.ok(stats.pending <= 10_000, `${stats.pending} pending`);
    assert.ok(stats.pendingBytes <= 4 * 1024 * 1024);
    assert.equal(stats.pending + stats.dropped.overflow, 100_000);
    assert.equal(stats.dropped.overflow, 90_000);
    await provider.shutdown();
    const end = processor.stats();
    assert.equal(end.pending, 0);
    assert.equal(end.dropped.overflow + end.dropped.shutdown, 100_000);
  });

  it('lossy = true drops a failed batch instead of retrying it', async () => {
    const r = await receiver({ respond: (_q, i) => ({ status: i === 0 ? 503 : 200 }) });
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], throttleMillis: 20, lossy: true });
    logger.emit({ eventName: 'auth.success', attributes: { n: 0 } });
    await until(() => processor.stats().dropped.lossy === 1);
    logger.emit({ eventName: 'auth.success', attributes: { n: 1 } });
    await until(() => processor.stats().delivered === 1);
    await provider.shutdown();
    assert.deepEqual(
      r.requests.map((q) => eventsOf(q.body).map((e) => e.data.n)),
      [[0], [1]],
    );
  });

  it('lossy = false retries the failed batch', async () => {
    const r = await receiver({ respond: (_q, i) => ({ status: i === 0 ? 503 : 200 }) });
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], throttleMillis: 20, lossy: false });
    logger.emit({ eventName: 'auth.success', attributes: { n: 0 } });
    await until(() => processor.stats().delivered === 1);
    await provider.shutdown();
    assert.deepEqual(
      r.requests.map((q) => eventsOf(q.body).map((e) => e.data.n)),
      [[0], [0]],
    );
    assert.equal(processor.stats().dropped.lossy, 0);
  });

  it('lossy sheds the oldest non-error events first when the queue is full', async () => {
    const r = await receiver();
    const { provider, logger, processor } = pipeline({
      url: r.url,
      events: ['*'],
      throttleMillis: 60_000,
      lossy: true,
      maxQueueEvents: 10,
    });
    for (let i = 0; i < 5; i++) logger.emit({ eventName: 'auth.error', severityNumber: 17, attributes: { n: `e${i}` } });
    for (let i = 0; i < 20; i++) logger.emit({ eventName: 'auth.success', severityNumber: 9, attributes: { n: i } });
    const stats = processor.stats();
    assert.ok(stats.pending <= 10 && stats.pending >= 9, `${stats.pending} pending`);
    assert.equal(stats.pending + stats.dropped.overflow, 25);
    await provider.shutdown();
    const ns = deliveredNs(r);
    assert.deepEqual(ns.slice(0, 5), ['e0', 'e1', 'e2', 'e3', 'e4'], 'every error event kept');
    assert.deepEqual(
      ns.slice(5),
      [...Array(ns.length - 5).keys()].map((i) => 20 - (ns.length - 5) + i),
      'the newest others kept',
    );
  });

  it('delivers pending events at shutdown', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'], throttleMillis: 60_000 });
    for (let i = 0; i < 3; i++) logger.emit({ eventName: 'auth.success', attributes: { n: i } });
    await provider.shutdown();
    assert.deepEqual(deliveredNs(r), [0, 1, 2]);
  });
});
