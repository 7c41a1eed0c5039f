import type { EventStore } from '../../src/delivery/event-store.ts';
import type { WebhookEvent } from '../../src/records/event.ts';

/** An event with id `id` whose JSON is `bytes` long (at least the envelope), as the spool gives them back. */
export function sized(id: string, options: { bytes?: number; severity?: number; acceptedAt?: number } = {}): WebhookEvent {
  const head = `{"id":"${id}","data":"`;
  const tail = '"}';
  const json = Buffer.from(`${head}${'x'.repeat(Math.max(0, (options.bytes ?? 40) - head.length - tail.length))}${tail}`);
  return { id, type: 'auth.success', acceptedAt: options.acceptedAt ?? 0, severity: options.severity ?? 9, json, bytes: json.length };
}

/** The ids of the events in `slots`. */
export function idsOf(store: EventStore, slots: Int32Array): string[] {
  return Array.from(slots, (slot) => store.idOf(slot));
}
