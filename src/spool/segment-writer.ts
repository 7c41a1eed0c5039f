import { close, closeSync, fsync, fsyncSync, ftruncateSync, openSync, unlink, unlinkSync, writeSync } from 'node:fs';
import { type SegmentFile, segmentPath } from './segments.ts';

/** A segment file of the spool, as far as the bookkeeping of pending events goes. */
export interface Segment {
  readonly seq: number;
  readonly path: string;
  /** Bytes written to the file. */
  size: number;
  /** Pending events held in memory whose live append record is in this segment. */
  pending: number;
}

function message(error: unknown): string {
  return (error as Error | undefined)?.message ?? String(error);
}

/**
 * The segment files of one spool, oldest first: the last one is the active segment (while
 * its file is open), the only one written to. Knows the files and their sizes; what is pending
 * in them is the spool's business.
 */
export class SegmentWriter {
  readonly segments: Segment[] = [];
  /** Bytes of every segment file. */
  diskBytes = 0;
  /** A new segment was started since the spool last looked. */
  rotated = false;
  /** Writes bytes of an open file, as `writeSync` does (the default); tests replace it to make writes fail. */
  writeFile: (fd: number, buffer: Buffer, offset: number, length: number) => number = writeSync;
  /** fsync of a file, at once (the default `fsyncSync`) and in the thread pool (`fsync`); tests replace them to watch them, or to make a disk slow. */
  fsyncFile: (fd: number) => void = fsyncSync;
  fsyncLater: (fd: number, done: (error: Error | null) => void) => void = fsync;
  /** Deletes a file in the thread pool (`unlink`, the default); tests replace it to watch it, or to make it fail. */
  unlinkLater: (path: string, done: (error: NodeJS.ErrnoException | null) => void) => void = unlink;
  private fd: number | undefined;
  /**
   * Files of segments that are done, still to be deleted, oldest first: one at a time in the
   * thread pool (the first of them while {@link unlinking}), so that a segment is never gone
   * while an older one is still there (it may hold acknowledgements of the older one's events).
   */
  private readonly doomed: string[] = [];
  private unlinking = false;
  /** Told when {@link doomed} is empty, or its deletion stopped at a file that would not go. */
  private readonly deletedListeners: (() => void)[] = [];
  /** Closed segments whose fsync runs in the thread pool: their file, which is closed once it is done. */
  private readonly syncing = new Set<number>();
  private nextSeq: number;
  private readonly directory: string;
  private readonly segmentBytes: number;
  private readonly debug: (message: string) => void;

  constructor(directory: string, files: readonly SegmentFile[], segmentBytes: number, debug: (message: string) => void) {
    this.directory = directory;
    this.segmentBytes = segmentBytes;
    this.debug = debug;
    for (const file of files) {
      this.segments.push({ seq: file.seq, path: file.path, size: file.size, pending: 0 });
      this.diskBytes += file.size;
    }
    this.nextSeq = (files.at(-1)?.seq ?? 0) + 1;
  }

  /** The segment the next write goes to; undefined when none is open. */
  get active(): Segment | undefined {
    return this.fd === undefined ? undefined : this.segments.at(-1);
  }

  /** The segment numbered `seq`, if it is still there. */
  find(seq: number): Segment | undefined {
    const { segments } = this;
    let low = 0;
    let high = segments.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const segment = segments[middle] as Segment;
      if (segment.seq === seq) return segment;
      if (segment.seq < seq) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  /** Whether a record written after `unwritten` more bytes must start a new segment. */
  full(unwritten: number): boolean {
    const active = this.active;
    return active === undefined || active.size + unwritten >= this.segmentBytes;
  }

  /**
   * Closes the active segment and starts the next one. The closed one is synced to disk in the
   * thread pool, then its file closed: a slow disk never blocks the event loop for it (see
   * {@link settle}).
   */
  rotate(): Segment {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) this.syncInBackground(fd);
    const seq = this.nextSeq++;
    const path = segmentPath(this.directory, seq);
    this.fd = openSync(path, 'ax');
    const segment: Segment = { seq, path, size: 0, pending: 0 };
    this.segments.push(segment);
    this.rotated = true;
    return segment;
  }

  /**
   * Appends whole lines to the active segment. A failed write closes it (later lines go to a new
   * one) after cutting off what part of `data` it wrote, so that none of those lines is in a file;
   * if that fails too, it stays there, a torn line at the end.
   */
  write(data: Buffer): void {
    const segment = this.active ?? this.rotate();
    let offset = 0;
    try {
      while (offset < data.length) {
        const written = this.writeFile(this.fd as number, data, offset, data.length - offset);
        if (written <= 0) throw new Error('the file system accepted no bytes');
        offset += written;
      }
    } catch (error) {
      if (offset > 0 && this.cut(segment.size)) offset = 0;
      this.closeActive();
      throw error;
    } finally {
      segment.size += offset;
      this.diskBytes += offset;
    }
  }

  /** fsync of the active segment; failures are only noted. */
  sync(): void {
    if (this.fd !== undefined) this.fsyncNow(this.fd);
  }

  /** fsync, now, of the closed segments whose fsync in the thread pool has not finished: what they hold is then on disk (their files are closed when it has). */
  settle(): void {
    for (const fd of this.syncing) this.fsyncNow(fd);
  }

