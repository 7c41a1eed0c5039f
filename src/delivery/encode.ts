import type { WebhookEvent } from '../records/event.ts';

const OPEN = '{"events":[';
const CLOSE = ']}';
const COMMA = 0x2c;

/** Byte length of a body holding events of `eventBytes` bytes in all, `count` of them. */
export function bodyBytes(count: number, eventBytes: number): number {
  return OPEN.length + CLOSE.length + eventBytes + Math.max(0, count - 1);
}

/** Spare bytes at the end of the buffer, so that an event's JSON longer than its `bytes` is seen. */
const SLACK = 4;

/** Size of the body holding `events`, by their `bytes`. */
function statedSize(events: readonly WebhookEvent[]): number {
  let total = bodyBytes(events.length, 0);
  for (let i = 0; i < events.length; i++) total += (events[i] as WebhookEvent).bytes;
  return total;
}

/**
 * Writes the body of `events` at the start of `buffer` (which holds at least their stated size
 * plus {@link SLACK}); returns its length, or -1 when an event's JSON is not `bytes` long.
 *
 * Each event's JSON is encoded straight into the buffer rather than joined into one long string
 * and encoded after: joining thousands of strings makes V8 flatten a deep rope, which costs
 * several times the copying itself.
 */
function writeBody(events: readonly WebhookEvent[], buffer: Buffer): number {
  let at = buffer.write(OPEN, 0, 'latin1');
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as WebhookEvent;
    if (i > 0) buffer[at++] = COMMA;
    // With the spare bytes, a JSON whose UTF-8 length is not `bytes` always writes a count
    // other than `bytes`.
    const written = buffer.write(event.json, at, 'utf8');
    if (written !== event.bytes) return -1;
    at += written;
  }
  return at + buffer.write(CLOSE, at, 'latin1');
}

/** The exact request body: `{"events":[...]}`, compact, as UTF-8 bytes (sign these bytes). */
export function encodeBatch(events: readonly WebhookEvent[]): Buffer {
  const size = statedSize(events);
  if (!Number.isSafeInteger(size)) return encodeJoined(events);
  const buffer = Buffer.allocUnsafe(size + SLACK);
  const length = writeBody(events, buffer);
  return length < 0 ? encodeJoined(events) : buffer.subarray(0, length);
}

/** Granularity of a {@link BatchEncoder}'s buffer. */
const ENCODER_BLOCK = 64 * 1024;
/** A {@link BatchEncoder} keeps a buffer up to this size whatever it encodes (twice the default max-batch-bytes). */
const ENCODER_KEEP_BYTES = 2 * 1024 * 1024;

/**
 * Encodes bodies like {@link encodeBatch} into one buffer kept from call to call, for a sender
 * with at most one request in flight: a body stays valid until the next `encode`. Writing into
 * memory already in use spares the fresh megabyte a body would otherwise take each request,
 * whose first touch costs more than the encoding itself. The buffer grows to the largest body
 * encoded; one above 2 MiB is given up when a body needs less than a quarter of it.
 */
export class BatchEncoder {
  private buffer: Buffer = Buffer.alloc(0);

  encode(events: readonly WebhookEvent[]): Buffer {
    const size = statedSize(events);
    if (!Number.isSafeInteger(size)) return encodeJoined(events);
    const needed = size + SLACK;
    const held = this.buffer.length;
    if (needed > held || (held > ENCODER_KEEP_BYTES && needed * 4 < held)) {
      this.buffer = Buffer.allocUnsafe(Math.ceil(needed / ENCODER_BLOCK) * ENCODER_BLOCK);
    }
    const length = writeBody(events, this.buffer);
    return length < 0 ? encodeJoined(events) : this.buffer.subarray(0, length);
  }
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
