import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { BatchLogRecordProcessor, LoggerProvider, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { WebhookOptions } from '../../src/config/options.ts';
import { WebhookLogRecordExporter } from '../../src/exporter.ts';
import { testMetrics, until } from '../helpers/metrics.ts';
import { assertExporterMatches, DURATION, EXPORTED, INFLIGHT } from '../helpers/metrics-stats.ts';
import { receivers } from '../helpers/receivers.ts';

const receiver = receivers();

/** A record as the SDK hands it to an exporter. */
function record(eventName: string, attributes: Record<string, string> = {}): ReadableLogRecord {
  return { eventName, hrTime: [1_795_000_000, 0], attributes } as unknown as ReadableLogRecord;
}

function exportNow(exporter: WebhookLogRecordExporter, logs: ReadableLogRecord[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(logs, resolve));
}

/** The operations of a snapshot as [status code, error type, observations]. */
function operations(h: { attributes: Record<string, unknown>; value: { count: number } }[]): unknown[] {
  return h.map((point) => [point.attributes['http.response.status_code'], point.attributes['error.type'], point.value.count]);
}

function exporterWith(url: string, options: Partial<WebhookOptions> = {}) {
  const m = testMetrics();
  const exporter = new WebhookLogRecordExporter({ id: 'hooks', url, events: ['*'], selfObsMeterProvider: m.provider, ...options });
  return { m, exporter };
}

describe('WebhookLogRecordExporter self-observability metrics', () => {
  it('counts the records of an export from the BatchLogRecordProcessor as exported, one operation per export', async () => {
    const r = await receiver();
    const { m, exporter } = exporterWith(r.url);
    const provider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 20 })] });
    const logger = provider.getLogger('t');
    for (let i = 0; i < 3; i++) logger.emit({ eventName: 'auth.success' });
    await provider.forceFlush();
    const s = await m.collect();
    const attributes = {
      'otel.component.type': 'WebhookLogRecordExporter',
      'otel.component.name': 'hooks',
      'server.address': '127.0.0.1',
      'server.port': r.port,
    };
    assert.deepEqual(
      s.points(EXPORTED).map((p) => [p.attributes, p.value]),
      [[attributes, 3]],
    );
    assert.deepEqual(
      s.points(INFLIGHT).map((p) => [p.attributes, p.value]),
      [[attributes, 0]],
    );
    assert.deepEqual(
      s.histograms(DURATION).map((h) => [h.attributes, h.value.count]),
      [[{ ...attributes, 'http.response.status_code': 200 }, 1]],
    );
    assertExporterMatches(s, exporter.stats());
    await provider.shutdown();
  });

  it('keeps an export answered 503 in flight through the backoff and counts it once, as one operation, when delivered', async () => {
    const r = await receiver({ respond: (_q, i) => (i === 0 ? { status: 503, headers: { 'retry-after': '1' } } : {}) });
    const { m, exporter } = exporterWith(r.url);
    const result = exportNow(exporter, [record('auth.success'), record('auth.failed')]);
    await until(() => exporter.stats().failedRequests === 1);
    const during = await m.collect();
    assert.equal(during.sum(INFLIGHT), 2);
    assert.equal(during.sum(EXPORTED), 0);
    assertExporterMatches(during, exporter.stats());
    assert.equal((await result).code, ExportResultCode.SUCCESS);
    const after = await m.collect();
    assert.deepEqual(after.errors(EXPORTED), {});
    assert.equal(after.succeeded(EXPORTED), 2);
    assert.deepEqual(operations(after.histograms(DURATION)), [[200, undefined, 1]]);
    assert.ok((after.histograms(DURATION)[0]?.value.sum ?? 0) >= 0.9, 'the backoff counts');
    assertExporterMatches(after, exporter.stats());
    await exporter.shutdown();
  });

  it('counts each export() as one operation when one request carries the records of several', async () => {
    const r = await receiver();
    const { m, exporter } = exporterWith(r.url);
    const results = [exportNow(exporter, [record('auth.success')]), exportNow(exporter, [record('auth.failed'), record('auth.error')])];
    await Promise.all(results);
    const s = await m.collect();
    assert.equal(r.requests.length, 1);
    assert.equal(s.succeeded(EXPORTED), 3);
    assert.deepEqual(operations(s.histograms(DURATION)), [[200, undefined, 2]]);
    await exporter.shutdown();
  });

  it('counts an export whose records the webhook does not select as a successful operation and no record', async () => {
    const r = await receiver();
    const { m, exporter } = exporterWith(r.url, { events: ['auth.*'] });
    assert.equal((await exportNow(exporter, [record('smtp.connection-start')])).code, ExportResultCode.SUCCESS);
    const s = await m.collect();
    assert.equal(s.sum(EXPORTED), 0);
    assert.deepEqual(operations(s.histograms(DURATION)), [[undefined, undefined, 1]]);
    await exporter.shutdown();
  });
});

describe('WebhookLogRecordExporter metrics of dropped records', () => {
  it('counts records refused by a full queue or too large to keep as exported with queue_full and too_large', async () => {
    const r = await receiver();
    const { m, exporter } = exporterWith(r.url, { maxQueueEvents: 2, maxQueueBytes: 2048 });
    const logs = [record('auth.success', { blob: 'x'.repeat(4096) }), ...Array.from({ length: 5 }, () => record('auth.success'))];
    assert.equal((await exportNow(exporter, logs)).code, ExportResultCode.FAILED);
    const s = await m.collect();
    assert.equal(s.succeeded(EXPORTED), 2);
    assert.deepEqual(s.errors(EXPORTED), { queue_full: 3, too_large: 1 });
    assert.deepEqual(operations(s.histograms(DURATION)), [[200, 'queue_full', 1]]);
    assertExporterMatches(s, exporter.stats());
    await exporter.shutdown();
  });

  it('counts the records of an export answered 410 as exported with gone', async () => {
    const r = await receiver({ respond: () => ({ status: 410 }) });
    const { m, exporter } = exporterWith(r.url);
    await exportNow(exporter, [record('auth.success'), record('auth.failed')]);
    const s = await m.collect();
    assert.deepEqual(s.errors(EXPORTED), { gone: 2 });
    assert.deepEqual(operations(s.histograms(DURATION)), [[410, 'gone', 1]]);
    assertExporterMatches(s, exporter.stats());
    await exporter.shutdown();
  });

  it('counts the records still in retry at shutdown as exported with already_shutdown', async () => {
    const r = await receiver({ respond: () => ({ status: 503 }) });
    const { m, exporter } = exporterWith(r.url, { shutdownTimeout: '300ms' });
    const result = exportNow(exporter, [record('auth.success'), record('auth.failed')]);
    await until(() => exporter.stats().failedRequests >= 1);
    await exporter.shutdown();
    assert.equal((await result).code, ExportResultCode.FAILED);
    const s = await m.collect();
    assert.deepEqual(s.errors(EXPORTED), { already_shutdown: 2 });
    assert.equal(s.sum(INFLIGHT), 0);
    assert.deepEqual(operations(s.histograms(DURATION)), [[503, 'already_shutdown', 1]]);
    assertExporterMatches(s, exporter.stats());
  });
});
