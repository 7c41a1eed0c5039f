import type { WebhookEvent } from './event.ts';

const OPEN = '{"events":[';
const CLOSE = ']}';

/** Byte length of a body holding events of `eventBytes` bytes in all, `count` of them. */
export function bodyBytes(count: number, eventBytes: number): number {
  return OPEN.length + CLOSE.length + eventBytes + Math.max(0, count - 1);
}

/** The exact request body: `{"events":[...]}`, compact, as UTF-8 bytes (sign these bytes). */
export function encodeBatch(events: readonly WebhookEvent[]): Buffer {
  let json = OPEN;
  for (let i = 0; i < events.length; i++) {
    if (i > 0) json += ',';
    json += (events[i] as WebhookEvent).json;
  }
  return Buffer.from(json + CLOSE, 'utf8');
}
