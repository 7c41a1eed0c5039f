import type { DiagLogger } from '@opentelemetry/api';
import type { DeliveryResult } from '../http/delivery-result.ts';
import { type DropCounts, type DropReason, DropReporter } from './drops.ts';

/** How an accepted item ended: delivered (a 2xx answered its request), or dropped for a reason. */
export type DeliveryOutcome = 'delivered' | DropReason;

/**
 * Told of every accepted item's end, once per item. The engine always has one, the
 * {@link DeliveryCounters} behind `stats()`; others (the exporter's per-export completion, a
 * metrics recorder) are given to the engine when it is made, so an engine without them pays
 * nothing for them. Called synchronously from inside the engine: a listener must not throw,
 * must not call back into the engine, and must not keep `seqs`, which is only valid during
 * the call.
 */
export interface SettleListener {
  /**
   * `seqs` are the sequence numbers of the items that settled (see engine.ts), never empty;
   * `cause` is the message of the failed attempt that led to a drop, when there was one.
   */
  onSettled(outcome: DeliveryOutcome, seqs: readonly number[], cause: string | undefined): void;
}

/**
 * Told of each request the engine makes (a metrics recorder): before it is sent, and of its
 * result before the engine applies it (so before the items it carried settle). Optional, like
 * the listeners above; the same rules apply: no throwing, no calls back, no keeping `seqs`,
 * the batch's sequence numbers in ascending order, the same on every retry of the batch.
 */
export interface AttemptListener {
  onSend(seqs: readonly number[]): void;
  onResult(seqs: readonly number[], result: DeliveryResult): void;
}

/** A snapshot of one webhook's delivery. */
export interface DeliveryStats {
  /** `running` (also while shutdown delivers what is pending), `gone` after a 410 (nothing more is sent), or `closed` after shutdown. */
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
  /** With a spool: how full it is. Events beyond the memory queue's caps wait there. */
  readonly spool?: SpoolUsage | undefined;
}

/** The spool's part of `stats()`. */
export interface SpoolUsage {
  /** Bytes of the records of the pending events (those in memory are on disk too). */
  readonly bytes: number;
  /** `spool-max-bytes`: events beyond it are dropped as `overflow`. */
  readonly maxBytes: number;
  /** Pending events on disk only, read back as the memory queue has room. */
  readonly unread: number;
}

/**
 * The outcome counters of `stats()`, and the `diag` reports of drops (see drops.ts).
 * `settled` is `delivered` plus every drop.
 */
export class DeliveryCounters implements SettleListener {
  delivered = 0;
  settled = 0;
  /** While true, drops are counted but their report waits for {@link report} (at process exit). */
  holdReports = false;
  private readonly drops: DropReporter;

  constructor(log: DiagLogger) {
    this.drops = new DropReporter(log);
  }

  onSettled(outcome: DeliveryOutcome, seqs: readonly number[]): void {
    const count = seqs.length;
    this.settled += count;
    if (outcome === 'delivered') this.delivered += count;
    else this.drops.drop(outcome, count, this.holdReports);
  }

  get dropped(): DropCounts {
    return { ...this.drops.counts };
  }

  /** Reports the drops not reported yet. */
  report(): void {
    this.drops.report();
  }
}
