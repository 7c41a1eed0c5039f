import { eventIdAt } from '../records/event.ts';
import { IdKey } from './id-key.ts';
import { NOWHERE, PendingIndex } from './pending-index.ts';
import type { PendingRecords } from './pending-records.ts';
import type { Segment, SegmentWriter } from './segment-writer.ts';
import type { EventBytes } from './spool.ts';

/** `{"id":"`: the bytes of an event's JSON before its id. */
export const ID_START = 7;

/**
 * The pending events a spool holds in memory (a {@link PendingIndex}) and the count each
 * segment keeps of them: adding one, acknowledging some (their ack line encoded into the
 * pending records as they are found), and moving out of a segment the records whose write
 * failed.
 */
export class PendingEvents {
  readonly index: PendingIndex = new PendingIndex();
  /** The id being appended or acknowledged. */
  readonly key: IdKey = new IdKey();
  private readonly writer: SegmentWriter;
  private readonly pending: PendingRecords;
  /** The segment an acknowledged event was last found in. */
  private lastSegment: Segment | undefined;

  constructor(writer: SegmentWriter, pending: PendingRecords) {
    this.writer = writer;
    this.pending = pending;
  }

  /** Pending events, and the sum of their record bytes. */
  get count(): number {
    return this.index.count;
  }

  get bytes(): number {
    return this.index.bytes;
  }

  /** Whether the event whose id is in {@link key} is pending. */
  has(): boolean {
    return this.index.has(this.key);
  }

  /**
   * Adds the event whose id is in {@link key}: its record of `size` bytes is at `offset` of
   * `segment` (undefined: in no file). Returns its ticket, the position that names it.
   */
  add(segment: Segment | undefined, offset: number, size: number): number {
    if (segment === undefined) return this.index.add(this.key, NOWHERE, 0, size);
    segment.pending++;
    return this.index.add(this.key, segment.seq, offset, size);
  }

  /** Acknowledges the pending events of these ids; returns how many there were (the ack lines naming them are encoded). */
  ackIds(ids: readonly string[]): number {
    const { key, index, pending } = this;
    let count = 0;
    pending.beginAcks();
    for (const id of ids) {
      key.fromText(id);
      const found = index.find(key);
      if (found < 0) continue;
      this.release(found);
      pending.ackText(id);
      count++;
    }
    pending.endAcks();
    return count;
  }

  /**
   * {@link ackIds} of the events `slots` of `events`: found by their ticket, their ids written
   * from the numbers kept, so that the event bytes are not read; an event without a ticket by
   * the id in its bytes, a plain id's digits copied from there.
   */
  ackWritten(events: EventBytes, slots: Int32Array): number {
    const { key, index, pending } = this;
    let count = 0;
    pending.beginAcks();
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as number;
      const ticket = events.ticketOf(slot);
      if (ticket >= 0) {
        const found = index.indexOf(ticket);
        if (found < index.head || found >= index.tail || !index.pending(found)) continue;
        const odd = index.oddText(found);
        if (odd === undefined) pending.ackNumbers(index.highAt(found), index.lowAt(found));
        else pending.ackText(odd);
        this.release(found);
        count++;
        continue;
      }
      const bytes = events.bytesOf(slot);
      const start = events.offsetOf(slot);
      const plain = key.fromBytes(bytes, start + ID_START);
      if (!plain) key.fromText(eventIdAt(bytes, start));
      const found = index.find(key);
      if (found < 0) continue;
      this.release(found);
      if (plain) pending.ackDigits(bytes, start + ID_START, key.end);
      else pending.ackText(key.text());
      count++;
    }
    pending.endAcks();
    return count;
  }

  /**
   * The write of the pending records failed: the events whose records it held, meant for
   * `segment` from byte `from` on, are in no file now. They are the last ones added.
   */
  unwritten(segment: Segment, from: number): void {
    const { index } = this;
    for (let i = index.tail - 1; i >= index.head && index.seqAt(i) === segment.seq && index.offsetAt(i) >= from; i--) {
      if (index.pending(i)) segment.pending--;
      index.move(i, NOWHERE, 0);
    }
  }

  /** Acknowledges entry `index`: its segment holds one pending event less. */
  private release(index: number): void {
    const seq = this.index.take(index);
    if (seq === NOWHERE) return;
    let segment = this.lastSegment;
    if (segment?.seq !== seq) {
      segment = this.writer.find(seq);
      this.lastSegment = segment;
    }
    if (segment !== undefined) segment.pending--;
  }
}
