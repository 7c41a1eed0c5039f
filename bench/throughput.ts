/**
 * Throughput scenario, one pipeline per process: emits `events` copies of the benchmark record
 * through a real `LoggerProvider` (in chunks, letting the event loop run between chunks as an
 * application's would) and waits until the pipeline has delivered them all to the receiver.
 * With `warmup`, as many records go through first, untimed, so the code runs optimized as in a
 * long-lived process; the receiver's counts are read before and after the timed part.
 *
 * - `webhook`: `webhooks` WebhookLogRecordProcessors (throttle 10 ms, `batch` events a request, signed).
 * - `otlp`: the SDK's BatchLogRecordProcessor (`batch` = maxExportBatchSize, scheduledDelay
 *   10 ms, queue large enough never to drop) → OTLPLogExporter (HTTP, JSON).
 * - `raw`: no pipeline: one pre-built, pre-signed body of `batch` webhook events POSTed again
 *   and again through the same undici transport the processor uses, one request at a time.
 * - `sdk`: the SDK alone, with a processor that does nothing: what emitting costs before any
 *   processor does its work, so the ceiling for every pipeline above.
 */
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resolveWebhookOptions } from '../src/config/resolve-options.ts';
import { encodeBatch } from '../src/delivery/encode.ts';
import { sign } from '../src/http/sign.ts';
import { createTransport } from '../src/http/transport.ts';
import { WebhookLogRecordProcessor } from '../src/processor.ts';
import { integerIdKeys } from '../src/records/catalog.ts';
import { toWebhookEvent } from '../src/records/event.ts';
import { markUsage, reportResult, scenarioParams, type Usage, usageSince, yieldToLoop } from './measure.ts';
import { BENCH_EVENT_TYPE, BENCH_SIGNATURE_KEY, benchRecord, sdkRecord } from './record.ts';
import type { ReceiverTotals, ThroughputParams, ThroughputResult } from './types.ts';

/** Throttle of the webhook processors (and delay of the OTLP batch processor) in throughput runs. */
const THROUGHPUT_THROTTLE_MILLIS = 10;

const params = scenarioParams<ThroughputParams>();
const record = benchRecord();

async function emitAll(provider: LoggerProvider, count: number): Promise<void> {
  const logger = provider.getLogger('bench');
  for (let sent = 0; sent < count; ) {
    const end = Math.min(count, sent + params.chunk);
    for (; sent < end; sent++) logger.emit(record);
    await yieldToLoop();
  }
  await provider.forceFlush();
}

async function receiverTotals(): Promise<ReceiverTotals> {
  const response = await fetch(`${params.url}/stats`);
  return (await response.json()) as ReceiverTotals;
}

interface Timed extends Usage {
  readonly received: number;
  readonly receivedBytes: number;
  readonly receivedRequests: number;
}

/** Runs `count` records (or events) through `run`: first the warm-up, then the timed part. */
async function timed(run: (count: number) => Promise<void>): Promise<Timed> {
  if (params.warmup > 0) await run(params.warmup);
  const before = await receiverTotals();
  const mark = markUsage();
  await run(params.events);
  const usage = usageSince(mark);
  const after = await receiverTotals();
  return {
    ...usage,
    received: after.events - before.events,
    receivedBytes: after.bytes - before.bytes,
    receivedRequests: after.requests - before.requests,
  };
}

type Outcome = Omit<ThroughputResult, 'pipeline' | 'events' | 'batch' | 'webhooks' | 'warmup'>;

async function runWebhook(): Promise<Outcome> {
  const processors: WebhookLogRecordProcessor[] = [];
  for (let i = 0; i < params.webhooks; i++) {
    processors.push(
      new WebhookLogRecordProcessor({
        id: `bench-${i}`,
        url: `${params.url}/webhook/${i}`,
        events: ['auth.*'],
        throttleMillis: THROUGHPUT_THROTTLE_MILLIS,
        maxBatchEvents: params.batch,
        signatureKey: BENCH_SIGNATURE_KEY,
        // Like the OTLP processor's queue below: room for the whole run, so nothing is dropped.
        maxQueueEvents: Math.max(params.events, params.warmup, 100_000),
        maxQueueBytes: 1024 * 1024 * 1024,
      }),
    );
  }
  const provider = new LoggerProvider({ processors });
  const totals = (): { delivered: number; dropped: number } => {
    let delivered = 0;
    let dropped = 0;
    for (const processor of processors) {
      const stats = processor.stats();
      delivered += stats.delivered;
      for (const n of Object.values(stats.dropped)) dropped += n;
    }
    return { delivered, dropped };
  };
  let before = totals();
  const result = await timed(async (count) => {
    before = totals();
    await emitAll(provider, count);
  });
  const after = totals();
  await provider.shutdown();
  return { ...result, delivered: after.delivered - before.delivered, dropped: after.dropped - before.dropped };
}

async function runOtlp(): Promise<Outcome> {
  // The exporter is typed against its own copy of sdk-logs; at run time the shapes are the same.
  const exporter = new OTLPLogExporter({ url: `${params.url}/v1/logs` }) as unknown as LogRecordExporter;
  const processor = new BatchLogRecordProcessor({
    exporter,
    maxExportBatchSize: params.batch,
    maxQueueSize: Math.max(params.events, params.warmup, 2048),
    scheduledDelayMillis: THROUGHPUT_THROTTLE_MILLIS,
  });
  const provider = new LoggerProvider({ processors: [processor] });
  const result = await timed((count) => emitAll(provider, count));
  await provider.shutdown();
  return result;
}

async function runSdk(): Promise<Outcome> {
  const noop: LogRecordProcessor = {
    onEmit: () => {},
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const provider = new LoggerProvider({ processors: [noop] });
  const result = await timed((count) => emitAll(provider, count));
  await provider.shutdown();
  return result;
}

async function runRaw(): Promise<Outcome> {
  const options = resolveWebhookOptions({ id: 'raw', url: `${params.url}/raw`, events: ['*'], signatureKey: BENCH_SIGNATURE_KEY });
  const source = sdkRecord();
  const bodyOf = (count: number): { body: Buffer; signature: string } => {
    const events = Array.from({ length: count }, () => toWebhookEvent(source, BENCH_EVENT_TYPE, 9, integerIdKeys));
    const body = encodeBatch(events);
    return { body, signature: sign(body, BENCH_SIGNATURE_KEY) };
  };
  const full = bodyOf(params.batch);
  const tails = new Map<number, { body: Buffer; signature: string }>();
  const transport = createTransport(options);
  let requests = 0;
  let delivered = 0;
  const result = await timed(async (count) => {
    requests = 0;
    delivered = 0;
    for (let sent = 0; sent < count; ) {
      const size = Math.min(params.batch, count - sent);
      let request = full;
      if (size < params.batch) {
        request = tails.get(size) ?? bodyOf(size);
        tails.set(size, request);
      }
      const outcome = await transport.send(request.body, { 'x-signature': request.signature });
      requests++;
      if (outcome.status !== 'success') throw new Error(`raw POST failed: ${outcome.message}`);
      sent += size;
      delivered += size;
    }
  });
  await transport.close();
  return { ...result, delivered, requests };
}

const run = { webhook: runWebhook, otlp: runOtlp, raw: runRaw, sdk: runSdk }[params.pipeline];
const result: ThroughputResult = {
  pipeline: params.pipeline,
  events: params.events,
  batch: params.batch,
  webhooks: params.webhooks,
  warmup: params.warmup,
  ...(await run()),
};
reportResult(result);
