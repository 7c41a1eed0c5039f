import { NOWHERE, type PendingIndex } from './pending-index.ts';
import type { PendingRecords } from './pending-records.ts';
import { checksumMatches, isAppend } from './record.ts';
import { GROUP_LINE, groupDistance, groupHeader, groupMatches } from './record-groups.ts';
import { SegmentRanges } from './segment-ranges.ts';
import type { Segment, SegmentWriter } from './segment-writer.ts';

/** Most bytes of records read, and rewritten, with one system call. */
const REWRITE_CHUNK = 256 * 1024;
/** Most bytes between two pending records (dead records, ack lines) read through rather than read apart. */
const READ_THROUGH = 4096;
const NEWLINE = 0x0a;

/** What a compaction could not rewrite: pending events whose record did not read back, and the first reason. */
export interface Unreadable {
  readonly events: number;
  readonly reason: string | undefined;
}

/** What a compaction says of the pending events whose records did not read back. */
export function unreadableMessage(unreadable: Unreadable): string {
  return `${unreadable.events} pending events did not read back from the segment files (${unreadable.reason}); they are held in memory only, and lost if the process stops before they are delivered`;
}

function flush(pending: PendingRecords, writer: SegmentWriter): SegmentWriter {
  if (pending.length > 0) writer.write(pending.bytes());
  pending.clear();
  return writer;
}

/**
 * Checks the groups that grouped records read back are in (see record-groups.ts), each group
 * read again from its file. Records are read in file order, so the group checked last is the
 * one remembered.
 */
class GroupChecks {
  private readonly ranges = new SegmentRanges();
  /** The group checked last: its segment, where its line starts, where its lines end (-1: not intact). */
  private seq = -1;
  private start = -1;
  private end = -1;

  /** Whether the grouped record `size` bytes at `offset` of `segment`, `distance` bytes after its group line, is in an intact group. */
  holds(segment: Segment, offset: number, size: number, distance: number): boolean {
    const start = offset - distance;
    if (segment.seq !== this.seq || start !== this.start) {
      this.seq = segment.seq;
      this.start = start;
      this.end = this.check(segment, start);
    }
    return offset + size <= this.end;
  }

  close(): void {
    this.ranges.close();
  }

  /** Where the lines of the group whose line is at `start` end, or -1 when the group is not intact. */
  private check(segment: Segment, start: number): number {
    if (start < 0 || !this.ranges.read(segment, start, start + GROUP_LINE)) return -1;
    const header = groupHeader(this.ranges.buffer.subarray(0, GROUP_LINE - 1));
    if (header === undefined || !this.ranges.read(segment, start + GROUP_LINE, start + GROUP_LINE + header.length)) return -1;
    return groupMatches(header, this.ranges.buffer.subarray(0, header.length)) ? start + GROUP_LINE + header.length : -1;
  }
}

/** Whether `bytes[at, at + size)`, at `offset` of `segment`, is a whole append record that is intact. */
function intact(bytes: Buffer, at: number, size: number, segment: Segment, offset: number, groups: GroupChecks): boolean {
  if (bytes[at + size - 1] !== NEWLINE) return false;
  const line = bytes.subarray(at, at + size - 1);
  if (!isAppend(line)) return false;
  const distance = groupDistance(line);
  return distance < 0 ? checksumMatches(line) : groups.holds(segment, offset, size, distance);
}

/**
 * Rewrites the records of the pending events of `index` that are in a segment file into new
 * segments, reading them back from their files (a run of neighbouring records with one read)
 * and copying them verbatim once their checksum matches; syncs them, then writes and syncs
 * the mark that every segment numbered below the first new one is superseded: a process that
 * finds those older segments after a crash ignores them instead of recovering the events
 * twice. Only once all of it is durable do the entries move to the new segments, so that the
 * old ones can be deleted. A record that does not read back is not rewritten: its entry is
 * dropped from the index (the event is then held in memory only) and counted in what this
 * returns. `pending` must hold nothing when it starts. Throws on I/O errors writing, the
 * entries then still where they were and the segments it started deleted.
 */
export function rewritePending(index: PendingIndex, writer: SegmentWriter, pending: PendingRecords): Unreadable {
  const first = writer.rotate().seq;
  try {
    return rewrite(index, writer, pending, first);
  } catch (error) {
    // Without the mark, the copies would be recovered beside the originals: they go.
    writer.discardFrom(first);
    throw error;
  }
}

function rewrite(index: PendingIndex, writer: SegmentWriter, pending: PendingRecords, first: number): Unreadable {
  const ranges = new SegmentRanges();
  const groups = new GroupChecks();
  /** Entry, then the segment and offset its record goes to. */
  const moves: number[] = [];
  const lost: number[] = [];
  let reason: string | undefined;
  const run: number[] = [];
  try {
    for (let i = index.head; i < index.tail; ) {
      if (!index.pending(i) || index.seqAt(i) === NOWHERE) {
        i++;
        continue;
      }
      const seq = index.seqAt(i);
      const start = index.offsetAt(i);
      let end = start + index.sizeAt(i);
      run.length = 0;
      run.push(i++);
      for (; i < index.tail && end - start < REWRITE_CHUNK; i++) {
        if (!index.pending(i) || index.seqAt(i) === NOWHERE) continue;
        const offset = index.offsetAt(i);
        if (index.seqAt(i) !== seq || offset < end || offset - end > READ_THROUGH) break;
        end = offset + index.sizeAt(i);
        run.push(i);
      }
      const segment = writer.find(seq);
      const read = segment !== undefined && ranges.read(segment, start, end);
      if (!read) reason ??= ranges.failure ?? `segment ${seq} is gone`;
      for (const entry of run) {
        const at = index.offsetAt(entry) - start;
        const size = index.sizeAt(entry);
        if (!read || !intact(ranges.buffer, at, size, segment, index.offsetAt(entry), groups)) {
          reason ??= `the record at byte ${index.offsetAt(entry)} of ${segment?.path} does not match its checksum`;
          lost.push(entry);
          continue;
        }
        if (writer.full(pending.length)) flush(pending, writer).rotate();
        const target = writer.active ?? writer.rotate();
        moves.push(entry, target.seq, target.size + pending.length);
        pending.appendChecked(ranges.buffer, at, at + size);
        if (pending.length >= REWRITE_CHUNK) flush(pending, writer);
      }
    }
    flush(pending, writer).sync();
    // The copies in segments closed on the way are on disk too before the mark says so.
    writer.settle();
    pending.appendSupersedes(first);
    flush(pending, writer).sync();
  } finally {
    pending.clear();
    ranges.close();
    groups.close();
  }
  writer.syncDirectory();
  for (let m = 0; m < moves.length; m += 3) {
    const entry = moves[m] as number;
    const seq = moves[m + 1] as number;
    settle(writer, index.seqAt(entry));
    index.move(entry, seq, moves[m + 2] as number);
    (writer.find(seq) as Segment).pending++;
  }
  for (const entry of lost) settle(writer, index.take(entry));
  return { events: lost.length, reason };
}

/** One pending event less has its record in segment `seq`. */
function settle(writer: SegmentWriter, seq: number): void {
  const segment = writer.find(seq);
  if (segment !== undefined) segment.pending--;
}
