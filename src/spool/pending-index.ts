import { type IdKey, idBelow, idText } from './id-key.ts';

/** The segment of a pending event whose record is in no segment file (its write failed): it is held in memory only. */
export const NOWHERE = -1;

/** Entries the columns start with; they double as needed and never shrink (as the engine's slot table). */
const INITIAL_ENTRIES = 1024;

/**
 * The pending events of a spool, in the order they were appended (or taken from the files),
 * as columns of numbers: no JavaScript object or string per event, so that holding many costs
 * the garbage collector nothing. An entry has its id ({@link IdKey}), the segment its record
 * is in (its sequence number, or {@link NOWHERE}), the record's byte offset in that segment's
 * file and its length, and whether it is acknowledged.
 *
 * Events are acknowledged mostly in append order (the engine sends and acks whole batches from
 * the head), so a lookup first tries the entry after the last one found, then a binary search
 * by id (ids increase in append order); only when an id is not plain, or comes out of order,
 * does the index keep a Map of ids, until nothing is pending. Entries are addressed by their
 * index in the columns, `head` to `tail`; acknowledged ones at the head are skipped, and cut
 * when the columns are full.
 */
export class PendingIndex {
  /** Entries not acknowledged, and the sum of their record bytes. */
  count = 0;
  bytes = 0;
  private highs = new Float64Array(INITIAL_ENTRIES);
  private lows = new Int32Array(INITIAL_ENTRIES);
  private seqs = new Float64Array(INITIAL_ENTRIES);
  private offsets = new Float64Array(INITIAL_ENTRIES);
  /**
   * Record sizes, below 2^31 like every count of this class: integer columns and fields keep
   * them small integers, so that no field of the index ever holds a double. (A field that
   * first gets one at the first acknowledgement changes the class's layout, and V8 throws
   * away all the code compiled for it.)
   */
  private sizes = new Int32Array(INITIAL_ENTRIES);
  /** 1 once acknowledged. */
  private done = new Uint8Array(INITIAL_ENTRIES);
  private first = 0;
  private end = 0;
  /** Position of index 0: `base + index` names an entry for as long as it is pending, whatever is cut. */
  private base = 0;
  /** Where the next acknowledgement is expected. */
  private cursor = 0;
  /** Positions by id text, while some id is not plain or came out of order. */
  private byId: Map<string, number> | undefined;
  /** The text of the ids that are not plain, by position. */
  private odd: Map<number, string> | undefined;

  /** The first entry that may be pending; every one before it is acknowledged. */
  get head(): number {
    return this.first;
  }

  /** One past the last entry. */
  get tail(): number {
    return this.end;
  }

  /** The index of the entry at `position` (see {@link add}); below {@link head} once it is acknowledged and cut. */
  indexOf(position: number): number {
    return position - this.base;
  }

  pending(index: number): boolean {
    return this.done[index] === 0;
  }

  seqAt(index: number): number {
    return this.seqs[index] as number;
  }

  offsetAt(index: number): number {
    return this.offsets[index] as number;
  }

  sizeAt(index: number): number {
    return this.sizes[index] as number;
  }

  /** `high` and `low` of the id of entry `index` (see {@link IdKey}); for an id that is not plain, see {@link oddText}. */
  highAt(index: number): number {
    return this.highs[index] as number;
  }

  lowAt(index: number): number {
    return this.lows[index] as number;
  }

  /** The text of the id of entry `index` when it is not plain; undefined for a plain one. */
  oddText(index: number): string | undefined {
    return this.odd?.get(this.base + index);
  }

  /**
   * Adds a pending event (its id read into `key`) whose record of `size` bytes is at `offset`
   * of segment `seq`; returns its position, which names it for as long as it is pending.
   */
  add(key: IdKey, seq: number, offset: number, size: number): number {
    if (this.end === this.done.length) this.grow();
    const index = this.end;
    const last = index - 1;
    if (this.byId === undefined && (!key.plain || (last >= this.first && !this.below(last, key)))) this.byId = this.map();
    this.highs[index] = key.high;
    this.lows[index] = key.low;
    this.seqs[index] = seq;
    this.offsets[index] = offset;
    this.sizes[index] = size;
    this.done[index] = 0;
    this.end++;
    this.count++;
    this.bytes += size;
    const position = this.base + index;
    if (this.byId === undefined) return position;
    if (!key.plain) {
      this.odd ??= new Map();
      this.odd.set(position, key.text());
    }
    this.byId.set(key.text(), position);
    return position;
  }

