import { eventIdAt, type WebhookEvent } from '../records/event.ts';
import { rewritePending } from './compaction.ts';
import { IdKey } from './id-key.ts';
import type { SpoolLock } from './lock.ts';
import { NOWHERE, PendingIndex } from './pending-index.ts';
import { PendingRecords } from './pending-records.ts';
import { decodeRecord } from './record.ts';
import { RecoveryFeed } from './recovery-feed.ts';
import { type Segment, SegmentWriter } from './segment-writer.ts';
import type { SpoolContents } from './segments.ts';
import type { EventBytes, Spool, SpoolOptions, SpoolStats } from './spool.ts';
import { WriteSchedule } from './write-schedule.ts';

const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;
/** `{"id":"`: the bytes of an event's JSON before its id. */
const ID_START = 7;
const DEFAULT_RECOVERED_EVENTS = 1000;
const DEFAULT_RECOVERED_BYTES = 1024 * 1024;

function message(error: unknown): string {
  return (error as Error | undefined)?.message ?? String(error);
}

/**
 * The spool of one webhook: append-only segment files of checksummed lines. Records are
 * encoded into one pending buffer and written with one `write(2)` per turn of the event loop
 * (`sync: 'batch'`), or before `append` returns (`'event'`). An event is pending from its append
 * until an ack names it. The events an earlier process left are read back in order, a chunk
 * at a time ({@link takeRecovered}); while some are still unread, new events are appended
 * behind them and read back the same way, so memory holds only what was taken. The oldest
 * segments are deleted once they are read through and every event taken from them (and from
 * all older ones, because a segment holds the acks of older events) is acknowledged; when dead
 * records take more than half the disk space, the pending events are rewritten and every
 * older segment goes.
 */
export class FileSpool implements Spool {
  readonly recovered: readonly WebhookEvent[];
  private readonly directory: string;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private readonly everyEvent: boolean;
  private readonly log: SpoolOptions['log'];
  private readonly lock: SpoolLock;
  private readonly writer: SegmentWriter;
  /** The pending events held in memory: where their records are. */
  private readonly index = new PendingIndex();
  /** The id being appended or acknowledged. */
  private readonly key = new IdKey();
  private readonly pending = new PendingRecords();
  /** Events appended behind the backlog in this turn, not written yet: start and length of each record in the pending buffer. */
  private readonly behind: number[] = [];
  /** The segment an acknowledged event was last found in. */
  private lastSegment: Segment | undefined;
  private feed: RecoveryFeed | undefined;
  private readonly tornRecords: number;
  private readonly schedule: WriteSchedule;
  private failing = false;
  private closed = false;
  /** Recovered events left in the files unread after a read failed: no segment is deleted in this run. */
  private keepFiles = false;
  private unselectedTotal = 0;

  constructor(directory: string, options: SpoolOptions, lock: SpoolLock, found: SpoolContents) {
    this.directory = directory;
    this.maxBytes = options.maxBytes;
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.everyEvent = options.sync === 'event';
    this.log = options.log;
    this.lock = lock;
    this.tornRecords = found.tornRecords;
    this.writer = new SegmentWriter(directory, found.segments, this.segmentBytes, (text) => this.log.debug(text));
    if (found.events > 0) this.feed = new RecoveryFeed(this.writer.segments, found, options.selects);
    this.writer.rotate();
    this.schedule = new WriteSchedule({ commit: () => this.commit(), sync: () => this.writer.sync() }, options.fsyncIntervalMillis);
    this.recovered = this.takeRecovered(
      options.recoveredEvents ?? DEFAULT_RECOVERED_EVENTS,
      options.recoveredBytes ?? DEFAULT_RECOVERED_BYTES,
    );
    this.reclaim();
    if (found.events > 0) this.log.debug(`spool ${directory}: ${found.events} pending events (${found.bytes} bytes) to recover`);
  }

  get unselected(): number {
    return this.feed?.unselected ?? this.unselectedTotal;
  }

