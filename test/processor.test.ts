import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { createWebhookProcessors } from '../src/create-webhook-processors.ts';
import { WebhookLogRecordProcessor } from '../src/processor.ts';
import { eventsOf, pipeline, sleep } from './helpers/pipeline.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();

describe('what the receiver gets', () => {
  it('is the exact Stalwart body, signed over its bytes', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['auth.*'], signatureKey: 'my-secret-key' });
    logger.emit({
      eventName: 'auth.success',
      timestamp: new Date('2026-11-22T10:05:14.789Z'),
      attributes: { accountName: 'jane', remoteIp: '203.0.113.9', remotePort: 993, spanId: '18446744073709551610' },
    });
    const [request] = await r.waitForRequests(1);
    await provider.shutdown();
    assert.ok(request);
    const [event] = eventsOf(request.body);
    assert.ok(event);
    const expected = `{"events":[{"id":"${event.id}","createdAt":"2026-11-22T10:05:14Z","type":"auth.success","data":{"accountName":"jane","remoteIp":"203.0.113.9","remotePort":993,"spanId":18446744073709551610}}]}`;
    assert.equal(request.body.toString('utf8'), expected);
    assert.match(event.id, /^\d+$/);
    const signature = createHmac('sha256', Buffer.from('my-secret-key', 'utf8')).update(request.body).digest('base64');
    assert.equal(request.headers['x-signature'], signature);
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['content-type'], 'application/json');
  });

  it('carries Basic auth, Bearer auth and the configured headers', async () => {
    const r = await receiver();
    const [basic, bearer] = createWebhookProcessors([
      { id: 'basic', url: r.url, events: ['*'], auth: { username: 'account', secret: 'pässword' }, headers: ['X-My-Header: my-value'] },
      { id: 'bearer', url: r.url, events: ['*'], auth: { token: 'tok-123' } },
    ]) as [WebhookLogRecordProcessor, WebhookLogRecordProcessor];
    const provider = new LoggerProvider({ processors: [basic, bearer] });
    const logger = provider.getLogger('test');
    logger.emit({ eventName: 'auth.success' });
    const requests = await r.waitForRequests(2);
    await provider.shutdown();
    const byAuth = requests.map((q) => q.headers.authorization).sort();
    assert.deepEqual(byAuth, [`Basic ${Buffer.from('account:pässword', 'utf8').toString('base64')}`, 'Bearer tok-123']);
    const withHeader = requests.find((q) => q.headers.authorization?.startsWith('Basic'));
    assert.equal(withHeader?.headers['x-my-header'], 'my-value');
    assert.equal(requests.find((q) => q.headers.authorization?.startsWith('Bearer'))?.headers['x-my-header'], undefined);
  });

  it('has no X-Signature when no signature key is set', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'] });
    logger.emit({ eventName: 'auth.success' });
    const [request] = await r.waitForRequests(1);
    await provider.shutdown();
    assert.equal(request?.headers['x-signature'], undefined);
  });
});

