import type { DiagLogger } from '@opentelemetry/api';
import { type DeliveryResult, noAnswer } from '../http/delivery-result.ts';
import type { WebhookEvent } from '../records/event.ts';
import type { Spool } from '../spool/spool.ts';
import { AttemptLog } from './attempts.ts';
import { Backlog } from './backlog.ts';
import { type Batch, newestAcceptedAt } from './batch.ts';
import { DiskSeqs } from './disk-seqs.ts';
import type { DropReason } from './drops.ts';
import { BatchEncoder } from './encode.ts';
import { ExitParticipation } from './exit-participation.ts';
import { keepAliveUntil } from './keep-alive.ts';
import { DeliveryLedger } from './ledger.ts';
import type { AttemptListener, DeliveryStats } from './outcomes.ts';
import { retryDecision } from './retry-policy.ts';
import { SendScheduler } from './scheduler.ts';
import type { BatchSender, DeliverySettings, EngineParts, EngineState } from './settings.ts';

/** With `lossy`, a full queue is shed down to this share of its caps. */
const SHED_TO = 0.9;

/**
 * One webhook's delivery engine: a FIFO of accepted events, sent in batches under the throttle
 * window (see scheduler.ts), never two requests at a time, a failed batch kept at the head
 * and retried as the retry policy says (retry-policy.ts), and every outcome accounted
 * (ledger.ts). Knows nothing of OpenTelemetry, HTTP or keys.
 */
export class DeliveryEngine {
  private current: EngineState = 'running';
  private readonly settings: DeliverySettings;
  private readonly sender: BatchSender;
  private readonly log: DiagLogger;
  private readonly spool: Spool | undefined;
  private readonly ledger: DeliveryLedger;
  private readonly backlog = new Backlog();
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
  /** Sequence numbers of the events waiting in the spool behind the queue, not in memory. */
  private readonly onDisk = new DiskSeqs();
  /** `spool.unselected` when last looked at: recovered events it dropped are counted as they are read. */
  private spoolUnselected = 0;

