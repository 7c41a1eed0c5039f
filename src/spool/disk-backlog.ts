import type { WebhookEvent } from '../records/event.ts';
import { BackgroundScan, type ScanOutcome } from './background-scan.ts';
import { message } from './io-warnings.ts';
import type { PendingEvents } from './pending-events.ts';
import type { PendingRecords } from './pending-records.ts';
import { RecoveryFeed } from './recovery-feed.ts';
import type { Segment, SegmentWriter } from './segment-writer.ts';
import type { SpoolContents } from './segments.ts';
import type { SpoolOptions } from './spool.ts';
import type { SpoolScan } from './spool-scan.ts';

/** What a backlog is told of its spool: its directory, log and selection, its segments, and what to do when a scan has ended. */
export interface BacklogParts {
  readonly directory: string;
  readonly log: SpoolOptions['log'];
  readonly selects: SpoolOptions['selects'];
  readonly writer: SegmentWriter;
  /** A scan in the background has ended: the spool looks ahead (ending an empty feed) or reclaims. */
  readonly scanned: () => void;
}

/**
 * The events of a spool that are on disk only, read back in order (a {@link RecoveryFeed}): the
 * ones an earlier process left, found at open or by a scan still running in the background
 * (background-scan.ts), then those appended behind them or spilled when memory was full. While
 * any is left (or the scan runs), a new event goes behind them. Knows which segments may be
 * deleted as far as reading back goes.
 */
export class DiskBacklog {
  /** Damaged lines the scan skipped. */
  tornRecords: number;
  private readonly parts: BacklogParts;
  private feed: RecoveryFeed | undefined;
  private opening: BackgroundScan | undefined;
  /** Events left in the files unread after a read failed: no segment is deleted in this run. */
  private keepFiles = false;
  private unselectedTotal = 0;

  /** With `found` known: its events (if any) are read from the oldest segment. With a `scan` to run: it starts, and new events go behind what it finds from `first` (this process's first segment) on. */
  constructor(parts: BacklogParts, found: SpoolContents | undefined, scan?: { readonly scan: SpoolScan; readonly first: Segment }) {
    this.parts = parts;
    this.tornRecords = found?.tornRecords ?? 0;
    if (found !== undefined && found.events > 0) {
      this.feed = new RecoveryFeed(parts.writer.segments, found, parts.selects);
      this.foundNote(found);
    }
    if (scan === undefined) return;
    this.feed = RecoveryFeed.from(parts.writer.segments, scan.first.seq, 0);
    this.opening = new BackgroundScan(scan.scan, (outcome) => this.scanned(scan.scan, outcome));
  }

  /** Whether a new event goes behind events still to read back (or a scan still running). */
  get active(): boolean {
    return this.feed !== undefined;
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

  /** Events to read back, as counted (see RecoveryFeed.unread). */
  get unread(): number {
    return this.feed?.unread ?? 0;
  }

  /** Record bytes of the events to read back; while scanning, at most what the files not read through yet can hold is added. */
  get bytes(): number {
    return (this.feed?.unreadBytes ?? 0) + (this.opening?.bytesAtMost ?? 0);
  }

  get unselected(): number {
    return this.unselectedTotal + (this.feed?.unselected ?? 0);
  }

  /** Whether `segment` is no longer needed for reading back: read through, no scan running, no read failed. */
  readThrough(segment: Segment): boolean {
    return !this.keepFiles && this.opening === undefined && (this.feed === undefined || segment.seq < this.feed.seq);
  }

  /** An event was appended behind. */
  behind(recordBytes: number): void {
    this.feed?.behind(recordBytes);
  }

  /** See RecoveryFeed.strand: events appended behind whose write failed. */
  strand(pending: PendingRecords, records: readonly number[], seq: number, offset: number): void {
    this.feed?.strand(pending, records, seq, offset);
  }

  /** From now on new events go behind, read back from byte `offset` of segment `seq` (memory is full). */
  spill(seq: number, offset: number): void {
    this.feed ??= RecoveryFeed.from(this.parts.writer.segments, seq, offset);
  }

  /**
   * Moves the next events into `taken` (see RecoveryFeed.take); returns the ids of those read
   * and dropped as no longer selected, to acknowledge. A failed read leaves the rest in the
   * files for the next start, and nothing is deleted in this run any more. Scanning: nothing.
   */
  take(taken: WebhookEvent[], maxEvents: number, maxBytes: number, events: PendingEvents): string[] {
    const feed = this.feed;
    if (feed === undefined || this.opening !== undefined) return [];
    try {
      if (!feed.take(taken, maxEvents, maxBytes, events)) this.caughtUp(feed);
    } catch (error) {
      this.parts.log.warn(
        `spool ${this.parts.directory}: reading recovered events failed, ${feed.unread} are left for the next start: ${message(error)}`,
      );
      this.keepFiles = true;
      this.caughtUp(feed);
    }
    return feed.unselectedIds.splice(0);
  }

  close(): void {
    this.opening?.cancel();
    this.opening = undefined;
    this.feed?.close();
  }

  /**
   * The scan of what an earlier process left has ended: its backlog is read first, then the
   * events appended behind it meanwhile. When the files could not be read, they are left for
   * the next start (nothing is deleted in this run).
   */
  private scanned(scan: SpoolScan, outcome: ScanOutcome): void {
    this.opening = undefined;
    const { writer, log, directory } = this.parts;
    if (outcome.ok) {
      const { found } = outcome;
      this.tornRecords = found.tornRecords;
      writer.forgetDeleted(scan.files, found.segments);
      if (found.events > 0) {
        this.feed?.startAtBacklog(writer.segments, found, this.parts.selects);
        this.foundNote(found);
      }
    } else {
      this.keepFiles = true;
      log.warn(`spool ${directory}: reading what an earlier process left failed, it is left for the next start: ${message(outcome.error)}`);
    }
    this.parts.scanned();
  }

  private caughtUp(feed: RecoveryFeed): void {
    this.unselectedTotal += feed.unselected;
    const dropped = `${feed.unselected} recovered events are no longer selected by events or level; dropped (counted as discarded)`;
    if (feed.unselected > 0) this.parts.log.info?.(`spool ${this.parts.directory}: ${dropped}`);
    feed.close();
    this.feed = undefined;
  }

  private foundNote(found: SpoolContents): void {
    this.parts.log.debug(`spool ${this.parts.directory}: ${found.events} pending events (${found.bytes} bytes) to recover`);
  }
}
