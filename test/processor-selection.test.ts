import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { createWebhookProcessors } from '../src/create-webhook-processors.ts';
import { WebhookLogRecordProcessor } from '../src/processor.ts';
import { eventsOf, pipeline } from './helpers/pipeline.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();

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
