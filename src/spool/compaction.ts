import type { WebhookEvent } from '../records/event.ts';
import type { Entry, Segment } from './ack-log.ts';
import type { PendingRecords } from './pending-records.ts';
import type { SegmentWriter } from './segment-writer.ts';

/** Most bytes of records rewritten with one write. */
const REWRITE_CHUNK = 256 * 1024;

function flush(pending: PendingRecords, writer: SegmentWriter): SegmentWriter {
  if (pending.length > 0) writer.write(pending.bytes());
  pending.clear();
  return writer;
}

/**
 * Rewrites the records of `live` (pending events, oldest first) into new segments, syncs them,
 * then writes and syncs the mark that every segment numbered below the first new one is
 * superseded: a process that finds those older segments after a crash ignores them instead of
 * recovering the events twice. Only once all of it is durable do the entries move to the new
 * segments, so that the old ones can be deleted. `pending` must hold nothing when it starts.
 * Throws on I/O errors, the entries then still where they were.
 */
export function rewritePending(live: readonly Entry[], writer: SegmentWriter, pending: PendingRecords): void {
  const first = writer.rotate().seq;
  const moves: Array<readonly [Entry, Segment]> = [];
  try {
    for (const entry of live) {
      if (writer.full(pending.length)) flush(pending, writer).rotate();
      pending.appendEvent(entry.event as WebhookEvent);
      moves.push([entry, writer.active ?? writer.rotate()]);
      if (pending.length >= REWRITE_CHUNK) flush(pending, writer);
    }
    flush(pending, writer).sync();
    pending.appendSupersedes(first);
    flush(pending, writer).sync();
  } finally {
    pending.clear();
  }
  writer.syncDirectory();
  for (const [entry, segment] of moves) {
    entry.segment.pending--;
    entry.segment = segment;
    segment.pending++;
  }
}
