import type { DiagLogger } from '@opentelemetry/api';
import type { DeliveryResult } from '../http/classify-response.ts';
import { batchId, type Signer } from '../http/signer.ts';
import type { WebhookTransport } from '../http/transport.ts';
import type { WebhookEvent } from '../records/event.ts';
import type { Spool } from '../spool/spool.ts';
import { backoffMillis, clampRetryAfter } from './backoff.ts';
import { type DropCounts, type DropReason, DropReporter } from './drops.ts';
import { BatchEncoder } from './encode.ts';
import { EventQueue } from './event-queue.ts';
import { keepAliveUntil } from './keep-alive.ts';
import { type ExitParticipant, unwatchProcessExit, watchProcessExit } from './process-exit.ts';

/** What the delivery engine needs to know of a webhook's options. */
export interface DeliverySettings {
  readonly throttleMillis: number;
  readonly discardAfterMillis: number;
  readonly lossy: boolean;
  readonly maxBatchEvents: number;
  readonly maxBatchBytes: number;
  readonly maxQueueEvents: number;
  readonly maxQueueBytes: number;
  readonly retryMaxMillis: number;
  /** Signature headers of one attempt (see src/http/signer.ts). */
  readonly signer: Signer;
  readonly shutdownTimeoutMillis: number;
  readonly deliverOnExit: boolean;
}

/** A snapshot of one webhook's delivery. */
export interface DeliveryStats {
  /** `running`, `gone` after a 410 (nothing more is sent), or `closed` after shutdown. */
  readonly state: 'running' | 'gone' | 'closed';
  /** Events accepted and not yet delivered or dropped (including the batch in flight). */
  readonly pending: number;
  readonly pendingBytes: number;
  readonly accepted: number;
  readonly delivered: number;
  readonly requests: number;
  readonly failedRequests: number;
  /** Consecutive failed attempts of the batch at the head (0 when healthy). */
  readonly attempt: number;
  readonly dropped: Readonly<DropCounts>;
}

/** With `lossy`, a full queue is shed down to this share of its caps. */
const SHED_TO = 0.9;

interface FlushWaiter {
  readonly target: number;
  /** With true once the events it waits for are settled, false when its deadline passed. */
  readonly resolve: (settled: boolean) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * One webhook's delivery engine: a FIFO of accepted events, sent in batches under the throttle
 * window (leading edge at once, then at most one window per `throttle`), never two requests at
 * a time, a failed batch kept at the head and retried with backoff, and every drop counted.
 * Knows nothing of OpenTelemetry; the transport knows the HTTP.
 */
export class Delivery {
  private readonly settings: DeliverySettings;
  private readonly transport: WebhookTransport;
  private readonly log: DiagLogger;
  private readonly drops: DropReporter;
  private readonly queue = new EventQueue();
  /** One body buffer, reused: a body is only rewritten after its request has settled. */
  private readonly encoder = new BatchEncoder();
  /** Batches ahead of the queue: a failed batch waiting for its retry, or halves after a 413. */
  private readonly held: WebhookEvent[][] = [];
  private heldEvents = 0;
  private heldBytes = 0;
  private inFlight: readonly WebhookEvent[] | undefined;
  /** The request in flight, settled once its outcome has been applied. */
  private sending: Promise<void> | undefined;
  private inFlightBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  /** performance.now() when the current throttle window opened. */
  private windowOpenedAt = Number.NEGATIVE_INFINITY;
  /** Events still to send back to back in the current window. */
  private windowRemaining = 0;
  /** performance.now() before which the head batch must not be retried. */
  private retryAt = 0;
  private attempt = 0;
  private state: 'running' | 'gone' | 'closed' = 'running';
  private accepting = true;
  private accepted = 0;
  private delivered = 0;
  private settled = 0;
  private requests = 0;
  private failedRequests = 0;
  private readonly waiters = new Set<FlushWaiter>();
  private closing: Promise<void> | undefined;

