import type { WebhookEvent } from './event.ts';

const OPEN = '{"events":[';
const CLOSE = ']}';
const COMMA = 0x2c;

/** Byte length of a body holding events of `eventBytes` bytes in all, `count` of them. */
export function bodyBytes(count: number, eventBytes: number): number {
  return OPEN.length + CLOSE.length + eventBytes + Math.max(0, count - 1);
}

/** Spare bytes at the end of the buffer, so that an event's JSON longer than its `bytes` is seen. */
const SLACK = 4;

/**
 * The exact request body: `{"events":[...]}`, compact, as UTF-8 bytes (sign these bytes).
 *
 * Each event's JSON is encoded straight into one buffer sized from the events' `bytes`, in one
 * pass, rather than joined into one long string and encoded after: joining thousands of
 * strings makes V8 flatten a deep rope, which costs several times the copying itself.
 */
export function encodeBatch(events: readonly WebhookEvent[]): Buffer {
  const count = events.length;
  let total = bodyBytes(count, 0);
  for (let i = 0; i < count; i++) total += (events[i] as WebhookEvent).bytes;
  if (!Number.isSafeInteger(total)) return encodeJoined(events);
  const buffer = Buffer.allocUnsafe(total + SLACK);
  let at = buffer.write(OPEN, 0, 'latin1');
  for (let i = 0; i < count; i++) {
    const event = events[i] as WebhookEvent;
    if (i > 0) buffer[at++] = COMMA;
    // With the spare bytes, a JSON whose UTF-8 length is not `bytes` always writes a count
    // other than `bytes`, and such a body is built the slow way instead.
    const written = buffer.write(event.json, at, 'utf8');
    if (written !== event.bytes) return encodeJoined(events);
    at += written;
  }
  at += buffer.write(CLOSE, at, 'latin1');
  return buffer.subarray(0, at);
}

/** The body built as one string, for events whose `bytes` do not match their JSON. */
function encodeJoined(events: readonly WebhookEvent[]): Buffer {
  let json = OPEN;
  for (let i = 0; i < events.length; i++) {
    if (i > 0) json += ',';
    json += (events[i] as WebhookEvent).json;
  }
  return Buffer.from(json + CLOSE, 'utf8');
}
