import assert from 'node:assert/strict';
import type { DropReason } from '../../src/delivery/drops.ts';
import type { DeliveryStats } from '../../src/delivery/outcomes.ts';
import type { MetricsSnapshot } from './metrics.ts';

export const PROCESSED = 'otel.sdk.processor.log.processed';
export const QUEUE_SIZE = 'otel.sdk.processor.log.queue.size';
export const QUEUE_CAPACITY = 'otel.sdk.processor.log.queue.capacity';
export const INFLIGHT = 'otel.sdk.exporter.log.inflight';
export const EXPORTED = 'otel.sdk.exporter.log.exported';
export const DURATION = 'otel.sdk.exporter.operation.duration';

/** The `error.type` each drop reason is reported with, as the README documents it. */
export const ERROR_TYPE: Readonly<Record<DropReason, string>> = {
  overflow: 'queue_full',
  shutdown: 'already_shutdown',
  lossy: 'lossy',
  discarded: 'discarded',
  gone: 'gone',
  'too-large': 'too_large',
  invalid: 'invalid',
};

/** Drops by `error.type`, the reasons with none left out. */
function dropsByErrorType(stats: DeliveryStats): Record<string, number> {
  const drops: Record<string, number> = {};
  for (const [reason, count] of Object.entries(stats.dropped)) if (count > 0) drops[ERROR_TYPE[reason as DropReason]] = count;
  return drops;
}

/** Adds the counts of two `error.type` tallies. */
function plus(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum = { ...a };
  for (const [type, count] of Object.entries(b)) sum[type] = (sum[type] ?? 0) + count;
  return sum;
}

/**
 * A processor's metrics tell what `stats()` tells: every record accepted is processed or
 * queued, every record processed successfully was exported or is in flight, delivered records
 * are the successful exports, and every drop is a processed or an exported failure.
 */
export function assertProcessorMatches(snapshot: MetricsSnapshot, stats: DeliveryStats): void {
  assert.equal(snapshot.succeeded(EXPORTED), stats.delivered, 'delivered');
  assert.deepEqual(plus(snapshot.errors(PROCESSED), snapshot.errors(EXPORTED)), dropsByErrorType(stats), 'dropped');
  const queued = snapshot.sum(QUEUE_SIZE);
  const inflight = snapshot.sum(INFLIGHT);
  assert.ok(queued >= 0 && inflight >= 0, `queued ${queued}, in flight ${inflight}`);
  assert.equal(snapshot.sum(PROCESSED) + queued, stats.accepted, 'accepted');
  assert.equal(snapshot.succeeded(PROCESSED), snapshot.sum(EXPORTED) + inflight, 'sent');
  assert.equal(queued + inflight, stats.pending, 'pending');
}

/** An exporter's metrics tell what `stats()` tells: one exported outcome per record settled, the rest in flight. */
export function assertExporterMatches(snapshot: MetricsSnapshot, stats: DeliveryStats): void {
  assert.equal(snapshot.succeeded(EXPORTED), stats.delivered, 'delivered');
  assert.deepEqual(snapshot.errors(EXPORTED), dropsByErrorType(stats), 'dropped');
  assert.equal(snapshot.points(PROCESSED).length, 0, 'an exporter processes nothing');
  assert.equal(snapshot.sum(INFLIGHT), stats.pending, 'pending');
  assert.equal(snapshot.sum(EXPORTED), stats.accepted - stats.pending, 'settled');
}