  constructor(parts: EngineParts) {
    const { settings, log, spool } = parts;
    this.settings = settings;
    this.sender = parts.sender;
    this.log = log;
    this.spool = spool;
    this.attempts = new AttemptLog(log);
    this.attemptListener = parts.attemptListener;
    this.ledger = new DeliveryLedger(log, spool, parts.listeners ?? [], () => this.oldestPending());
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
      pendingEvents: () => this.pendingEvents(),
      flushWithin: (timeoutMillis) => this.flushWithin(timeoutMillis),
      abandon: () => this.abandon(),
      reportDrops: () => this.ledger.counters.report(),
    });
    if (spool === undefined) return;
    this.ledger.dropAccepted('discarded', spool.unselected);
    this.spoolUnselected = spool.unselected;
    if (spool.recovered.length + spool.unread === 0) return;
    for (const event of spool.recovered) this.backlog.push(event, this.ledger.accept());
    // The rest stays on disk, accepted now, and is read back as the queue has room (topUpFromSpool).
    if (spool.unread > 0) this.onDisk.addRange(this.ledger.reserve(spool.unread), spool.unread);
    log.info(`${spool.recovered.length + spool.unread} events recovered from the spool`);
    this.exit.watch();
    this.arm();
  }

  get state(): EngineState {
    return this.current;
  }

  /** The sequence number the next accepted item gets (see ledger.ts). */
  get nextSeq(): number {
    return this.ledger.nextSeq;
  }

  /**
   * Why an event would be dropped right away, before it is even made (so that emitting into a
   * stopped webhook or a full queue costs next to nothing), or undefined when it would be taken.
   */
  refusal(): DropReason | undefined {
    if (this.current === 'gone') return 'gone';
    if (this.current !== 'running') return 'shutdown';
    if (!this.settings.lossy && this.backlog.events >= this.settings.maxQueueEvents) return 'overflow';
    return undefined;
  }

  /** Counts a record that did not become a queued event as accepted and dropped. */
  reject(reason: DropReason, message?: string): void {
    if (message !== undefined) this.log.debug(message);
    this.ledger.dropOne(reason, this.ledger.accept());
  }

  /** Takes an event for delivery; drops (and counts) it when it cannot be kept. Never throws. */
  enqueue(event: WebhookEvent): void {
    const seq = this.ledger.accept();
    if (this.onDisk.size > 0) {
      this.enqueueBehindBacklog(event, seq);
      return;
    }
    const s = this.settings;
    const full = this.backlog.events + 1 > s.maxQueueEvents || this.backlog.bytes + event.bytes > s.maxQueueBytes;
    const refused = this.admit(event, full);
    if (refused !== undefined) {
      this.ledger.dropOne(refused, seq);
      return;
    }
    this.backlog.push(event, seq);
    // Shed a tenth more than needed, so that a long outage sheds once per many events.
    if (full)
      this.ledger.drop('overflow', this.backlog.shed(Math.floor(s.maxQueueEvents * SHED_TO), Math.floor(s.maxQueueBytes * SHED_TO)));
    this.exit.watch();
    if (!this.scheduler.armed && this.inFlight === undefined) this.arm();
  }

  /**
   * Sends everything accepted so far without waiting for the throttle window; resolves when
   * every item accepted before the call is delivered or dropped, or when `timeoutMillis`
   * passes. Never rejects. Until then the process stays alive, through throttle windows and
   * retry waits alike.
   */
  flush(timeoutMillis: number): Promise<void> {
    return this.flushWithin(timeoutMillis).then(() => undefined);
  }

  /**
   * Stops accepting events, delivers what is pending within `timeoutMillis`, counts what is
   * left as dropped (or leaves it in the spool), and closes the transport. Safe to call more than once.
   */
  close(timeoutMillis: number): Promise<void> {
    if (this.current === 'running') this.current = 'draining';
    this.closing ??= keepAliveUntil(this.drain(timeoutMillis));
    return this.closing;
  }

  /** Writes what the spool holds back for its group commit now (see Spool.commit); nothing without a spool. */
  commitSpool(): void {
    this.spool?.commit();
  }

  stats(): DeliveryStats {
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
    };
  }

  /** {@link flush}, resolving with false when the deadline passed first. */
  private flushWithin(timeoutMillis: number): Promise<boolean> {
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
    if (batch !== undefined) this.ledger.drop('shutdown', batch, this.attempts.lastFailure);
    this.ledger.drop('shutdown', this.backlog.takeAll(), this.attempts.lastFailure);
    counters.holdReports = false;
  }

  /**
   * Admits an event about to be queued, writing it to the spool if there is one (it counts as
   * taken only once on disk), or says why it is dropped instead.
   */
  private admit(event: WebhookEvent, full: boolean): DropReason | undefined {
    if (this.current !== 'running') return this.current === 'gone' ? 'gone' : 'shutdown';
    if (event.bytes > this.settings.maxQueueBytes) return 'too-large';
    if (full && !this.settings.lossy) return 'overflow';
    if (this.spool !== undefined && !this.spool.append(event)) return 'overflow';
    return undefined;
  }

  /**
   * With a backlog still on disk, a new event goes to the spool behind it (the memory caps do
   * not apply: the spool's own limit does) and comes back through topUpFromSpool, in order.
   */
  private enqueueBehindBacklog(event: WebhookEvent, seq: number): void {
    const refused = this.admit(event, false);
    if (refused !== undefined) {
      this.ledger.dropOne(refused, seq);
      return;
    }
    this.onDisk.push(seq);
    this.exit.watch();
    if (!this.scheduler.armed && this.inFlight === undefined) this.arm();
  }

  /** Moves events waiting on disk into the queue, a couple of batches at a time, within the queue's caps. */
  private topUpFromSpool(): void {
    const spool = this.spool;
    if (spool === undefined || this.onDisk.size === 0) return;
    const s = this.settings;
    const events = Math.min(s.maxQueueEvents - this.backlog.events, 2 * s.maxBatchEvents - this.backlog.events);
    const bytes = Math.min(s.maxQueueBytes - this.backlog.bytes, 2 * s.maxBatchBytes - this.backlog.bytes);
    if (events <= 0 || bytes <= 0) return;
    const taken = spool.takeRecovered(events, bytes);
    const unselected = spool.unselected - this.spoolUnselected;
    this.spoolUnselected = spool.unselected;
    const seqs = this.onDisk.take(unselected + taken.length);
    for (let i = 0; i < unselected; i++) this.ledger.dropOne('discarded', seqs[i] as number);
    for (let i = 0; i < taken.length; i++) this.backlog.push(taken[i] as WebhookEvent, seqs[unselected + i] as number);
  }

  private pendingEvents(): number {
    return this.backlog.events + (this.inFlight?.events.length ?? 0) + this.onDisk.size;
  }

  /** The lowest sequence number still pending, or the next one to give when nothing is. */
  private oldestPending(): number {
    let oldest = this.backlog.oldestSeq() ?? this.ledger.nextSeq;
    const sending = this.inFlight?.seqs[0];
    if (sending !== undefined && sending < oldest) oldest = sending;
    const disk = this.onDisk.oldest();
    return disk !== undefined && disk < oldest ? disk : oldest;
  }

  /** (Re)arms the timer for the next request, if there is anything to send; a waiting flush skips the throttle window. */
  private arm(): void {
    if (this.current === 'gone' || this.current === 'closed' || this.inFlight !== undefined) return;
    if (this.backlog.events === 0 && this.onDisk.size === 0) this.scheduler.cancel();
    else this.scheduler.arm(this.ledger.flushing);
  }

  private async sendNext(): Promise<void> {
    if (this.current === 'gone' || this.current === 'closed' || this.inFlight !== undefined) return;
    this.topUpFromSpool();
    const cutoff = Date.now() - this.settings.discardAfterMillis;
    this.ledger.drop('discarded', this.backlog.removeAcceptedBefore(cutoff), this.attempts.lastFailure);
    this.scheduler.starting(this.backlog.events + this.onDisk.size);
    const batch = this.backlog.next(this.settings.maxBatchEvents, this.settings.maxBatchBytes);
    if (batch === undefined) {
      this.scheduler.idle();
      this.arm();
      return;
    }
    this.inFlight = batch;
    this.attempts.sent();
    this.attemptListener?.onSend(batch.seqs);
    let result: DeliveryResult;
    try {
      // No request may carry an event the spool has not written yet.
      this.spool?.commit();
      result = await this.sender.send(this.encoder.encode(batch.events), batch.id);
    } catch (error) {
      result = noAnswer((error as Error).message);
    }
    // At process exit the batch may have been abandoned (and counted) meanwhile.
    if (this.inFlight !== batch) return;
    this.inFlight = undefined;
    this.attemptListener?.onResult(batch.seqs, result);
    this.apply(batch, result);
    this.arm();
  }

  /** Applies the outcome of one attempt: delivered, or what the retry policy decides. */
  private apply(batch: Batch, result: DeliveryResult): void {
    if (result.status === 'success') {
      this.scheduler.delivered(batch.events.length);
      this.attempts.succeeded();
      this.ledger.delivered(batch);
      return;
    }
    const attempt = this.attempts.failed(result.message);
    const failed = { result, attempt, batchEvents: batch.events.length, newestAcceptedAt: newestAcceptedAt(batch), now: Date.now() };
    const decision = retryDecision(failed, this.settings);
    this.scheduler.failed(decision.kind === 'retry' || decision.kind === 'drop' ? decision.waitMillis : undefined);
    if (decision.kind === 'stop') {
      this.stop(batch, result.message);
      return;
    }
    if (decision.kind === 'split') {
      this.backlog.holdSplit(batch);
      this.log.debug(`${result.message}: batch of ${batch.events.length} split in two`);
      return;
    }
    if (decision.kind === 'retry') this.backlog.hold(batch);
    else this.ledger.drop(decision.reason, batch, result.message);
    if (result.status === 'retryable') this.attempts.retryable(decision, batch.events.length, this.pendingEvents());
  }

  /** A 410: the webhook stops for good, everything pending is dropped. */
  private stop(batch: Batch, message: string): void {
    this.current = 'gone';
    this.log.error(`endpoint answered ${message}: webhook stopped, pending events dropped`);
    this.ledger.drop('gone', batch, message);
    this.ledger.drop('gone', this.backlog.takeAll(), message);
    this.scheduler.cancel();
    void this.sender.close();
    this.ledger.releaseAll();
  }
}
