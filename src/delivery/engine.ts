import type { DiagLogger } from '@opentelemetry/api';
import { type DeliveryResult, noAnswer } from '../http/delivery-result.ts';
import type { Spool } from '../spool/spool.ts';
import { AttemptLog } from './attempts.ts';
import { Backlog } from './backlog.ts';
import { type Batch, newestAcceptedAt } from './batch.ts';
import { BatchEncoder } from './encode.ts';
import { EventStore } from './event-store.ts';
import { ExitParticipation } from './exit-participation.ts';
import { EventIntake } from './intake.ts';
import { keepAliveUntil } from './keep-alive.ts';
import { DeliveryLedger } from './ledger.ts';
import type { AttemptListener, DeliveryStats } from './outcomes.ts';
import { retryDecision } from './retry-policy.ts';
import { SendScheduler } from './scheduler.ts';
import type { BatchSender, DeliverySettings, EngineParts, EngineState } from './settings.ts';

/**
 * One webhook's delivery engine: a FIFO of accepted events, held as bytes (event-store.ts),
 * sent in batches under the throttle window (see scheduler.ts), never two requests at a time,
 * a failed batch kept at the head and retried as the retry policy says (retry-policy.ts), and
 * every outcome accounted (ledger.ts). Knows nothing of OpenTelemetry, HTTP or keys.
 */
export class DeliveryEngine {
  private current: EngineState = 'running';
  private readonly settings: DeliverySettings;
  private readonly sender: BatchSender;
  private readonly log: DiagLogger;
  private readonly spool: Spool | undefined;
  private readonly ledger: DeliveryLedger;
  private readonly store = new EventStore();
  private readonly backlog = new Backlog(this.store);
  /** How events come in: written into the store, then queued or dropped (see intake.ts). */
  readonly intake: EventIntake;
  private readonly scheduler: SendScheduler;
  /** One body buffer, reused: a body is only rewritten after its request has settled. */
  private readonly encoder = new BatchEncoder();
  private readonly exit: ExitParticipation;
  private inFlight: Batch | undefined;
  /** The request in flight, settled once its outcome has been applied. */
  private sending: Promise<void> | undefined;
  private readonly attempts: AttemptLog;
  private readonly attemptListener: AttemptListener | undefined;
  private closing: Promise<void> | undefined;
  private readonly catchUp: () => void;

  constructor(parts: EngineParts) {
    this.catchUp = parts.catchUp ?? ((): void => {});
    const { settings, log, spool } = parts;
    this.settings = settings;
    this.sender = parts.sender;
    this.log = log;
    this.spool = spool;
    this.attempts = new AttemptLog(log);
    this.attemptListener = parts.attemptListener;
    this.ledger = new DeliveryLedger(log, this.store, spool, parts.listeners ?? [], () => this.oldestPending());
    const { store, backlog, ledger } = this;
    const queued = (): void => this.queued();
    this.intake = new EventIntake({ settings, log, store, backlog, ledger, spool, state: () => this.current, queued });
    this.scheduler = new SendScheduler(settings.throttleMillis, () => {
      this.sending = this.sendNext().finally(() => {
        this.sending = undefined;
      });
    });
    this.exit = new ExitParticipation({
      log,
      deliverOnExit: settings.deliverOnExit,
      shutdownTimeoutMillis: settings.shutdownTimeoutMillis,
      spooled: spool !== undefined,
      accepting: () => this.current === 'running',
      pendingEvents: () => {
        this.catchUp();
        return this.pendingEvents();
      },
      settle: () => {
        this.catchUp();
        this.spool?.commit();
      },
      flushWithin: (timeoutMillis) => this.flushWithin(timeoutMillis),
      abandon: () => this.abandon(),
      reportDrops: () => this.ledger.counters.report(),
    });
    // At once, or once the spool has found what an earlier process left.
    spool?.whenScanned(() => {
      // A closing engine still delivers them (close ends the scan first), a closed one never.
      if (this.current === 'closed' || this.current === 'gone') return;
      if (this.intake.recover() > 0) this.exit.watch();
      // The first batch (found, or appended behind during the scan) is read ahead in small tasks before its request is armed.
      this.intake.prefetch(() => this.arm());
    });
  }

  get state(): EngineState {
    return this.current;
  }

