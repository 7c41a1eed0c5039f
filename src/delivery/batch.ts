import type { WebhookEvent } from '../records/event.ts';

/**
 * Events sent in one request, with their acceptance sequence numbers (same order) and a
 * stable id: the same on every retry of the batch, a new one for each half after a 413 split.
 */
export interface Batch {
  /** `<id of the first event>-<number of events>`, fixed when the batch is formed. */
  readonly id: string;
  events: WebhookEvent[];
  seqs: number[];
  /** Sum of the events' `bytes`. */
  bytes: number;
}

/** Events removed together, with their sequence numbers (same order). */
export interface Removed {
  readonly events: readonly WebhookEvent[];
  readonly seqs: readonly number[];
}

export const NOTHING_REMOVED: Removed = Object.freeze({ events: [], seqs: [] });

function sumBytes(events: readonly WebhookEvent[]): number {
  let bytes = 0;
  for (const event of events) bytes += event.bytes;
  return bytes;
}

/** A new batch of `events` (at least one), its id derived from the first event and the count. */
export function formBatch(events: WebhookEvent[], seqs: number[]): Batch {
  return { id: `${(events[0] as WebhookEvent).id}-${events.length}`, events, seqs, bytes: sumBytes(events) };
}

/** The two halves of a batch (of at least two events), each a new batch with its own id. */
export function splitBatch(batch: Batch): [Batch, Batch] {
  const half = Math.ceil(batch.events.length / 2);
  return [formBatch(batch.events.slice(0, half), batch.seqs.slice(0, half)), formBatch(batch.events.slice(half), batch.seqs.slice(half))];
}

/**
 * Removes from `batch` the events accepted before `cutoff` (epoch ms) and returns them; the
 * batch keeps its id.
 */
export function removeAcceptedBefore(batch: Batch, cutoff: number): Removed {
  if (!batch.events.some((event) => event.acceptedAt < cutoff)) return NOTHING_REMOVED;
  const events: WebhookEvent[] = [];
  const seqs: number[] = [];
  const keptEvents: WebhookEvent[] = [];
  const keptSeqs: number[] = [];
  batch.events.forEach((event, i) => {
    const seq = batch.seqs[i] as number;
    if (event.acceptedAt < cutoff) {
      events.push(event);
      seqs.push(seq);
    } else {
      keptEvents.push(event);
      keptSeqs.push(seq);
    }
  });
  batch.events = keptEvents;
  batch.seqs = keptSeqs;
  batch.bytes = sumBytes(keptEvents);
  return { events, seqs };
}

/** The latest `acceptedAt` of the batch's events (epoch ms). */
export function newestAcceptedAt(batch: Batch): number {
  let newest = Number.NEGATIVE_INFINITY;
  for (const event of batch.events) if (event.acceptedAt > newest) newest = event.acceptedAt;
  return newest;
}
