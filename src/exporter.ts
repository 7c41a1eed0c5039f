import { inspect } from 'node:util';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { resolveExporterOptions } from './config/exporter-options.ts';
import type { ResolvedWebhookOptions, WebhookOptions } from './config/options.ts';
import { inspectAs, redactOptions } from './config/redacted-options.ts';
import { sourcesOf } from './config/sources.ts';
import type { DeliveryStats } from './delivery/outcomes.ts';
import { ExporterMetrics } from './metrics/exporter-metrics.ts';
import { ExportCompletions } from './pipeline/export-completions.ts';
import { WebhookPipeline } from './pipeline/webhook-pipeline.ts';

/**
 * A `LogRecordExporter` for the SDK's own processors (`BatchLogRecordProcessor`,
 * `SimpleLogRecordProcessor`): the records of each export are selected and mapped into
 * events and handed to the same delivery engine as {@link WebhookLogRecordProcessor}'s, with
 * its retry policy (backoff, `Retry-After`, 413 split, `discard-after`, `lossy`), queue caps
 * and spool. The callback comes once every event of the export has settled: SUCCESS when all
 * were delivered, FAILED with the reason when any was dropped. That can be after the SDK's
 * own `exportTimeoutMillis` gave up on it; the events are delivered all the same.
 *
 * Every option applies, with two defaults of its own: `throttle` 0 (the SDK's processor
 * batches already; set it to group exports into throttle windows) and `retryMax` 5 s.
 * `enable: false` sends nothing and reports success. `shutdownTimeout` bounds how long
 * `forceFlush()` and `shutdown()` wait for the events of exports in progress.
 */
export class WebhookLogRecordExporter implements LogRecordExporter {
  // Private fields: util.inspect and JSON.stringify cannot reach the secrets they hold.
  readonly #options: ResolvedWebhookOptions;
  readonly #view: ResolvedWebhookOptions;
  readonly #completions: ExportCompletions;
  readonly #pipeline: WebhookPipeline;
  readonly #metrics: ExporterMetrics | undefined;

  static {
    // What `util.inspect` and `console.log` show: the id and the redacted options.
    Object.defineProperty(WebhookLogRecordExporter.prototype, inspect.custom, { value: inspectAs('WebhookLogRecordExporter') });
  }

  /** Validates `options`, throwing a `WebhookConfigError` on bad input, and starts the webhook. */
  constructor(options: WebhookOptions) {
    const resolved = resolveExporterOptions(options);
    this.#options = resolved;
    this.#view = redactOptions(resolved);
    this.#completions = new ExportCompletions(resolved.id);
    const provider = resolved.enable ? resolved.selfObsMeterProvider : undefined;
    const metrics = provider === undefined ? undefined : new ExporterMetrics(resolved, provider);
    this.#metrics = metrics;
    const listeners = metrics === undefined ? [this.#completions] : [this.#completions, metrics];
    this.#pipeline = new WebhookPipeline(resolved, listeners, sourcesOf(options), metrics);
    metrics?.watch(() => this.#pipeline.nextSeq);
  }

  /** The validated options, as a frozen copy with its secrets shown as `***`. */
  get options(): ResolvedWebhookOptions {
    return this.#view;
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    const pipeline = this.#pipeline;
    if (pipeline.state === 'draining' || pipeline.state === 'closed') {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    if (!this.#options.enable) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    const group = this.#completions.open(pipeline.nextSeq, resultCallback);
    const operation = this.#metrics?.open(pipeline.nextSeq);
    for (const record of logs) pipeline.offer(record);
    this.#completions.seal(group, pipeline.nextSeq);
    if (operation !== undefined) this.#metrics?.seal(operation, pipeline.nextSeq);
  }

  /** Resolves when the events of the exports so far are delivered or dropped, or after `shutdownTimeout`. Never rejects. */
  forceFlush(): Promise<void> {
    return this.#pipeline.flush();
  }

  /**
   * Refuses new exports, delivers the events of those in progress (within `shutdownTimeout`),
   * counts what is left as dropped, failing those exports, and closes the connection. Never rejects.
   */
  async shutdown(): Promise<void> {
    await this.#pipeline.close();
    this.#completions.failAll('not delivered before shutdown; the events stay in the spool for the next start');
    this.#metrics?.close();
  }

  /** Counters of this webhook: pending, delivered, requests, drops by reason (as the processor's). */
  stats(): DeliveryStats {
    return this.#pipeline.stats();
  }

  /** What `JSON.stringify` writes: the id and the redacted options. */
  toJSON(): { id: string; options: ResolvedWebhookOptions } {
    return { id: this.#options.id, options: this.#view };
  }
}