  private fsyncNow(fd: number): void {
    try {
      this.fsyncFile(fd);
    } catch (error) {
      this.debug(`spool ${this.directory}: fsync failed: ${message(error)}`);
    }
  }

  /** fsync of a closed segment in the thread pool, then its file closed there too. */
  private syncInBackground(fd: number): void {
    this.syncing.add(fd);
    this.fsyncLater(fd, (error) => {
      if (error !== null) this.debug(`spool ${this.directory}: fsync failed: ${message(error)}`);
      // Closed only here, once: no other file can have been given this number meanwhile.
      this.syncing.delete(fd);
      close(fd, (closeError) => {
        if (closeError !== null) this.debug(`spool ${this.directory}: closing a segment failed: ${message(closeError)}`);
      });
    });
  }

  /** Cuts the active segment's file back to `size` bytes; false when that failed (only noted). */
  private cut(size: number): boolean {
    try {
      ftruncateSync(this.fd as number, size);
      return true;
    } catch (error) {
      this.debug(`spool ${this.directory}: cutting off a failed write failed: ${message(error)}`);
      return false;
    }
  }

  /** Makes the names of new segment files durable before older ones are deleted (POSIX only). */
  syncDirectory(): void {
    let fd: number | undefined;
    try {
      fd = openSync(this.directory, 'r');
      fsyncSync(fd);
    } catch (error) {
      this.debug(`spool ${this.directory}: syncing the directory failed: ${message(error)}`);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  closeActive(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch (error) {
      this.debug(`spool ${this.directory}: closing a segment failed: ${message(error)}`);
    }
    this.fd = undefined;
  }

  /**
   * Deletes the segments numbered `seq` and up, which hold nothing pending (what a compaction
   * that failed had copied so far), and closes the active one: later records go to a new one.
   */
  discardFrom(seq: number): void {
    this.closeActive();
    while (this.segments.length > 0 && (this.segments.at(-1) as Segment).seq >= seq) {
      const segment = this.segments.pop() as Segment;
      try {
        unlinkSync(segment.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          this.debug(`spool ${this.directory}: deleting ${segment.path} failed: ${message(error)}`);
        }
      }
      this.diskBytes -= segment.size;
    }
  }

  /** Forgets the segments of `listed` that are not in `kept`: a scan deleted them (superseded by a compaction). */
  forgetDeleted(listed: readonly SegmentFile[], kept: readonly SegmentFile[]): void {
    const gone = new Set(listed.map((file) => file.seq));
    for (const file of kept) gone.delete(file.seq);
    for (let i = this.segments.length - 2; i >= 0 && gone.size > 0; i--) {
      const segment = this.segments[i] as Segment;
      if (!gone.delete(segment.seq)) continue;
      this.segments.splice(i, 1);
      this.diskBytes -= segment.size;
    }
  }

  /**
   * Deletes the oldest segments while `done` says so; never the last one. Their files go in the
   * thread pool, one after the other, oldest first (deleting one took about a millisecond on a
   * file system mounted with `discard`, and a compaction frees many at once); a process that
   * stops before they are gone finds them at its next start, read through and done, and deletes
   * them then.
   */
  reclaim(done: (segment: Segment) => boolean): void {
    while (this.segments.length > 1 && done(this.segments[0] as Segment)) {
      const segment = this.segments.shift() as Segment;
      this.diskBytes -= segment.size;
      this.doomed.push(segment.path);
      this.debug(`spool ${this.directory}: deleting ${segment.path}, every event in it is done`);
    }
    this.unlinkNext();
  }

  /** Deletes at once the files {@link reclaim} left to the thread pool (at close), oldest first. */
  unlinkNow(): void {
    // The one being deleted in the thread pool first: once that is done, it fails with ENOENT.
    for (const path of this.doomed.splice(0)) {
      try {
        unlinkSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          this.debug(`spool ${this.directory}: deleting ${path} failed: ${message(error)}`);
          // The newer ones stay too: they may hold acknowledgements of this one's events.
          break;
        }
      }
    }
    this.tellDeleted();
  }

  /** Resolves once the files of the segments {@link reclaim} took are deleted (or one would not go, and is left for the next reclaim). */
  whenDeleted(): Promise<void> {
    if (this.doomed.length === 0 || !this.unlinking) return Promise.resolve();
    return new Promise((resolve) => this.deletedListeners.push(resolve));
  }

  /** Deletes the oldest file of {@link doomed} in the thread pool, unless one is being deleted; the next one when it is done. */
  private unlinkNext(): void {
    const path = this.doomed[0];
    if (path === undefined) {
      this.tellDeleted();
      return;
    }
    if (this.unlinking) return;
    this.unlinking = true;
    this.unlinkLater(path, (error) => {
      this.unlinking = false;
      if (error !== null && error.code !== 'ENOENT') {
        // Left first in line, so that no newer file goes before it: tried again at the next reclaim.
        this.debug(`spool ${this.directory}: deleting ${path} failed: ${message(error)}`);
        this.tellDeleted();
        return;
      }
      if (this.doomed[0] === path) this.doomed.shift();
      this.unlinkNext();
    });
  }

  private tellDeleted(): void {
    for (const listener of this.deletedListeners.splice(0)) listener();
  }
}
