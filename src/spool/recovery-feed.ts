import type { WebhookEvent } from '../records/event.ts';
import type { PendingEvents } from './pending-events.ts';
import type { PendingRecords } from './pending-records.ts';
import { checksumMatches, decodeBody, isAppend } from './record.ts';
import { GROUP_LINE, groupDistance, groupHeader, groupMatches } from './record-groups.ts';
import { type ReadLine, SegmentReader } from './segment-reader.ts';
import type { Segment } from './segment-writer.ts';
import type { SpoolContents } from './segments.ts';

/** An event read back, with where its record is: `offset` of `segment`, or nowhere for an event whose write failed. */
export interface Recovered {
  readonly event: WebhookEvent;
  readonly segment: Segment | undefined;
  readonly offset: number;
  readonly recordBytes: number;
}

/**
 * The events on disk that are not held in memory, read back in order: first those an earlier
 * process left (minus the ones acknowledged, and minus those the configuration no longer
 * selects), then the ones appended behind them while they were being read. Holds one read
 * buffer and the ids acknowledged in the earlier process's segments, never the events.
 */
export class RecoveryFeed {
  /** Events still to read, and their record bytes (as counted when the spool was opened, plus those appended since). */
  unread: number;
  unreadBytes: number;
  /** Events dropped because `selects` refused them, and their ids not yet acknowledged on disk. */
  unselected = 0;
  readonly unselectedIds: string[] = [];
  private reader: SegmentReader;
  private acked: ReadonlySet<string>;
  private selects: ((event: WebhookEvent) => boolean) | undefined;
  /**
   * Appended behind the backlog but never written (the write failed), with where their records
   * would have been (segment, byte offset): handed out where the reading reaches that place.
   */
  private readonly stranded: { readonly recovered: Recovered; readonly seq: number; readonly offset: number }[] = [];
  /** An event read from the files and held back while stranded ones before it are handed out. */
  private held: Recovered | undefined;
  private peeked: Recovered | undefined;
  /** The group being read (see record-groups.ts): its segment, where its line starts and its lines end, and whether its checksum matched. */
  private groupSeq = -1;
  private groupStart = -1;
  private groupEnd = -1;
  private groupIntact = false;

  constructor(
    segments: readonly Segment[],
    contents: SpoolContents,
    selects: ((event: WebhookEvent) => boolean) | undefined,
    from?: { readonly seq: number; readonly offset: number },
  ) {
    this.reader = new SegmentReader(segments, from?.seq, from?.offset);
    this.acked = contents.acked;
    this.selects = selects;
    this.unread = contents.events;
    this.unreadBytes = contents.bytes;
  }

  /** A feed of the events appended from byte `offset` of segment `seq` on (none yet): those the engine's memory has no room for. */
  static from(segments: readonly Segment[], seq: number, offset: number): RecoveryFeed {
    const none: SpoolContents = { segments: [], acked: new Set(), events: 0, bytes: 0, tornRecords: 0 };
    return new RecoveryFeed(segments, none, undefined, { seq, offset });
  }

  /**
   * The backlog an earlier process left, found after this feed started (as one {@link from} the
   * first segment this process wrote, before anything was read): it is read first, from the
   * oldest segment of `segments`, then what was appended since.
   */
  startAtBacklog(segments: readonly Segment[], contents: SpoolContents, selects: ((event: WebhookEvent) => boolean) | undefined): void {
    this.reader.close();
    this.reader = new SegmentReader(segments);
    this.acked = contents.acked;
    this.selects = selects;
    this.unread += contents.events;
    this.unreadBytes += contents.bytes;
  }

  /** The segment being read: every older one is read through. */
  get seq(): number {
    return this.reader.seq;
  }

  /** An event appended while events are still to read: it is read back after them. */
  behind(recordBytes: number): void {
    this.unread++;
    this.unreadBytes += recordBytes;
  }

  /**
   * Events appended behind the backlog whose write failed, decoded from their records in
   * `pending` (`records`: start and length of each), which were to go at `offset` of segment
   * `seq`: they are handed out in their place, after what was written before them and before
   * what was written after.
   */
  strand(pending: PendingRecords, records: readonly number[], seq: number, offset: number): void {
    for (let i = 0; i < records.length; i += 2) {
      const recordBytes = records[i + 1] as number;
      // Never written, so never damaged: only its body is read.
      const record = decodeBody(pending.record(records[i] as number, recordBytes));
      if (record?.kind !== 'append') continue;
      this.stranded.push({ recovered: { event: record.event, segment: undefined, offset: 0, recordBytes }, seq, offset });
    }
  }

