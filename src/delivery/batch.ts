import { NO_SLOTS } from './event-slots.ts';
import type { EventStore } from './event-store.ts';

/**
 * Events sent in one request, by slot (see event-store.ts), in acceptance order, with a stable
 * id: the same on every retry of the batch, a new one for each half after a 413 split.
 */
export interface Batch {
  /** `<id of the first event>-<number of events>`, fixed when the batch is formed. */
  readonly id: string;
  slots: Int32Array;
  /** Sum of the events' JSON bytes. */
  bytes: number;
}

/** A new batch of the events in `slots` (at least one), its id derived from the first event and the count. */
export function formBatch(store: EventStore, slots: Int32Array): Batch {
  return { id: `${store.idOf(slots[0] as number)}-${slots.length}`, slots, bytes: store.bytes(slots) };
}

/** The two halves of a batch (of at least two events), each a new batch with its own id. */
export function splitBatch(store: EventStore, batch: Batch): [Batch, Batch] {
  const half = Math.ceil(batch.slots.length / 2);
  return [formBatch(store, batch.slots.subarray(0, half)), formBatch(store, batch.slots.subarray(half))];
}

/**
 * Removes from `batch` the events accepted before `cutoff` (epoch ms) and returns their
 * slots; the batch keeps its id.
 */
export function removeAcceptedBefore(store: EventStore, batch: Batch, cutoff: number): Int32Array {
  const { acceptedAt } = store.slots;
  const removed: number[] = [];
  const kept: number[] = [];
  for (const slot of batch.slots) ((acceptedAt[slot] as number) < cutoff ? removed : kept).push(slot);
  if (removed.length === 0) return NO_SLOTS;
  batch.slots = Int32Array.from(kept);
  batch.bytes = store.bytes(batch.slots);
  return Int32Array.from(removed);
}

/** The latest acceptance time of the batch's events (epoch ms). */
export function newestAcceptedAt(store: EventStore, batch: Batch): number {
  const { acceptedAt } = store.slots;
  let newest = Number.NEGATIVE_INFINITY;
  for (const slot of batch.slots) if ((acceptedAt[slot] as number) > newest) newest = acceptedAt[slot] as number;
  return newest;
}
