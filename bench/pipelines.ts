/**
 * Builds the emitting pipelines of the comparison, as an application would set them up: a
 * `LoggerProvider` with one processor, at its defaults but for what each shape changes.
 *
 * - `noop`: a processor that does nothing: the SDK's own `logger.emit`, the baseline.
 * - `webhook`: the installed package's `WebhookLogRecordProcessor`, default options (throttle
 *   1 s, batch 1,000) in the burst shape, throttle 10 ms in the steady one; with `spool`, a
 *   spool in a fresh temporary directory plus that mode's extra options.
 * - `otlp`: the SDK's `BatchLogRecordProcessor` → `OTLPLogExporter` (OTLP/HTTP JSON), default
 *   options (batch 512, delay 1 s) or `otlpBatch`, delay 10 ms in the steady shape, and a
 *   `maxQueueSize` holding the whole run (its default 2,048 would drop most of a burst).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@opentelemetry/api';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { PackageUnderTest } from './measure.ts';
import { BENCH_EVENTS, BENCH_SIGNATURE_KEY } from './records.ts';
import type { PipelineParams } from './types.ts';

/** The processor's default queue cap, in events. */
const DEFAULT_MAX_QUEUE_EVENTS = 100_000;

export interface EmittingPipeline {
  readonly logger: Logger;
  /** Resolves when everything emitted so far has its answer from the sink. */
  flush(): Promise<void>;
  /** Events the pipeline itself reports dropped. */
  dropped(): number;
  close(): Promise<void>;
}

/** A processor that does nothing. */
export class NoopProcessor implements LogRecordProcessor {
  onEmit(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function fromProcessor(processor: LogRecordProcessor, dropped: () => number, cleanup = (): void => {}): EmittingPipeline {
  const provider = new LoggerProvider({ processors: [processor] });
  return {
    logger: provider.getLogger('bench'),
    flush: () => provider.forceFlush(),
    dropped,
    async close() {
      await provider.shutdown();
      cleanup();
    },
  };
}

export async function buildPipeline(pkg: PackageUnderTest, params: PipelineParams): Promise<EmittingPipeline> {
  const { spec, shape } = params;
  const steady = shape === 'steady';
  if (spec.kind === 'noop') return fromProcessor(new NoopProcessor(), () => 0);
  if (spec.kind === 'otlp') {
    // Loaded only here, so the other pipelines' processes do not carry it.
    const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-http');
    // The exporter is typed against its own copy of sdk-logs; at run time the shapes are the same.
    const exporter = new OTLPLogExporter({ url: `${params.sink}/ok/${params.key}` }) as unknown as LogRecordExporter;
    const processor = new BatchLogRecordProcessor({
      exporter,
      maxQueueSize: Math.max(2_048, params.events + params.warmup),
      ...(spec.otlpBatch === undefined ? {} : { maxExportBatchSize: spec.otlpBatch }),
      ...(steady ? { scheduledDelayMillis: params.steadyThrottleMillis } : {}),
    });
    return fromProcessor(processor, () => 0);
  }
  if (spec.kind !== 'webhook') throw new Error(`not an emitting pipeline: ${spec.kind}`);
  const spoolDir = spec.spool === undefined ? undefined : mkdtempSync(join(tmpdir(), 'otel-webhook-bench-spool-'));
  const processor = new pkg.WebhookLogRecordProcessor({
    id: spec.id,
    url: `${params.sink}/ok/${params.key}`,
    events: BENCH_EVENTS,
    signatureKey: BENCH_SIGNATURE_KEY,
    ...(steady ? { throttleMillis: params.steadyThrottleMillis } : {}),
    ...(params.events > DEFAULT_MAX_QUEUE_EVENTS ? { maxQueueEvents: params.events } : {}),
    ...(spoolDir === undefined ? {} : { ...spec.spool, spoolDir }),
  });
  const dropped = (): number => Object.values(processor.stats().dropped).reduce((a, b) => a + b, 0);
  return fromProcessor(processor, dropped, () => {
    if (spoolDir !== undefined) rmSync(spoolDir, { recursive: true, force: true });
  });
}
