import type { Attributes, BatchObservableCallback, Meter, MeterProvider } from '@opentelemetry/api';
import type { ResolvedWebhookOptions } from '../config/options.ts';
import type { AttemptListener, DeliveryOutcome, SettleListener } from '../delivery/outcomes.ts';
import type { DeliveryResult } from '../http/delivery-result.ts';
import { AttributeSets, componentAttributes, ERROR_TYPES, PROCESSOR_COMPONENT_TYPE, serverAttributes } from './attributes.ts';
import {
  type ExporterInstruments,
  exporterInstruments,
  guard,
  type ProcessorInstruments,
  processorInstruments,
  webhookMeter,
} from './meter.ts';
import { type Operation, Operations } from './operations.ts';

/**
 * The self-observability metrics of a `WebhookLogRecordProcessor`, which is a batching
 * processor and its exporter in one, so it reports both sets of the conventions, under one
 * component (`otel.component.type` = `WebhookLogRecordProcessor`, `otel.component.name` = the
 * webhook id):
 *
 * - `otel.sdk.processor.log.processed`: a record is processed when the batch holding it is
 *   first sent (success), or when it is dropped before that (`error.type`: `queue_full`,
 *   `too_large`, `invalid`, `gone`, `already_shutdown`, `discarded`). What happens to it after
 *   it was sent does not count here.
 * - `otel.sdk.processor.log.queue.size` (the records not yet sent) and `.queue.capacity`
 *   (`max-queue-events`).
 * - `otel.sdk.exporter.log.inflight` (sent, not yet delivered or dropped: retries and the
 *   backoff between them included), `otel.sdk.exporter.log.exported` (once per record, at its
 *   outcome, `error.type` naming the drop), and `otel.sdk.exporter.operation.duration`: one
 *   observation per batch from its first attempt until all its records settled (a 413 split
 *   stays one operation), with the last HTTP status code.
 *
 * Records leave the queue in order (held batches are older than every queued record), so a
 * record has been sent exactly when its sequence number is at most the highest sent so far.
 * Made only when a meter provider is given: without one the engine has no such listener.
 */
export class ProcessorMetrics implements SettleListener, AttemptListener {
  private readonly processor: ProcessorInstruments;
  private readonly exporter: ExporterInstruments;
  private readonly meter: Meter;
  private readonly processorSets: AttributeSets;
  private readonly exporterSets: AttributeSets;
  private readonly operations: Operations;
  /** The highest sequence number sent so far (-1: none). */
  private highestSent = -1;
  private sent = 0;
  private droppedUnsent = 0;
  private exportedCount = 0;
  private accepted: () => number = () => 0;
  /** Queued and in flight once shut down: nothing changes them any more. */
  private final: readonly [number, number] | undefined;
  private readonly observe: BatchObservableCallback;

  constructor(options: ResolvedWebhookOptions, provider: MeterProvider) {
    this.meter = webhookMeter(provider);
    this.processor = processorInstruments(this.meter);
    this.exporter = exporterInstruments(this.meter);
    const component = componentAttributes(PROCESSOR_COMPONENT_TYPE, options.id);
    this.processorSets = new AttributeSets(component);
    this.exporterSets = new AttributeSets({ ...component, ...serverAttributes(options.url) });
    this.operations = new Operations((operation, seconds) => this.concluded(operation, seconds));
    this.processor.queueCapacity.add(options.maxQueueEvents, this.processorSets.of(undefined));
    this.observe = (result) => {
      const [queued, inflight] = this.final ?? this.current();
      result.observe(this.processor.queueSize, queued, this.processorSets.of(undefined));
      result.observe(this.exporter.inflight, inflight, this.exporterSets.of(undefined));
    };
  }

  /** Starts observing the queue; `accepted` is the engine's count of accepted records. */
  watch(accepted: () => number): void {
    this.accepted = accepted;
    this.meter.addBatchObservableCallback(this.observe, [this.processor.queueSize, this.exporter.inflight]);
  }

  onSend(seqs: readonly number[]): void {
    const first = seqs[0];
    if (first === undefined || first <= this.highestSent) return;
    const last = seqs[seqs.length - 1] as number;
    this.highestSent = last;
    this.sent += seqs.length;
    guard(() => this.processor.processed.add(seqs.length, this.processorSets.of(undefined)));
    this.operations.seal(this.operations.open(first), last + 1, seqs.length);
  }

  onResult(seqs: readonly number[], result: DeliveryResult): void {
    this.operations.answered(seqs, result.statusCode);
  }

  onSettled(outcome: DeliveryOutcome, seqs: readonly number[]): void {
    const errorType = outcome === 'delivered' ? undefined : ERROR_TYPES[outcome];
    let exported = 0;
    for (const seq of seqs) {
      if (seq > this.highestSent) continue;
      exported++;
      this.operations.settle(seq, errorType);
    }
    const unsent = seqs.length - exported;
    this.exportedCount += exported;
    this.droppedUnsent += unsent;
    try {
      if (unsent > 0) this.processor.processed.add(unsent, this.processorSets.of(errorType));
      if (exported > 0) this.exporter.exported.add(exported, this.exporterSets.of(errorType));
    } catch {
      // Metrics are best effort.
    }
  }

  /** The processor has shut down: batches left in the spool conclude as `already_shutdown`; queue and in-flight counts stay as they are now. */
  close(): void {
    this.operations.concludeAll(ERROR_TYPES.shutdown);
    // Observing goes on (a removed callback would leave its last value standing), with the
    // final values, so that nothing of the webhook is kept alive for it.
    this.final = this.current();
    this.accepted = () => 0;
  }

  /** Records queued (not sent yet) and in flight (sent, not settled yet). */
  private current(): readonly [number, number] {
    return [this.accepted() - this.sent - this.droppedUnsent, this.sent - this.exportedCount];
  }

  private concluded(operation: Operation, seconds: number): void {
    const attributes: Attributes = this.exporterSets.operation(operation.statusCode, operation.errorType);
    guard(() => this.exporter.duration.record(seconds, attributes));
  }
}
