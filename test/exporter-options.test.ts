import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { WebhookLogRecordExporter } from '../src/exporter.ts';
import { eventsOf } from './helpers/pipeline.ts';
import { receivers } from './helpers/receivers.ts';
import { tempDir } from './helpers/spool.ts';

const receiver = receivers();

/** Records as the SDK's processors hand them to an exporter (only the fields the exporter reads). */
function records(count = 1, attributes: Record<string, unknown> = {}): ReadableLogRecord[] {
  return Array.from({ length: count }, (_, n) => ({
    eventName: 'auth.success',
    hrTime: [1_795_000_000, 0],
    attributes: { n, ...attributes },
  })) as never;
}

function exportOnce(exporter: WebhookLogRecordExporter, logs: ReadableLogRecord[] = records()): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(logs, resolve));
}

const unavailable = { respond: () => ({ status: 503 }) };

describe('WebhookLogRecordExporter honours its options', () => {
  it('with enable: false sends nothing and reports SUCCESS', async () => {
    const r = await receiver();
    const exporter = new WebhookLogRecordExporter({ id: 'off', url: r.url, events: ['*'], enable: false });
    const result = await exportOnce(exporter);
    await exporter.shutdown();
    assert.equal(result.code, ExportResultCode.SUCCESS);
    assert.equal(r.requests.length, 0);
  });

  it('with lossy makes one attempt and reports FAILED', async () => {
    const r = await receiver(unavailable);
    const exporter = new WebhookLogRecordExporter({ id: 'lossy', url: r.url, events: ['*'], lossy: true });
    const result = await exportOnce(exporter);
    await exporter.shutdown();
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.match(result.error?.message ?? '', /1 lossy .*HTTP 503/);
    assert.equal(r.requests.length, 1);
  });

  it('waits out a Retry-After within retryMax, then delivers', async () => {
    const r = await receiver({ respond: (_q, i) => (i === 0 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 }) });
    const exporter = new WebhookLogRecordExporter({ id: 'patient', url: r.url, events: ['*'], retryMaxMillis: 3_000 });
    const result = await exportOnce(exporter);
    await exporter.shutdown();
    assert.equal(result.code, ExportResultCode.SUCCESS);
    const [first, second] = r.requests;
    assert.ok(first && second);
    assert.ok(second.receivedAt - first.receivedAt >= 950, `retried after ${second.receivedAt - first.receivedAt} ms`);
  });

  it('waits out a Retry-After longer than retryMax too, as the processor does', async () => {
    const r = await receiver({ respond: (_q, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }) });
    const exporter = new WebhookLogRecordExporter({ id: 'told', url: r.url, events: ['*'], retryMax: '200ms' });
    const result = await exportOnce(exporter);
    await exporter.shutdown();
    assert.equal(result.code, ExportResultCode.SUCCESS);
    const [first, second] = r.requests;
    assert.ok(first && second);
    assert.ok(second.receivedAt - first.receivedAt >= 950, `retried after ${second.receivedAt - first.receivedAt} ms`);
  });

  it('gives up at once when Retry-After reaches past discardAfter', async () => {
    const r = await receiver({ respond: () => ({ status: 503, headers: { 'retry-after': '60' } }) });
    const exporter = new WebhookLogRecordExporter({ id: 'later', url: r.url, events: ['*'], discardAfter: '10s' });
    const started = performance.now();
    const result = await exportOnce(exporter);
    assert.ok(performance.now() - started < 2_000, `took ${performance.now() - started} ms`);
    await exporter.shutdown();
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.match(result.error?.message ?? '', /1 of 1 events not delivered: 1 discarded \(older than discard-after.*HTTP 503/);
    assert.equal(r.requests.length, 1);
  });

  it('does not retry events that would be older than discardAfter', async () => {
    const r = await receiver(unavailable);
    const exporter = new WebhookLogRecordExporter({ id: 'discard', url: r.url, events: ['*'], discardAfter: '200ms' });
    const result = await exportOnce(exporter);
    await exporter.shutdown();
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.match(result.error?.message ?? '', /discard-after/);
    assert.equal(r.requests.length, 1);
  });

  it('keeps retrying a retryable failure until discardAfter, then reports FAILED', async () => {
    const r = await receiver(unavailable);
    const exporter = new WebhookLogRecordExporter({ id: 'until', url: r.url, events: ['*'], retryMax: '200ms', discardAfter: '1500ms' });
    const result = await exportOnce(exporter);
    await exporter.shutdown();
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.match(result.error?.message ?? '', /discarded .*last failure: HTTP 503/);
    assert.ok(r.requests.length >= 4, `${r.requests.length} requests`);
    assert.equal(new Set(r.requests.map((q) => q.body.toString())).size, 1, 'the same body every time');
  });

  it('retries a 400 at the retryMax interval, as the processor does', async () => {
    const r = await receiver({ respond: () => ({ status: 400 }) });
    const exporter = new WebhookLogRecordExporter({ id: 'refused', url: r.url, events: ['*'], retryMax: '300ms', discardAfter: '1s' });
    const result = await exportOnce(exporter);
    await exporter.shutdown();
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.match(result.error?.message ?? '', /HTTP 400/);
    const [first, second] = r.requests;
    assert.ok(first && second, `${r.requests.length} requests`);
    assert.ok(second.receivedAt - first.receivedAt >= 280, `retried after ${second.receivedAt - first.receivedAt} ms`);
  });

  it('stops on 410 Gone: later exports fail without a request', async () => {
    const r = await receiver({ respond: () => ({ status: 410 }) });
    const exporter = new WebhookLogRecordExporter({ id: 'gone', url: r.url, events: ['*'] });
    const first = await exportOnce(exporter);
    const second = await exportOnce(exporter);
    await exporter.shutdown();
    assert.match(first.error?.message ?? '', /1 gone .*HTTP 410 Gone/);
    assert.equal(second.code, ExportResultCode.FAILED);
    assert.match(second.error?.message ?? '', /1 gone/);
    assert.equal(r.requests.length, 1);
  });

  it('with throttle, exports within one window go out together after the first', async () => {
    const r = await receiver();
    const exporter = new WebhookLogRecordExporter({ id: 'window', url: r.url, events: ['*'], throttle: '300ms' });
    const exportedAt = performance.now();
    const leading = exportOnce(exporter);
    await r.waitForRequests(1);
    const results = await Promise.all([leading, exportOnce(exporter), exportOnce(exporter)]);
    await exporter.shutdown();
    assert.deepEqual(
      results.map((result) => result.code),
      [ExportResultCode.SUCCESS, ExportResultCode.SUCCESS, ExportResultCode.SUCCESS],
    );
    assert.deepEqual(
      r.requests.map((q) => eventsOf(q.body).length),
      [1, 2],
    );
    const [first, second] = r.requests;
    assert.ok(first && second, 'two requests');
    // The window opened when the first request left, at most its arrival latency before it arrived.
    const firstLatency = first.receivedAt - exportedAt;
    assert.ok(second.receivedAt - first.receivedAt >= 300 - firstLatency - 5, 'the second window opened a throttle later');
  });

  it('with maxQueueEvents, drops what does not fit and reports FAILED', async () => {
    const r = await receiver();
    const exporter = new WebhookLogRecordExporter({ id: 'queue', url: r.url, events: ['*'], maxQueueEvents: 2 });
    const result = await exportOnce(exporter, records(3));
    await exporter.shutdown();
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.match(result.error?.message ?? '', /1 of 3 events not delivered: 1 overflow \(queue full\)/);
    assert.deepEqual(
      r.requests.flatMap((q) => eventsOf(q.body).map((e) => e.data.n)),
      [0, 1],
    );
  });

  it('with maxQueueBytes, drops what does not fit and reports FAILED', async () => {
    const r = await receiver();
    const exporter = new WebhookLogRecordExporter({ id: 'bytes', url: r.url, events: ['*'], maxQueueBytes: 1_024 });
    const result = await exportOnce(exporter, records(3, { details: 'x'.repeat(300) }));
    await exporter.shutdown();
    assert.match(result.error?.message ?? '', /1 of 3 events not delivered: 1 overflow/);
    assert.deepEqual(
      r.requests.flatMap((q) => eventsOf(q.body).map((e) => e.data.n)),
      [0, 1],
    );
  });

  it('with spoolDir, what was not delivered before shutdown is delivered by the next exporter', async (t) => {
    const spoolDir = tempDir(t);
    let up = false;
    const r = await receiver({ respond: () => ({ status: up ? 200 : 503 }) });
    const first = new WebhookLogRecordExporter({ id: 'spooled', url: r.url, events: ['*'], spoolDir, shutdownTimeout: '200ms' });
    const failed = exportOnce(first);
    await r.waitForRequests(1);
    await first.shutdown();
    assert.match((await failed).error?.message ?? '', /stay in the spool/);
    up = true;
    const second = new WebhookLogRecordExporter({ id: 'spooled', url: r.url, events: ['*'], spoolDir });
    await second.forceFlush();
    await second.shutdown();
    const [refused, ...later] = r.requests;
    assert.ok(refused && later.length > 0);
    assert.deepEqual(
      later.flatMap((q) => eventsOf(q.body).map((e) => e.id)),
      eventsOf(refused.body).map((e) => e.id),
    );
  });

  it('with spoolMaxBytes, drops what the spool cannot hold and reports FAILED', async (t) => {
    const r = await receiver();
    const spoolDir = tempDir(t);
    const exporter = new WebhookLogRecordExporter({ id: 'full', url: r.url, events: ['*'], spoolDir, spoolMaxBytes: 65_536 });
    const result = await exportOnce(exporter, records(2, { details: 'x'.repeat(40_000) }));
    await exporter.shutdown();
    assert.match(result.error?.message ?? '', /1 of 2 events not delivered: 1 overflow/);
    assert.equal(r.requests.flatMap((q) => eventsOf(q.body)).length, 1);
  });

  it('shutdown waits for an export in progress and lets it succeed', async () => {
    const r = await receiver({ respond: () => ({ status: 200, delayMillis: 300 }) });
    const exporter = new WebhookLogRecordExporter({ id: 'wait', url: r.url, events: ['*'] });
    const result = exportOnce(exporter);
    await r.waitForRequests(1);
    await exporter.shutdown();
    assert.equal((await result).code, ExportResultCode.SUCCESS);
  });

  it('shutdown gives up after shutdownTimeout, aborting the request and reporting FAILED', async () => {
    const r = await receiver({ respond: () => ({ status: 200, delayMillis: 10_000 }) });
    const exporter = new WebhookLogRecordExporter({ id: 'slow', url: r.url, events: ['*'], shutdownTimeout: '300ms' });
    const result = exportOnce(exporter);
    await r.waitForRequests(1);
    const started = performance.now();
    await exporter.shutdown();
    const took = performance.now() - started;
    assert.ok(took >= 250 && took < 3_000, `shutdown took ${took} ms`);
    assert.equal((await result).code, ExportResultCode.FAILED);
  });

  it('shutdown cuts a wait between attempts once shutdownTimeout passes', async () => {
    const r = await receiver(unavailable);
    const exporter = new WebhookLogRecordExporter({ id: 'cut', url: r.url, events: ['*'], retryMax: '10s', shutdownTimeout: '300ms' });
    const result = exportOnce(exporter);
    await r.waitForRequests(1);
    const started = performance.now();
    await exporter.shutdown();
    assert.ok(performance.now() - started < 3_000);
    const { code, error } = await result;
    assert.equal(code, ExportResultCode.FAILED);
    assert.match(error?.message ?? '', /1 shutdown \(still pending at shutdown\); last failure: HTTP 503/);
  });
});

describe('WebhookLogRecordExporter defaults', () => {
  const base = { id: 'ops', url: 'http://127.0.0.1:9/hook', events: ['*'] };

  it('its throttle defaults to 0: the SDK’s processor batches already', async () => {
    const exporter = new WebhookLogRecordExporter(base);
    assert.equal(exporter.options.throttleMillis, 0);
    await exporter.shutdown();
  });

  it('its retryMax defaults to the exporter’s own 5 s', async () => {
    const exporter = new WebhookLogRecordExporter(base);
    assert.equal(exporter.options.retryMaxMillis, 5_000);
    await exporter.shutdown();
  });

  it('takes throttle and retryMax as given', async () => {
    const exporter = new WebhookLogRecordExporter({ ...base, throttle: '1s', retryMax: '2s' });
    assert.equal(exporter.options.throttleMillis, 1_000);
    assert.equal(exporter.options.retryMaxMillis, 2_000);
    await exporter.shutdown();
  });
});
