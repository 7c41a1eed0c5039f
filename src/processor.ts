import { inspect } from 'node:util';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { ResolvedWebhookOptions, WebhookOptions } from './config/options.ts';
import { inspectAs, redactOptions } from './config/redacted-options.ts';
import { resolveWebhookOptions } from './config/resolve-options.ts';
import { sourcesOf } from './config/sources.ts';
import type { DeliveryStats } from './delivery/outcomes.ts';
import { ProcessorMetrics } from './metrics/processor-metrics.ts';
import { registerOffer } from './pipeline/offer-record.ts';
import { WebhookPipeline } from './pipeline/webhook-pipeline.ts';

/**
 * Sends the log records of one Stalwart-style webhook: records whose event type the webhook
 * selects at `onEmit` are written as events by the end of that turn of the event loop (at once
 * with `spool-sync = "event"`), batched by the throttle window and POSTed,
 * signed, one request at a time. Add one per webhook to a `LoggerProvider`'s `processors`
 * (or NodeSDK's `logRecordProcessors`) beside the other sinks. Never throws into the
 * application: problems are counted and reported through `diag`.
 */
export class WebhookLogRecordProcessor implements LogRecordProcessor {
  // Private fields: util.inspect and JSON.stringify cannot reach the secrets they hold.
  readonly #options: ResolvedWebhookOptions;
  readonly #view: ResolvedWebhookOptions;
  readonly #pipeline: WebhookPipeline;
  readonly #metrics: ProcessorMetrics | undefined;

  static {
    // What `util.inspect` and `console.log` show: the id and the redacted options.
    Object.defineProperty(WebhookLogRecordProcessor.prototype, inspect.custom, { value: inspectAs('WebhookLogRecordProcessor') });
  }

  /**
   * Validates `options` (throwing a `WebhookConfigError` on bad input) and starts the webhook;
   * with `enable: false` the processor is validated but sends nothing.
   */
  constructor(options: WebhookOptions) {
    const resolved = resolveWebhookOptions(options);
    this.#options = resolved;
    this.#view = redactOptions(resolved);
    const provider = resolved.enable ? resolved.selfObsMeterProvider : undefined;
    const metrics = provider === undefined ? undefined : new ProcessorMetrics(resolved, provider);
    this.#metrics = metrics;
    this.#pipeline = new WebhookPipeline(resolved, metrics === undefined ? [] : [metrics], sourcesOf(options), metrics);
    metrics?.watch(() => this.#pipeline.nextSeq);
    const pipeline = this.#pipeline;
    registerOffer(this, (record) => pipeline.offer(record));
  }

  /**
   * The validated options this processor runs with, as a frozen copy with its secrets shown
   * as `***`: the signature key, `Authorization`, credential-like header values and URL
   * credentials.
   */
  get options(): ResolvedWebhookOptions {
    return this.#view;
  }

  /** The webhook id (the `<id>` of `[webhook."<id>"]`). */
  get id(): string {
    return this.#options.id;
  }

  onEmit(record: ReadWriteLogRecord): void {
    this.#pipeline.accept(record);
  }

  /** Lets the SDK skip building records this webhook would not send (when no other sink wants them). */
  enabled(options: { severityNumber?: number; eventName?: string; instrumentationScope?: InstrumentationScope }): boolean {
    return this.#pipeline.wants(options.eventName, options.severityNumber);
  }

  /**
   * Sends everything pending now; resolves when delivered or when the deadline passes, keeping
   * the process alive until then. Never rejects.
   */
  forceFlush(options?: { timeoutMillis?: number }): Promise<void> {
    return this.#pipeline.flush(options?.timeoutMillis);
  }

  /**
   * Stops taking records, delivers what is pending (within `shutdown-timeout`), then closes connections,
   * keeping the process alive until then. Afterwards `onEmit` does nothing. Safe to call more than once.
   * Never rejects.
   */
  shutdown(): Promise<void> {
    const closed = this.#pipeline.close();
    const metrics = this.#metrics;
    return metrics === undefined ? closed : closed.then(() => metrics.close());
  }

  /**
   * With a spool, writes the events accepted so far to disk now, instead of when the event-loop
   * turn ends (`spool-sync = "batch"`): for a caller that acknowledges records to a sender of
   * its own, as the gateway does before it answers. Does nothing without a spool. Never throws.
   */
  commitSpool(): void {
    this.#pipeline.commitSpool();
  }

  /** Counters of this webhook: pending, delivered, requests, drops by reason. */
  stats(): DeliveryStats {
    return this.#pipeline.stats();
  }

  /** What `JSON.stringify` writes: the id and the redacted options. */
  toJSON(): { id: string; options: ResolvedWebhookOptions } {
    return { id: this.id, options: this.#view };
  }
}
