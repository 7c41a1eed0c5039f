import type { BatchObservableCallback, Meter, MeterProvider } from '@opentelemetry/api';
import type { ResolvedWebhookOptions } from '../config/options.ts';
import type { AttemptListener, DeliveryOutcome, SettleListener } from '../delivery/outcomes.ts';
import type { DeliveryResult } from '../http/delivery-result.ts';
import { AttributeSets, componentAttributes, ERROR_TYPES, EXPORTER_COMPONENT_TYPE, serverAttributes } from './attributes.ts';
import { type ExporterInstruments, exporterInstruments, guard, webhookMeter } from './meter.ts';
import { type Operation, Operations } from './operations.ts';

/**
 * The self-observability metrics of a `WebhookLogRecordExporter` (`otel.component.type` =
 * `WebhookLogRecordExporter`, `otel.component.name` = the webhook id), as the conventions
 * define them for exporters:
 *
 * - `otel.sdk.exporter.log.inflight`: records the webhook took from `export()` calls (and
 *   recovered from its spool) that are not delivered or dropped yet, retries included;
 * - `otel.sdk.exporter.log.exported`: once per record at its outcome, with `error.type` naming
 *   the drop (`queue_full`, `lossy`, `gone`, …);
 * - `otel.sdk.exporter.operation.duration`: one observation per `export()` call, from the
 *   call until every record it handed over has settled, with the HTTP status code of the last
 *   request that carried any of them.
 *
 * Records an export hands over that the webhook does not select are neither sent nor
 * dropped, and not counted. Made only when a meter provider is given.
 */
export class ExporterMetrics implements SettleListener, AttemptListener {
  private readonly instruments: ExporterInstruments;
  private readonly meter: Meter;
  private readonly sets: AttributeSets;
  private readonly operations: Operations;
  private settled = 0;
  private accepted: () => number = () => 0;
  /** In flight once shut down (records left in the spool): nothing changes it any more. */
  private final: number | undefined;
  private readonly observe: BatchObservableCallback;

  constructor(options: ResolvedWebhookOptions, provider: MeterProvider) {
    this.meter = webhookMeter(provider);
    this.instruments = exporterInstruments(this.meter);
    this.sets = new AttributeSets({ ...componentAttributes(EXPORTER_COMPONENT_TYPE, options.id), ...serverAttributes(options.url) });
    this.operations = new Operations((operation, seconds) => this.concluded(operation, seconds));
    this.observe = (result) => {
      result.observe(this.instruments.inflight, this.final ?? this.accepted() - this.settled, this.sets.of(undefined));
    };
  }

  /** Starts observing; `accepted` is the engine's count of accepted records. */
  watch(accepted: () => number): void {
    this.accepted = accepted;
    this.meter.addBatchObservableCallback(this.observe, [this.instruments.inflight]);
  }

  /** An `export()` call starts; its records get sequence numbers from `start` on. */
  open(start: number): Operation {
    return this.operations.open(start);
  }

  /** The export has handed over its records, numbered below `end`. */
  seal(operation: Operation, end: number): void {
    this.operations.seal(operation, end, end - operation.start);
  }

  onSend(): void {
    // An export operation starts at its export() call, not at a request.
  }

  onResult(seqs: readonly number[], result: DeliveryResult): void {
    this.operations.answered(seqs, result.statusCode);
  }

  onSettled(outcome: DeliveryOutcome, seqs: readonly number[]): void {
    const errorType = outcome === 'delivered' ? undefined : ERROR_TYPES[outcome];
    this.settled += seqs.length;
    for (const seq of seqs) this.operations.settle(seq, errorType);
    try {
      this.instruments.exported.add(seqs.length, this.sets.of(errorType));
    } catch {
      // Metrics are best effort.
    }
  }

  /** The exporter has shut down: exports whose records stay in the spool conclude as `already_shutdown`; the in-flight count stays as it is now. */
  close(): void {
    this.operations.concludeAll(ERROR_TYPES.shutdown);
    // Observing goes on (a removed callback would leave its last value standing), with the
    // final value, so that nothing of the webhook is kept alive for it.
    this.final = this.accepted() - this.settled;
    this.accepted = () => 0;
  }

  private concluded(operation: Operation, seconds: number): void {
    const attributes = this.sets.operation(operation.statusCode, operation.errorType);
    guard(() => this.instruments.duration.record(seconds, attributes));
  }
}
