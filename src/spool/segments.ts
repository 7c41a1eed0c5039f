import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { appendId, checksumMatches, decodeBody, kindOf } from './record.ts';
import { GROUP_LINE, groupDistance, groupHeader, groupMatches } from './record-groups.ts';

const SEGMENT_NAME = /^segment-(\d{12})\.log$/;

/** A segment file found in a spool directory. */
export interface SegmentFile {
  readonly seq: number;
  readonly path: string;
  readonly size: number;
}

/**
 * What an earlier process left in a spool directory, found without holding its events: the
 * events themselves are read later, a chunk at a time (see recovery-stream.ts).
 */
export interface SpoolContents {
  /** Segment files still needed, oldest first. */
  readonly segments: readonly SegmentFile[];
  /** Ids acknowledged anywhere in those segments. */
  readonly acked: ReadonlySet<string>;
  /** Append records whose event is not acknowledged, and their bytes. */
  readonly events: number;
  readonly bytes: number;
  /** Lines skipped because their checksum or shape was wrong (torn writes, corruption). */
  readonly tornRecords: number;
}

/** `segment-000000000042.log`: sequence numbers sort by name and by age. */
export function segmentPath(directory: string, seq: number): string {
  return join(directory, `segment-${String(seq).padStart(12, '0')}.log`);
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

interface Tally {
  events: number;
  bytes: number;
  damaged: number;
  /** Segments numbered below this one are superseded by a finished compaction. */
  supersededBelow: number;
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

/** Reads one segment's lines newest first, so that every acknowledgement is seen before the append it names. */
function scanSegment(content: Buffer, acked: Set<string>, tally: Tally): void {
  const bounds = lineBounds(content);
  const groups = intactGroups(content, bounds);
  for (let i = bounds.length - 2; i >= 0; i -= 2) {
    const start = bounds[i] as number;
    const line = content.subarray(start, bounds[i + 1] as number);
    const kind = lineIntact(line, start, groups) ? kindOf(line) : '';
    if (kind === 'G') continue;
    if (kind === 'A') {
      const id = appendId(line);
      if (id === undefined) {
        tally.damaged++;
      } else if (!acked.has(id)) {
        tally.events++;
        tally.bytes += line.length + 1;
      }
      continue;
    }
    const record = kind === '' ? undefined : decodeBody(line);
    if (record?.kind === 'ack') {
      for (const id of record.ids) acked.add(id);
    } else if (record?.kind === 'supersedes') {
      tally.supersededBelow = Math.max(tally.supersededBelow, record.seq);
    } else {
      tally.damaged++;
    }
  }
}

/**
 * Finds what is pending in `directory` by reading every segment once, newest first: the ids
 * acknowledged, and how many append records (and bytes) are not. Events are not decoded or
 * kept. Segments below a finished compaction's mark are superseded and deleted. Damaged lines
 * are counted; `warn` hears about each damaged segment. Throws only when the directory or a
 * file cannot be read.
 */
export function scanSpool(directory: string, warn: (message: string) => void): SpoolContents {
  const files: SegmentFile[] = [];
  for (const name of readdirSync(directory)) {
    const match = SEGMENT_NAME.exec(name);
    if (match?.[1] !== undefined) files.push({ seq: Number(match[1]), path: join(directory, name), size: 0 });
  }
  files.sort((a, b) => b.seq - a.seq);
  const acked = new Set<string>();
  const tally: Tally = { events: 0, bytes: 0, damaged: 0, supersededBelow: 0 };
  const segments: SegmentFile[] = [];
  let tornRecords = 0;
  for (const file of files) {
    if (file.seq < tally.supersededBelow) {
      unlinkSync(file.path);
      continue;
    }
    const content = readFileSync(file.path);
    segments.unshift({ ...file, size: content.length });
    tally.damaged = 0;
    scanSegment(content, acked, tally);
    if (tally.damaged > 0) {
      warn(`spool ${directory}: skipped ${tally.damaged} damaged record(s) in ${file.path} (torn write or corruption)`);
      tornRecords += tally.damaged;
    }
  }
  return { segments, acked, events: tally.events, bytes: tally.bytes, tornRecords };
}
