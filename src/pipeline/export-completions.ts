import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { DROP_EXPLANATIONS, type DropReason } from '../delivery/drops.ts';
import type { DeliveryOutcome, SettleListener } from '../delivery/outcomes.ts';

/** The records of one `export()` call: the sequence numbers from `start` to `end` (exclusive). */
export interface ExportGroup {
  readonly start: number;
  /** Unknown while the export is still handing its records over. */
  end: number | undefined;
  settled: number;
  readonly dropped: Map<DropReason, number>;
  cause: string | undefined;
  readonly callback: (result: ExportResult) => void;
  done: boolean;
}

/**
 * The exporter's per-export completion, a listener of the engine: an export's callback is
 * called once every record it handed over has settled, with SUCCESS when all were delivered
 * and FAILED, saying why, when any was dropped. Records an export hands over get consecutive
 * sequence numbers, so an export is a range of them.
 *
 * Callbacks are called in a microtask, never from inside the engine, and a callback that
 * throws is ignored.
 */
export class ExportCompletions implements SettleListener {
  private readonly id: string;
  /** Ordered by `start`; finished ones are removed from the front. */
  private groups: ExportGroup[] = [];
  private head = 0;

  /** `id` names the webhook in error messages. */
  constructor(id: string) {
    this.id = id;
  }

  /** Starts an export whose records get sequence numbers from `start` on. */
  open(start: number, callback: (result: ExportResult) => void): ExportGroup {
    const group: ExportGroup = { start, end: undefined, settled: 0, dropped: new Map(), cause: undefined, callback, done: false };
    this.groups.push(group);
    return group;
  }

  /** The export has handed over its records, numbered below `end`; it finishes once they have settled. */
  seal(group: ExportGroup, end: number): void {
    group.end = end;
    this.finishIfSettled(group);
  }

  onSettled(outcome: DeliveryOutcome, seqs: readonly number[], cause: string | undefined): void {
    for (const seq of seqs) {
      const group = this.find(seq);
      if (group === undefined) continue;
      group.settled++;
      if (outcome !== 'delivered') {
        group.dropped.set(outcome, (group.dropped.get(outcome) ?? 0) + 1);
        group.cause ??= cause;
      }
      this.finishIfSettled(group);
    }
  }

  /** Fails every export not finished yet (its events stay in the spool). */
  failAll(why: string): void {
    for (let i = this.head; i < this.groups.length; i++) {
      const group = this.groups[i] as ExportGroup;
      if (!group.done) this.finish(group, new Error(`webhook "${this.id}": ${why}`));
    }
    this.compact();
  }

  /** The unfinished export holding `seq`, found by binary search. */
  private find(seq: number): ExportGroup | undefined {
    let low = this.head;
    let high = this.groups.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const group = this.groups[middle] as ExportGroup;
      if (seq < group.start) high = middle - 1;
      else if (group.end !== undefined && seq >= group.end) low = middle + 1;
      else return group.done ? undefined : group;
    }
    return undefined;
  }

  private finishIfSettled(group: ExportGroup): void {
    if (group.done || group.end === undefined || group.settled < group.end - group.start) return;
    this.finish(group, group.dropped.size === 0 ? undefined : this.failure(group));
    this.compact();
  }

  private failure(group: ExportGroup): Error {
    const total = (group.end ?? group.start) - group.start;
    let dropped = 0;
    const parts: string[] = [];
    for (const [reason, count] of group.dropped) {
      dropped += count;
      parts.push(`${count} ${reason} (${DROP_EXPLANATIONS[reason]})`);
    }
    const cause = group.cause === undefined ? '' : `; last failure: ${group.cause}`;
    return new Error(`webhook "${this.id}": ${dropped} of ${total} events not delivered: ${parts.join(', ')}${cause}`);
  }

  private finish(group: ExportGroup, error: Error | undefined): void {
    group.done = true;
    const result: ExportResult = error === undefined ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error };
    queueMicrotask(() => {
      try {
        group.callback(result);
      } catch {
        // The SDK's callback: nothing of it may reach the engine.
      }
    });
  }

  private compact(): void {
    while (this.head < this.groups.length && (this.groups[this.head] as ExportGroup).done) this.head++;
    if (this.head === this.groups.length) {
      this.groups = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.groups.length) {
      this.groups = this.groups.slice(this.head);
      this.head = 0;
    }
  }
}
