import type { WebhookEvent } from '../records/event.ts';
import { ERROR_SEVERITY } from '../records/severity.ts';

/**
 * FIFO of accepted events waiting for a batch, with byte accounting and, beside each event,
 * its acceptance sequence number (see engine.ts). Amortized O(1) push and shift; the backing
 * arrays are compacted as their head advances. Methods that remove events return them and,
 * given a `seqs` array, append their sequence numbers to it, in the same order.
 */
export class EventQueue {
  private items: WebhookEvent[] = [];
  private seqs: number[] = [];
  private head = 0;
  /** Sum of the `bytes` of queued events. */
  bytes = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(event: WebhookEvent, seq = 0): void {
    this.items.push(event);
    this.seqs.push(seq);
    this.bytes += event.bytes;
  }

  peek(): WebhookEvent | undefined {
    return this.items[this.head];
  }

  /** The sequence number of the event at the head, or undefined when empty. */
  headSeq(): number | undefined {
    return this.head < this.items.length ? this.seqs[this.head] : undefined;
  }

  /** Removes and returns up to `maxEvents` events totalling at most `maxBytes` (at least one event). */
  take(maxEvents: number, maxBytes: number, seqs?: number[]): WebhookEvent[] {
    const start = this.head;
    let size = 0;
    while (this.head - start < maxEvents && this.head < this.items.length) {
      const event = this.items[this.head] as WebhookEvent;
      if (this.head > start && size + event.bytes > maxBytes) break;
      size += event.bytes;
      this.head++;
    }
    this.bytes -= size;
    return this.removed(start, seqs);
  }

  /** Removes the events at the head accepted before `cutoff` (epoch ms) and returns them. */
  dropAcceptedBefore(cutoff: number, seqs?: number[]): WebhookEvent[] {
    const start = this.head;
    while (this.head < this.items.length) {
      const event = this.items[this.head] as WebhookEvent;
      if (event.acceptedAt >= cutoff) break;
      this.bytes -= event.bytes;
      this.head++;
    }
    return this.removed(start, seqs);
  }

  /**
   * Removes the oldest events until at most `maxEvents` and `maxBytes` remain, taking events
   * below error severity first and error events only when that is not enough. Returns them.
   */
  shed(maxEvents: number, maxBytes: number, seqs?: number[]): WebhookEvent[] {
    if (this.length <= maxEvents && this.bytes <= maxBytes) return [];
    let excessEvents = this.length - maxEvents;
    let excessBytes = this.bytes - maxBytes;
    const kept: WebhookEvent[] = [];
    const keptSeqs: number[] = [];
    const removed: WebhookEvent[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const event = this.items[i] as WebhookEvent;
      if ((excessEvents > 0 || excessBytes > 0) && event.severity < ERROR_SEVERITY) {
        excessEvents--;
        excessBytes -= event.bytes;
        this.bytes -= event.bytes;
        removed.push(event);
        seqs?.push(this.seqs[i] as number);
      } else {
        kept.push(event);
        keptSeqs.push(this.seqs[i] as number);
      }
    }
    this.items = kept;
    this.seqs = keptSeqs;
    this.head = 0;
    const start = this.head;
    while (this.length > maxEvents || (this.bytes > maxBytes && this.length > 0)) {
      this.bytes -= (this.items[this.head++] as WebhookEvent).bytes;
    }
    for (const event of this.removed(start, seqs)) removed.push(event);
    return removed;
  }

  /** Removes everything and returns it. */
  clear(seqs?: number[]): WebhookEvent[] {
    const start = this.head;
    this.head = this.items.length;
    this.bytes = 0;
    return this.removed(start, seqs);
  }

  /** The events from `start` to the head, just removed; compacts the arrays. */
  private removed(start: number, seqs: number[] | undefined): WebhookEvent[] {
    const events = this.head === start ? [] : this.items.slice(start, this.head);
    if (seqs !== undefined) for (let i = start; i < this.head; i++) seqs.push(this.seqs[i] as number);
    if (this.head === this.items.length) {
      this.items = [];
      this.seqs = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.seqs = this.seqs.slice(this.head);
      this.head = 0;
    }
    return events;
  }
}