  private readonly spool: Spool | undefined;
  /** `spool.unselected` when last looked at: recovered events it dropped are counted as they are read. */
  private spoolUnselected = 0;
  /** How this webhook takes part in the process's end (see process-exit.ts). */
  private readonly exitHooks: ExitParticipant = {
    beforeExit: () => this.deliverBeforeExit(),
    exiting: () => this.reportAtExit(),
  };
  private watchingExit = false;
  /** The delivery started because the event loop ran dry, while it runs. */
  private exitFlush: Promise<void> | undefined;
  /** An exit delivery reached its deadline with events left: no other is started. */
  private exitFlushExpired = false;

  /** With a `spool`, its recovered events are sent first and every event is written to it before it counts as accepted. */
  constructor(settings: DeliverySettings, transport: WebhookTransport, log: DiagLogger, spool?: Spool) {
    this.settings = settings;
    this.transport = transport;
    this.log = log;
    this.drops = new DropReporter(log);
    this.spool = spool;
    if (spool !== undefined && spool.unselected > 0) {
      this.accepted += spool.unselected;
      this.drop('discarded', spool.unselected);
    }
    if (spool !== undefined && spool.recovered.length + spool.unread > 0) {
      for (const event of spool.recovered) this.queue.push(event);
      // The rest stays on disk and is read back as the queue has room (topUpFromSpool).
      this.accepted += spool.recovered.length + spool.unread;
      this.spoolUnselected = spool.unselected;
      log.info(`${spool.recovered.length + spool.unread} events recovered from the spool`);
      this.watchExit();
      this.arm();
    }
  }

  /**
   * Why an event would be dropped right away, before it is even made (so that emitting into a
   * stopped webhook or a full queue costs next to nothing), or undefined when it would be taken.
   */
  refusal(): DropReason | undefined {
    if (this.state === 'gone') return 'gone';
    if (!this.accepting || this.state !== 'running') return 'shutdown';
    if (!this.settings.lossy && this.queue.length + this.heldEvents >= this.settings.maxQueueEvents) return 'overflow';
    return undefined;
  }

  /** Takes an event for delivery; drops (and counts) it when it cannot be kept. Never throws. */
  enqueue(event: WebhookEvent): void {
    this.accepted++;
    if (!this.accepting || this.state !== 'running') {
      this.drop(this.state === 'gone' ? 'gone' : 'shutdown', 1);
      return;
    }
    const s = this.settings;
    if (event.bytes > s.maxQueueBytes) {
      this.drop('too-large', 1);
      return;
    }
    if (this.spool !== undefined && this.spool.unread > 0) {
      // Behind a backlog on disk: the spool holds it and gives it back after the older ones.
      if (!this.persist(event)) return;
      if (!this.watchingExit) this.watchExit();
      if (this.timer === undefined && this.inFlight === undefined) this.arm();
      return;
    }
    const pending = this.queue.length + this.heldEvents + 1;
    const pendingBytes = this.queue.bytes + this.heldBytes + event.bytes;
    if (pending > s.maxQueueEvents || pendingBytes > s.maxQueueBytes) {
      if (!s.lossy) {
        this.drop('overflow', 1);
        return;
      }
      if (!this.persist(event)) return;
      this.queue.push(event);
      // Shed a tenth more than needed, so that a long outage sheds once per many events.
      const keepEvents = Math.floor(s.maxQueueEvents * SHED_TO) - this.heldEvents;
      const keepBytes = Math.floor(s.maxQueueBytes * SHED_TO) - this.heldBytes;
      this.dropEvents('overflow', this.queue.shed(Math.max(0, keepEvents), Math.max(0, keepBytes)));
    } else {
      if (!this.persist(event)) return;
      this.queue.push(event);
    }
    if (!this.watchingExit) this.watchExit();
    if (this.timer === undefined && this.inFlight === undefined) this.arm();
  }