describe('which records are sent', () => {
  it('sends only the event types the patterns select', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['auth.*', '*.error', 'queue.message-queued'] });
    for (const eventName of [
      'auth.success',
      'smtp.connection-start',
      'message-ingest.error',
      'store.data-error',
      'queue.message-queued',
      'queue.locked',
      'auth.failed',
    ])
      logger.emit({ eventName });
    logger.emit({ body: 'a plain log line without an event name' });
    await provider.forceFlush();
    await provider.shutdown();
    const types = r.requests.flatMap((q) => eventsOf(q.body).map((e) => e.type));
    assert.deepEqual(types, ['auth.success', 'message-ingest.error', 'queue.message-queued', 'auth.failed']);
  });

  it('takes the type from the event.name attribute, then from the eventType mapper', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({
      url: r.url,
      events: ['*'],
      eventType: (record) => record.attributes['stalwart.event'] as string | undefined,
    });
    logger.emit({ attributes: { 'event.name': 'auth.banned', remoteIp: '203.0.113.9' } });
    logger.emit({ attributes: { 'stalwart.event': 'dsn' } });
    logger.emit({ attributes: { other: 1 } });
    await provider.shutdown();
    const events = r.requests.flatMap((q) => eventsOf(q.body));
    assert.deepEqual(
      events.map((e) => e.type),
      ['auth.banned', 'dsn'],
    );
    assert.deepEqual(events[0]?.data, { remoteIp: '203.0.113.9' });
  });

  it('never sends the exporter’s own telemetry.webhook-error event', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*', 'telemetry.webhook-error'] });
    logger.emit({ eventName: 'telemetry.webhook-error' });
    logger.emit({ eventName: 'auth.success' });
    await provider.shutdown();
    assert.deepEqual(
      r.requests.flatMap((q) => eventsOf(q.body).map((e) => e.type)),
      ['auth.success'],
    );
  });

  it('applies level as a minimum severity, using the catalog level when a record has none', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'], level: 'warn' });
    logger.emit({ eventName: 'auth.success', severityNumber: 9 });
    logger.emit({ eventName: 'auth.failed', severityNumber: 13 });
    logger.emit({ eventName: 'auth.error' }); // catalog level: error
    logger.emit({ eventName: 'auth.success' }); // catalog level: info
    await provider.shutdown();
    assert.deepEqual(
      r.requests.flatMap((q) => eventsOf(q.body).map((e) => e.type)),
      ['auth.failed', 'auth.error'],
    );
  });

  it('sends nothing when constructed with enable: false', async () => {
    const r = await receiver();
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], enable: false });
    logger.emit({ eventName: 'auth.success' });
    await provider.shutdown();
    assert.equal(r.requests.length, 0);
    assert.equal(processor.enabled({ eventName: 'auth.success', instrumentationScope: { name: 't' } }), false);
  });

  it('skips webhooks with enable = false when created from config', async () => {
    const r = await receiver();
    const processors = createWebhookProcessors(
      `[webhook."on"]\nurl = "${r.url}"\nevents = ["*"]\n[webhook."off"]\nurl = "${r.url}"\nevents = ["*"]\nenable = false\n`,
    );
    assert.deepEqual(
      processors.map((p) => p.id),
      ['on'],
    );
    await Promise.all(processors.map((p) => p.shutdown()));
  });

  it('tells the SDK it is not interested in unselected event names', () => {
    const processor = new WebhookLogRecordProcessor({ id: 'x', url: 'http://127.0.0.1:9/', events: ['auth.*'], level: 'info' });
    const scope = { name: 't' };
    assert.equal(processor.enabled({ eventName: 'auth.success', instrumentationScope: scope }), true);
    assert.equal(processor.enabled({ eventName: 'smtp.connection-start', instrumentationScope: scope }), false);
    assert.equal(processor.enabled({ eventName: 'auth.success', severityNumber: 5, instrumentationScope: scope }), false);
    assert.equal(processor.enabled({ instrumentationScope: scope }), true);
    void processor.shutdown();
  });

  it('sits beside a second sink in one LoggerProvider, which still gets every record', async () => {
    const r = await receiver();
    const memory = new InMemoryLogRecordExporter();
    const { provider, logger } = pipeline({ url: r.url, events: ['auth.success'] }, [new SimpleLogRecordProcessor({ exporter: memory })]);
    logger.emit({ eventName: 'auth.success', attributes: { accountName: 'jane' } });
    logger.emit({ eventName: 'smtp.connection-start' });
    logger.emit({ body: 'plain' });
    await provider.forceFlush();
    assert.equal(memory.getFinishedLogRecords().length, 3);
    assert.deepEqual(memory.getFinishedLogRecords()[0]?.attributes, { accountName: 'jane' });
    await provider.shutdown();
    assert.deepEqual(
      r.requests.flatMap((q) => eventsOf(q.body).map((e) => e.type)),
      ['auth.success'],
    );
  });

  it('warns through diag about patterns that match no known event type', () => {
    const warnings: string[] = [];
    const sink: DiagLogger = {
      warn: (...args: unknown[]) => warnings.push(args.join(' ')),
      error() {},
      info() {},
      debug() {},
      verbose() {},
    };
    diag.setLogger(sink, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    try {
      const processor = new WebhookLogRecordProcessor({ id: 'typo', url: 'http://127.0.0.1:9/', events: ['auth.success', 'store.ingest'] });
      void processor.shutdown();
    } finally {
      diag.disable();
    }
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /webhook\."typo".*"store\.ingest" matches no known event type; did you mean/);
  });

  it('never throws into the application, even when the eventType mapper does', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({
      url: r.url,
      events: ['*'],
      eventType: () => {
        throw new Error('boom');
      },
    });
    assert.doesNotThrow(() => logger.emit({ body: 'x' }));
    assert.doesNotThrow(() => logger.emit({ eventName: 42 as unknown as string }));
    await provider.shutdown();
    assert.equal(r.requests.length, 0);
  });
});

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

describe('failures', () => {
  it('retries a failed batch with the same ids, in order, until it is delivered', async () => {
    const r = await receiver({ respond: (_q, index) => ({ status: index < 2 ? 503 : 200 }) });
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], throttleMillis: 30 });
    logger.emit({ eventName: 'auth.success', attributes: { n: 0 } });
    logger.emit({ eventName: 'auth.success', attributes: { n: 1 } });
    const requests = await r.waitForRequests(3, 5_000);
    const ids = requests.map((q) => eventsOf(q.body).map((e) => e.id));
    assert.deepEqual(ids[1], ids[0]);
    assert.deepEqual(ids[2], ids[0]);
    await provider.shutdown();
    assert.equal(processor.stats().delivered, 2);
    assert.equal(processor.stats().failedRequests, 2);
  });

  it('drops and counts events older than discard-after instead of retrying them', async () => {
    const r = await receiver({ respond: () => ({ status: 500 }) });
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], throttleMillis: 20, discardAfterMillis: 250 });
    for (let i = 0; i < 4; i++) logger.emit({ eventName: 'auth.success' });
    const deadline = Date.now() + 5_000;
    while (processor.stats().dropped.discarded < 4 && Date.now() < deadline) await sleep(20);
    const stats = processor.stats();
    assert.equal(stats.dropped.discarded, 4);
    assert.equal(stats.pending, 0);
    assert.equal(stats.delivered, 0);
    await provider.shutdown();
  });
});

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
