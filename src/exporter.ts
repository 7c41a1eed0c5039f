import { inspect } from 'node:util';
import type { DiagLogger } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { warnUnmatchedPatterns, webhookLogger } from './config/diagnostics.ts';
import { assertExporterOptions } from './config/exporter-options.ts';
import type { ResolvedWebhookOptions, WebhookOptions } from './config/options.ts';
import { inspectAs, redactOptions } from './config/redacted-options.ts';
import { resolveWebhookOptions } from './config/resolve-options.ts';
import { sourcesOf } from './config/sources.ts';
import { backoffMillis } from './delivery/backoff.ts';
import { encodeBatch } from './delivery/encode.ts';
import { EventQueue } from './delivery/event-queue.ts';
import { type ExitParticipant, unwatchProcessExit, watchProcessExit } from './delivery/process-exit.ts';
import type { DeliveryResult } from './http/classify-response.ts';
import { batchId, createSigner, type Signer } from './http/signer.ts';
import { createTransport, type WebhookTransport } from './http/transport.ts';
import { integerIdKeys } from './records/catalog.ts';
import { toWebhookEvent, type WebhookEvent } from './records/event.ts';
import { compileEventMatcher, type EventMatcher } from './records/match.ts';
import { recordSeverity, selectRecord } from './records/select.ts';

/** Attempts per request (the first and its retries) before an export reports failure; 1 with `lossy`. */
export const EXPORT_ATTEMPTS = 3;
/** Longest wait between two attempts of one export, unless `retryMax` is set. */
export const EXPORT_RETRY_MAX_MILLIS = 5_000;
const EXPORT_RETRY_BASE_MILLIS = 500;

/**
 * A `LogRecordExporter` for the SDK's own processors (`BatchLogRecordProcessor`,
 * `SimpleLogRecordProcessor`): it selects, maps, signs and POSTs each batch it is handed, with
 * a few quick retries, and no throttle of its own. Use {@link WebhookLogRecordProcessor} for
 * Stalwart's throttle window and patient retries.
 *
 * Of the options, `throttle`, `maxQueueEvents`, `maxQueueBytes`, `spoolDir` and
 * `spoolMaxBytes` belong to the processor: given to the exporter they are an error
 * (`ERR_WEBHOOK_UNSUPPORTED_OPTION`). The others apply: `enable: false` sends nothing and
 * reports success; `lossy` makes one attempt per request; `retryMax` (default 5 s here) caps
 * the wait between attempts; `discardAfter` stops retrying events that old;
 * `shutdownTimeout` bounds how long `forceFlush()` and `shutdown()` wait for exports in
 * progress before `shutdown()` aborts them.
 */
export class WebhookLogRecordExporter implements LogRecordExporter {
  // Private fields: util.inspect and JSON.stringify cannot reach the secrets they hold.
  readonly #options: ResolvedWebhookOptions;
  readonly #view: ResolvedWebhookOptions;
  readonly #matcher: EventMatcher;
  readonly #transport: WebhookTransport;
  readonly #signer: Signer;
  readonly #log: DiagLogger;
  readonly #pending = new Set<Promise<void>>();
  /** Aborted when `shutdown()` runs out of time: waits between attempts end at once. */
  readonly #abort = new AbortController();
  #stopped = false;
  #shutdown: Promise<void> | undefined;
  /** Events of the exports in progress not yet delivered or failed. */
  #unsent = 0;
  /** At exit, the events of unfinished exports are reported (retry waits already hold the process). */
  readonly #exitHooks: ExitParticipant = {
    beforeExit: () => {},
    exiting: () => {
      if (this.#unsent > 0) this.#log.warn(`process exiting with ${this.#unsent} events of an unfinished export not delivered`);
    },
  };

  static {
    // What `util.inspect` and `console.log` show: the id and the redacted options.
    Object.defineProperty(WebhookLogRecordExporter.prototype, inspect.custom, { value: inspectAs('WebhookLogRecordExporter') });
  }

