import { closeSync, openSync, readdirSync, readSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { appendId, checksumMatches, decodeBody, kindOf } from './record.ts';
import { GROUP_LINE, groupDistance, groupHeader, groupMatches } from './record-groups.ts';
import type { SegmentFile, SpoolContents } from './segments.ts';

const SEGMENT_NAME = /^segment-(\d{12})\.log$/;

/** The segment files in `directory`, oldest first, with their sizes. */
export function listSegments(directory: string): SegmentFile[] {
  const files: SegmentFile[] = [];
  for (const name of readdirSync(directory)) {
    const match = SEGMENT_NAME.exec(name);
    if (match?.[1] === undefined) continue;
    const path = join(directory, name);
    files.push({ seq: Number(match[1]), path, size: statSync(path).size });
  }
  return files.sort((a, b) => a.seq - b.seq);
}

/** Most bytes of a segment file read per step. */
export const READ_CHUNK: number = 1024 * 1024;

/**
 * Finds the lines of `reading` wholly in `content` (its bytes read so far) from where it got to:
 * their starts and ends (without the newline), in order; at `end` of the file also a last one
 * without a newline.
 */
function findLines(content: Buffer, reading: Reading, end: boolean): void {
  const { bounds } = reading;
  let start = reading.linesAt;
  while (start < content.length) {
    let newline = content.indexOf(0x0a, start);
    if (newline < 0) {
      if (!end) break;
      newline = content.length;
    }
    bounds.push(start, newline);
    start = newline + 1;
  }
  reading.linesAt = start;
}

/**
 * Checks the groups of `reading` (see record-groups.ts) whose lines are all in `content`, from
 * where it got to: where each intact one's line starts → where its lines end.
 */
function checkGroups(content: Buffer, reading: Reading, end: boolean): void {
  const { bounds, groups } = reading;
  let i = reading.groupsAt;
  for (; i < bounds.length; i += 2) {
    const start = bounds[i] as number;
    if (content[start + 9] !== 0x47) continue;
    const header = groupHeader(content.subarray(start, bounds[i + 1] as number));
    const from = start + GROUP_LINE;
    if (header !== undefined && from + header.length > content.length && !end) break;
    if (header !== undefined && groupMatches(header, content.subarray(from, Math.min(content.length, from + header.length)))) {
      groups.set(start, from + header.length);
    }
  }
  reading.groupsAt = i;
}

/** Whether the line at `start` is intact: by its own checksum, or, for a grouped line, by its group's. */
function lineIntact(line: Buffer, start: number, groups: ReadonlyMap<number, number>): boolean {
  const distance = groupDistance(line);
  if (distance < 0) return checksumMatches(line);
  const end = groups.get(start - distance);
  return end !== undefined && start + line.length < end;
}

/**
 * The segment being read: first its bytes, a chunk per step, its lines found and its groups
 * checked as they come; then its lines, going down from the last.
 */
interface Reading {
  readonly file: SegmentFile;
  /** Its bytes read so far are the scan's `buffer[0, filled)`. */
  filled: number;
  readonly bounds: number[];
  /** Where the next line to find starts, and the next line (in `bounds`) whose group is to be checked. */
  linesAt: number;
  groupsAt: number;
  readonly groups: Map<number, number>;
  /** Whether the whole file is read; then `line` is the next line to read, going down. */
  complete: boolean;
  line: number;
  damaged: number;
}

/**
 * Finds what is pending in a spool directory by reading every segment once, newest first (so
 * that every acknowledgement is seen before the append it names): the ids acknowledged, and
 * how many append records (and bytes) are not. Events are not decoded or kept. Segments below
 * a finished compaction's mark are superseded and deleted. Damaged lines are counted; `warn`
 * hears about each damaged segment. It reads at once ({@link finish}) or in bounded steps
 * ({@link step}: a MiB of a file read, its lines found and its groups checked, or some of its
 * lines read), so that a large spool can be scanned without blocking. Throws only when the directory or a
 * file cannot be read.
 */
export class SpoolScan {
  /** The segment files found, oldest first. */
  readonly files: readonly SegmentFile[];
  private readonly directory: string;
  private readonly warn: (message: string) => void;
  /** The next file to read is `files[next]`, going down. */
  private next: number;
  private reading: Reading | undefined;
  /** Bytes of the files not read through yet. */
  private unreadFileBytes: number;
  private readonly acked = new Set<string>();
  private readonly kept: SegmentFile[] = [];
  private events = 0;
  private bytes = 0;
  private tornRecords = 0;
  /** Segments numbered below this one are superseded by a finished compaction. */
  private supersededBelow = 0;
  private result: SpoolContents | undefined;
  /** Holds the file being read: one buffer for all of them, so that reading a spool allocates once. */
  private buffer: Buffer = Buffer.alloc(0);

  constructor(directory: string, warn: (message: string) => void) {
    this.directory = directory;
    this.warn = warn;
    this.files = listSegments(directory);
    this.next = this.files.length - 1;
    this.unreadFileBytes = this.files.reduce((sum, file) => sum + file.size, 0);
  }

  /** The most record bytes the pending events can hold: those found so far, plus every file not read through. */
  get bytesAtMost(): number {
    return this.bytes + this.unreadFileBytes;
  }

  /** Reads everything left; returns what is pending. */
  finish(): SpoolContents {
    for (;;) {
      const found = this.step(Number.POSITIVE_INFINITY, READ_CHUNK);
      if (found !== undefined) return found;
    }
  }

  /**
   * One step: reads `maxBytes` more of the file being read (at most {@link READ_CHUNK}), finding
   * its lines and checking its groups, or at most `maxLines` of its lines. Returns what is
   * pending once everything is read.
   */
  step(maxLines: number, maxBytes: number): SpoolContents | undefined {
    if (this.result !== undefined) return this.result;
    const reading = this.reading;
    if (reading === undefined) {
      if (this.open()) return undefined;
      this.result = { segments: this.kept, acked: this.acked, events: this.events, bytes: this.bytes, tornRecords: this.tornRecords };
      this.buffer = Buffer.alloc(0);
      return this.result;
    }
    if (!reading.complete) {
      this.readMore(reading, Math.min(maxBytes, READ_CHUNK));
      return undefined;
    }
    this.read(reading, maxLines);
    if (reading.line >= 0) return undefined;
    this.reading = undefined;
    this.unreadFileBytes -= reading.file.size;
    if (reading.damaged > 0) {
      this.warn(`spool ${this.directory}: skipped ${reading.damaged} damaged record(s) in ${reading.file.path} (torn write or corruption)`);
      this.tornRecords += reading.damaged;
    }
    return undefined;
  }

  /** Reads the next file, deleting the superseded ones on the way; false when none is left. */
  private open(): boolean {
    for (; this.next >= 0; this.next--) {
      const file = this.files[this.next] as SegmentFile;
      if (file.seq < this.supersededBelow) {
        unlinkSync(file.path);
        this.unreadFileBytes -= file.size;
        continue;
      }
      this.next--;
      if (this.buffer.length < file.size) this.buffer = Buffer.allocUnsafe(file.size);
      this.reading = { file, filled: 0, bounds: [], linesAt: 0, groupsAt: 0, groups: new Map(), complete: false, line: -1, damaged: 0 };
      return true;
    }
    return false;
  }

  /**
   * Reads up to `maxBytes` more of the file being read into {@link buffer} (the size it was listed
   * with: nothing writes to it any more), then finds its lines and checks its groups that far.
   */
  private readMore(reading: Reading, maxBytes: number): void {
    const { file } = reading;
    const fd = openSync(file.path, 'r');
    let read: number;
    try {
      read = readSync(fd, this.buffer, reading.filled, Math.min(maxBytes, file.size - reading.filled), reading.filled);
    } finally {
      closeSync(fd);
    }
    reading.filled += read;
    const end = read === 0 || reading.filled >= file.size;
    const content = this.buffer.subarray(0, reading.filled);
    findLines(content, reading, end);
    checkGroups(content, reading, end);
    if (!end) return;
    reading.complete = true;
    reading.line = reading.bounds.length - 2;
    // The size counted as unread is the one listed: it is taken off when the file is read through.
    this.kept.unshift({ ...file, size: reading.filled });
  }

  private read(reading: Reading, maxLines: number): void {
    const { bounds, groups } = reading;
    const content = this.buffer.subarray(0, reading.filled);
    const { acked } = this;
    let left = maxLines;
    for (; reading.line >= 0 && left > 0; reading.line -= 2, left--) {
      const start = bounds[reading.line] as number;
      const line = content.subarray(start, bounds[reading.line + 1] as number);
      const kind = lineIntact(line, start, groups) ? kindOf(line) : '';
      if (kind === 'G') continue;
      if (kind === 'A' || kind === 'E') {
        const id = appendId(line);
        if (id === undefined) {
          reading.damaged++;
        } else if (!acked.has(id)) {
          this.events++;
          this.bytes += line.length + 1;
        }
        continue;
      }
      const record = kind === '' ? undefined : decodeBody(line);
      if (record?.kind === 'ack') {
        for (const id of record.ids) acked.add(id);
      } else if (record?.kind === 'supersedes') {
        this.supersededBelow = Math.max(this.supersededBelow, record.seq);
      } else {
        reading.damaged++;
      }
    }
  }
}