  /** Moves recovered events from the spool into the queue, a couple of batches at a time, within the queue's caps. */
  private topUpFromSpool(): void {
    const spool = this.spool;
    if (spool === undefined || spool.unread === 0) return;
    const s = this.settings;
    const events = Math.min(s.maxQueueEvents - this.queue.length - this.heldEvents, 2 * s.maxBatchEvents - this.queue.length);
    const bytes = Math.min(s.maxQueueBytes - this.queue.bytes - this.heldBytes, 2 * s.maxBatchBytes - this.queue.bytes);
    if (events <= 0 || bytes <= 0) return;
    for (const event of spool.takeRecovered(events, bytes)) this.queue.push(event);
    this.drop('discarded', spool.unselected - this.spoolUnselected);
    this.spoolUnselected = spool.unselected;
  }

  /** Writes the event to the spool, if there is one; a full spool drops it as overflow. */
  private persist(event: WebhookEvent): boolean {
    if (this.spool === undefined || this.spool.append(event)) return true;
    this.drop('overflow', 1);
    return false;
  }

  /** Counts a record that could not become an event as accepted and dropped. */
  reject(reason: DropReason, message?: string): void {
    this.accepted++;
    if (message !== undefined) this.log.debug(message);
    this.drop(reason, 1);
  }

  /**
   * Sends everything accepted so far without waiting for the throttle window; resolves when
   * those events are delivered or dropped, or when `timeoutMillis` passes. Never rejects.
   * Until then the process stays alive, through throttle windows and retry waits alike.
   */
  flush(timeoutMillis: number): Promise<void> {
    return this.settle(timeoutMillis).then(() => undefined);
  }