  /** The sequence number the next accepted item gets (see ledger.ts). */
  get nextSeq(): number {
    this.catchUp();
    return this.ledger.nextSeq;
  }

  /**
   * Sends everything accepted so far without waiting for the throttle window; resolves when all
   * of it is delivered or dropped, or after `timeoutMillis`, keeping the process alive until
   * then (throttle windows and retry waits alike). Never rejects.
   */
  flush(timeoutMillis: number): Promise<void> {
    return this.flushWithin(timeoutMillis).then(() => undefined);
  }

  /** Stops accepting, delivers what is pending within `timeoutMillis`, drops (or spools) the rest, closes the transport. Idempotent. */
  close(timeoutMillis: number): Promise<void> {
    this.catchUp();
    if (this.current === 'running') this.current = 'draining';
    this.closing ??= keepAliveUntil(this.drain(timeoutMillis));
    return this.closing;
  }

  /**
   * Events are about to come in (written at the end of this turn): the process's end concerns
   * this webhook from now on, so that `process.exit()` right after an emit counts or spools them.
   */
  expectEvents(): void {
    this.exit.watch();
  }

  /** Writes what the spool holds back for its group commit now (see Spool.commit); nothing without a spool. */
  commitSpool(): void {
    this.catchUp();
    this.spool?.commit();
  }

  stats(): DeliveryStats {
    this.catchUp();
    // The counts include what an earlier process left: found now if the spool is still looking.
    this.spool?.finishScan();
    const { counters } = this.ledger;
    return {
      state: this.current === 'draining' ? 'running' : this.current,
      pending: this.pendingEvents(),
      pendingBytes: this.backlog.bytes + (this.inFlight?.bytes ?? 0),
      accepted: this.ledger.nextSeq,
      delivered: counters.delivered,
      requests: this.attempts.requests,
      failedRequests: this.attempts.failedRequests,
      attempt: this.attempts.consecutive,
      dropped: counters.dropped,
      ...this.intake.spoolUsage(),
    };
  }

  /** {@link flush}, resolving with false when the deadline passed first. */
  private flushWithin(timeoutMillis: number): Promise<boolean> {
    this.catchUp();
    // What an earlier process left counts as accepted before this: it is found now.
    this.spool?.finishScan();
    if (this.current === 'gone' || this.current === 'closed') return Promise.resolve(true);
    const settled = this.ledger.wait(timeoutMillis);
    if (this.inFlight === undefined) this.arm();
    return settled;
  }

  private async drain(timeoutMillis: number): Promise<void> {
    await this.flush(timeoutMillis);
    if (this.current === 'draining') this.current = 'closed';
    this.scheduler.cancel();
    try {
      if (this.sending === undefined) {
        await this.sender.close();
      } else {
        // The deadline passed with a request in flight: abort it and wait for its outcome,
        // so its events are counted (or kept in the spool) like every other pending event.
        await this.sender.destroy();
        await this.sending;
      }
    } catch (error) {
      this.log.debug(`closing the transport failed: ${(error as Error).message}`);
    }
    if (this.spool === undefined) {
      this.ledger.drop('shutdown', this.backlog.takeAll(), this.attempts.lastFailure);
    } else {
      const left = this.pendingEvents();
      if (left > 0) this.log.info(`${left} undelivered events stay in the spool for the next start`);
      this.spool.close();
    }
    this.ledger.counters.report();
    this.ledger.releaseAll();
    this.exit.end();
  }

  /** The process is ending (no spool): everything pending is dropped (`shutdown`), its report held for the caller. */
  private abandon(): void {
    this.current = 'closed';
    this.scheduler.cancel();
    const batch = this.inFlight;
    this.inFlight = undefined;
    const { counters } = this.ledger;
    counters.holdReports = true;
    if (batch !== undefined) this.ledger.drop('shutdown', batch.slots, this.attempts.lastFailure);
    this.ledger.drop('shutdown', this.backlog.takeAll(), this.attempts.lastFailure);
    counters.holdReports = false;
  }

  /** An event was queued: the process's end now concerns this webhook, and the next request is due. */
  private queued(): void {
    this.exit.watch();
    if (!this.scheduler.armed && this.inFlight === undefined) this.arm();
  }

  private pendingEvents(): number {
    return this.backlog.events + (this.inFlight?.slots.length ?? 0) + this.intake.onDisk.size;
  }

