import { eventIdAt, type WebhookEvent } from '../records/event.ts';
import { rewritePending, unreadableMessage } from './compaction.ts';
import { DiskBacklog } from './disk-backlog.ts';
import { IoWarnings } from './io-warnings.ts';
import type { SpoolLock } from './lock.ts';
import { ID_START, PendingEvents } from './pending-events.ts';
import { PendingRecords } from './pending-records.ts';
import { type Segment, SegmentWriter } from './segment-writer.ts';
import type { SpoolContents } from './segments.ts';
import type { EventBytes, Spool, SpoolOptions, SpoolStats } from './spool.ts';
import { SpoolScan } from './spool-scan.ts';
import { WriteSchedule } from './write-schedule.ts';

/**
 * A turn that accepts more than this is written as it goes, not all at its end: the pending
 * buffer stays this small (a burst of 100,000 events would grow it to about 33 MB, in fresh
 * pages every time), and the bytes are still in the CPU's caches when the kernel copies them.
 */
const WRITE_AHEAD_BYTES = 1024 * 1024;
const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;
const RECOVERED_EVENTS = 1000;
const RECOVERED_BYTES = 1024 * 1024;

/**
 * The spool of one webhook: append-only segment files of checksummed lines. Records are
 * encoded into one pending buffer and written with one `write(2)` per turn of the event loop
 * (`sync: 'batch'`), or before `append` returns (`'event'`). An event is pending from its append
 * until an ack names it; the spool knows of it only where its record is (pending-events.ts).
 * The events an earlier process left are read back in order, a chunk at a time
 * ({@link takeRecovered}); while some are still unread, new events are appended behind them
 * and read back the same way, so memory holds only what was taken. A segment is deleted once
 * read through with every event in it and in older ones acknowledged (it holds their acks);
 * when dead records fill most of the disk space, compaction.ts copies the pending ones. What
 * is on disk only (and a scan of an earlier process's files still running) is the
 * {@link DiskBacklog}'s.
 */
export class FileSpool implements Spool {
  ticket = -1;
  private readonly directory: string;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private readonly everyEvent: boolean;
  private readonly log: SpoolOptions['log'];
  private readonly lock: SpoolLock;
  private readonly writer: SegmentWriter;
  private readonly pending: PendingRecords;
  /** The pending events held in memory: where their records are. */
  private readonly events: PendingEvents;
  /** Events appended behind the backlog in this turn, not written yet: start and length of each record in the pending buffer. */
  private readonly behind: number[] = [];
  /** The events on disk only, read back in order. */
  private readonly backlog: DiskBacklog;
  private readonly firstRecovered: WebhookEvent[];
  private readonly schedule: WriteSchedule;
  private readonly warnings: IoWarnings;
  private closed = false;

  constructor(directory: string, options: SpoolOptions, lock: SpoolLock, found: SpoolContents | SpoolScan) {
    this.directory = directory;
    this.maxBytes = options.maxBytes;
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.everyEvent = options.sync === 'event';
    // Written once per turn: the turn's records share group checksums; written one by one: each has its own.
    this.pending = new PendingRecords(!this.everyEvent);
    this.log = options.log;
    this.lock = lock;
    this.warnings = new IoWarnings(directory, options.log);
    const scan = found instanceof SpoolScan ? found : undefined;
    const contents = scan === undefined ? (found as SpoolContents) : undefined;
    this.writer = new SegmentWriter(directory, contents?.segments ?? scan?.files ?? [], this.segmentBytes, (text) => this.log.debug(text));
    this.events = new PendingEvents(this.writer, this.pending);
    const first = this.writer.rotate();
    const writes = { commit: () => this.commit(), sync: () => this.writer.sync(), settle: () => this.writer.settle() };
    this.schedule = new WriteSchedule(writes, options.fsyncIntervalMillis);
    const parts = { directory, log: options.log, selects: options.selects, writer: this.writer, scanned: () => this.scanned() };
    // With a scan to run, every new event goes behind whatever it finds: read back from this process's first segment on.
    this.backlog = new DiskBacklog(parts, contents, scan === undefined ? undefined : { scan, first });
    this.firstRecovered =
      scan === undefined ? this.takeRecovered(options.recoveredEvents ?? RECOVERED_EVENTS, options.recoveredBytes ?? RECOVERED_BYTES) : [];
    this.reclaim();
  }

