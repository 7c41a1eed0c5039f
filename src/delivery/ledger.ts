import type { DiagLogger } from '@opentelemetry/api';
import type { Spool } from '../spool/spool.ts';
import type { DropReason } from './drops.ts';
import type { EventStore } from './event-store.ts';
import { FlushWaiters } from './flush-waiters.ts';
import { DeliveryCounters, type DeliveryOutcome, type SettleListener } from './outcomes.ts';

/**
 * The accounting of one engine. Every accepted item (an event, or a record refused or
 * dropped at once) gets the next sequence number and settles exactly once, delivered or
 * dropped: its events are released from the spool and from the engine's memory, every
 * listener is told (the counters of `stats()` first), and the flushes that were waiting for it
 * are released.
 */
export class DeliveryLedger {
  readonly counters: DeliveryCounters;
  private readonly listeners: readonly SettleListener[];
  private readonly waiters = new FlushWaiters();
  private readonly log: DiagLogger;
  private readonly spool: Spool | undefined;
  private readonly store: EventStore;
  /** The lowest sequence number still pending, or {@link nextSeq} when nothing is. */
  private readonly oldestPending: () => number;
  private accepted = 0;
  /** Reused for items settled one at a time, so that dropping a record allocates nothing. */
  private readonly one: number[] = [0];

  constructor(
    log: DiagLogger,
    store: EventStore,
    spool: Spool | undefined,
    listeners: readonly SettleListener[],
    oldestPending: () => number,
  ) {
    this.log = log;
    this.store = store;
    this.spool = spool;
    this.counters = new DeliveryCounters(log);
    this.listeners = [this.counters, ...listeners];
    this.oldestPending = oldestPending;
  }

  /** The sequence number the next accepted item gets: the count accepted so far. */
  get nextSeq(): number {
    return this.accepted;
  }

  /** Whether a flush is waiting. */
  get flushing(): boolean {
    return this.waiters.size > 0;
  }

  /** Gives the next sequence number to an accepted item. */
  accept(): number {
    return this.accepted++;
  }

  /** Gives `count` consecutive sequence numbers at once (events accepted while still on disk); returns the first. */
  reserve(count: number): number {
    const first = this.accepted;
    this.accepted += count;
    return first;
  }

  /**
   * Resolves with true once every item accepted so far has settled (or {@link releaseAll}),
   * with false when `timeoutMillis` passes first.
   */
  wait(timeoutMillis: number): Promise<boolean> {
    const target = this.accepted;
    if (this.oldestPending() >= target) return Promise.resolve(true);
    return this.waiters.wait(target, timeoutMillis);
  }

  /** Releases every flush: nothing more will be sent. */
  releaseAll(): void {
    this.waiters.releaseAll();
  }

  /** The events in `slots`, taken out of the engine, were delivered. */
  delivered(slots: Int32Array): void {
    this.settle('delivered', this.release(slots));
  }

  /** Drops the events in `slots`, taken out of the engine; `cause` is the failure behind it. */
  drop(reason: DropReason, slots: Int32Array, cause?: string): void {
    if (slots.length === 0) return;
    this.settle(reason, this.release(slots), cause);
  }

  /** Drops one item that never was queued. */
  dropOne(reason: DropReason, seq: number): void {
    this.one[0] = seq;
    this.settle(reason, this.one);
  }

  /** Drops items that were accepted but are in no slot (waiting on disk only). */
  dropSeqs(reason: DropReason, seqs: readonly number[], cause?: string): void {
    if (seqs.length > 0) this.settle(reason, seqs, cause);
  }

  /** Accepts and drops `count` items that never were queued. */
  dropAccepted(reason: DropReason, count: number): void {
    if (count <= 0) return;
    const seqs = Array.from({ length: count }, (_, i) => this.accepted + i);
    this.accepted += count;
    this.settle(reason, seqs);
  }

  /** Releases settled events from the spool and the store; returns their sequence numbers. */
  private release(slots: Int32Array): number[] {
    const { store } = this;
    this.spool?.ackWritten(store, slots);
    const seqs = store.seqs(slots);
    store.release(slots);
    return seqs;
  }

  private settle(outcome: DeliveryOutcome, seqs: readonly number[], cause?: string): void {
    for (const listener of this.listeners) {
      try {
        listener.onSettled(outcome, seqs, cause);
      } catch (error) {
        this.log.debug(`an outcome listener threw: ${(error as Error).message}`);
      }
    }
    if (this.waiters.size > 0) this.waiters.release(this.oldestPending());
  }
}