  /** {@link flush}, resolving with false when the deadline passed first. */
  private settle(timeoutMillis: number): Promise<boolean> {
    if (this.settled >= this.accepted) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: FlushWaiter = {
        target: this.accepted,
        resolve,
        // Not unref()ed: while someone waits for this flush, its deadline holds the event
        // loop, so the process cannot end in the middle (the engine's own timers do not).
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve(false);
        }, timeoutMillis),
      };
      this.waiters.add(waiter);
      if (this.inFlight === undefined) this.arm();
    });
  }

  /**
   * Stops accepting events, delivers what is pending within `timeoutMillis`, counts what is
   * left as dropped, and closes the transport. Safe to call more than once.
   */
  close(timeoutMillis: number): Promise<void> {
    this.closing ??= keepAliveUntil(this.doClose(timeoutMillis));
    return this.closing;
  }

  stats(): DeliveryStats {
    return {
      state: this.state,
      pending: this.pendingCount(),
      pendingBytes: this.queue.bytes + this.heldBytes + this.inFlightBytes,
      accepted: this.accepted,
      delivered: this.delivered,
      requests: this.requests,
      failedRequests: this.failedRequests,
      attempt: this.attempt,
      dropped: { ...this.drops.counts },
    };
  }

  private async doClose(timeoutMillis: number): Promise<void> {
    this.accepting = false;
    await this.flush(timeoutMillis);
    if (this.state === 'running') this.state = 'closed';
    this.clearTimer();
    try {
      if (this.sending === undefined) {
        await this.transport.close();
      } else {
        // The deadline passed with a request in flight: abort it and wait for its outcome,
        // so its events are counted (or kept in the spool) like every other pending event.
        await this.transport.destroy();
        await this.sending;
      }
    } catch (error) {
      this.log.debug(`closing the transport failed: ${(error as Error).message}`);
    }
    if (this.spool === undefined) {
      this.dropEvents('shutdown', this.takeAllPending());
    } else {
      const left = this.pendingCount();
      if (left > 0) this.log.info(`${left} undelivered events stay in the spool for the next start`);
      this.spool.close();
    }
    this.drops.report();
    this.settleWaiters();
    unwatchProcessExit(this.exitHooks);
    this.watchingExit = false;
  }

  private watchExit(): void {
    if (this.closing !== undefined) return;
    watchProcessExit(this.exitHooks);
    this.watchingExit = true;
  }

  /**
   * The event loop ran dry with `shutdown()` never called: delivers what is pending within
   * `shutdown-timeout`, once more each time the previous round finished in time; after a
   * round that reached its deadline, what is left is reported at exit instead. Spooled
   * events are safe on disk and do not hold the process.
   */
  private deliverBeforeExit(): void {
    if (!this.settings.deliverOnExit || this.spool !== undefined || this.exitFlush !== undefined || this.exitFlushExpired) return;
    if (!this.accepting || this.state !== 'running' || this.pendingCount() === 0) return;
    this.log.debug(`event loop idle with ${this.pendingCount()} events pending: delivering them before exit`);
    this.exitFlush = this.settle(this.settings.shutdownTimeoutMillis).then((settled) => {
      this.exitFlush = undefined;
      if (!settled) this.exitFlushExpired = true;
    });
  }

  /** The process is ending now: what is still pending is reported, and counted as dropped unless spooled. */
  private reportAtExit(): void {
    const pending = this.pendingCount();
    if (pending === 0) return;
    if (this.spool !== undefined) {
      this.log.warn(`process exiting with ${pending} events not delivered; they stay in the spool for the next start`);
      return;
    }
    this.accepting = false;
    this.state = 'closed';
    this.clearTimer();
    this.takeAllPending();
    this.inFlight = undefined;
    this.inFlightBytes = 0;
    this.settled += pending;
    this.drops.drop('shutdown', pending, true);
    this.log.warn(`process exiting with ${pending} events not delivered; counted as dropped (shutdown)`);
    this.drops.report();
  }

  private pendingCount(): number {
    return this.queue.length + this.heldEvents + (this.inFlight?.length ?? 0) + (this.spool?.unread ?? 0);
  }

  /** Counts events dropped before they were accepted (never spooled). */
  private drop(reason: DropReason, count: number): void {
    if (count <= 0) return;
    this.settled += count;
    this.drops.drop(reason, count);
  }

  /** Counts accepted events as dropped and releases them from the spool. */
  private dropEvents(reason: DropReason, events: readonly WebhookEvent[]): void {
    if (events.length === 0) return;
    this.spool?.ack(events);
    this.drop(reason, events.length);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** (Re)arms the single timer for the next request, if there is anything to send. */
  private arm(): void {
    if (this.state !== 'running' || this.inFlight !== undefined) return;
    if (this.queue.length === 0 && this.heldEvents === 0 && (this.spool?.unread ?? 0) === 0) {
      this.clearTimer();
      this.settleWaiters();
      return;
    }
    const now = performance.now();
    let at = this.retryAt;
    if (this.windowRemaining <= 0 && this.waiters.size === 0) {
      at = Math.max(at, this.windowOpenedAt + this.settings.throttleMillis);
    }
    at = Math.max(at, now);
    if (this.timer !== undefined) {
      if (this.timerAt <= at) return;
      clearTimeout(this.timer);
    }
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sending = this.sendNext().finally(() => {
        this.sending = undefined;
      });
    }, at - now);
    this.timer.unref();
  }

  private nextBatch(): WebhookEvent[] | undefined {
    const batch = this.held.shift();
    if (batch !== undefined) {
      this.heldEvents -= batch.length;
      for (const event of batch) this.heldBytes -= event.bytes;
      return batch;
    }
    if (this.queue.length === 0) return undefined;
    return this.queue.take(this.settings.maxBatchEvents, this.settings.maxBatchBytes);
  }

  private hold(batch: WebhookEvent[]): void {
    this.held.unshift(batch);
    this.heldEvents += batch.length;
    for (const event of batch) this.heldBytes += event.bytes;
  }

  private discardExpired(): void {
    const cutoff = Date.now() - this.settings.discardAfterMillis;
    for (let i = 0; i < this.held.length; i++) {
      const batch = this.held[i] as WebhookEvent[];
      const kept = batch.filter((event) => event.acceptedAt >= cutoff);
      if (kept.length === batch.length) continue;
      const expired = batch.filter((event) => event.acceptedAt < cutoff);
      this.heldEvents -= expired.length;
      for (const event of expired) this.heldBytes -= event.bytes;
      this.dropEvents('discarded', expired);
      this.held[i] = kept;
    }
    for (let i = this.held.length - 1; i >= 0; i--) if (this.held[i]?.length === 0) this.held.splice(i, 1);
    this.dropEvents('discarded', this.queue.dropAcceptedBefore(cutoff));
  }

  private async sendNext(): Promise<void> {
    if (this.state !== 'running' || this.inFlight !== undefined) return;
    this.topUpFromSpool();
    this.discardExpired();
    if (this.windowRemaining <= 0) {
      this.windowOpenedAt = performance.now();
      this.windowRemaining = this.queue.length + this.heldEvents + (this.spool?.unread ?? 0);
    }
    const batch = this.nextBatch();
    if (batch === undefined || batch.length === 0) {
      this.windowRemaining = 0;
      this.arm();
      return;
    }
    this.inFlight = batch;
    let bytes = 0;
    for (const event of batch) bytes += event.bytes;
    this.inFlightBytes = bytes;
    this.requests++;
    let result: DeliveryResult;
    try {
      // No request may carry an event the spool has not written yet.
      this.spool?.commit();
      const body = this.encoder.encode(batch);
      result = await this.transport.send(body, this.settings.signer(body, batchId(batch), Date.now()));
    } catch (error) {
      result = {
        status: 'retryable',
        statusCode: undefined,
        retryAfterMillis: undefined,
        capped: false,
        message: (error as Error).message,
      };
    }
    this.inFlight = undefined;
    this.inFlightBytes = 0;
    this.onResult(batch, result);
    this.arm();
    this.settleWaiters();
  }

  private onResult(batch: WebhookEvent[], result: DeliveryResult): void {
    if (result.status === 'success') {
      this.delivered += batch.length;
      this.settled += batch.length;
      this.spool?.ack(batch);
      this.windowRemaining -= batch.length;
      if (this.attempt > 0) this.log.info(`delivered again after ${this.attempt} failed attempts`);
      this.attempt = 0;
      this.retryAt = 0;
      return;
    }
    this.failedRequests++;
    this.windowRemaining = 0;
    if (result.status === 'failure') {
      if (result.reason === 'gone') {
        this.state = 'gone';
        this.log.error(`endpoint answered ${result.message}: webhook stopped, pending events dropped`);
        this.dropEvents('gone', [...batch, ...this.takeAllPending()]);
        this.clearTimer();
        void this.transport.close();
        return;
      }
      if (batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        this.hold(batch.slice(half));
        this.hold(batch.slice(0, half));
        this.log.debug(`${result.message}: batch of ${batch.length} split in two`);
      } else {
        this.dropEvents('too-large', batch);
      }
      return;
    }
    this.attempt++;
    let delay = result.capped
      ? this.settings.retryMaxMillis
      : backoffMillis(this.attempt, this.settings.throttleMillis, this.settings.retryMaxMillis);
    if (result.retryAfterMillis !== undefined) {
      delay = Math.max(delay, clampRetryAfter(result.retryAfterMillis, this.settings.discardAfterMillis));
    }
    this.retryAt = performance.now() + delay;
    if (this.settings.lossy) {
      this.dropEvents('lossy', batch);
    } else {
      this.hold(batch);
    }
    if ((this.attempt & (this.attempt - 1)) === 0) {
      const what = this.settings.lossy ? `${batch.length} events dropped (lossy)` : `retrying in ${Math.round(delay)} ms`;
      this.log.warn(`delivery failed (${result.message}), attempt ${this.attempt}: ${what}; ${this.pendingCount()} events pending`);
    }
  }

  private takeAllPending(): WebhookEvent[] {
    const all = [...this.held.flat(), ...this.queue.clear()];
    this.held.length = 0;
    this.heldEvents = 0;
    this.heldBytes = 0;
    return all;
  }

  private settleWaiters(): void {
    for (const waiter of this.waiters) {
      if (this.settled >= waiter.target || this.state !== 'running') {
        clearTimeout(waiter.timer);
        this.waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
  }
}
