import { ERROR_SEVERITY } from '../records/severity.ts';
import { type EventSlots, NO_SLOTS } from './event-slots.ts';

const INITIAL_CAPACITY = 1024;

/**
 * FIFO of accepted events waiting for a batch, by slot number (see event-slots.ts), with byte
 * accounting: a ring of slot numbers that doubles when full. Methods that remove events
 * return their slots, in queue order.
 */
export class EventQueue {
  private readonly slots: EventSlots;
  private ring = new Int32Array(INITIAL_CAPACITY);
  /** Position of the head and one past the tail, counted from the start (`& mask` for the index). */
  private head = 0;
  private tail = 0;
  private mask = INITIAL_CAPACITY - 1;
  /** Sum of the byte lengths of queued events. */
  bytes = 0;

  constructor(slots: EventSlots) {
    this.slots = slots;
  }

  get length(): number {
    return this.tail - this.head;
  }

  push(slot: number): void {
    if (this.tail - this.head > this.mask) this.grow();
    this.ring[this.tail++ & this.mask] = slot;
    this.bytes += this.slots.length[slot] as number;
  }

  /** The sequence number of the event at the head, or undefined when empty. */
  headSeq(): number | undefined {
    return this.head < this.tail ? this.slots.seq[this.ring[this.head & this.mask] as number] : undefined;
  }

  /** Removes up to `maxEvents` events totalling at most `maxBytes` (at least one event). */
  take(maxEvents: number, maxBytes: number): Int32Array {
    const { length } = this.slots;
    const start = this.head;
    let size = 0;
    while (this.head - start < maxEvents && this.head < this.tail) {
      const bytes = length[this.ring[this.head & this.mask] as number] as number;
      if (this.head > start && size + bytes > maxBytes) break;
      size += bytes;
      this.head++;
    }
    this.bytes -= size;
    return this.removed(start);
  }

  /** Removes the events at the head accepted before `cutoff` (epoch ms). */
  dropAcceptedBefore(cutoff: number): Int32Array {
    const { acceptedAt, length } = this.slots;
    const start = this.head;
    while (this.head < this.tail) {
      const slot = this.ring[this.head & this.mask] as number;
      if ((acceptedAt[slot] as number) >= cutoff) break;
      this.bytes -= length[slot] as number;
      this.head++;
    }
    return this.removed(start);
  }

  /**
   * Removes the oldest events until at most `maxEvents` and `maxBytes` remain, taking events
   * below error severity first and error events only when that is not enough.
   */
  shed(maxEvents: number, maxBytes: number): Int32Array {
    if (this.length <= maxEvents && this.bytes <= maxBytes) return NO_SLOTS;
    const { severity, length } = this.slots;
    const { ring, mask } = this;
    let excessEvents = this.length - maxEvents;
    let excessBytes = this.bytes - maxBytes;
    const removed: number[] = [];
    // Kept events move up, in order, over the removed ones.
    let write = this.head;
    for (let read = this.head; read < this.tail; read++) {
      const slot = ring[read & mask] as number;
      if ((excessEvents > 0 || excessBytes > 0) && (severity[slot] as number) < ERROR_SEVERITY) {
        const bytes = length[slot] as number;
        excessEvents--;
        excessBytes -= bytes;
        this.bytes -= bytes;
        removed.push(slot);
      } else {
        ring[write++ & mask] = slot;
      }
    }
    this.tail = write;
    while (this.length > maxEvents || (this.bytes > maxBytes && this.length > 0)) {
      const slot = ring[this.head++ & mask] as number;
      this.bytes -= length[slot] as number;
      removed.push(slot);
    }
    return Int32Array.from(removed);
  }

  /** Removes everything. */
  clear(): Int32Array {
    const start = this.head;
    this.head = this.tail;
    this.bytes = 0;
    return this.removed(start);
  }

  /** The slots from `start` to the head, just removed. */
  private removed(start: number): Int32Array {
    const count = this.head - start;
    if (count === 0) return NO_SLOTS;
    const out = new Int32Array(count);
    const { ring, mask } = this;
    const from = start & mask;
    if (from + count <= ring.length) {
      out.set(ring.subarray(from, from + count));
    } else {
      out.set(ring.subarray(from));
      out.set(ring.subarray(0, count - (ring.length - from)), ring.length - from);
    }
    return out;
  }

  private grow(): void {
    const count = this.length;
    const ring = new Int32Array(this.ring.length * 2);
    const from = this.head & this.mask;
    ring.set(this.ring.subarray(from));
    ring.set(this.ring.subarray(0, from), this.ring.length - from);
    this.ring = ring;
    this.mask = ring.length - 1;
    this.head = 0;
    this.tail = count;
  }
}
