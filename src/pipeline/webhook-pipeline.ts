import type { DiagLogger } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { deliverySettings } from '../config/delivery-settings.ts';
import { insideDiagnostics, warnUnmatchedPatterns, webhookLogger } from '../config/diagnostics.ts';
import type { ResolvedWebhookOptions } from '../config/options.ts';
import { redactUrl } from '../config/redact.ts';
import { describeSource, sourceOf, type ValueSource } from '../config/sources.ts';
import type { DropReason } from '../delivery/drops.ts';
import { DeliveryEngine } from '../delivery/engine.ts';
import type { AttemptListener, DeliveryStats, SettleListener } from '../delivery/outcomes.ts';
import type { EngineState } from '../delivery/settings.ts';
import { createSigner } from '../http/signer.ts';
import { createTransport } from '../http/transport.ts';
import { compileEventMatcher } from '../records/match.ts';
import { recordSeverity } from '../records/select.ts';
import { openSpool } from '../spool/spool.ts';
import { spoolDirectory } from '../spool/spool-directory.ts';
import { DeferredRecords } from './deferred-records.ts';
import { RecordMapper } from './record-mapper.ts';
import { signedSender } from './signed-sender.ts';

/**
 * What {@link WebhookPipeline.offer} did with a record: not selected, taken, or dropped (why).
 * With `lossy`, a record taken into a full queue is `taken` (older events were shed for it).
 */
export type OfferOutcome = 'skipped' | 'taken' | DropReason;

/**
 * One webhook's whole pipeline, from resolved options: its logger, selection and mapping of
 * records into events, and the delivery engine with its transport (behind the signing step)
 * and spool. The processor and the exporter are thin wrappers around it.
 *
 * A disabled webhook (`enable: false`) takes no record and opens no spool; nothing is sent.
 *
 * Every field is private (`#`): `util.inspect` and `JSON.stringify` cannot reach the
 * secrets of the options, the transport's headers or the signing key.
 */
export class WebhookPipeline {
  readonly #options: ResolvedWebhookOptions;
  readonly #log: DiagLogger;
  readonly #mapper: RecordMapper;
  readonly #engine: DeliveryEngine;
  /** Selected records not written yet; none with `spool-sync = "event"`, which writes each at once. */
  readonly #deferred: DeferredRecords | undefined;

  /**
   * Starts the webhook (validated `options`); `listeners` are told of every outcome (see
   * outcomes.ts); `sources` say which values came from macros or secrets, never to be logged;
   * `attemptListener` is told of every request (see outcomes.ts).
   */
  constructor(
    options: ResolvedWebhookOptions,
    listeners: readonly SettleListener[] = [],
    sources: readonly ValueSource[] = [],
    attemptListener?: AttemptListener,
  ) {
    this.#options = options;
    const log = webhookLogger(options.id);
    this.#log = log;
    const mapper = new RecordMapper(options, compileEventMatcher(options.events), log);
    this.#mapper = mapper;
    const { spoolDir, spoolMaxBytes, url } = options;
    const spool =
      spoolDir === undefined || !options.enable
        ? undefined
        : openSpool(spoolDirectory(spoolDir, options.id), {
            maxBytes: spoolMaxBytes,
            // Start-up does not wait for an earlier process's backlog to be read.
            scanInBackground: true,
            sync: options.spoolSync,
            fsyncIntervalMillis: options.spoolFsyncIntervalMillis,
            recoveredEvents: Math.min(options.maxQueueEvents, options.maxBatchEvents),
            recoveredBytes: Math.min(options.maxQueueBytes, options.maxBatchBytes),
            log,
            destination: url,
            selects: (event) => mapper.selects(event),
          });
    const sender = signedSender(createTransport(options), createSigner(options));
    const deferred =
      spool !== undefined && options.spoolSync === 'event'
        ? undefined
        : new DeferredRecords(
            (record, type, now) => this.#write(record, type, now),
            (type, error) => this.#engine.intake.reject('invalid', `event "${type}" could not be converted: ${String(error)}`),
          );
    this.#deferred = deferred;
    const catchUp = deferred === undefined ? undefined : () => deferred.drain();
    const settings = deliverySettings(options);
    this.#engine = new DeliveryEngine({ settings, sender, log, spool, listeners, attemptListener, catchUp });
    warnUnmatchedPatterns(options, log, sources);
    const urlSource = sourceOf(sources, 'url');
    log.debug(`sending to ${urlSource === undefined ? redactUrl(url) : `the url ${describeSource(urlSource)}`}`);
  }

