import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { WebhookConfigError } from '../src/config/errors.ts';
import type { WebhookOptions } from '../src/config/options.ts';
import { WebhookLogRecordExporter } from '../src/exporter.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();

/** One record as the SDK's processors hand it to an exporter (only the fields the exporter reads). */
const records = (): ReadableLogRecord[] => [{ eventName: 'auth.success', hrTime: [1_795_000_000, 0], attributes: {} }] as never;

function exportOnce(exporter: WebhookLogRecordExporter): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(records(), resolve));
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
    assert.equal(r.requests.length, 1);
  });

  it('gives up at once when Retry-After asks for a longer wait than retryMax', async () => {
    const r = await receiver({ respond: () => ({ status: 503, headers: { 'retry-after': '2' } }) });
    const exporter = new WebhookLogRecordExporter({ id: 'short', url: r.url, events: ['*'], retryMax: '1s' });
    const result = await exportOnce(exporter);
    await exporter.shutdown();
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.match(result.error?.message ?? '', /Retry-After is longer than retry-max/);
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

  it('does not retry events that would be older than discardAfter', async () => {
    const r = await receiver(unavailable);
    const exporter = new WebhookLogRecordExporter({ id: 'discard', url: r.url, events: ['*'], discardAfter: '200ms' });
    const result = await exportOnce(exporter);
    await exporter.shutdown();
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.match(result.error?.message ?? '', /discard-after/);
    assert.equal(r.requests.length, 1);
  });

  it('retries a retryable failure up to three attempts without discardAfter in the way', async () => {
    const r = await receiver(unavailable);
    const exporter = new WebhookLogRecordExporter({ id: 'three', url: r.url, events: ['*'], retryMax: '600ms' });
    const result = await exportOnce(exporter);
    await exporter.shutdown();
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.equal(r.requests.length, 3);
  });

  it('does not retry a 400: the receiver refused the batch', async () => {
    const r = await receiver({ respond: () => ({ status: 400 }) });
    const exporter = new WebhookLogRecordExporter({ id: 'refused', url: r.url, events: ['*'] });
    const result = await exportOnce(exporter);
    await exporter.shutdown();
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.equal(r.requests.length, 1);
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
    assert.equal((await result).code, ExportResultCode.FAILED);
  });
});

describe('WebhookLogRecordExporter rejects the options only the processor honours', () => {
  const base = { id: 'ops', url: 'http://127.0.0.1:9/hook', events: ['*'] };
  const cases: Array<{ patch: Partial<WebhookOptions>; key: string; why: RegExp }> = [
    {
      patch: { throttle: '1s' },
      key: 'throttle',
      why: /the SDK's processor batches \(scheduledDelayMillis\); use WebhookLogRecordProcessor/,
    },
    { patch: { throttleMillis: 500 }, key: 'throttleMillis', why: /scheduledDelayMillis/ },
    { patch: { maxQueueEvents: 10 }, key: 'maxQueueEvents', why: /the SDK's processor holds the queue \(maxQueueSize\)/ },
    { patch: { maxQueueBytes: 4096 }, key: 'maxQueueBytes', why: /maxQueueSize/ },
    { patch: { spoolDir: 'spool' }, key: 'spoolDir', why: /use WebhookLogRecordProcessor for a durable spool/ },
    { patch: { spoolMaxBytes: 65_536 }, key: 'spoolMaxBytes', why: /durable spool/ },
  ];
  for (const { patch, key, why } of cases) {
    it(`${key} is an error naming it and why`, () => {
      assert.throws(
        () => new WebhookLogRecordExporter({ ...base, ...patch }),
        (error: unknown) =>
          error instanceof WebhookConfigError &&
          error.code === 'ERR_WEBHOOK_UNSUPPORTED_OPTION' &&
          error.key === key &&
          error.message.startsWith(`${key} is not used by WebhookLogRecordExporter: `) &&
          why.test(error.message),
      );
    });
  }

  it('an exporter built without those options starts', async () => {
    const exporter = new WebhookLogRecordExporter({ ...base, retryMax: '2s', shutdownTimeout: '1s', lossy: false, enable: true });
    assert.equal(exporter.options.retryMaxMillis, 2_000);
    await exporter.shutdown();
  });

  it('its retryMax defaults to the exporter’s own 5 s', async () => {
    const exporter = new WebhookLogRecordExporter(base);
    assert.equal(exporter.options.retryMaxMillis, 5_000);
    await exporter.shutdown();
  });
});