  get unread(): number {
    const feed = this.feed;
    if (feed === undefined || feed.unread > 0) return feed?.unread ?? 0;
    if (this.closed) return 0;
    // Counted out but not read to the end: looking ahead finds the next event, or the end.
    this.takeRecovered(0, 0);
    return this.feed === undefined ? 0 : 1;
  }

  append(event: WebhookEvent): boolean {
    if (this.closed) return false;
    this.key.fromText(event.id);
    if (this.index.has(this.key)) return true;
    let start = this.pending.length;
    try {
      start = this.room(start);
      const segment = this.writer.active ?? this.writer.rotate();
      if (!this.admit(segment, start, this.pending.appendEvent(event))) return false;
    } catch (error) {
      this.appendFailed(start, event.id, error);
      return false;
    }
    if (this.writer.rotated) this.maintain();
    return true;
  }

  appendWritten(json: Buffer, start: number, end: number, type: string, acceptedAt: number, severity: number): boolean {
    if (this.closed) return false;
    const { key } = this;
    if (!key.fromBytes(json, start + ID_START)) {
      const id = eventIdAt(json, start);
      return this.append({ id, type, acceptedAt, severity, json: json.subarray(start, end), bytes: end - start });
    }
    if (this.index.has(key)) return true;
    let at = this.pending.length;
    try {
      at = this.room(at);
      const segment = this.writer.active ?? this.writer.rotate();
      if (!this.admit(segment, at, this.pending.appendWritten(json, start, end, key.end, type, acceptedAt, severity))) return false;
    } catch (error) {
      this.appendFailed(at, key.text(), error);
      return false;
    }
    if (this.writer.rotated) this.maintain();
    return true;
  }

  ack(acked: readonly string[]): void {
    if (this.closed) return;
    const { key, index, pending } = this;
    let count = 0;
    pending.beginAcks();
    for (const id of acked) {
      key.fromText(id);
      const found = index.find(key);
      if (found < 0) continue;
      this.release(found);
      pending.ackText(id);
      count++;
    }
    pending.endAcks();
    if (count > 0) this.acksAdded();
  }

