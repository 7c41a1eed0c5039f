import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createNoopMeter, type MeterProvider, ValueType } from '@opentelemetry/api';
import { DataPointType } from '@opentelemetry/sdk-metrics';
import { WebhookLogRecordProcessor } from '../../src/processor.ts';
import { testMetrics, until } from '../helpers/metrics.ts';
import { assertProcessorMatches, DURATION, EXPORTED, INFLIGHT, PROCESSED, QUEUE_CAPACITY, QUEUE_SIZE } from '../helpers/metrics-stats.ts';
import { eventsOf, pipeline } from '../helpers/pipeline.ts';
import { receivers } from '../helpers/receivers.ts';

const receiver = receivers();
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

describe('WebhookLogRecordProcessor self-observability metrics', () => {
  it('counts delivered records as processed and exported, with one operation per request and its status code', async () => {
    const r = await receiver();
    const m = testMetrics();
    const { logger, processor, provider } = pipeline({
      id: 'ops',
      url: r.url,
      events: ['*'],
      maxQueueEvents: 500,
      selfObsMeterProvider: m.provider,
    });
    for (let i = 0; i < 5; i++) logger.emit({ eventName: 'auth.success' });
    await processor.forceFlush();
    const s = await m.collect();
    const component = { 'otel.component.type': 'WebhookLogRecordProcessor', 'otel.component.name': 'ops' };
    const server = { 'server.address': '127.0.0.1', 'server.port': r.port };
    assert.deepEqual(
      s.points(PROCESSED).map((p) => [p.attributes, p.value]),
      [[component, 5]],
    );
    assert.deepEqual(
      s.points(EXPORTED).map((p) => [p.attributes, p.value]),
      [[{ ...component, ...server }, 5]],
    );
    assert.deepEqual(
      s.points(QUEUE_CAPACITY).map((p) => [p.attributes, p.value]),
      [[component, 500]],
    );
    assert.deepEqual(
      s.points(QUEUE_SIZE).map((p) => [p.attributes, p.value]),
      [[component, 0]],
    );
    assert.deepEqual(
      s.points(INFLIGHT).map((p) => [p.attributes, p.value]),
      [[{ ...component, ...server }, 0]],
    );
    const [operation, ...more] = s.histograms(DURATION);
    assert.equal(more.length, 0);
    assert.deepEqual(operation?.attributes, { ...component, ...server, 'http.response.status_code': 200 });
    assert.equal(operation?.value.count, r.requests.length);
    assertProcessorMatches(s, processor.stats());
    await provider.shutdown();
  });

  it('reports under the package’s meter, with the conventions’ instrument kinds, units and a single-bucket histogram', async () => {
    const r = await receiver();
    const m = testMetrics();
    const { logger, processor, provider } = pipeline({ url: r.url, events: ['*'], selfObsMeterProvider: m.provider });
    logger.emit({ eventName: 'auth.success' });
    await processor.forceFlush();
    const s = await m.collect();
    assert.deepEqual(
      s.scopes.map(({ scope }) => [scope.name, scope.version]),
      [[manifest.name, manifest.version]],
    );
    /** Counter: a monotonic sum; up-down counter: a non-monotonic sum; integers but for the histogram. */
    const kinds = Object.fromEntries(
      [PROCESSED, QUEUE_SIZE, QUEUE_CAPACITY, INFLIGHT, EXPORTED, DURATION].map((name) => {
        const metric = s.metric(name) ?? assert.fail(`${name} missing`);
        const kind =
          metric.dataPointType === DataPointType.SUM
            ? metric.isMonotonic
              ? 'counter'
              : 'updowncounter'
            : DataPointType[metric.dataPointType];
        const type = metric.descriptor.valueType === ValueType.INT ? 'int' : 'double';
        return [name, `${kind} ${type} ${metric.descriptor.unit}`];
      }),
    );
    assert.deepEqual(kinds, {
      [PROCESSED]: 'counter int {log_record}',
      [QUEUE_SIZE]: 'updowncounter int {log_record}',
      [QUEUE_CAPACITY]: 'updowncounter int {log_record}',
      [INFLIGHT]: 'updowncounter int {log_record}',
      [EXPORTED]: 'counter int {log_record}',
      [DURATION]: 'HISTOGRAM double s',
    });
    assert.deepEqual(s.histograms(DURATION)[0]?.value.buckets.boundaries, []);
    await provider.shutdown();
  });

  it('keeps a batch answered 503 in flight, not queued, through the backoff, and counts it once delivered as one operation', async () => {
    const r = await receiver({ respond: (_q, i) => (i === 0 ? { status: 503, headers: { 'retry-after': '1' } } : {}) });
    const m = testMetrics();
    const { logger, processor, provider } = pipeline({ url: r.url, events: ['*'], selfObsMeterProvider: m.provider });
    for (let i = 0; i < 5; i++) logger.emit({ eventName: 'auth.success' });
    await until(() => processor.stats().failedRequests === 1);
    const during = await m.collect();
    assert.equal(during.sum(INFLIGHT), 5);
    assert.equal(during.sum(QUEUE_SIZE), 0);
    assert.equal(during.succeeded(PROCESSED), 5);
    assert.equal(during.sum(EXPORTED), 0);
    assert.equal(during.observations(DURATION), 0);
    assertProcessorMatches(during, processor.stats());
    await processor.forceFlush();
    const after = await m.collect();
    assert.equal(r.requests.length, 2);
    assert.deepEqual(after.errors(EXPORTED), {});
    assert.equal(after.succeeded(EXPORTED), 5);
    assert.equal(after.succeeded(PROCESSED), 5, 'a retry is not processed again');
    const [operation, ...more] = after.histograms(DURATION);
    assert.equal(more.length, 0);
    assert.equal(operation?.value.count, 1);
    assert.equal(operation?.attributes['http.response.status_code'], 200);
    assert.ok((operation?.value.sum ?? 0) >= 0.9, `the backoff counts: ${operation?.value.sum} s`);
    assertProcessorMatches(after, processor.stats());
    await provider.shutdown();
  });

  it('counts the halves of a batch split after 413 as the one operation the batch began', async () => {
    const r = await receiver({ respond: (q) => ({ status: eventsOf(q.body).length > 1 ? 413 : 200 }) });
    const m = testMetrics();
    const { logger, processor, provider } = pipeline({ url: r.url, events: ['*'], selfObsMeterProvider: m.provider });
    for (let i = 0; i < 4; i++) logger.emit({ eventName: 'auth.success' });
    await processor.forceFlush();
    const s = await m.collect();
    assert.equal(r.requests.length, 7);
    assert.equal(s.succeeded(EXPORTED), 4);
    assert.deepEqual(
      s.histograms(DURATION).map((h) => [h.attributes['http.response.status_code'], h.attributes['error.type'], h.value.count]),
      [[200, undefined, 1]],
    );
    assertProcessorMatches(s, processor.stats());
    await provider.shutdown();
  });

  it('does not count records the webhook does not select', async () => {
    const r = await receiver();
    const m = testMetrics();
    const { logger, processor, provider } = pipeline({ url: r.url, events: ['auth.*'], selfObsMeterProvider: m.provider });
    logger.emit({ eventName: 'smtp.connection-start' });
    logger.emit({ eventName: 'auth.success' });
    await processor.forceFlush();
    const s = await m.collect();
    assert.equal(s.sum(PROCESSED), 1);
    assert.equal(s.sum(EXPORTED), 1);
    await provider.shutdown();
  });

  it('makes no meter for a disabled webhook', () => {
    let meters = 0;
    const provider: MeterProvider = {
      getMeter: () => {
        meters++;
        return createNoopMeter();
      },
    };
    new WebhookLogRecordProcessor({
      id: 'off',
      url: 'http://127.0.0.1:9/hook',
      events: ['*'],
      enable: false,
      selfObsMeterProvider: provider,
    });
    assert.equal(meters, 0);
    const on = new WebhookLogRecordProcessor({ id: 'on', url: 'http://127.0.0.1:9/hook', events: ['*'], selfObsMeterProvider: provider });
    assert.equal(meters, 1);
    return on.shutdown();
  });
});