  /** The first events recovered at open; none when the spool was opened with a scan in the background (they all come through {@link takeRecovered}). */
  get recovered(): readonly WebhookEvent[] {
    this.finishScan();
    return this.firstRecovered;
  }

  get scanning(): boolean {
    return this.backlog.scanning;
  }

  finishScan(): void {
    this.backlog.finishScan();
  }

  whenScanned(listener: () => void): void {
    this.backlog.whenScanned(listener);
  }

  get unselected(): number {
    return this.backlog.unselected;
  }

  get unread(): number {
    this.finishScan();
    const { backlog } = this;
    if (!backlog.active || backlog.unread > 0 || this.closed) return backlog.unread;
    // Counted out but not read to the end: looking ahead finds the next event, or the end.
    this.takeRecovered(0, 0);
    return backlog.active ? 1 : 0;
  }

  append(event: WebhookEvent): boolean {
    this.ticket = -1;
    if (this.closed) return false;
    this.events.key.fromText(event.id);
    if (this.events.has()) return true;
    return this.record(event, event.json, 0, event.json.length, event.acceptedAt, event.severity);
  }

  appendWritten(json: Buffer, start: number, end: number, type: string, acceptedAt: number, severity: number): boolean {
    this.ticket = -1;
    if (this.closed) return false;
    if (!this.events.key.fromBytes(json, start + ID_START)) {
      const id = eventIdAt(json, start);
      return this.append({ id, type, acceptedAt, severity, json: json.subarray(start, end), bytes: end - start });
    }
    if (this.events.has()) return true;
    return this.record(undefined, json, start, end, acceptedAt, severity);
  }

  ack(ids: readonly string[]): void {
    if (!this.closed && this.events.ackIds(ids) > 0) this.acksAdded();
  }

  ackWritten(events: EventBytes, slots: Int32Array): void {
    if (!this.closed && this.events.ackWritten(events, slots) > 0) this.acksAdded();
  }

  get backlogged(): boolean {
    return this.backlog.active;
  }

  spill(): void {
    if (this.closed || this.backlog.active) return;
    // The next record starts a group where what is written and pending ends: read from there.
    this.pending.endGroup();
    const { seq, size } = this.writer.active ?? this.writer.rotate();
    this.backlog.spill(seq, size + this.pending.length);
  }

  takeRecovered(maxEvents: number, maxBytes: number): WebhookEvent[] {
    this.finishScan();
    if (this.closed || !this.backlog.active) return [];
    // What was appended behind the backlog is read back from the file: write it first.
    this.commit();
    const taken: WebhookEvent[] = [];
    const unselected = this.backlog.take(taken, maxEvents, maxBytes, this.events);
    if (unselected.length > 0) {
      this.pending.appendAcks(unselected);
      this.acksAdded();
    } else {
      this.maintain();
    }
    return taken;
  }

  commit(): void {
    if (this.pending.length === 0) return;
    const active = this.writer.active;
    const size = active?.size ?? 0;
    try {
      this.writer.write(this.pending.bytes());
      this.warnings.succeeded();
    } catch (error) {
      if (active !== undefined) this.events.unwritten(active, size);
      // They were to go at `size` of the active segment, or of the one the write started.
      this.backlog.strand(this.pending, this.behind, (active ?? this.writer.segments.at(-1))?.seq ?? Number.POSITIVE_INFINITY, size);
      this.warnings.failed('writing to the spool failed (events accepted in this turn are held in memory only)', error);
    }
    this.pending.clear();
    this.behind.length = 0;
    this.schedule.written();
  }

  /** Resolves once the files of segments that are done are deleted (they go in the thread pool, see SegmentWriter.reclaim). */
  whenDeleted(): Promise<void> {
    return this.writer.whenDeleted();
  }

  stats(): SpoolStats {
    const { unread, tornRecords } = this.backlog;
    return { bytes: this.bytes(), maxBytes: this.maxBytes, events: this.events.count + unread, unread, tornRecords };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.commit();
    this.schedule.stop();
    this.writer.sync();
    this.writer.settle();
    this.writer.closeActive();
    this.writer.unlinkNow();
    this.backlog.close();
    this.lock.release();
  }

