import type { EventStore } from './event-store.ts';

const OPEN = Buffer.from('{"events":[', 'latin1');
const CLOSE = Buffer.from(']}', 'latin1');

/** Granularity of a {@link BatchEncoder}'s buffer. */
const ENCODER_BLOCK = 64 * 1024;
/** A {@link BatchEncoder} keeps a buffer up to this size whatever it encodes (twice the default max-batch-bytes). */
const ENCODER_KEEP_BYTES = 2 * 1024 * 1024;

/**
 * Writes request bodies, `{"events":[...]}` with the events' JSON as the arena holds it, into
 * one buffer kept from call to call, for a sender with at most one request in flight: a body
 * stays valid until the next `encode`. The events' bytes are copied in runs (the arena keeps
 * a comma after each event, so events written one after the other are one copy), nothing is
 * serialized again, and the body is signed as it is. Writing into memory already in use
 * spares the fresh megabyte a body would otherwise take each request, whose first touch
 * costs more than the copying itself. The buffer grows to the largest body encoded; one above
 * 2 MiB is given up when a body needs less than a quarter of it.
 */
export class BatchEncoder {
  private buffer: Buffer = Buffer.alloc(0);

  /** The exact body of the events in `slots` of `store` (sign these bytes). */
  encode(store: EventStore, slots: Int32Array): Buffer {
    // The events and a comma after each, the last one overwritten by the closing bracket.
    const needed = OPEN.length + store.bytes(slots) + slots.length + CLOSE.length;
    const held = this.buffer.length;
    if (needed > held || (held > ENCODER_KEEP_BYTES && needed * 4 < held)) {
      this.buffer = Buffer.allocUnsafe(Math.ceil(needed / ENCODER_BLOCK) * ENCODER_BLOCK);
    }
    const buffer = this.buffer;
    OPEN.copy(buffer, 0);
    let at = store.copyOut(slots, buffer, OPEN.length);
    if (slots.length > 0) at--;
    at += CLOSE.copy(buffer, at);
    return buffer.subarray(0, at);
  }
}
