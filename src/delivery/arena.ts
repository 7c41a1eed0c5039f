import { ByteSink, type SinkSource } from '../records/event-sink.ts';

/** Size of an arena chunk; an event larger than this gets a chunk of its own. */
export const CHUNK_BYTES: number = 128 * 1024;
/** Emptied chunks kept for reuse (2 MiB); more are left to the garbage collector. */
const SPARE_CHUNKS = 16;
/**
 * An event starts in a new chunk when less than this is left in the current one, so that
 * writing an event of up to this size never has to move it: the writers' rarely taken
 * branches stay untaken, and the optimized code is not thrown away when one first is.
 */
const HEADROOM = 4 * 1024;

/**
 * The bytes of one webhook's held events: chunks of {@link CHUNK_BYTES}, written one event
 * after the other through {@link sink} (each event's JSON followed by a comma, so that the
 * events of a batch written in a row are one run of bytes). A chunk counts its live events;
 * once none is left it is reused, and the chunk being written is rewound to its start. Which
 * event is where is kept by the caller (see event-store.ts).
 */
export class EventArena implements SinkSource {
  /** Writes the next event into the current chunk. */
  readonly sink: ByteSink;
  /** By chunk number; undefined for a number not in use. */
  private readonly chunks: (Buffer | undefined)[] = [];
  /** Live events per chunk. */
  private readonly live: number[] = [];
  /** Bytes of the live events per chunk. */
  private readonly liveBytes: number[] = [];
  private readonly unusedNumbers: number[] = [];
  private readonly spare: Buffer[] = [];
  /** The chunk {@link sink} writes in. */
  private currentChunk: number;
  /** Bytes of all chunks in use. */
  private heldBytes = 0;
  /** Bytes of all live events. */
  private usedBytes = 0;

  constructor() {
    const first = Buffer.allocUnsafe(CHUNK_BYTES);
    this.currentChunk = this.number(first);
    this.sink = new ByteSink(first, this);
  }

  /** The chunk the sink writes in. */
  get current(): number {
    return this.currentChunk;
  }

  /** Bytes the arena holds. */
  get memoryBytes(): number {
    return this.heldBytes;
  }

  /** The buffer of chunk `chunk`. */
  chunk(chunk: number): Buffer {
    return this.chunks[chunk] as Buffer;
  }

  /** Starts a new current chunk when the current one has less than {@link HEADROOM} left (between events). */
  makeRoom(): void {
    const { sink } = this;
    if (sink.buf.length - sink.pos >= HEADROOM) return;
    sink.buf = this.fresh(0);
    sink.pos = 0;
  }

  /** A new current chunk, for the sink (see SinkSource): the event written so far moves there. */
  fresh(bytes: number): Buffer {
    const buffer = bytes <= CHUNK_BYTES ? (this.spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES)) : Buffer.allocUnsafe(bytes + (bytes >> 1));
    const previous = this.currentChunk;
    this.currentChunk = this.number(buffer);
    if (this.live[previous] === 0) this.retire(previous);
    return buffer;
  }

  /** Takes a chunk written elsewhere (an event written while another was being written), holding one event. */
  adopt(buffer: Buffer): number {
    return this.number(buffer);
  }

  /** An event of `length` bytes now lives in `chunk`. */
  hold(chunk: number, length: number): void {
    this.live[chunk] = (this.live[chunk] as number) + 1;
    this.liveBytes[chunk] = (this.liveBytes[chunk] as number) + length;
    this.usedBytes += length;
  }

  /**
   * An event of `length` bytes in `chunk` is gone; an emptied chunk is reused, the current one
   * rewound unless `writing` (an event is being written into it).
   */
  free(chunk: number, length: number, writing: boolean): void {
    const live = (this.live[chunk] as number) - 1;
    this.live[chunk] = live;
    this.liveBytes[chunk] = (this.liveBytes[chunk] as number) - length;
    this.usedBytes -= length;
    if (live > 0) return;
    if (chunk !== this.currentChunk) this.retire(chunk);
    else if (!writing) this.sink.pos = 0;
  }

  /**
   * Whether the chunks hold much more than their live events (after events were removed from
   * the middle of the queue, as shedding does), so that {@link isSparse} chunks should be
   * copied out.
   */
  get wasteful(): boolean {
    return this.heldBytes > 2 * this.usedBytes + 4 * CHUNK_BYTES;
  }

  /** Whether less than half of `chunk` is live events (never the current chunk). */
  isSparse(chunk: number): boolean {
    return chunk !== this.currentChunk && (this.liveBytes[chunk] as number) * 2 < (this.chunks[chunk] as Buffer).length;
  }

  private number(buffer: Buffer): number {
    const chunk = this.unusedNumbers.pop() ?? this.chunks.length;
    this.chunks[chunk] = buffer;
    this.live[chunk] = 0;
    this.liveBytes[chunk] = 0;
    this.heldBytes += buffer.length;
    return chunk;
  }

  private retire(chunk: number): void {
    const buffer = this.chunks[chunk] as Buffer;
    this.chunks[chunk] = undefined;
    this.unusedNumbers.push(chunk);
    this.heldBytes -= buffer.length;
    if (buffer.length === CHUNK_BYTES && this.spare.length < SPARE_CHUNKS) this.spare.push(buffer);
  }
}
