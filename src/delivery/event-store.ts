import { eventIdAt, type WebhookEvent } from '../records/event.ts';
import { ByteSink } from '../records/event-sink.ts';
import { writeByte, writeBytes } from '../records/json-bytes.ts';
import { EventArena } from './arena.ts';
import { EventSlots } from './event-slots.ts';

export { NO_SLOTS } from './event-slots.ts';

const COMMA = 0x2c;
/** Most bytes {@link EventStore.compact} copies in one call, so that no call holds the event loop long. */
const COMPACT_BYTES = 4 * 1024 * 1024;

/**
 * The events one engine holds, as bytes: their JSON in the arena (arena.ts), what else is
 * known of them in the slot table (event-slots.ts). An event is written straight into the
 * arena at `onEmit` ({@link begin}, then {@link commit} or {@link abort}) and lives there,
 * as a slot number, until it settles and is {@link release}d.
 */
export class EventStore {
  readonly slots: EventSlots = new EventSlots();
  private readonly arena = new EventArena();
  /** Whether the arena's sink is in use: an event written meanwhile (from inside the first) gets a sink of its own. */
  private writing = false;

  /** Bytes held: the arena's chunks and the slot table. */
  get memoryBytes(): number {
    return this.arena.memoryBytes + this.slots.memoryBytes;
  }

  /** A sink to write one event of at most `limit` bytes into. */
  begin(limit: number): ByteSink {
    let sink = this.arena.sink;
    if (this.writing) {
      sink = new ByteSink();
    } else {
      this.writing = true;
      this.arena.makeRoom();
    }
    // Room for the comma after the event.
    sink.begin(limit + 1);
    return sink;
  }

  /** Forgets the event written into `sink`. */
  abort(sink: ByteSink): void {
    sink.abort();
    if (sink === this.arena.sink) this.writing = false;
  }

  /** Keeps the event written into `sink` (`ticket`: where the spool keeps it, -1 for none); returns its slot. */
  commit(sink: ByteSink, acceptedAt: number, seq: number, severity: number, ticket = -1): number {
    // Written first: it may move the event into a new chunk.
    writeByte(sink, COMMA);
    const offset = sink.start;
    const length = sink.pos - 1 - offset;
    const own = sink === this.arena.sink;
    if (own) this.writing = false;
    const chunk = own ? this.arena.current : this.arena.adopt(sink.buf);
    this.arena.hold(chunk, length);
    const slot = this.slots.alloc();
    this.slots.set(slot, chunk, offset, length, acceptedAt, seq, severity, ticket);
    return slot;
  }

  /** Keeps an event written elsewhere (recovered from the spool), copying its JSON in; returns its slot. */
  add(event: WebhookEvent, seq: number): number {
    const sink = this.begin(event.json.length);
    writeBytes(sink, event.json);
    return this.commit(sink, event.acceptedAt, seq, event.severity);
  }

  /** The event being written into `sink`, as the spool records an event written elsewhere (its JSON copied). */
  pending(sink: ByteSink, type: string, acceptedAt: number, severity: number): WebhookEvent {
    const json = sink.copy();
    return { id: eventIdAt(sink.buf, sink.start), type, acceptedAt, severity, json, bytes: json.length };
  }

  /** Frees the slots and their bytes. */
  release(list: Int32Array): void {
    const { chunk, length } = this.slots;
    for (let i = 0; i < list.length; i++) {
      const slot = list[i] as number;
      this.arena.free(chunk[slot] as number, length[slot] as number, this.writing);
      this.slots.release(slot);
    }
  }

  /** The buffer holding the JSON of the event in `slot` (see {@link offsetOf}); with these the store is the spool's `EventBytes`. */
  bytesOf(slot: number): Buffer {
    return this.arena.chunk(this.slots.chunk[slot] as number);
  }

  /** Where the JSON of the event in `slot` starts in {@link bytesOf}. */
  offsetOf(slot: number): number {
    return this.slots.offset[slot] as number;
  }

  /** The spool's ticket of the event in `slot`; -1 for none. */
  ticketOf(slot: number): number {
    return this.slots.ticket[slot] as number;
  }

  /** The id of the event in `slot`. */
  idOf(slot: number): string {
    return eventIdAt(this.arena.chunk(this.slots.chunk[slot] as number), this.slots.offset[slot] as number);
  }

  seqs(list: Int32Array): number[] {
    const seq = this.slots.seq;
    const seqs: number[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) seqs[i] = seq[list[i] as number] as number;
    return seqs;
  }

  /** Sum of the JSON bytes of the events in `list`. */
  bytes(list: Int32Array): number {
    const length = this.slots.length;
    let bytes = 0;
    for (let i = 0; i < list.length; i++) bytes += length[list[i] as number] as number;
    return bytes;
  }

  /** The JSON of the event in `slot` (a view of the arena, valid until the event is released). */
  json(slot: number): Buffer {
    const offset = this.slots.offset[slot] as number;
    return this.arena.chunk(this.slots.chunk[slot] as number).subarray(offset, offset + (this.slots.length[slot] as number));
  }

  /**
   * Writes the JSON of the events in `list` into `target` from `at`, each followed by a comma,
   * and returns where it ended. Events that follow one another in a chunk are copied as one run.
   */
  copyOut(list: Int32Array, target: Buffer, at: number): number {
    const { chunk, offset, length } = this.slots;
    let to = at;
    let runChunk = -1;
    let runStart = 0;
    let runEnd = 0;
    for (let i = 0; i < list.length; i++) {
      const slot = list[i] as number;
      const c = chunk[slot] as number;
      const start = offset[slot] as number;
      if (c !== runChunk || start !== runEnd) {
        if (runChunk >= 0) to += this.arena.chunk(runChunk).copy(target, to, runStart, runEnd);
        runChunk = c;
        runStart = start;
      }
      runEnd = start + (length[slot] as number) + 1;
    }
    if (runChunk >= 0) to += this.arena.chunk(runChunk).copy(target, to, runStart, runEnd);
    return to;
  }

  /**
   * When removing events from the middle (shedding) left chunks mostly empty, copies the
   * events of those chunks into the current one, so that memory stays proportional to what
   * is held: up to {@link COMPACT_BYTES} per call, the rest on the next calls.
   */
  compact(): void {
    const arena = this.arena;
    if (!arena.wasteful || this.writing) return;
    const { chunk, offset, length } = this.slots;
    const capacity = chunk.length;
    let copied = 0;
    for (let slot = 0; slot < capacity && copied < COMPACT_BYTES; slot++) {
      const from = chunk[slot] as number;
      if (from < 0 || !arena.isSparse(from)) continue;
      const start = offset[slot] as number;
      const bytes = length[slot] as number;
      const sink = this.begin(bytes);
      writeBytes(sink, arena.chunk(from).subarray(start, start + bytes + 1));
      this.writing = false;
      arena.hold(arena.current, bytes);
      chunk[slot] = arena.current;
      offset[slot] = sink.start;
      arena.free(from, bytes, false);
      copied += bytes;
    }
  }
}
