import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { WebhookLogRecordExporter } from '../src/exporter.ts';
import { eventsOf } from './helpers/pipeline.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();

describe('WebhookLogRecordExporter behind the SDK’s processors', () => {
  it('sends each batch the BatchLogRecordProcessor hands it, selected and signed', async () => {
    const r = await receiver();
    const exporter = new WebhookLogRecordExporter({ id: 'batch', url: r.url, events: ['auth.*'], signatureKey: 'k' });
    const provider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 50 })] });
    const logger = provider.getLogger('t');
    logger.emit({ eventName: 'auth.success', attributes: { accountName: 'jane' } });
    logger.emit({ eventName: 'smtp.connection-start' });
    logger.emit({ eventName: 'auth.failed' });
    await provider.shutdown();
    assert.equal(r.requests.length, 1);
    assert.deepEqual(
      eventsOf(r.requests[0]?.body ?? Buffer.alloc(0)).map((e) => e.type),
      ['auth.success', 'auth.failed'],
    );
    assert.ok(r.requests[0]?.headers['x-signature']);
  });

  it('reports SUCCESS without a request when no record is selected', async () => {
    const r = await receiver();
    const exporter = new WebhookLogRecordExporter({ id: 'none', url: r.url, events: ['auth.*'] });
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
    provider.getLogger('t').emit({ eventName: 'smtp.connection-start' });
    await provider.shutdown();
    assert.equal(r.requests.length, 0);
  });

  it('retries a retryable failure and reports SUCCESS once delivered', async () => {
    const r = await receiver({ respond: (_q, i) => ({ status: i === 0 ? 503 : 200 }) });
    const exporter = new WebhookLogRecordExporter({ id: 'retry', url: r.url, events: ['*'] });
    const logs = [{ eventName: 'auth.success', hrTime: [1_795_000_000, 0], attributes: {} }] as never;
    const result = await new Promise<{ code: number }>((resolve) => exporter.export(logs, resolve));
    await exporter.shutdown();
    assert.equal(result.code, ExportResultCode.SUCCESS);
    assert.equal(r.requests.length, 2);
    assert.equal(r.requests[1]?.body.toString(), r.requests[0]?.body.toString());
  });

  it('reports FAILED when the receiver keeps refusing', async () => {
    const r = await receiver({ respond: () => ({ status: 400 }) });
    const exporter = new WebhookLogRecordExporter({ id: 'refused', url: r.url, events: ['*'], retryMax: '200ms', discardAfter: '500ms' });
    const logs = [{ eventName: 'auth.success', hrTime: [1_795_000_000, 0], attributes: {} }] as never;
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(logs, resolve));
    await exporter.shutdown();
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.match(result.error?.message ?? '', /HTTP 400/);
  });

  it('delivers the events of an export the BatchLogRecordProcessor stopped waiting for', async () => {
    const r = await receiver({ respond: (_q, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }) });
    const exporter = new WebhookLogRecordExporter({ id: 'late', url: r.url, events: ['*'] });
    const processor = new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 10, exportTimeoutMillis: 200 });
    const provider = new LoggerProvider({ processors: [processor] });
    provider.getLogger('t').emit({ eventName: 'auth.success' });
    const [refused, accepted] = await r.waitForRequests(2, 5_000);
    await provider.shutdown();
    assert.ok(refused && accepted && accepted.receivedAt - refused.receivedAt >= 950);
    assert.equal(accepted.body.toString(), refused.body.toString());
  });

  it('answers FAILED after shutdown without sending', async () => {
    const r = await receiver();
    const exporter = new WebhookLogRecordExporter({ id: 'closed', url: r.url, events: ['*'] });
    await exporter.shutdown();
    const logs = [{ eventName: 'auth.success', hrTime: [1_795_000_000, 0], attributes: {} }] as never;
    const result = await new Promise<{ code: number }>((resolve) => exporter.export(logs, resolve));
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.equal(r.requests.length, 0);
  });
});