  /** The lowest sequence number still pending, or the next one to give when nothing is. */
  private oldestPending(): number {
    let oldest = this.backlog.oldestSeq() ?? this.ledger.nextSeq;
    const first = this.inFlight?.slots[0];
    if (first !== undefined) oldest = Math.min(this.store.slots.seq[first] as number, oldest);
    const disk = this.intake.onDisk.oldest();
    return disk !== undefined && disk < oldest ? disk : oldest;
  }

  /** (Re)arms the timer for the next request, if there is anything to send; a waiting flush skips the throttle window. */
  private arm(): void {
    if (this.current === 'gone' || this.current === 'closed' || this.inFlight !== undefined) return;
    // While the spool still looks for an earlier backlog, what went behind it waits: the scan's end arms.
    if (this.backlog.events === 0 && this.spool?.scanning === true) return;
    if (this.backlog.events === 0 && this.intake.onDisk.size === 0) this.scheduler.cancel();
    else this.scheduler.arm(this.ledger.flushing);
    this.intake.prefetch();
  }

  private async sendNext(): Promise<void> {
    if (this.current === 'gone' || this.current === 'closed' || this.inFlight !== undefined) return;
    this.intake.refill();
    const cutoff = Date.now() - this.settings.discardAfterMillis;
    this.ledger.drop('discarded', this.backlog.removeAcceptedBefore(cutoff), this.attempts.lastFailure);
    this.store.compact();
    this.scheduler.starting(this.backlog.events + this.intake.onDisk.size);
    const batch = this.backlog.next(this.settings.maxBatchEvents, this.settings.maxBatchBytes);
    if (batch === undefined) {
      this.scheduler.idle();
      this.arm();
      return;
    }
    this.inFlight = batch;
    // The next batch is read back from the spool while this one is in flight.
    this.intake.prefetch();
    this.attempts.sent();
    // The batch's sequence numbers, for a listener of attempts only.
    const seqs = this.attemptListener === undefined ? [] : this.store.seqs(batch.slots);
    this.attemptListener?.onSend(seqs);
    let result: DeliveryResult;
    try {
      // No request may carry an event the spool has not written yet.
      this.spool?.commit();
      result = await this.sender.send(this.encoder.encode(this.store, batch.slots), batch.id);
    } catch (error) {
      result = noAnswer((error as Error).message);
    }
    // At process exit the batch may have been abandoned (and counted) meanwhile.
    if (this.inFlight !== batch) return;
    this.inFlight = undefined;
    this.attemptListener?.onResult(seqs, result);
    this.apply(batch, result);
    this.arm();
  }

  /** Applies the outcome of one attempt: delivered, or what the retry policy decides. */
  private apply(batch: Batch, result: DeliveryResult): void {
    if (result.status === 'success') {
      this.scheduler.delivered(batch.slots.length);
      this.attempts.succeeded();
      this.ledger.delivered(batch.slots);
      return;
    }
    const attempt = this.attempts.failed(result.message);
    const failed = {
      result,
      attempt,
      batchEvents: batch.slots.length,
      newestAcceptedAt: newestAcceptedAt(this.store, batch),
      now: Date.now(),
    };
    const decision = retryDecision(failed, this.settings);
    this.scheduler.failed(decision.kind === 'retry' || decision.kind === 'drop' ? decision.waitMillis : undefined);
    if (decision.kind === 'stop') {
      this.stop(batch, result.message);
      return;
    }
    if (decision.kind === 'split') {
      this.backlog.holdSplit(batch);
      this.log.debug(`${result.message}: batch of ${batch.slots.length} split in two`);
      return;
    }
    if (decision.kind === 'retry') this.backlog.hold(batch);
    else this.ledger.drop(decision.reason, batch.slots, result.message);
    if (result.status === 'retryable') this.attempts.retryable(decision, batch.slots.length, this.pendingEvents());
  }

  /** A 410: the webhook stops for good, everything pending is dropped. */
  private stop(batch: Batch, message: string): void {
    this.current = 'gone';
    this.log.error(`endpoint answered ${message}: webhook stopped, pending events dropped`);
    this.ledger.drop('gone', batch.slots, message);
    this.ledger.drop('gone', this.backlog.takeAll(), message);
    this.intake.dropOnDisk('gone', message);
    this.scheduler.cancel();
    void this.sender.close();
    this.ledger.releaseAll();
  }
}
