import { inspect } from 'node:util';
import type { DiagLogger } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { deliverySettings } from './config/delivery-settings.ts';
import { warnUnmatchedPatterns, webhookLogger } from './config/diagnostics.ts';
import type { ResolvedWebhookOptions, WebhookOptions } from './config/options.ts';
import { redactUrl } from './config/redact.ts';
import { inspectAs, redactOptions } from './config/redacted-options.ts';
import { resolveWebhookOptions } from './config/resolve-options.ts';
import { describeSource, sourceOf, sourcesOf } from './config/sources.ts';
import { Delivery, type DeliveryStats } from './delivery/delivery.ts';
import { createTransport } from './http/transport.ts';
import { integerIdKeys } from './records/catalog.ts';
import { EventTooLargeError, toWebhookEvent } from './records/event.ts';
import { compileEventMatcher, type EventMatcher } from './records/match.ts';
import { recordSeverity, selectRecord } from './records/select.ts';
import { openSpool } from './spool/spool.ts';
import { spoolDirectory } from './spool/spool-directory.ts';

/**
 * Sends the log records of one Stalwart-style webhook: records whose event type the webhook
 * selects are copied into events at `onEmit`, batched by the throttle window and POSTed,
 * signed, one request at a time. Add one per webhook to a `LoggerProvider`'s `processors`
 * (or NodeSDK's `logRecordProcessors`) beside the other sinks. Never throws into the
 * application: problems are counted and reported through `diag`.
 */
export class WebhookLogRecordProcessor implements LogRecordProcessor {
  // Private fields: util.inspect and JSON.stringify cannot reach the secrets they hold.
  readonly #options: ResolvedWebhookOptions;
  readonly #view: ResolvedWebhookOptions;
  readonly #matcher: EventMatcher;
  readonly #delivery: Delivery;
  readonly #log: DiagLogger;
  #closed = false;

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
    this.#log = webhookLogger(resolved.id);
    this.#matcher = compileEventMatcher(resolved.events);
    const { spoolDir, spoolMaxBytes, url, minSeverity } = resolved;
    const matcher = this.#matcher;
    const spool =
      spoolDir === undefined
        ? undefined
        : openSpool(spoolDirectory(spoolDir, resolved.id), {
            maxBytes: spoolMaxBytes,
            sync: resolved.spoolSync,
            fsyncIntervalMillis: resolved.spoolFsyncIntervalMillis,
            recoveredEvents: Math.min(resolved.maxQueueEvents, 2 * resolved.maxBatchEvents),
            recoveredBytes: Math.min(resolved.maxQueueBytes, 2 * resolved.maxBatchBytes),
            log: this.#log,
            destination: url,
            selects: (event) => matcher.matches(event.type) && (minSeverity <= 0 || event.severity >= minSeverity),
          });
    this.#delivery = new Delivery(deliverySettings(resolved), createTransport(resolved), this.#log, spool);
    const sources = sourcesOf(options);
    warnUnmatchedPatterns(resolved, this.#log, sources);
    const urlSource = sourceOf(sources, 'url');
    this.#log.debug(`sending to ${urlSource === undefined ? redactUrl(resolved.url) : `the url ${describeSource(urlSource)}`}`);
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
    if (!this.#options.enable) return;
    let type: string | undefined;
    try {
      type = selectRecord(record, this.#options, this.#matcher);
    } catch (error) {
      this.#log.debug(`eventType mapper threw: ${(error as Error).message}`);
      return;
    }
    if (type === undefined) return;
    const refusal = this.#closed ? 'shutdown' : this.#delivery.refusal();
    if (refusal !== undefined) {
      this.#delivery.reject(refusal);
      return;
    }
    let event: ReturnType<typeof toWebhookEvent>;
    try {
      event = toWebhookEvent(record, type, recordSeverity(record, type), integerIdKeys, this.#options.maxQueueBytes);
    } catch (error) {
      const reason = error instanceof EventTooLargeError ? 'too-large' : 'invalid';
      this.#delivery.reject(reason, `event "${type}" could not be converted: ${(error as Error).message}`);
      return;
    }
    this.#delivery.enqueue(event);
  }

  /** Lets the SDK skip building records this webhook would not send (when no other sink wants them). */
  enabled(options: { severityNumber?: number; eventName?: string; instrumentationScope?: InstrumentationScope }): boolean {
    if (this.#closed || !this.#options.enable) return false;
    const { eventName, severityNumber } = options;
    if (severityNumber !== undefined && severityNumber !== 0 && severityNumber < this.#options.minSeverity) return false;
    // A name that is not a string leaves the decision to onEmit (the record may carry `event.name`).
    return typeof eventName !== 'string' || this.#matcher.matches(eventName);
  }

  /**
   * Sends everything pending now; resolves when delivered or when the deadline passes, keeping
   * the process alive until then. Never rejects.
   */
  forceFlush(options?: { timeoutMillis?: number }): Promise<void> {
    return this.#delivery.flush(options?.timeoutMillis ?? this.#options.shutdownTimeoutMillis);
  }

  /**
   * Stops taking records, delivers what is pending (within `shutdown-timeout`), then closes connections,
   * keeping the process alive until then. Afterwards `onEmit` does nothing. Safe to call more than once.
   * Never rejects.
   */
  shutdown(): Promise<void> {
    this.#closed = true;
    return this.#delivery.close(this.#options.shutdownTimeoutMillis);
  }

  /** Counters of this webhook: pending, delivered, requests, drops by reason. */
  stats(): DeliveryStats {
    return this.#delivery.stats();
  }

  /** What `JSON.stringify` writes: the id and the redacted options. */
  toJSON(): { id: string; options: ResolvedWebhookOptions } {
    return { id: this.id, options: this.#view };
  }
}
