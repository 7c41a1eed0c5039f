/** An empty list of slots. */
export const NO_SLOTS: Int32Array = new Int32Array(0);

/** Slots the table starts with; it doubles as needed. */
const INITIAL_SLOTS = 1024;

/**
 * What the engine knows of each event it holds, in typed arrays indexed by slot number: where
 * its JSON is (chunk, offset, length; see arena.ts), when it was accepted, its acceptance
 * sequence number, its severity and its spool ticket. No event is a JavaScript object, so
 * holding many costs the garbage collector nothing. Slots are numbers from 0, reused once
 * released; the table doubles when full and never shrinks below what it once held.
 */
export class EventSlots {
  /** Arena chunk holding the event's JSON; -1 for a free slot. */
  chunk: Int32Array = new Int32Array(INITIAL_SLOTS).fill(-1);
  offset: Uint32Array = new Uint32Array(INITIAL_SLOTS);
  /** Byte length of the event's JSON (the comma the arena writes after it not counted). */
  length: Uint32Array = new Uint32Array(INITIAL_SLOTS);
  /** When the event was accepted (epoch ms); `discard-after` counts from here. */
  acceptedAt: Float64Array = new Float64Array(INITIAL_SLOTS);
  seq: Float64Array = new Float64Array(INITIAL_SLOTS);
  /** OTel severity number, clamped to 0–255. */
  severity: Uint8Array = new Uint8Array(INITIAL_SLOTS);
  /** Where the spool keeps the event, to acknowledge it by (see `Spool.ticket`); -1 for none. */
  ticket: Float64Array = new Float64Array(INITIAL_SLOTS);
  /** Free slots, a stack: the most recently freed is used first. */
  private free = new Int32Array(INITIAL_SLOTS);
  private freeCount = 0;
  /** Slots handed out so far, free or not; those from here on were never used. */
  private highWater = 0;

  /** Slots in use. */
  get used(): number {
    return this.highWater - this.freeCount;
  }

  /** Bytes the table takes. */
  get memoryBytes(): number {
    return this.chunk.length * 41;
  }

  /** A slot for a new event, its fields to be set by the caller. */
  alloc(): number {
    if (this.freeCount > 0) return this.free[--this.freeCount] as number;
    if (this.highWater === this.chunk.length) this.grow();
    return this.highWater++;
  }

  /** Gives a slot back. */
  release(slot: number): void {
    this.chunk[slot] = -1;
    this.free[this.freeCount++] = slot;
  }

  /** Sets the fields of `slot`. */
  set(
    slot: number,
    chunk: number,
    offset: number,
    length: number,
    acceptedAt: number,
    seq: number,
    severity: number,
    ticket: number,
  ): void {
    this.chunk[slot] = chunk;
    this.offset[slot] = offset;
    this.length[slot] = length;
    this.acceptedAt[slot] = acceptedAt;
    this.seq[slot] = seq;
    this.severity[slot] = Math.min(255, Math.max(severity, 0));
    this.ticket[slot] = ticket;
  }

  private grow(): void {
    const size = this.chunk.length * 2;
    const chunk = new Int32Array(size).fill(-1);
    chunk.set(this.chunk);
    this.chunk = chunk;
    this.offset = widen(this.offset, new Uint32Array(size));
    this.length = widen(this.length, new Uint32Array(size));
    this.acceptedAt = widen(this.acceptedAt, new Float64Array(size));
    this.seq = widen(this.seq, new Float64Array(size));
    this.severity = widen(this.severity, new Uint8Array(size));
    this.ticket = widen(this.ticket, new Float64Array(size));
    this.free = widen(this.free, new Int32Array(size));
  }
}

function widen<T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}
