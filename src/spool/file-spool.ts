import { eventIdAt, type WebhookEvent } from '../records/event.ts';
import { BackgroundScan, type ScanOutcome } from './background-scan.ts';
import { rewritePending, unreadableMessage } from './compaction.ts';
import { IoWarnings, message } from './io-warnings.ts';
import type { SpoolLock } from './lock.ts';
import { ID_START, PendingEvents } from './pending-events.ts';
import { PendingRecords } from './pending-records.ts';
import { RecoveryFeed } from './recovery-feed.ts';
import { type Segment, SegmentWriter } from './segment-writer.ts';
import type { SpoolContents } from './segments.ts';
import type { EventBytes, Spool, SpoolOptions, SpoolStats } from './spool.ts';
import { SpoolScan } from './spool-scan.ts';
import { WriteSchedule } from './write-schedule.ts';

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
 * when dead records fill most of the disk space, compaction.ts copies the pending ones.
 * Opened on a {@link SpoolScan} still to run, it finds what an earlier process left a step per
 * turn (background-scan.ts): meanwhile new events go behind, as behind an unread backlog, and
 * nothing is read back or deleted.
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
  private feed: RecoveryFeed | undefined;
  private tornRecords: number;
  private readonly firstRecovered: WebhookEvent[];
  /** The scan of what an earlier process left, while it runs. */
  private opening: BackgroundScan | undefined;
  private readonly selects: SpoolOptions['selects'];
  private readonly schedule: WriteSchedule;
  private readonly warnings: IoWarnings;
  private closed = false;
  /** Recovered events left in the files unread after a read failed: no segment is deleted in this run. */
  private keepFiles = false;
  private unselectedTotal = 0;

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
    this.selects = options.selects;
    const scan = found instanceof SpoolScan ? found : undefined;
    const contents = scan === undefined ? (found as SpoolContents) : undefined;
    this.tornRecords = contents?.tornRecords ?? 0;
    this.writer = new SegmentWriter(directory, contents?.segments ?? scan?.files ?? [], this.segmentBytes, (text) => this.log.debug(text));
    this.events = new PendingEvents(this.writer, this.pending);
    if (contents !== undefined && contents.events > 0) this.feed = new RecoveryFeed(this.writer.segments, contents, this.selects);
    const first = this.writer.rotate();
    this.schedule = new WriteSchedule({ commit: () => this.commit(), sync: () => this.writer.sync() }, options.fsyncIntervalMillis);
    if (scan === undefined) {
      this.firstRecovered = this.takeRecovered(options.recoveredEvents ?? RECOVERED_EVENTS, options.recoveredBytes ?? RECOVERED_BYTES);
      this.reclaim();
      if (contents !== undefined && contents.events > 0) this.foundNote(contents);
      return;
    }
    // Until the scan ends, every new event is behind whatever it finds: read back from this process's first segment on.
    this.firstRecovered = [];
    this.feed = RecoveryFeed.from(this.writer.segments, first.seq, 0);
    this.opening = new BackgroundScan(scan, (outcome) => this.scanned(scan, outcome));
  }

  /** The first events recovered at open; none when the spool was opened with a scan in the background (they all come through {@link takeRecovered}). */
  get recovered(): readonly WebhookEvent[] {
    this.finishScan();
    return this.firstRecovered;
  }

  get scanning(): boolean {
    return this.opening !== undefined;
  }

  finishScan(): void {
    this.opening?.finish();
  }

  whenScanned(listener: () => void): void {
    if (this.opening === undefined) listener();
    else this.opening.whenDone(listener);
  }

  get unselected(): number {
    return this.unselectedTotal + (this.feed?.unselected ?? 0);
  }

  get unread(): number {
    this.finishScan();
    const feed = this.feed;
    if (feed === undefined || feed.unread > 0 || this.closed) return feed?.unread ?? 0;
    // Counted out but not read to the end: looking ahead finds the next event, or the end.
    this.takeRecovered(0, 0);
    return this.feed === undefined ? 0 : 1;
  }

  append(event: WebhookEvent): boolean {
    this.ticket = -1;
    if (this.closed) return false;
    this.events.key.fromText(event.id);
    if (this.events.has()) return true;
    return this.record(event, event.json, 0, event.json.length, event.type, event.acceptedAt, event.severity);
  }

  appendWritten(json: Buffer, start: number, end: number, type: string, acceptedAt: number, severity: number): boolean {
    this.ticket = -1;
    if (this.closed) return false;
    if (!this.events.key.fromBytes(json, start + ID_START)) {
      const id = eventIdAt(json, start);
      return this.append({ id, type, acceptedAt, severity, json: json.subarray(start, end), bytes: end - start });
    }
    if (this.events.has()) return true;
    return this.record(undefined, json, start, end, type, acceptedAt, severity);
  }

  ack(ids: readonly string[]): void {
    if (!this.closed && this.events.ackIds(ids) > 0) this.acksAdded();
  }

  ackWritten(events: EventBytes, slots: Int32Array): void {
    if (!this.closed && this.events.ackWritten(events, slots) > 0) this.acksAdded();
  }

  get backlogged(): boolean {
    return this.feed !== undefined;
  }

  spill(): void {
    if (this.closed || this.feed !== undefined) return;
    // The next record starts a group where what is written and pending ends: read from there.
    this.pending.endGroup();
    const { seq, size } = this.writer.active ?? this.writer.rotate();
    this.feed = RecoveryFeed.from(this.writer.segments, seq, size + this.pending.length);
  }

  takeRecovered(maxEvents: number, maxBytes: number): WebhookEvent[] {
    this.finishScan();
    const feed = this.feed;
    if (this.closed || feed === undefined) return [];
    // What was appended behind the backlog is read back from the file: write it first.
    this.commit();
    const taken: WebhookEvent[] = [];
    try {
      if (!feed.take(taken, maxEvents, maxBytes, this.events)) this.caughtUp(feed);
    } catch (error) {
      // The rest stays in the files for the next start; nothing is deleted in this run any more.
      this.log.warn(
        `spool ${this.directory}: reading recovered events failed, ${feed.unread} are left for the next start: ${message(error)}`,
      );
      this.keepFiles = true;
      this.caughtUp(feed);
    }
    if (feed.unselectedIds.length > 0) {
      this.pending.appendAcks(feed.unselectedIds.splice(0));
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
      this.feed?.strand(this.pending, this.behind, (active ?? this.writer.segments.at(-1))?.seq ?? Number.POSITIVE_INFINITY, size);
      this.warnings.failed('writing to the spool failed (events accepted in this turn are held in memory only)', error);
    }
    this.pending.clear();
    this.behind.length = 0;
    this.schedule.written();
  }

  stats(): SpoolStats {
    const unread = this.feed?.unread ?? 0;
    return { bytes: this.bytes(), maxBytes: this.maxBytes, events: this.events.count + unread, unread, tornRecords: this.tornRecords };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.opening?.cancel();
    this.opening = undefined;
    this.commit();
    this.schedule.stop();
    this.writer.sync();
    this.writer.closeActive();
    this.feed?.close();
    this.lock.release();
  }

  private bytes(): number {
    return this.events.bytes + (this.feed?.unreadBytes ?? 0) + (this.opening?.bytesAtMost ?? 0);
  }

  /**
   * The scan of what an earlier process left has ended: its backlog is read first, then the
   * events appended behind it meanwhile. When the files could not be read, they are left for
   * the next start (nothing is deleted in this run).
   */
  private scanned(scan: SpoolScan, outcome: ScanOutcome): void {
    this.opening = undefined;
    const feed = this.feed as RecoveryFeed;
    if (outcome.ok) {
      const { found } = outcome;
      this.tornRecords = found.tornRecords;
      this.writer.forgetDeleted(scan.files, found.segments);
      if (found.events > 0) {
        feed.startAtBacklog(this.writer.segments, found, this.selects);
        this.foundNote(found);
      }
    } else {
      this.keepFiles = true;
      this.log.warn(
        `spool ${this.directory}: reading what an earlier process left failed, it is left for the next start: ${message(outcome.error)}`,
      );
    }
    // Nothing found and nothing behind: the feed ends here.
    if (feed.unread === 0) this.takeRecovered(0, 0);
    else this.reclaim();
  }

  private foundNote(found: SpoolContents): void {
    this.log.debug(`spool ${this.directory}: ${found.events} pending events (${found.bytes} bytes) to recover`);
  }

  /**
   * Encodes and takes the record of an event whose id is in the events' key: `event` checked,
   * or else the one the engine wrote into `json[start, end)`.
   */
  private record(
    event: WebhookEvent | undefined,
    json: Buffer,
    start: number,
    end: number,
    type: string,
    acceptedAt: number,
    severity: number,
  ): boolean {
    const { pending } = this;
    let at = pending.length;
    try {
      at = this.room(at);
      const segment = this.writer.active ?? this.writer.rotate();
      const recordBytes =
        event === undefined
          ? pending.appendWritten(json, start, end, this.events.key.end, type, acceptedAt, severity)
          : pending.appendEvent(event);
      if (!this.admit(segment, at, pending.lineStart, recordBytes)) return false;
    } catch (error) {
      // In `event` mode the failed write took the whole buffer; otherwise only this record goes.
      if (this.everyEvent) pending.clear();
      else pending.truncate(Math.min(at, pending.length));
      this.warnings.failed(`writing event ${event?.id ?? this.events.key.text()} failed`, error);
      return false;
    }
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
    if (this.feed === undefined) {
      this.ticket = this.events.add(segment, offset, recordBytes);
    } else {
      this.feed.behind(recordBytes);
      if (!this.everyEvent) this.behind.push(line, recordBytes);
    }
    return true;
  }

  /** Ack lines were encoded: they are written with the turn's records (at once in `event` mode). */
  private acksAdded(): void {
    if (this.everyEvent) this.commit();
    else this.schedule.turn();
    this.maintain();
  }

  private caughtUp(feed: RecoveryFeed): void {
    this.unselectedTotal += feed.unselected;
    const dropped = `${feed.unselected} recovered events are no longer selected by events or level; dropped (counted as discarded)`;
    if (feed.unselected > 0) this.log.info?.(`spool ${this.directory}: ${dropped}`);
    feed.close();
    this.feed = undefined;
  }

  private maintain(): void {
    this.reclaim();
    if (!this.writer.rotated) return;
    this.writer.rotated = false;
    const { segments, diskBytes } = this.writer;
    if (this.feed === undefined && segments.length > 2 && diskBytes > 2 * this.bytes() + 2 * this.segmentBytes) this.compact();
  }

  /** Deletes the oldest segments that are read through and hold nothing pending; never the active one. */
  private reclaim(): void {
    if (this.keepFiles || this.opening !== undefined) return;
    this.writer.reclaim((segment) => segment.pending === 0 && (this.feed === undefined || segment.seq < this.feed.seq));
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