  /**
   * Moves the next events into `taken`, oldest first, each added to `events` (pending from
   * then on): at most `maxEvents`, and at most `maxBytes` of event JSON (but at least one).
   * Returns false once everything written has been read. Throws when a file cannot be read.
   */
  take(taken: WebhookEvent[], maxEvents: number, maxBytes: number, events: PendingEvents): boolean {
    let bytes = 0;
    for (;;) {
      const next = this.peek();
      if (next === undefined) return false;
      if (taken.length >= maxEvents || (taken.length > 0 && bytes + next.event.bytes > maxBytes)) return true;
      this.consume();
      events.key.fromText(next.event.id);
      events.add(next.segment, next.offset, next.recordBytes);
      taken.push(next.event);
      bytes += next.event.bytes;
    }
  }

  /** The next event, left in place; undefined once everything written has been read. */
  peek(): Recovered | undefined {
    this.peeked ??= this.read();
    return this.peeked;
  }

  /** Takes the event {@link peek} returned. */
  consume(): void {
    const taken = this.peeked;
    if (taken === undefined) return;
    this.peeked = undefined;
    this.unread = Math.max(0, this.unread - 1);
    this.unreadBytes = Math.max(0, this.unreadBytes - taken.recordBytes);
  }

  close(): void {
    this.reader.close();
  }

  private read(): Recovered | undefined {
    const held = this.held;
    if (held !== undefined) {
      if (this.strandedBefore(held)) return this.takeStranded();
      this.held = undefined;
      return held;
    }
    for (let next = this.reader.next(); next !== undefined; next = this.reader.next()) {
      if (next.line[9] === 0x47) {
        // Reading the group's lines ahead may move the buffer that `next.line` views.
        this.readGroup(next);
        continue;
      }
      if (!isAppend(next.line)) continue; // only append records matter here; acks were read at open
      const record = this.intact(next) ? decodeBody(next.line) : undefined;
      if (record?.kind !== 'append' || this.acked.has(record.event.id)) continue;
      const recordBytes = next.line.length + 1;
      if (this.selects !== undefined && !this.selects(record.event)) {
        this.unselected++;
        this.unselectedIds.push(record.event.id);
        this.unread = Math.max(0, this.unread - 1);
        this.unreadBytes = Math.max(0, this.unreadBytes - recordBytes);
        continue;
      }
      const found = { event: record.event, segment: next.segment, offset: next.offset, recordBytes };
      if (!this.strandedBefore(found)) return found;
      this.held = found;
      return this.takeStranded();
    }
    return this.takeStranded();
  }

  /** Whether a stranded event was to go before the event read back at `at`. */
  private strandedBefore(at: Recovered): boolean {
    const first = this.stranded[0];
    if (first === undefined || at.segment === undefined) return false;
    return first.seq < at.segment.seq || (first.seq === at.segment.seq && first.offset <= at.offset);
  }

  private takeStranded(): Recovered | undefined {
    return this.stranded.shift()?.recovered;
  }

  /** A group line: its checksum is checked against the lines that follow it, before any of them is read. */
  private readGroup(next: ReadLine): void {
    const header = groupHeader(next.line);
    this.groupSeq = next.segment.seq;
    this.groupStart = next.offset;
    this.groupEnd = next.offset + GROUP_LINE + (header?.length ?? 0);
    const lines = header === undefined ? undefined : this.reader.following(header.length);
    this.groupIntact = header !== undefined && lines !== undefined && groupMatches(header, lines);
  }

  /** Whether a line is intact: by its own checksum, or, for a grouped line, by its group's. */
  private intact(next: ReadLine): boolean {
    const distance = groupDistance(next.line);
    if (distance < 0) return checksumMatches(next.line);
    return (
      this.groupIntact &&
      this.groupSeq === next.segment.seq &&
      next.offset - distance === this.groupStart &&
      next.offset + next.line.length < this.groupEnd
    );
  }
}
