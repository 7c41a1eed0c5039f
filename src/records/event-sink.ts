/** Most values (of any kind, at any depth) written for one event. */
export const MAX_NODES = 1_000_000;

/** Thrown when an event would need more bytes or values than it may have. */
export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';
}

/** Where a {@link ByteSink} gets room when its buffer is full. */
export interface SinkSource {
  /**
   * A buffer to go on writing in, with room for at least `bytes` bytes from its start; the
   * sink copies the event written so far to its start.
   */
  fresh(bytes: number): Buffer;
}

/** A source of plain buffers, each twice as large as needed: for events written on their own. */
const GROWING: SinkSource = { fresh: (bytes) => Buffer.allocUnsafe(Math.max(256, bytes * 2)) };

/**
 * Where one event's JSON is written: bytes `[start, pos)` of `buf` so far. A writer checks
 * `pos + n <= end` before writing `n` bytes and calls {@link grow} when they do not fit, which
 * moves the event so far into a buffer with room (changing `buf`, `start`, `pos` and `end`)
 * or throws {@link EventTooLargeError} once the event would exceed its limit. `end` is the end
 * of the buffer or of the event's limit, whichever comes first, so that writing within it
 * needs no other check.
 */
export class ByteSink {
  buf: Buffer;
  start = 0;
  pos = 0;
  end = 0;
  /** Values the event may still write (see {@link MAX_NODES}). */
  nodes: number = MAX_NODES;
  private limit = 0;
  private readonly source: SinkSource;

  /** A sink writing into `buf` and, once it is full, into buffers from `source`. */
  constructor(buf: Buffer = Buffer.allocUnsafe(256), source: SinkSource = GROWING) {
    this.buf = buf;
    this.source = source;
  }

  /** Starts an event of at most `limit` bytes at the current position. */
  begin(limit: number): void {
    this.start = this.pos;
    this.limit = limit;
    this.nodes = MAX_NODES;
    this.end = Math.min(this.buf.length, this.pos + limit);
  }

  /** Bytes of the event written so far. */
  get length(): number {
    return this.pos - this.start;
  }

  /** Makes room for `needed` more bytes at `pos` (see the class comment). */
  grow(needed: number): void {
    const used = this.pos - this.start;
    if (used + needed > this.limit) throw new EventTooLargeError('more bytes than the event may hold');
    const next = this.source.fresh(used + needed);
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = used;
    this.end = Math.min(next.length, this.limit);
  }

  /** Forgets the event being written. */
  abort(): void {
    this.pos = this.start;
  }

  /** The event written so far, copied. */
  copy(): Buffer {
    return Buffer.from(this.buf.subarray(this.start, this.pos));
  }
}
