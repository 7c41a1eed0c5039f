import { join } from 'node:path';

/** A segment file found in a spool directory. */
export interface SegmentFile {
  readonly seq: number;
  readonly path: string;
  readonly size: number;
}

/**
 * What an earlier process left in a spool directory, found without holding its events: the
 * events themselves are read later, a chunk at a time (see recovery-feed.ts).
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