  /** Whether the event of this id is pending. */
  has(key: IdKey): boolean {
    const last = this.end - 1;
    if (last < this.first) return false;
    if (this.byId === undefined && (!key.plain || this.below(last, key))) return false;
    return this.find(key) >= 0;
  }

  /** The index of the pending entry of this id; -1 when there is none. */
  find(key: IdKey): number {
    const next = this.cursor;
    if (next < this.end && this.highs[next] === key.high && this.lows[next] === key.low && this.done[next] === 0) return next;
    if (this.byId !== undefined) {
      const position = this.byId.get(key.text());
      const index = position === undefined ? -1 : position - this.base;
      return index >= this.first && this.done[index] === 0 ? index : -1;
    }
    if (!key.plain) return -1;
    let low = this.first;
    let high = this.end - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.highs[middle] === key.high && this.lows[middle] === key.low) return this.done[middle] === 0 ? middle : -1;
      if (this.below(middle, key)) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** Marks the entry as acknowledged (or lost); returns its segment. */
  take(index: number): number {
    this.done[index] = 1;
    this.count--;
    this.bytes -= this.sizes[index] as number;
    // `index` may come from a double (a ticket's position); the cursor stays an integer.
    this.cursor = (index + 1) | 0;
    if (this.byId !== undefined) {
      const position = this.base + index;
      this.byId.delete(this.odd?.get(position) ?? idText(this.highs[index] as number, this.lows[index] as number));
      this.odd?.delete(position);
    }
    if (index === this.first) this.advance();
    return this.seqs[index] as number;
  }

  /** The record of the entry is now at `offset` of segment `seq`. */
  move(index: number, seq: number, offset: number): void {
    this.seqs[index] = seq;
    this.offsets[index] = offset;
  }

  /** Whether the id of entry `index` is below `key` (both plain). */
  private below(index: number, key: IdKey): boolean {
    return idBelow(this.highs[index] as number, this.lows[index] as number, key.high, key.low);
  }

  private advance(): void {
    while (this.first < this.end && this.done[this.first] === 1) this.first++;
    if (this.first < this.end) return;
    this.base += this.end;
    this.first = 0;
    this.end = 0;
    this.cursor = 0;
    this.byId = undefined;
    this.odd = undefined;
  }

  /** Makes room for one more entry: cuts the acknowledged head, and doubles the columns unless that freed half. */
  private grow(): void {
    const capacity = this.done.length;
    this.resize(this.first * 2 >= capacity ? capacity : capacity * 2);
  }

  /** Moves the entries from the head on to index 0 of columns of `capacity`. */
  private resize(capacity: number): void {
    const { first, end } = this;
    this.highs = moved(this.highs, capacity, first, end);
    this.lows = moved(this.lows, capacity, first, end);
    this.seqs = moved(this.seqs, capacity, first, end);
    this.offsets = moved(this.offsets, capacity, first, end);
    this.sizes = moved(this.sizes, capacity, first, end);
    this.done = moved(this.done, capacity, first, end);
    this.base += first;
    this.end -= first;
    this.cursor = Math.max(0, this.cursor - first);
    this.first = 0;
  }

  /** The Map of ids of the pending entries, once one is not plain or comes out of order. */
  private map(): Map<string, number> {
    const map = new Map<string, number>();
    for (let index = this.first; index < this.end; index++) {
      if (this.done[index] === 0) map.set(idText(this.highs[index] as number, this.lows[index] as number), this.base + index);
    }
    return map;
  }
}

/** `column[first, end)` at the start of a column of `capacity` entries: the same one when it has that length. */
function moved<T extends Float64Array | Int32Array | Uint8Array>(column: T, capacity: number, first: number, end: number): T {
  if (column.length === capacity) {
    column.copyWithin(0, first, end);
    return column;
  }
  const to = new (column.constructor as new (length: number) => T)(capacity);
  to.set(column.subarray(first, end) as never);
  return to;
}
