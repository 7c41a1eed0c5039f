import { closeSync, openSync, readSync } from 'node:fs';
import type { Segment } from './segment-writer.ts';

/** Bytes read from a segment file at a time. */
const CHUNK = 1024 * 1024;

/** One line read back, the segment it is in and its byte offset in that segment's file. */
export interface ReadLine {
  readonly line: Buffer;
  readonly segment: Segment;
  readonly offset: number;
}

/**
 * Reads the lines of a spool's segments in order, oldest first, a chunk at a time: whatever
 * is written, from the segments of an earlier process through the ones being written now.
 * `seq` is the segment being read; every older segment has been read to its end.
 */
export class SegmentReader {
  private readonly segments: readonly Segment[];
  private current: Segment | undefined;
  private fd: number | undefined;
  private buffer: Buffer = Buffer.allocUnsafe(CHUNK);
  /** `buffer[0, end)`. */
  private view: Buffer = this.buffer.subarray(0, 0);
  /** The unread bytes are `buffer[start, end)`; `position` is the file offset just after them. */
  private start = 0;
  private end = 0;
  private position = 0;

  /** Reads from the start of the oldest segment, or from byte `offset` of segment `seq`. */
  constructor(segments: readonly Segment[], seq?: number, offset = 0) {
    this.segments = segments;
    this.current = seq === undefined ? segments[0] : segments.find((s) => s.seq >= seq);
    if (this.current?.seq === seq) this.position = offset;
  }

  /** The segment being read; older ones are read through. */
  get seq(): number {
    return this.current?.seq ?? Number.POSITIVE_INFINITY;
  }

  /** The next whole line written; undefined when everything written so far has been read. */
  next(): ReadLine | undefined {
    for (;;) {
      const segment = this.current;
      if (segment === undefined) return undefined;
      const newline = this.view.indexOf(0x0a, this.start);
      if (newline >= 0) {
        const line = this.buffer.subarray(this.start, newline);
        // `buffer[0, end)` holds the file's bytes up to `position`.
        const offset = this.position - this.end + this.start;
        this.start = newline + 1;
        return { line, segment, offset };
      }
      if (this.fill(segment)) continue;
      const later = this.segments.find((s) => s.seq > segment.seq);
      if (later === undefined) return undefined;
      // The rest of this segment is a torn line that never got its newline: skipped.
      this.closeFile();
      this.current = later;
      if (this.buffer.length > 4 * CHUNK) this.buffer = Buffer.allocUnsafe(CHUNK);
      this.start = 0;
      this.end = 0;
      this.view = this.buffer.subarray(0, 0);
      this.position = 0;
    }
  }

  /**
   * The `length` bytes that follow the line {@link next} returned last, left unread (a view,
   * valid until the next call); undefined when the file holds fewer now. The view of that line
   * may change meanwhile.
   */
  following(length: number): Buffer | undefined {
    const segment = this.current;
    if (segment === undefined) return undefined;
    while (this.end - this.start < length) {
      if (!this.fill(segment)) return undefined;
    }
    return this.buffer.subarray(this.start, this.start + length);
  }

  /** Stops reading and lets the buffer go. */
  close(): void {
    this.closeFile();
    this.current = undefined;
    this.buffer = Buffer.alloc(0);
    this.view = this.buffer;
    this.start = 0;
    this.end = 0;
  }

  /** Reads more of `segment`; false when there is nothing more in its file now. */
  private fill(segment: Segment): boolean {
    if (this.fd === undefined) this.fd = openSync(segment.path, 'r');
    if (this.start > 0) {
      this.buffer.copy(this.buffer, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    if (this.end === this.buffer.length) {
      const grown = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(grown, 0, 0, this.end);
      this.buffer = grown;
    }
    const read = readSync(this.fd, this.buffer, this.end, this.buffer.length - this.end, this.position);
    this.end += read;
    this.position += read;
    this.view = this.buffer.subarray(0, this.end);
    return read > 0;
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // read only: nothing is lost
    }
    this.fd = undefined;
  }
}
