import type { WebhookEvent } from '../records/event.ts';
import { AckLog } from './ack-log.ts';
import { rewritePending } from './compaction.ts';
import type { SpoolLock } from './lock.ts';
import { PendingRecords } from './pending-records.ts';
import { type Recovered, RecoveryFeed } from './recovery-feed.ts';
import { SegmentWriter } from './segment-writer.ts';
import type { SpoolContents } from './segments.ts';
import type { Spool, SpoolOptions, SpoolStats } from './spool.ts';
import { WriteSchedule } from './write-schedule.ts';

const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;
/** Ids per ack line, so one line stays small whatever the batch. */
const ACK_CHUNK = 1000;
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
  private readonly entries = new AckLog();
  private readonly pending = new PendingRecords();
  /** Events appended behind the backlog in this turn, not written yet. */
  private readonly behind: Recovered[] = [];
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
    if (this.entries.has(event.id)) return true;
    let start = this.pending.length;
    try {
      if (this.writer.full(start)) {
        this.commit();
        this.writer.rotate();
        start = 0;
      }
      const segment = this.writer.active ?? this.writer.rotate();
      const recordBytes = this.pending.appendEvent(event);
      if (this.bytes() + recordBytes > this.maxBytes) {
        this.pending.truncate(start);
        return false;
      }
      if (this.everyEvent) {
        this.writer.write(this.pending.bytes());
        this.pending.clear();
        this.failing = false;
      } else {
        this.schedule.turn();
      }
      if (this.feed === undefined) {
        this.entries.add({ id: event.id, event, segment, recordBytes });
        segment.pending++;
      } else {
        this.feed.behind(recordBytes);
        if (!this.everyEvent) this.behind.push({ event, segment, recordBytes });
      }
    } catch (error) {
      // In `event` mode the failed write took the whole buffer; otherwise only this record goes.
      if (this.everyEvent) this.pending.clear();
      else this.pending.truncate(Math.min(start, this.pending.length));
      this.ioFailed(`writing event ${event.id} failed`, error);
      return false;
    }
    if (this.writer.rotated) this.maintain();
    return true;
  }

  ack(acked: readonly string[]): void {
    if (this.closed) return;
    const ids: string[] = [];
    for (const id of acked) {
      const entry = this.entries.take(id);
      if (entry === undefined) continue;
      entry.segment.pending--;
      ids.push(id);
    }
    if (ids.length === 0) return;
    this.queueAcks(ids);
    this.maintain();
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
        this.entries.add({ id: next.event.id, event: next.event, segment: next.segment, recordBytes: next.recordBytes });
        next.segment.pending++;
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
    if (feed.unselectedIds.length > 0) this.queueAcks(feed.unselectedIds.splice(0));
    this.maintain();
    return taken;
  }

  commit(): void {
    if (this.pending.length === 0) return;
    try {
      this.writer.write(this.pending.bytes());
      this.failing = false;
    } catch (error) {
      if (this.behind.length > 0) this.feed?.strand(this.behind);
      this.ioFailed('writing to the spool failed (events accepted in this turn are held in memory only)', error);
    }
    this.pending.clear();
    this.behind.length = 0;
    this.schedule.written();
  }

  stats(): SpoolStats {
    const unread = this.feed?.unread ?? 0;
    return { bytes: this.bytes(), events: this.entries.count + unread, unread, tornRecords: this.tornRecords };
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
    return this.entries.bytes + (this.feed?.unreadBytes ?? 0);
  }

  private queueAcks(ids: readonly string[]): void {
    for (let i = 0; i < ids.length; i += ACK_CHUNK)
      this.pending.appendAck(i === 0 && ids.length <= ACK_CHUNK ? ids : ids.slice(i, i + ACK_CHUNK));
    if (this.everyEvent) this.commit();
    else this.schedule.turn();
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
    const live = this.entries.live();
    this.log.debug(`spool ${this.directory}: compacting ${live.length} pending events`);
    this.commit();
    try {
      rewritePending(live, this.writer, this.pending);
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