  get log(): DiagLogger {
    return this.#log;
  }

  /** The engine's lifecycle state (see engine.ts). */
  get state(): EngineState {
    return this.#engine.state;
  }

  /** The sequence number the next accepted record gets. */
  get nextSeq(): number {
    return this.#engine.nextSeq;
  }

  /**
   * Selects the record and takes it as `onEmit` does: it is written with the other records of
   * this turn of the event loop (see deferred-records.ts), or at once with
   * `spool-sync = "event"`. A record the webhook does not send is skipped, one it cannot take
   * is counted as dropped. Never throws.
   */
  accept(record: ReadableLogRecord): void {
    if (!this.#options.enable) return;
    const type = this.#mapper.select(record);
    if (type !== undefined) this.#take(record, type);
  }

  /**
   * {@link accept} of a record selected as `type`. Apart, so that what `onEmit` runs for a
   * record the webhook does not send stays small (the smaller, the likelier V8 inlines it).
   */
  #take(record: ReadableLogRecord, type: string): void {
    const deferred = this.#deferred;
    // Written at once: a record emitted from inside the writing of others, or from inside a
    // message of this package to `diag` (whose recursion guard needs it written there).
    if (deferred === undefined || deferred.busy || insideDiagnostics()) {
      this.#offerSelected(record, type);
      return;
    }
    const intake = this.#engine.intake;
    const refusal = intake.refusal();
    if (refusal !== undefined) {
      deferred.drain();
      intake.reject(refusal);
      return;
    }
    if (deferred.size === 0) this.#engine.expectEvents();
    deferred.push(record, type);
  }

  /**
   * Selects the record, makes it into an event and hands it to the engine now; a record the
   * webhook does not send is skipped, one it cannot take is counted as dropped. A record
   * this webhook selects always gets a sequence number. Returns what became of it. Never throws.
   */
  offer(record: ReadableLogRecord): OfferOutcome {
    if (!this.#options.enable) return 'skipped';
    const type = this.#mapper.select(record);
    return type === undefined ? 'skipped' : this.#offerSelected(record, type);
  }

  /** {@link offer} of a record selected as `type`. */
  #offerSelected(record: ReadableLogRecord, type: string): OfferOutcome {
    // Records accepted before it are written first (unless this one comes from inside their writing).
    this.#deferred?.drain();
    const intake = this.#engine.intake;
    const refusal = intake.refusal();
    if (refusal !== undefined) {
      intake.reject(refusal);
      return refusal;
    }
    return this.#write(record, type, Date.now()) ?? 'taken';
  }

  /** Writes a selected record straight into the engine's memory; one that cannot be is dropped (the reason returned). */
  #write(record: ReadableLogRecord, type: string, now: number): DropReason | undefined {
    const intake = this.#engine.intake;
    const sink = intake.begin();
    const failure = this.#mapper.write(record, type, sink, now);
    if (failure === undefined) return intake.commit(sink, type, now, recordSeverity(record, type));
    intake.abort(sink);
    intake.reject(failure.kind, failure.message);
    return failure.kind;
  }

  /**
   * Whether records of this name and severity are wanted (see LogRecordProcessor.enabled):
   * not once shut down; still after a 410, so that what is emitted then is counted as dropped.
   */
  wants(eventName: string | undefined, severityNumber: number | undefined): boolean {
    const { state } = this.#engine;
    if (state === 'draining' || state === 'closed' || !this.#options.enable) return false;
    return this.#mapper.wants(eventName, severityNumber);
  }

  /** See DeliveryEngine.flush; `shutdown-timeout` unless given. */
  flush(timeoutMillis: number = this.#options.shutdownTimeoutMillis): Promise<void> {
    return this.#engine.flush(timeoutMillis);
  }

  /** See DeliveryEngine.close, within `shutdown-timeout`. */
  close(): Promise<void> {
    return this.#engine.close(this.#options.shutdownTimeoutMillis);
  }

  /** See DeliveryEngine.commitSpool. */
  commitSpool(): void {
    this.#engine.commitSpool();
  }

  stats(): DeliveryStats {
    return this.#engine.stats();
  }
}
