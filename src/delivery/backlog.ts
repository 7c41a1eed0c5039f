import { type Batch, formBatch, removeAcceptedBefore, splitBatch } from './batch.ts';
import { EventQueue } from './event-queue.ts';
import { NO_SLOTS } from './event-slots.ts';
import type { EventStore } from './event-store.ts';

/** The slots of several lists, in order, as one. */
function joined(lists: readonly Int32Array[]): Int32Array {
  const nonEmpty = lists.filter((list) => list.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? NO_SLOTS;
  const out = new Int32Array(nonEmpty.reduce((sum, list) => sum + list.length, 0));
  let at = 0;
  for (const list of nonEmpty) {
    out.set(list, at);
    at += list.length;
  }
  return out;
}

/**
 * The events waiting to be sent, not counting the batch in flight: held batches first (a
 * failed batch waiting for its retry, or the halves of a split one), then the queue of events
 * not yet batched. Held batches are older than every queued event, so the next batch is
 * always the oldest waiting one and order is kept. Methods that remove events return their
 * slots, oldest first.
 */
export class Backlog {
  private readonly store: EventStore;
  private readonly queue: EventQueue;
  private readonly held: Batch[] = [];
  private heldEvents = 0;
  private heldBytes = 0;

  constructor(store: EventStore) {
    this.store = store;
    this.queue = new EventQueue(store.slots);
  }

  /** Events waiting, held and queued. */
  get events(): number {
    return this.queue.length + this.heldEvents;
  }

  get bytes(): number {
    return this.queue.bytes + this.heldBytes;
  }

  push(slot: number): void {
    this.queue.push(slot);
  }

  /** The lowest sequence number waiting, or undefined when nothing waits. */
  oldestSeq(): number | undefined {
    const first = this.held[0]?.slots[0];
    const queued = this.queue.headSeq();
    if (first === undefined) return queued;
    const held = this.store.slots.seq[first] as number;
    return queued === undefined ? held : Math.min(held, queued);
  }

  /**
   * Sheds queued events (the oldest below error severity first) until at most `maxEvents`
   * and `maxBytes` wait in all; held batches are not touched.
   */
  shed(maxEvents: number, maxBytes: number): Int32Array {
    return this.queue.shed(Math.max(0, maxEvents - this.heldEvents), Math.max(0, maxBytes - this.heldBytes));
  }

  /** The next batch to send: the first held one, else a new one from the queue. */
  next(maxEvents: number, maxBytes: number): Batch | undefined {
    const batch = this.held.shift();
    if (batch !== undefined) {
      this.heldEvents -= batch.slots.length;
      this.heldBytes -= batch.bytes;
      return batch;
    }
    if (this.queue.length === 0) return undefined;
    return formBatch(this.store, this.queue.take(maxEvents, maxBytes));
  }

  /** Puts a batch back at the head, to be sent next with the same id. */
  hold(batch: Batch): void {
    if (batch.slots.length === 0) return;
    this.held.unshift(batch);
    this.heldEvents += batch.slots.length;
    this.heldBytes += batch.bytes;
  }

  /** Puts the two halves of a batch at the head, the first half to be sent next. */
  holdSplit(batch: Batch): void {
    const [first, second] = splitBatch(this.store, batch);
    this.hold(second);
    this.hold(first);
  }

  /** Removes every waiting event accepted before `cutoff` (epoch ms). */
  removeAcceptedBefore(cutoff: number): Int32Array {
    const removed: Int32Array[] = [];
    for (const batch of this.held) {
      const before = batch.bytes;
      const gone = removeAcceptedBefore(this.store, batch, cutoff);
      this.heldEvents -= gone.length;
      this.heldBytes -= before - batch.bytes;
      removed.push(gone);
    }
    for (let i = this.held.length - 1; i >= 0; i--) if (this.held[i]?.slots.length === 0) this.held.splice(i, 1);
    removed.push(this.queue.dropAcceptedBefore(cutoff));
    return joined(removed);
  }

  /** Removes everything waiting. */
  takeAll(): Int32Array {
    const lists = this.held.map((batch) => batch.slots);
    this.held.length = 0;
    this.heldEvents = 0;
    this.heldBytes = 0;
    lists.push(this.queue.clear());
    return joined(lists);
  }
}
