import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { WebhookLogRecordProcessor } from '../processor.ts';

type DeliveryStats = ReturnType<WebhookLogRecordProcessor['stats']>;

/** The sender must retry later: 429 (a webhook's queue is full) or 503 (shutting down, every webhook stopped). */
export interface Busy {
  readonly status: 429 | 503;
  readonly retryAfterSeconds: number;
  readonly message: string;
}

const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * When to try again: one throttle window while the webhook delivers, or about the retry
 * backoff of its failing batch (whole seconds, 1 to 60).
 */
export function retryAfterSeconds(processor: WebhookLogRecordProcessor, stats: DeliveryStats): number {
  const { throttleMillis, retryMaxMillis } = processor.options;
  const millis = stats.attempt > 0 ? Math.min(retryMaxMillis, throttleMillis * 2 ** Math.min(stats.attempt, 30)) : throttleMillis;
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(millis / 1000)));
}

/** The 429 for a webhook whose queue (or spool) cannot take the request's records. */
export function queueFull(processor: WebhookLogRecordProcessor, stats: DeliveryStats, what: string): Busy {
  return {
    status: 429,
    retryAfterSeconds: retryAfterSeconds(processor, stats),
    message: `webhook ${JSON.stringify(processor.id)} cannot take more now (${what}; ${stats.pending} events pending): retry later`,
  };
}

/**
 * Checked before any record is emitted: whether every webhook that keeps what it is given
 * (not `lossy`) has room for the records it may select, counted by its `enabled` check (event
 * name and severity) and, in bytes, at the average size of the events it holds: room in its
 * memory queue, or with a spool, in the spool. A webhook with an empty queue always takes the
 * request: what cannot fit is rejected for good then.
 */
export function checkRoom(processors: readonly WebhookLogRecordProcessor[], records: readonly ReadableLogRecord[]): Busy | undefined {
  for (const processor of processors) {
    const { lossy, maxQueueEvents, maxQueueBytes } = processor.options;
    if (lossy) continue;
    const stats = processor.stats();
    if (stats.state !== 'running' || stats.pending === 0) continue;
    let upper = 0;
    for (const record of records) if (processor.enabled(record)) upper++;
    if (upper === 0) continue;
    const { spool } = stats;
    if (spool !== undefined) {
      // What the memory queue has no room for waits in the spool: its limit is the one that counts.
      const estimate = (spool.bytes / stats.pending) * upper;
      if (spool.bytes + estimate > spool.maxBytes) return queueFull(processor, stats, `spool-max-bytes ${spool.maxBytes}`);
      continue;
    }
    if (stats.pending + upper > maxQueueEvents) return queueFull(processor, stats, `max-queue-events ${maxQueueEvents}`);
    const estimate = (stats.pendingBytes / stats.pending) * upper;
    if (stats.pendingBytes + estimate > maxQueueBytes) return queueFull(processor, stats, `max-queue-bytes ${maxQueueBytes}`);
  }
  return undefined;
}