  ackWritten(events: EventBytes, slots: Int32Array): void {
    if (this.closed) return;
    const { key, index, pending } = this;
    let count = 0;
    pending.beginAcks();
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as number;
      const bytes = events.bytesOf(slot);
      const start = events.offsetOf(slot);
      const plain = key.fromBytes(bytes, start + ID_START);
      if (!plain) key.fromText(eventIdAt(bytes, start));
      const found = index.find(key);
      if (found < 0) continue;
      this.release(found);
      if (plain) pending.ackDigits(bytes, start + ID_START, key.end);
      else pending.ackText(key.text());
      count++;
    }
    pending.endAcks();
    if (count > 0) this.acksAdded();
  }

  takeRecovered(maxEvents: number, maxBytes: number): WebhookEvent[] {
    const feed = this.feed;
    if (this.closed || feed === undefined) return [];
    // What was appended behind the backlog is read back from the file: write it first.
    this.commit();
    const taken: WebhookEvent[] = [];
    let bytes = 0;
    try {
      for (;;) {
        const next = feed.peek();
        if (next === undefined) {
          this.caughtUp(feed);
          break;
        }
        if (taken.length >= maxEvents) break;
        if (taken.length > 0 && bytes + next.event.bytes > maxBytes) break;
        feed.consume();
        this.key.fromText(next.event.id);
        this.index.add(this.key, next.segment?.seq ?? NOWHERE, next.offset, next.recordBytes);
        if (next.segment !== undefined) next.segment.pending++;
        taken.push(next.event);
        bytes += next.event.bytes;
      }
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
      this.failing = false;
    } catch (error) {
      if (active !== undefined) this.unwritten(active, size);
      this.strandBehind();
      this.ioFailed('writing to the spool failed (events accepted in this turn are held in memory only)', error);
    }
    this.pending.clear();
    this.behind.length = 0;
    this.schedule.written();
  }

  stats(): SpoolStats {
    const unread = this.feed?.unread ?? 0;
    return { bytes: this.bytes(), events: this.index.count + unread, unread, tornRecords: this.tornRecords };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.commit();
    this.schedule.stop();
    this.writer.sync();
    this.writer.closeActive();
    this.feed?.close();
    this.lock.release();
  }

  private bytes(): number {
    return this.index.bytes + (this.feed?.unreadBytes ?? 0);
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
   * Takes the record just encoded at `start` of the pending buffer (for the event whose id is
   * in {@link key}), or refuses it for the size limit. It goes to the active segment `segment`,
   * at its current size plus `start`: segments are started only once what is pending is written.
   */
  private admit(segment: Segment, start: number, recordBytes: number): boolean {
    if (this.bytes() + recordBytes > this.maxBytes) {
      this.pending.truncate(start);
      return false;
    }
    const offset = segment.size + start;
    if (this.everyEvent) {
      this.writer.write(this.pending.bytes());
      this.pending.clear();
      this.failing = false;
    } else {
      this.schedule.turn();
    }
    if (this.feed === undefined) {
      this.index.add(this.key, segment.seq, offset, recordBytes);
      segment.pending++;
    } else {
      this.feed.behind(recordBytes);
      if (!this.everyEvent) this.behind.push(start, recordBytes);
    }
    return true;
  }

  private appendFailed(start: number, id: string, error: unknown): void {
    // In `event` mode the failed write took the whole buffer; otherwise only this record goes.
    if (this.everyEvent) this.pending.clear();
    else this.pending.truncate(Math.min(start, this.pending.length));
    this.ioFailed(`writing event ${id} failed`, error);
  }

  /** An acknowledged entry: its segment holds one pending event less. */
  private release(index: number): void {
    const seq = this.index.take(index);
    if (seq === NOWHERE) return;
    let segment = this.lastSegment;
    if (segment?.seq !== seq) {
      segment = this.writer.find(seq);
      this.lastSegment = segment;
    }
    if (segment !== undefined) segment.pending--;
  }

  /** Ack lines were encoded: they are written with the turn's records (at once in `event` mode). */
  private acksAdded(): void {
    if (this.everyEvent) this.commit();
    else this.schedule.turn();
    this.maintain();
  }

  /**
   * The write of what was pending failed: the events whose records were in it, written to
   * `segment` from byte `from` on, are in no file now (they are the last entries).
   */
  private unwritten(segment: Segment, from: number): void {
    const { index } = this;
    for (let i = index.tail - 1; i >= index.head && index.seqAt(i) === segment.seq && index.offsetAt(i) >= from; i--) {
      if (index.pending(i)) segment.pending--;
      index.move(i, NOWHERE, 0);
    }
  }

  /** The events appended behind the backlog in this turn, whose write failed, are read back from the pending buffer and handed out after the backlog. */
  private strandBehind(): void {
    const { behind, feed } = this;
    for (let i = 0; feed !== undefined && i < behind.length; i += 2) {
      const recordBytes = behind[i + 1] as number;
      const record = decodeRecord(this.pending.record(behind[i] as number, recordBytes));
      if (record?.kind === 'append') feed.strand(record.event, recordBytes);
    }
  }

  private caughtUp(feed: RecoveryFeed): void {
    this.unselectedTotal = feed.unselected;
    if (feed.unselected > 0) {
      this.log.info?.(
        `spool ${this.directory}: ${feed.unselected} recovered events are no longer selected by events or level; dropped (counted as discarded)`,
      );
    }
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
    if (this.keepFiles) return;
    this.writer.reclaim((segment) => segment.pending === 0 && (this.feed === undefined || segment.seq < this.feed.seq));
  }

  /** Rewrites the pending events when dead records (acknowledged events held in place by an older pending one, and ack lines) fill most of the disk space. */
  private compact(): void {
    this.log.debug(`spool ${this.directory}: compacting ${this.index.count} pending events`);
    this.commit();
    try {
      const unreadable = rewritePending(this.index, this.writer, this.pending);
      if (unreadable.events > 0) {
        this.log.warn(
          `spool ${this.directory}: compacting: ${unreadable.events} pending events did not read back from the segment files (${unreadable.reason}); they are held in memory only, and lost if the process stops before they are delivered`,
        );
      }
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
