import type { WebhookEvent } from '../records/event.ts';

/** A segment file of the spool, as far as the bookkeeping of pending events goes. */
export interface Segment {
  readonly seq: number;
  readonly path: string;
  /** Bytes written to the file. */
  size: number;
  /** Events held in memory whose live append record is in this segment and that are not acknowledged. */
  pending: number;
}

/** A pending event held in memory; `event` becomes null once it is acknowledged. */
export interface Entry {
  readonly id: string;
  event: WebhookEvent | null;
  segment: Segment;
  readonly recordBytes: number;
}

/** Ids compare as numbers when they are digit strings: shorter first, then in text order. */
function before(a: string, b: string): boolean {
  return a.length < b.length || (a.length === b.length && a < b);
}

/** Fewest acknowledged entries at the head before the array is cut. */
const COMPACT_AT = 1024;

/**
 * The pending events held in memory, in append order. Events are acknowledged mostly in that
 * order (the engine sends and acks whole batches from the head), so a lookup first tries the
 * entry after the last one found, then a binary search by id (event ids increase in append
 * order); only when ids were appended out of order does it keep a Map of ids.
 */
export class AckLog {
  private items: Entry[] = [];
  private head = 0;
  /** Where the next acknowledgement is expected. */
  private cursor = 0;
  private byId: Map<string, Entry> | undefined;
  /** Entries not acknowledged, and the sum of their record bytes. */
  count = 0;
  bytes = 0;

  add(entry: Entry): void {
    const last = this.items.at(-1);
    if (this.byId === undefined && last !== undefined && !before(last.id, entry.id)) this.byId = this.index();
    this.items.push(entry);
    this.byId?.set(entry.id, entry);
    this.count++;
    this.bytes += entry.recordBytes;
  }

  /** Whether an event with this id is pending. */
  has(id: string): boolean {
    const last = this.items.at(-1);
    if (last === undefined || (this.byId === undefined && before(last.id, id))) return false;
    return this.find(id) !== undefined;
  }

  /** Marks the event with this id as acknowledged and returns its entry; undefined when it is not pending. */
  take(id: string): Entry | undefined {
    const found = this.find(id);
    if (found === undefined) return undefined;
    const entry = this.byId === undefined ? (this.items[found] as Entry) : (this.byId.get(id) as Entry);
    entry.event = null;
    this.byId?.delete(id);
    this.count--;
    this.bytes -= entry.recordBytes;
    if (found >= 0) this.cursor = found + 1;
    if (found === this.head || found < 0) this.advance();
    return entry;
  }

  /** The pending entries, oldest first. */
  live(): Entry[] {
    const list: Entry[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const entry = this.items[i] as Entry;
      if (entry.event !== null) list.push(entry);
    }
    return list;
  }

  /** The index of the pending entry with this id; -1 when it is found in the Map (index unknown). */
  private find(id: string): number | undefined {
    const next = this.items[this.cursor];
    if (next !== undefined && next.id === id && next.event !== null) return this.cursor;
    if (this.byId !== undefined) return this.byId.has(id) ? -1 : undefined;
    let low = this.head;
    let high = this.items.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const entry = this.items[middle] as Entry;
      if (entry.id === id) return entry.event === null ? undefined : middle;
      if (before(entry.id, id)) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  private advance(): void {
    while (this.head < this.items.length && (this.items[this.head] as Entry).event === null) this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.cursor -= this.head;
      this.head = 0;
    } else if (this.head >= COMPACT_AT && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.cursor -= this.head;
      this.head = 0;
    }
    if (this.cursor < 0) this.cursor = 0;
  }

  private index(): Map<string, Entry> {
    const map = new Map<string, Entry>();
    for (let i = this.head; i < this.items.length; i++) {
      const entry = this.items[i] as Entry;
      if (entry.event !== null) map.set(entry.id, entry);
    }
    return map;
  }
}
