import type { WebhookEvent } from '../records/event.ts';
import { type Batch, formBatch, NOTHING_REMOVED, type Removed, removeAcceptedBefore, splitBatch } from './batch.ts';
import { EventQueue } from './event-queue.ts';

/**
 * The events waiting to be sent, not counting the batch in flight: held batches first (a
 * failed batch waiting for its retry, or the halves of a split one), then the queue of events
 * not yet batched. Held batches are older than every queued event, so the next batch is
 * always the oldest waiting one and order is kept.
 */
export class Backlog {
  private readonly queue = new EventQueue();
  private readonly held: Batch[] = [];
  private heldEvents = 0;
  private heldBytes = 0;

  /** Events waiting, held and queued. */
  get events(): number {
    return this.queue.length + this.heldEvents;
  }

  get bytes(): number {
    return this.queue.bytes + this.heldBytes;
  }

  push(event: WebhookEvent, seq: number): void {
    this.queue.push(event, seq);
  }

  /** The lowest sequence number waiting, or undefined when nothing waits. */
  oldestSeq(): number | undefined {
    const held = this.held[0]?.seqs[0];
    const queued = this.queue.headSeq();
    if (held === undefined) return queued;
    return queued === undefined ? held : Math.min(held, queued);
  }

  /**
   * Sheds queued events (the oldest below error severity first) until at most `maxEvents`
   * and `maxBytes` wait in all; held batches are not touched.
   */
  shed(maxEvents: number, maxBytes: number): Removed {
    const seqs: number[] = [];
    const events = this.queue.shed(Math.max(0, maxEvents - this.heldEvents), Math.max(0, maxBytes - this.heldBytes), seqs);
    return events.length === 0 ? NOTHING_REMOVED : { events, seqs };
  }

  /** The next batch to send: the first held one, else a new one from the queue. */
  next(maxEvents: number, maxBytes: number): Batch | undefined {
    const batch = this.held.shift();
    if (batch !== undefined) {
      this.heldEvents -= batch.events.length;
      this.heldBytes -= batch.bytes;
      return batch;
    }
    if (this.queue.length === 0) return undefined;
    const seqs: number[] = [];
    return formBatch(this.queue.take(maxEvents, maxBytes, seqs), seqs);
  }

  /** Puts a batch back at the head, to be sent next with the same id. */
  hold(batch: Batch): void {
    if (batch.events.length === 0) return;
    this.held.unshift(batch);
    this.heldEvents += batch.events.length;
    this.heldBytes += batch.bytes;
  }

  /** Puts the two halves of a batch at the head, the first half to be sent next. */
  holdSplit(batch: Batch): void {
    const [first, second] = splitBatch(batch);
    this.hold(second);
    this.hold(first);
  }

  /** Removes every waiting event accepted before `cutoff` (epoch ms). */
  removeAcceptedBefore(cutoff: number): Removed {
    const events: WebhookEvent[] = [];
    const seqs: number[] = [];
    for (const batch of this.held) {
      const removed = removeAcceptedBefore(batch, cutoff);
      this.heldEvents -= removed.events.length;
      for (const event of removed.events) this.heldBytes -= event.bytes;
      events.push(...removed.events);
      seqs.push(...removed.seqs);
    }
    for (let i = this.held.length - 1; i >= 0; i--) if (this.held[i]?.events.length === 0) this.held.splice(i, 1);
    for (const event of this.queue.dropAcceptedBefore(cutoff, seqs)) events.push(event);
    return events.length === 0 ? NOTHING_REMOVED : { events, seqs };
  }

  /** Removes everything waiting. */
  takeAll(): Removed {
    const events: WebhookEvent[] = [];
    const seqs: number[] = [];
    for (const batch of this.held) {
      for (const event of batch.events) events.push(event);
      for (const seq of batch.seqs) seqs.push(seq);
    }
    this.held.length = 0;
    this.heldEvents = 0;
    this.heldBytes = 0;
    for (const event of this.queue.clear(seqs)) events.push(event);
    return events.length === 0 ? NOTHING_REMOVED : { events, seqs };
  }
}
