import { closeSync, openSync, readSync } from 'node:fs';
import type { Segment } from './segment-writer.ts';

function message(error: unknown): string {
  return (error as Error | undefined)?.message ?? String(error);
}

/**
 * Reads byte ranges back from segment files, one file open at a time, into one buffer that
 * grows to the largest range read. Records are read back so (by compaction) instead of being
 * held in memory.
 */
export class SegmentRanges {
  /** The bytes of the last range read: `buffer[0, length)`. */
  buffer: Buffer = Buffer.allocUnsafe(0);
  length = 0;
  /** Why the last range did not read back in full, if it did not. */
  failure: string | undefined;
  private fd: number | undefined;
  private openSeq = -1;

  /** Reads `[start, end)` of `segment`'s file; false (with {@link failure}) when fewer bytes are there or the file cannot be read. */
  read(segment: Segment, start: number, end: number): boolean {
    const size = end - start;
    if (this.buffer.length < size) this.buffer = Buffer.allocUnsafe(Math.max(size, 2 * this.buffer.length));
    this.length = 0;
    this.failure = undefined;
    try {
      if (this.openSeq !== segment.seq) {
        this.close();
        this.fd = openSync(segment.path, 'r');
        this.openSeq = segment.seq;
      }
      while (this.length < size) {
        const read = readSync(this.fd as number, this.buffer, this.length, size - this.length, start + this.length);
        if (read === 0) break;
        this.length += read;
      }
    } catch (error) {
      this.failure = `reading ${segment.path} failed: ${message(error)}`;
      return false;
    }
    if (this.length < size) this.failure = `${segment.path} ends at byte ${start + this.length}, before byte ${end}`;
    return this.failure === undefined;
  }

  close(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // read only: nothing is lost
      }
    }
    this.fd = undefined;
    this.openSeq = -1;
  }
}
