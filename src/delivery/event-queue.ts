import type { WebhookEvent } from '../records/event.ts';

/** Severity number from which an event counts as an error (OTel ERROR = 17). */
export const ERROR_SEVERITY = 17;

/**
 * FIFO of accepted events waiting for a batch, with byte accounting. Amortized O(1) push and
 * shift; the backing array is compacted as its head advances.
 */
export class EventQueue {
  private items: WebhookEvent[] = [];
  private head = 0;
  /** Sum of the `bytes` of queued events. */
  bytes = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(event: WebhookEvent): void {
    this.items.push(event);
    this.bytes += event.bytes;
  }

  peek(): WebhookEvent | undefined {
    return this.items[this.head];
  }

  /** Removes and returns up to `maxEvents` events totalling at most `maxBytes` (at least one event). */
  take(maxEvents: number, maxBytes: number): WebhookEvent[] {
    const batch: WebhookEvent[] = [];
    let size = 0;
    while (batch.length < maxEvents && this.head < this.items.length) {
      const event = this.items[this.head] as WebhookEvent;
      if (batch.length > 0 && size + event.bytes > maxBytes) break;
      batch.push(event);
      size += event.bytes;
      this.head++;
    }
    this.bytes -= size;
    this.compact();
    return batch;
  }

  /** Removes the events at the head accepted before `cutoff` (epoch ms) and returns them. */
  dropAcceptedBefore(cutoff: number): WebhookEvent[] {
    const start = this.head;
    while (this.head < this.items.length) {
      const event = this.items[this.head] as WebhookEvent;
      if (event.acceptedAt >= cutoff) break;
      this.bytes -= event.bytes;
      this.head++;
    }
    const dropped = this.head === start ? [] : this.items.slice(start, this.head);
    this.compact();
    return dropped;
  }

  /**
   * Removes the oldest events until at most `maxEvents` and `maxBytes` remain, taking events
   * below error severity first and error events only when that is not enough. Returns them.
   */
  shed(maxEvents: number, maxBytes: number): WebhookEvent[] {
    if (this.length <= maxEvents && this.bytes <= maxBytes) return [];
    let excessEvents = this.length - maxEvents;
    let excessBytes = this.bytes - maxBytes;
    const kept: WebhookEvent[] = [];
    const removed: WebhookEvent[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const event = this.items[i] as WebhookEvent;
      if ((excessEvents > 0 || excessBytes > 0) && event.severity < ERROR_SEVERITY) {
        excessEvents--;
        excessBytes -= event.bytes;
        this.bytes -= event.bytes;
        removed.push(event);
      } else {
        kept.push(event);
      }
    }
    this.items = kept;
    this.head = 0;
    while (this.length > maxEvents || (this.bytes > maxBytes && this.length > 0)) {
      const event = this.items[this.head++] as WebhookEvent;
      this.bytes -= event.bytes;
      removed.push(event);
    }
    this.compact();
    return removed;
  }

  /** Removes everything and returns it. */
  clear(): WebhookEvent[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    this.bytes = 0;
    return all;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
