import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebhookEvent } from '../records/event.ts';
import { decodeRecord } from './record.ts';

const SEGMENT_NAME = /^segment-(\d{12})\.log$/;

/** A segment file found in a spool directory. */
export interface SegmentFile {
  readonly seq: number;
  readonly path: string;
  readonly size: number;
}

/** What an earlier process left in a spool directory. */
export interface SpoolContents {
  /** Segment files, oldest first. */
  readonly segments: readonly SegmentFile[];
  /** Appended and never acknowledged, in append order, each id once. */
  readonly pending: readonly WebhookEvent[];
  /** Lines skipped because their checksum or shape was wrong (torn writes, corruption). */
  readonly tornRecords: number;
}

/** `segment-000000000042.log`: sequence numbers sort by name and by age. */
export function segmentPath(directory: string, seq: number): string {
  return join(directory, `segment-${String(seq).padStart(12, '0')}.log`);
}

/**
 * Replays every segment in `directory`: the pending events are those appended minus those
 * acknowledged anywhere, in order of first append (a segment rewritten at open may repeat
 * events of an older one that was not deleted yet). Damaged lines are skipped and counted;
 * `warn` hears about each damaged segment. Throws only when the directory or a file cannot be read.
 */
export function readSpool(directory: string, warn: (message: string) => void): SpoolContents {
  const segments: SegmentFile[] = [];
  for (const name of readdirSync(directory)) {
    const match = SEGMENT_NAME.exec(name);
    if (match?.[1] !== undefined) segments.push({ seq: Number(match[1]), path: join(directory, name), size: 0 });
  }
  segments.sort((a, b) => a.seq - b.seq);
  const appended = new Map<string, WebhookEvent>();
  const acked = new Set<string>();
  let tornRecords = 0;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as SegmentFile;
    const content = readFileSync(segment.path);
    segments[i] = { ...segment, size: content.length };
    let damaged = 0;
    let start = 0;
    while (start < content.length) {
      let end = content.indexOf(0x0a, start);
      if (end < 0) end = content.length;
      const record = decodeRecord(content.subarray(start, end));
      start = end + 1;
      if (record === undefined) {
        damaged++;
      } else if (record.kind === 'ack') {
        for (const id of record.ids) acked.add(id);
      } else if (!appended.has(record.event.id)) {
        appended.set(record.event.id, record.event);
      }
    }
    if (damaged > 0) {
      warn(`spool ${directory}: skipped ${damaged} damaged record(s) in ${segment.path} (torn write or corruption)`);
      tornRecords += damaged;
    }
  }
  const pending = [...appended.values()].filter((event) => !acked.has(event.id));
  return { segments, pending, tornRecords };
}
