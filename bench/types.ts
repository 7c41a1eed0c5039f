/** Parameters and results passed between the runner and the scenario processes. */
import type { Usage } from './measure.ts';

export interface HotPathParams {
  /** The receiver's base URL. */
  readonly url: string;
  /** Emits per configuration before timing starts. */
  readonly warmup: number;
  /** Timed samples per configuration. */
  readonly samples: number;
  /** Emits per timed sample. */
  readonly perSample: number;
}

/** Nanoseconds per emit for each processor configuration. */
export interface PerConfig {
  readonly noop: number;
  readonly filtered: number;
  readonly matched: number;
}

export interface HotPathResult {
  readonly emitsPerConfig: number;
  readonly perSample: number;
  readonly medianNanos: PerConfig;
  readonly p90Nanos: PerConfig;
  readonly matchedDelivered: number;
  readonly matchedDropped: number;
}

/** `sdk` is the SDK alone (a no-op processor, nothing sent): the ceiling for any processor. */
export type Pipeline = 'webhook' | 'otlp' | 'raw' | 'sdk';

export interface ThroughputParams {
  readonly pipeline: Pipeline;
  /** The receiver's base URL. */
  readonly url: string;
  readonly events: number;
  /** Events per request (webhook maxBatchEvents, OTLP maxExportBatchSize, raw body size). */
  readonly batch: number;
  /** Webhook processors side by side, each sending every event (webhook pipeline only). */
  readonly webhooks: number;
  /** Records emitted between two turns of the event loop. */
  readonly chunk: number;
  /** Records (or events) run through first, untimed. */
  readonly warmup: number;
}

/** The receiver's running totals. */
export interface ReceiverTotals {
  readonly requests: number;
  readonly events: number;
  readonly bytes: number;
}

export interface ThroughputResult extends Usage {
  readonly pipeline: Pipeline;
  readonly events: number;
  readonly batch: number;
  readonly webhooks: number;
  readonly warmup: number;
  /** What the receiver counted during the timed part. */
  readonly received: number;
  readonly receivedBytes: number;
  readonly receivedRequests: number;
  /** Events the pipeline reports delivered (webhook and raw only). */
  readonly delivered?: number;
  readonly requests?: number;
  readonly dropped?: number;
}

export interface OutageParams {
  readonly events: number;
  readonly chunk: number;
  /** The queue cap the processor is configured with. */
  readonly maxQueueEvents: number;
  readonly maxQueueBytes: number;
}

export interface OutageResult extends Usage {
  readonly events: number;
  readonly maxQueueEvents: number;
  readonly maxQueueBytes: number;
  readonly pending: number;
  readonly pendingBytes: number;
  readonly accepted: number;
  readonly delivered: number;
  readonly failedRequests: number;
  readonly dropped: Readonly<Record<string, number>>;
}

export interface StepsParams {
  /** Records per timed round of the per-record steps. */
  readonly events: number;
  /** Events per encoded (and signed) body. */
  readonly batch: number;
  readonly rounds: number;
}

/** CPU nanoseconds per event of each step. */
export interface StepsResult {
  readonly selectFiltered: number;
  readonly selectMatched: number;
  readonly toEvent: number;
  readonly encode: number;
  readonly sign: number;
  readonly batch: number;
  readonly bodyBytes: number;
}