  /** Validates `options`, throwing a `WebhookConfigError` on bad input or on an option only the processor honours. */
  constructor(options: WebhookOptions) {
    const checked = resolveWebhookOptions(options);
    assertExporterOptions(options);
    const retryMaxGiven = options.retryMax !== undefined || options.retryMaxMillis !== undefined;
    const resolved = retryMaxGiven ? checked : Object.freeze({ ...checked, retryMaxMillis: EXPORT_RETRY_MAX_MILLIS });
    this.#options = resolved;
    this.#view = redactOptions(resolved);
    this.#log = webhookLogger(resolved.id);
    this.#matcher = compileEventMatcher(resolved.events);
    this.#transport = createTransport(resolved);
    this.#signer = createSigner(resolved);
    warnUnmatchedPatterns(resolved, this.#log, sourcesOf(options));
  }

  /** The validated options, as a frozen copy with its secrets shown as `***`. */
  get options(): ResolvedWebhookOptions {
    return this.#view;
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    if (this.#stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    if (!this.#options.enable) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    const work = this.#send(logs).then(
      (error) => resultCallback(error === undefined ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error }),
      (error: unknown) => resultCallback({ code: ExportResultCode.FAILED, error: error as Error }),
    );
    this.#pending.add(work);
    watchProcessExit(this.#exitHooks);
    void work.finally(() => this.#pending.delete(work));
  }

  /** Resolves when the exports in progress are done, or after `shutdownTimeout`. Never rejects. */
  async forceFlush(): Promise<void> {
    await this.#settled(this.#options.shutdownTimeoutMillis);
  }

  /**
   * Refuses new exports, waits up to `shutdownTimeout` for those in progress (they keep
   * retrying meanwhile), then aborts what is left and closes the connection. Never rejects.
   */
  shutdown(): Promise<void> {
    this.#stopped = true;
    this.#shutdown ??= (async () => {
      const done = await this.#settled(this.#options.shutdownTimeoutMillis);
      try {
        if (done) {
          await this.#transport.close();
        } else {
          this.#log.warn(`shutdown-timeout passed with ${this.#pending.size} exports in progress: aborted`);
          this.#abort.abort();
          await this.#transport.destroy();
          await Promise.allSettled([...this.#pending]);
        }
      } catch (error) {
        this.#log.debug(`closing the transport failed: ${(error as Error).message}`);
      }
      unwatchProcessExit(this.#exitHooks);
    })();
    return this.#shutdown;
  }

  /** What `JSON.stringify` writes: the id and the redacted options. */
  toJSON(): { id: string; options: ResolvedWebhookOptions } {
    return { id: this.#options.id, options: this.#view };
  }

  /** Whether every export in progress finished within `timeoutMillis`. */
  async #settled(timeoutMillis: number): Promise<boolean> {
    if (this.#pending.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMillis);
      timer.unref();
    });
    const all = Promise.allSettled([...this.#pending]).then(() => true);
    try {
      return await Promise.race([all, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends the selected records of one export; resolves with the error that failed it, if any. */
  async #send(logs: readonly ReadableLogRecord[]): Promise<Error | undefined> {
    const queue = new EventQueue();
    for (const record of logs) {
      const event = this.#toEvent(record);
      if (event !== undefined) queue.push(event);
    }
    let unsent = queue.length;
    this.#unsent += unsent;
    try {
      while (queue.length > 0) {
        const batch = queue.take(this.#options.maxBatchEvents, this.#options.maxBatchBytes);
        const error = await this.#deliver(batch);
        unsent -= batch.length;
        this.#unsent -= batch.length;
        if (error !== undefined) return error;
      }
      return undefined;
    } finally {
      this.#unsent -= unsent;
    }
  }

  #toEvent(record: ReadableLogRecord): WebhookEvent | undefined {
    try {
      const type = selectRecord(record, this.#options, this.#matcher);
      return type === undefined ? undefined : toWebhookEvent(record, type, recordSeverity(record, type), integerIdKeys);
    } catch (error) {
      this.#log.warn(`a record could not be converted and was dropped: ${(error as Error).message}`);
      return undefined;
    }
  }

  /**
   * One batch with its retries; a 413 splits it in halves. Only network errors, timeouts,
   * 408, 429 and 5xx are retried: other answers fail the export at once.
   */
  async #deliver(batch: WebhookEvent[]): Promise<Error | undefined> {
    const options = this.#options;
    const attempts = options.lossy ? 1 : EXPORT_ATTEMPTS;
    const body = encodeBatch(batch);
    // Events are taken in order, so the first is the one accepted earliest.
    const expiresAt = (batch[0]?.acceptedAt ?? Date.now()) + options.discardAfterMillis;
    let result: DeliveryResult;
    let why = '';
    for (let attempt = 1; ; attempt++) {
      result = await this.#transport.send(body, this.#signer(body, batchId(batch), Date.now()));
      if (result.status !== 'retryable' || result.capped || attempt >= attempts || this.#abort.signal.aborted) break;
      const backoff = Math.min(options.retryMaxMillis, backoffMillis(attempt, EXPORT_RETRY_BASE_MILLIS, options.retryMaxMillis));
      const delay = Math.max(backoff, result.retryAfterMillis ?? 0);
      if (delay > options.retryMaxMillis) {
        why = ` (Retry-After is longer than retry-max, ${options.retryMaxMillis} ms)`;
        break;
      }
      if (Date.now() + delay > expiresAt) {
        why = ` (not retried: the events would be older than discard-after, ${options.discardAfterMillis} ms)`;
        break;
      }
      if (!(await this.#wait(delay))) break;
    }
    if (result.status === 'success') return undefined;
    if (result.status === 'failure' && result.reason === 'too-large' && batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      return (await this.#deliver(batch.slice(0, half))) ?? (await this.#deliver(batch.slice(half)));
    }
    this.#log.warn(`export of ${batch.length} events failed: ${result.message}${why}`);
    return new Error(`webhook "${options.id}": ${result.message}${why}`);
  }

  /**
   * Waits between two attempts; false when shutdown aborted the wait. The timer holds the
   * process open, as the request it stands between does, so that an export in progress (as
   * during the SDK's shutdown) finishes rather than being cut by the process exiting.
   */
  #wait(millis: number): Promise<boolean> {
    const signal = this.#abort.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, millis);
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
