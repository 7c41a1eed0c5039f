import type { DiagLogger } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { resolveWebhookOptions } from './config/config.ts';
import { warnUnmatchedPatterns, webhookLogger } from './config/diagnostics.ts';
import type { ResolvedWebhookOptions, WebhookOptions } from './config/options.ts';
import { sourcesOf } from './config/sources.ts';
import { backoffMillis } from './delivery/backoff.ts';
import { encodeBatch } from './delivery/encode.ts';
import { EventQueue } from './delivery/event-queue.ts';
import type { DeliveryResult } from './http/classify-response.ts';
import { sign } from './http/sign.ts';
import { createTransport, type WebhookTransport } from './http/transport.ts';
import { integerIdKeys } from './records/catalog.ts';
import { toWebhookEvent, type WebhookEvent } from './records/event.ts';
import { compileEventMatcher, type EventMatcher } from './records/match.ts';
import { recordSeverity, selectRecord } from './records/select.ts';

/** Attempts per request (the first and its retries) before an export reports failure. */
export const EXPORT_ATTEMPTS = 3;
/** Upper bound of the wait between two attempts of one export. */
export const EXPORT_RETRY_MAX_MILLIS = 5_000;
const EXPORT_RETRY_BASE_MILLIS = 500;

function wait(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis).unref());
}

/**
 * A `LogRecordExporter` for the SDK's own processors (`BatchLogRecordProcessor`,
 * `SimpleLogRecordProcessor`): it selects, maps, signs and POSTs each batch it is handed, with
 * a few quick retries, and no throttle of its own. Use {@link WebhookLogRecordProcessor} for
 * Stalwart's throttle window and patient retries.
 */
export class WebhookLogRecordExporter implements LogRecordExporter {
  readonly options: ResolvedWebhookOptions;
  private readonly matcher: EventMatcher;
  private readonly transport: WebhookTransport;
  private readonly log: DiagLogger;
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;

  constructor(options: WebhookOptions) {
    this.options = resolveWebhookOptions(options);
    this.log = webhookLogger(this.options.id);
    this.matcher = compileEventMatcher(this.options.events);
    this.transport = createTransport(this.options);
    warnUnmatchedPatterns(this.options, this.log, sourcesOf(options));
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    const work = this.send(logs).then(
      (error) => resultCallback(error === undefined ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error }),
      (error: unknown) => resultCallback({ code: ExportResultCode.FAILED, error: error as Error }),
    );
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  async forceFlush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.forceFlush();
    await this.transport.close();
  }

  /** Sends the selected records of one export; resolves with the error that failed it, if any. */
  private async send(logs: readonly ReadableLogRecord[]): Promise<Error | undefined> {
    const queue = new EventQueue();
    for (const record of logs) {
      const event = this.toEvent(record);
      if (event !== undefined) queue.push(event);
    }
    const cutoff = Date.now() - this.options.discardAfterMillis;
    while (queue.length > 0) {
      const error = await this.deliver(queue.take(this.options.maxBatchEvents, this.options.maxBatchBytes), cutoff);
      if (error !== undefined) return error;
    }
    return undefined;
  }

  private toEvent(record: ReadableLogRecord): WebhookEvent | undefined {
    try {
      const type = selectRecord(record, this.options, this.matcher);
      return type === undefined ? undefined : toWebhookEvent(record, type, recordSeverity(record, type), integerIdKeys);
    } catch (error) {
      this.log.warn(`a record could not be converted and was dropped: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** One batch with its retries; a 413 splits it in halves. */
  private async deliver(batch: WebhookEvent[], cutoff: number): Promise<Error | undefined> {
    let result: DeliveryResult | undefined;
    for (let attempt = 1; attempt <= EXPORT_ATTEMPTS && !this.stopped; attempt++) {
      const body = encodeBatch(batch);
      const key = this.options.signatureKey;
      result = await this.transport.send(body, key === undefined ? undefined : sign(body, key));
      if (result.status !== 'retryable') break;
      if (attempt < EXPORT_ATTEMPTS) {
        const delay = Math.max(backoffMillis(attempt, EXPORT_RETRY_BASE_MILLIS, EXPORT_RETRY_MAX_MILLIS), result.retryAfterMillis ?? 0);
        if (delay > EXPORT_RETRY_MAX_MILLIS) break;
        await wait(delay);
      }
      if (batch.every((event) => event.acceptedAt < cutoff)) break;
    }
    if (result === undefined) return new Error('exporter is shut down');
    if (result.status === 'success') return undefined;
    if (result.status === 'failure' && result.reason === 'too-large' && batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      return (await this.deliver(batch.slice(0, half), cutoff)) ?? (await this.deliver(batch.slice(half), cutoff));
    }
    this.log.warn(`export of ${batch.length} events failed: ${result.message}`);
    return new Error(`webhook "${this.options.id}": ${result.message}`);
  }
}