  private bytes(): number {
    return this.events.bytes + this.backlog.bytes;
  }

  /** A scan in the background has ended: with nothing found and nothing behind, looking ahead ends the backlog; else what is read through goes. */
  private scanned(): void {
    if (this.backlog.unread === 0) this.takeRecovered(0, 0);
    else this.reclaim();
  }

  /**
   * Encodes and takes the record of an event whose id is in the events' key: `event` checked,
   * or else the one the engine wrote into `json[start, end)`.
   */
  private record(event: WebhookEvent | undefined, json: Buffer, start: number, end: number, acceptedAt: number, severity: number): boolean {
    const { pending } = this;
    let at = pending.length;
    try {
      at = this.room(at);
      const segment = this.writer.active ?? this.writer.rotate();
      const recordBytes = event === undefined ? pending.appendWritten(json, start, end, acceptedAt, severity) : pending.appendEvent(event);
      if (!this.admit(segment, at, pending.lineStart, recordBytes)) return false;
    } catch (error) {
      // In `event` mode the failed write took the whole buffer; otherwise only this record goes.
      if (this.everyEvent) pending.clear();
      else pending.truncate(Math.min(at, pending.length));
      this.warnings.failed(`writing event ${event?.id ?? this.events.key.text()} failed`, error);
      return false;
    }
    if (pending.length >= WRITE_AHEAD_BYTES) this.commit();
    if (this.writer.rotated) this.maintain();
    return true;
  }

  /**
   * Where the record of the next append starts in the pending buffer, after writing what is
   * pending and starting a new segment when the active one is full.
   */
  private room(start: number): number {
    if (!this.writer.full(start)) return start;
    this.commit();
    this.writer.rotate();
    return 0;
  }

  /**
   * Takes the record encoded at `line` of the pending buffer (for the id in the events' key),
   * or refuses it for the size limit (forgetting what was encoded from `start` on). It goes to
   * `segment` at its size plus `line`: segments are started only once what is pending is written.
   */
  private admit(segment: Segment, start: number, line: number, recordBytes: number): boolean {
    if (this.bytes() + recordBytes > this.maxBytes) {
      this.pending.truncate(start);
      return false;
    }
    const offset = segment.size + line;
    if (this.everyEvent) {
      this.writer.write(this.pending.bytes());
      this.pending.clear();
      this.warnings.succeeded();
    } else {
      this.schedule.turn();
    }
    if (!this.backlog.active) {
      this.ticket = this.events.add(segment, offset, recordBytes);
    } else {
      this.backlog.behind(recordBytes);
      if (!this.everyEvent) this.behind.push(line, recordBytes);
    }
    return true;
  }

  /** Ack lines were encoded: they are written with the turn's records (at once in `event` mode). */
  private acksAdded(): void {
    if (this.everyEvent || this.pending.length >= WRITE_AHEAD_BYTES) this.commit();
    else this.schedule.turn();
    this.maintain();
  }

  private maintain(): void {
    this.reclaim();
    if (!this.writer.rotated) return;
    this.writer.rotated = false;
    const { segments, diskBytes } = this.writer;
    if (!this.backlog.active && segments.length > 2 && diskBytes > 2 * this.bytes() + 2 * this.segmentBytes) this.compact();
  }

  /** Deletes the oldest segments that are read through and hold nothing pending; never the active one. */
  private reclaim(): void {
    this.writer.reclaim((segment) => segment.pending === 0 && this.backlog.readThrough(segment));
  }

  /** Copies the records of the pending events into new segments when dead records (acknowledged events held in place by an older pending one, and ack lines) fill most of the disk space. */
  private compact(): void {
    this.log.debug(`spool ${this.directory}: compacting ${this.events.count} pending events`);
    this.commit();
    try {
      const unreadable = rewritePending(this.events.index, this.writer, this.pending);
      if (unreadable.events > 0) this.log.warn(`spool ${this.directory}: compacting: ${unreadableMessage(unreadable)}`);
    } catch (error) {
      this.warnings.failed('compacting failed', error);
    }
    this.reclaim();
  }
}
