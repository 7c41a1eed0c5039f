import { closeSync, fsyncSync, mkdirSync, openSync, realpathSync, unlinkSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { WebhookEvent } from '../records/event.ts';
import { WebhookSpoolError } from './errors.ts';
import { acquireSpoolLock, type SpoolLock } from './lock.ts';
import { encodeAck, encodeAppend } from './record.ts';
import { reconcile } from './recovery.ts';
import { readSpool, type SpoolContents, segmentPath } from './segments.ts';

export type { WebhookSpoolErrorCode } from './errors.ts';
export { WebhookSpoolError } from './errors.ts';

export interface SpoolOptions {
  /** Most bytes of unacknowledged records kept; append() refuses beyond it. */
  readonly maxBytes: number;
  /** Receives warnings (torn records skipped, stale lock taken over, events set aside) and notes (events no longer selected). */
  readonly log: { warn(message: string): void; info?(message: string): void; debug(message: string): void };
  /**
   * The endpoint the events are for. Recorded in `spool.meta` as a salted fingerprint of its
   * origin, path and query (credentials left out); events recovered for another endpoint are
   * set aside in an `orphaned-…` directory instead of being recovered. Unset: not checked.
   */
  readonly destination?: URL;
  /** Whether the current configuration still sends a recovered event; those it does not are dropped at open and counted in `unselected`. */
  readonly selects?: (event: WebhookEvent) => boolean;
  /**
   * Size at which the active segment file is closed and a new one started; whole segments
   * are the unit of space reclaimed.
   * @default 4194304
   */
  readonly segmentBytes?: number;
}

export interface SpoolStats {
  readonly bytes: number;
  readonly events: number;
  readonly tornRecords: number;
}

export interface Spool {
  /** Events left unacknowledged by an earlier process, oldest first, exactly as appended. Read once at open. */
  readonly recovered: readonly WebhookEvent[];
  /** Events left by an earlier process that `selects` refused: dropped at open, not in `recovered`. */
  readonly unselected: number;
  /** Writes the event durably (to the OS, synchronously) before returning true; false when maxBytes would be exceeded. Never throws (an I/O error → log + false). */
  append(event: WebhookEvent): boolean;
  /** Marks the events of these ids as done (delivered or dropped); their space is reclaimed when whole segments are done. Never throws. */
  ack(ids: readonly string[]): void;
  stats(): SpoolStats;
  /** Flushes and releases the lock; the files stay for the next process. */
  close(): void;
}

const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;
/** Ids per ack line, so one line stays small whatever the batch. */
const ACK_CHUNK = 1000;
/** Most bytes of records rewritten (at open, or when compacting) with one write. */
const REWRITE_CHUNK = 256 * 1024;

interface Segment {
  readonly seq: number;
  readonly path: string;
  size: number;
  /** Events whose live append record is in this segment and that are not acknowledged. */
  pending: number;
}

interface Entry {
  readonly event: WebhookEvent;
  segment: Segment;
  readonly recordBytes: number;
}

function message(error: unknown): string {
  return (error as Error | undefined)?.message ?? String(error);
}

function writeAll(fd: number, data: Buffer, segment: Segment): void {
  let offset = 0;
  while (offset < data.length) {
    const written = writeSync(fd, data, offset, data.length - offset);
    if (written <= 0) throw new Error('the file system accepted no bytes');
    offset += written;
    segment.size += written;
  }
}

/**
 * The spool of one webhook: append-only segment files of checksummed lines. An event is
 * pending from its append until an ack names it; a process that starts on the directory
 * recovers the pending events, rewrites them into fresh segments and deletes the old ones.
 * The oldest segments are deleted once every event in them (and in all older ones, because a
 * segment holds the acks of older events) is acknowledged; when dead records take more than
 * half the disk space, the pending events are rewritten and every older segment goes.
 */
class FileSpool implements Spool {
  readonly recovered: readonly WebhookEvent[];
  readonly unselected: number;
  private readonly directory: string;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private readonly log: SpoolOptions['log'];
  private readonly lock: SpoolLock;
  /** Oldest first; the last one is the active segment (when `fd` is open). */
  private readonly segments: Segment[] = [];
  private readonly entries = new Map<string, Entry>();
  private fd: number | undefined;
  private nextSeq: number;
  private bytes = 0;
  private diskBytes = 0;
  private readonly tornRecords: number;
  private rotated = false;
  private failing = false;
  private closed = false;

  constructor(directory: string, options: SpoolOptions, lock: SpoolLock, found: SpoolContents, unselected: number) {
    this.directory = directory;
    this.unselected = unselected;
    this.maxBytes = options.maxBytes;
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.log = options.log;
    this.lock = lock;
    this.tornRecords = found.tornRecords;
    this.recovered = found.pending;
    for (const file of found.segments) {
      this.segments.push({ seq: file.seq, path: file.path, size: file.size, pending: 0 });
      this.diskBytes += file.size;
    }
    this.nextSeq = (found.segments.at(-1)?.seq ?? 0) + 1;
    try {
      this.rotate();
      this.rewrite(found.pending, (event, segment, recordBytes) => {
        this.entries.set(event.id, { event, segment, recordBytes });
        segment.pending++;
        this.bytes += recordBytes;
      });
      this.syncActive();
      this.syncDirectory();
    } catch (error) {
      this.closeActive();
      throw error;
    }
    this.reclaim();
    if (found.pending.length > 0) {
      this.log.debug(`spool ${directory}: recovered ${found.pending.length} pending events (${this.bytes} bytes)`);
    }
  }

  append(event: WebhookEvent): boolean {
    if (this.closed) return false;
    if (this.entries.has(event.id)) return true;
    try {
      const record = encodeAppend(event);
      if (this.bytes + record.length > this.maxBytes) return false;
      this.add(record, event);
      this.bytes += record.length;
    } catch (error) {
      this.ioFailed(`writing event ${event.id} failed`, error);
      return false;
    }
    this.maintain();
    return true;
  }

  ack(acked: readonly string[]): void {
    if (this.closed) return;
    const ids: string[] = [];
    for (const id of acked) {
      const entry = this.entries.get(id);
      if (entry === undefined) continue;
      this.entries.delete(id);
      entry.segment.pending--;
      this.bytes -= entry.recordBytes;
      ids.push(id);
    }
    for (let i = 0; i < ids.length; i += ACK_CHUNK) {
      try {
        this.write(encodeAck(ids.slice(i, i + ACK_CHUNK)));
      } catch (error) {
        this.ioFailed(`writing acknowledgements failed (those events may be delivered again)`, error);
        break;
      }
    }
    if (ids.length > 0) this.maintain();
  }

  stats(): SpoolStats {
    return { bytes: this.bytes, events: this.entries.size, tornRecords: this.tornRecords };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.syncActive();
    this.closeActive();
    this.lock.release();
  }

  /** Writes an append record and makes its event pending in the segment that holds it. */
  private add(record: Buffer, event: WebhookEvent): Entry {
    const segment = this.write(record);
    const entry: Entry = { event, segment, recordBytes: record.length };
    this.entries.set(event.id, entry);
    segment.pending++;
    return entry;
  }

  /** Appends a whole line to the active segment, starting a new one when it is full. */
  private write(record: Buffer): Segment {
    const active = this.segments.at(-1);
    if (this.fd === undefined || active === undefined || active.size >= this.segmentBytes) {
      this.rotate();
    }
    const segment = this.segments.at(-1) as Segment;
    const before = segment.size;
    try {
      writeAll(this.fd as number, record, segment);
    } catch (error) {
      // A partly written line stays torn at the end of this segment; later lines go to a new one.
      this.diskBytes += segment.size - before;
      this.closeActive();
      throw error;
    }
    this.diskBytes += record.length;
    this.failing = false;
    return segment;
  }

  /**
   * Appends the records of `events`, in order, in writes of up to {@link REWRITE_CHUNK} bytes
   * that never run past the end of a segment by more than one record; `placed` hears where
   * each record went once it is written.
   */
  private rewrite(events: readonly WebhookEvent[], placed: (event: WebhookEvent, segment: Segment, recordBytes: number) => void): void {
    let records: Buffer[] = [];
    let chunk: WebhookEvent[] = [];
    let chunkBytes = 0;
    const flush = (): void => {
      const segment = this.write(records.length === 1 ? (records[0] as Buffer) : Buffer.concat(records, chunkBytes));
      for (let i = 0; i < chunk.length; i++) placed(chunk[i] as WebhookEvent, segment, (records[i] as Buffer).length);
      records = [];
      chunk = [];
      chunkBytes = 0;
    };
    for (const event of events) {
      const record = encodeAppend(event);
      records.push(record);
      chunk.push(event);
      chunkBytes += record.length;
      const activeSize = this.fd === undefined ? 0 : (this.segments.at(-1)?.size ?? 0);
      if (chunkBytes >= REWRITE_CHUNK || activeSize + chunkBytes >= this.segmentBytes) flush();
    }
    if (records.length > 0) flush();
  }

  /** Closes the active segment (after syncing it to disk) and starts the next one. */
  private rotate(): void {
    this.syncActive();
    this.closeActive();
    const seq = this.nextSeq++;
    const path = segmentPath(this.directory, seq);
    this.fd = openSync(path, 'ax');
    this.segments.push({ seq, path, size: 0, pending: 0 });
    this.rotated = true;
  }

  private syncActive(): void {
    if (this.fd === undefined) return;
    try {
      fsyncSync(this.fd);
    } catch (error) {
      this.log.debug(`spool ${this.directory}: fsync failed: ${message(error)}`);
    }
  }

  /** Makes the names of new segment files durable before older ones are deleted (POSIX only). */
  private syncDirectory(): void {
    let fd: number | undefined;
    try {
      fd = openSync(this.directory, 'r');
      fsyncSync(fd);
    } catch (error) {
      this.log.debug(`spool ${this.directory}: syncing the directory failed: ${message(error)}`);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  private closeActive(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch (error) {
      this.log.debug(`spool ${this.directory}: closing a segment failed: ${message(error)}`);
    }
    this.fd = undefined;
  }

  private maintain(): void {
    this.reclaim();
    if (!this.rotated) return;
    this.rotated = false;
    if (this.segments.length > 2 && this.diskBytes > 2 * this.bytes + 2 * this.segmentBytes) this.compact();
  }

  /** Deletes the oldest segments while nothing in them is pending; never the active one. */
  private reclaim(): void {
    while (this.segments.length > 1 && this.segments[0]?.pending === 0) {
      const segment = this.segments[0];
      try {
        unlinkSync(segment.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          this.log.debug(`spool ${this.directory}: deleting ${segment.path} failed: ${message(error)}`);
          return;
        }
      }
      this.segments.shift();
      this.diskBytes -= segment.size;
      this.log.debug(`spool ${this.directory}: deleted ${segment.path}, every event in it is done`);
    }
  }

  /**
   * Rewrites every pending event, in order, into new segments and syncs them, so that every
   * older segment holds nothing pending and is deleted. Runs when dead records (acknowledged
   * events held in place by an older pending one, and ack lines) fill most of the disk space.
   */
  private compact(): void {
    this.log.debug(`spool ${this.directory}: compacting ${this.entries.size} pending events`);
    try {
      this.rotate();
      this.rewrite(
        [...this.entries.values()].map((entry) => entry.event),
        (event, segment) => {
          const entry = this.entries.get(event.id) as Entry;
          entry.segment.pending--;
          entry.segment = segment;
          segment.pending++;
        },
      );
      this.syncActive();
      this.syncDirectory();
    } catch (error) {
      this.ioFailed('compacting failed', error);
    }
    this.reclaim();
  }

  /** Warns once per run of failures; the rest go to debug so a full disk does not flood the log. */
  private ioFailed(what: string, error: unknown): void {
    const text = `spool ${this.directory}: ${what}: ${message(error)}`;
    if (this.failing) {
      this.log.debug(text);
    } else {
      this.failing = true;
      this.log.warn(text);
    }
  }
}

/** Opens (creating if needed) the spool for one webhook in `directory`; throws WebhookSpoolError when another live process holds it. */
export function openSpool(directory: string, options: SpoolOptions): Spool {
  let absolute = resolve(directory);
  try {
    mkdirSync(absolute, { recursive: true });
    // One name per directory, so that a second path to it (a symlink) finds it held.
    absolute = realpathSync(absolute);
  } catch (error) {
    throw new WebhookSpoolError('ERR_WEBHOOK_SPOOL_IO', absolute, `cannot create spool directory ${absolute}: ${message(error)}`, {
      cause: error,
    });
  }
  const lock = acquireSpoolLock(absolute, (text) => options.log.warn(text));
  try {
    const { found, unselected } = reconcile(
      absolute,
      readSpool(absolute, (text) => options.log.warn(text)),
      options,
    );
    return new FileSpool(absolute, options, lock, found, unselected);
  } catch (error) {
    lock.release();
    throw new WebhookSpoolError('ERR_WEBHOOK_SPOOL_IO', absolute, `cannot open spool ${absolute}: ${message(error)}`, {
      cause: error,
    });
  }
}
