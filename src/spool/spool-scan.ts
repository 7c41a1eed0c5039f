import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync, unlinkSync } from 'node:fs';
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

/** The line boundaries of `content`: starts and ends (without the newline), in order. */
function lineBounds(content: Buffer): number[] {
  const bounds: number[] = [];
  let start = 0;
  while (start < content.length) {
    let end = content.indexOf(0x0a, start);
    if (end < 0) end = content.length;
    bounds.push(start, end);
    start = end + 1;
  }
  return bounds;
}

/**
 * The groups of `content` whose checksum matches (see record-groups.ts): where each one's line
 * starts → where its lines end.
 */
function intactGroups(content: Buffer, bounds: readonly number[]): Map<number, number> {
  const groups = new Map<number, number>();
  for (let i = 0; i < bounds.length; i += 2) {
    const start = bounds[i] as number;
    if (content[start + 9] !== 0x47) continue;
    const header = groupHeader(content.subarray(start, bounds[i + 1] as number));
    const from = start + GROUP_LINE;
    if (header !== undefined && groupMatches(header, content.subarray(from, Math.min(content.length, from + header.length)))) {
      groups.set(start, from + header.length);
    }
  }
  return groups;
}

/** Whether the line at `start` is intact: by its own checksum, or, for a grouped line, by its group's. */
function lineIntact(line: Buffer, start: number, groups: ReadonlyMap<number, number>): boolean {
  const distance = groupDistance(line);
  if (distance < 0) return checksumMatches(line);
  const end = groups.get(start - distance);
  return end !== undefined && start + line.length < end;
}

/** The segment being read: its bytes, then its line bounds and intact groups, and the next line to read (going down). */
interface Reading {
  readonly file: SegmentFile;
  readonly content: Buffer;
  bounds: readonly number[] | undefined;
  groups: ReadonlyMap<number, number>;
  line: number;
  damaged: number;
}

/**
 * Finds what is pending in a spool directory by reading every segment once, newest first (so
 * that every acknowledgement is seen before the append it names): the ids acknowledged, and
 * how many append records (and bytes) are not. Events are not decoded or kept. Segments below
 * a finished compaction's mark are superseded and deleted. Damaged lines are counted; `warn`
 * hears about each damaged segment. It reads at once ({@link finish}) or in bounded steps
 * ({@link step}: a file read, its lines found and its groups checked, or some of its lines read),
 * so that a large spool can be scanned without blocking. Throws only when the directory or a
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
      const found = this.step(Number.POSITIVE_INFINITY);
      if (found !== undefined) return found;
    }
  }

  /**
   * One step: reads the next file, or finds its lines and checks its groups, or reads at most
   * `maxLines` of its lines. Returns what is pending once everything is read.
   */
  step(maxLines: number): SpoolContents | undefined {
    if (this.result !== undefined) return this.result;
    const reading = this.reading;
    if (reading === undefined) {
      if (this.open()) return undefined;
      this.result = { segments: this.kept, acked: this.acked, events: this.events, bytes: this.bytes, tornRecords: this.tornRecords };
      this.buffer = Buffer.alloc(0);
      return this.result;
    }
    if (reading.bounds === undefined) {
      const bounds = lineBounds(reading.content);
      reading.bounds = bounds;
      reading.groups = intactGroups(reading.content, bounds);
      reading.line = bounds.length - 2;
      return undefined;
    }
    this.read(reading, reading.bounds, maxLines);
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
      const content = this.readFile(file.path);
      this.kept.unshift({ ...file, size: content.length });
      // The size counted as unread is the one listed: it is taken off when the file is read through.
      this.reading = { file, content, bounds: undefined, groups: new Map(), line: -1, damaged: 0 };
      return true;
    }
    return false;
  }

  /** The bytes of the file at `path`, read into {@link buffer} (grown when they do not fit): a view valid until the next file is read. */
  private readFile(path: string): Buffer {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (this.buffer.length < size) this.buffer = Buffer.allocUnsafe(size);
      let length = 0;
      for (let read = 1; read > 0; length += read) {
        if (length === this.buffer.length) {
          // It grew since: read the rest too.
          const grown = Buffer.allocUnsafe(2 * length + 4096);
          this.buffer.copy(grown, 0, 0, length);
          this.buffer = grown;
        }
        read = readSync(fd, this.buffer, length, this.buffer.length - length, length);
      }
      return this.buffer.subarray(0, length);
    } finally {
      closeSync(fd);
    }
  }

  private read(reading: Reading, bounds: readonly number[], maxLines: number): void {
    const { content, groups } = reading;
    const { acked } = this;
    let left = maxLines;
    for (; reading.line >= 0 && left > 0; reading.line -= 2, left--) {
      const start = bounds[reading.line] as number;
      const line = content.subarray(start, bounds[reading.line + 1] as number);
      const kind = lineIntact(line, start, groups) ? kindOf(line) : '';
      if (kind === 'G') continue;
      if (kind === 'A') {
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
