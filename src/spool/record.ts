import { isUtf8 } from 'node:buffer';
import { crc32 } from 'node:zlib';
import type { WebhookEvent } from '../records/event.ts';

/** One line of a spool segment: an accepted event, or the ids of events that are done. */
export type SpoolRecord =
  | { readonly kind: 'append'; readonly event: WebhookEvent }
  | { readonly kind: 'ack'; readonly ids: readonly string[] };

const TAB = 0x09;
const NEWLINE = 0x0a;
const CRC_HEX = /^[0-9a-f]{8}$/;

/** `<crc32 of body, 8 hex digits>\t<body>\n`, the body being `text` then `bytes`. */
function line(text: string, bytes?: Uint8Array): Buffer {
  const head = Buffer.byteLength(text);
  const size = head + (bytes?.length ?? 0);
  const out = Buffer.allocUnsafe(9 + size + 1);
  out.write(text, 9, head, 'utf8');
  if (bytes !== undefined) out.set(bytes, 9 + head);
  out.write(
    crc32(out.subarray(9, 9 + size))
      .toString(16)
      .padStart(8, '0'),
    0,
    'latin1',
  );
  out[8] = TAB;
  out[9 + size] = NEWLINE;
  return out;
}

/**
 * The line that records an accepted event: `A\t[id,acceptedAt,severity,type,bytes]\t<json>`,
 * the event JSON's bytes verbatim. JSON that could not be stored verbatim on one UTF-8 line (a
 * raw newline, or bytes that are not UTF-8) goes escaped as a sixth header element instead.
 */
export function encodeAppend(event: WebhookEvent): Buffer {
  const header = [event.id, event.acceptedAt, event.severity, event.type, event.bytes];
  if (!event.json.includes(NEWLINE) && isUtf8(event.json)) {
    return line(`A\t${JSON.stringify(header)}\t`, event.json);
  }
  return line(`A\t${JSON.stringify([...header, event.json.toString('utf8')])}`);
}

/** The line that marks events as done: `K\t["id",…]`. */
export function encodeAck(ids: readonly string[]): Buffer {
  return line(`K\t${JSON.stringify(ids)}`);
}

function toEvent(header: unknown, raw: string | undefined): WebhookEvent | undefined {
  if (!Array.isArray(header)) return undefined;
  const [id, acceptedAt, severity, type, length, escaped] = header as unknown[];
  const json = raw ?? escaped;
  if (header.length !== (raw === undefined ? 6 : 5)) return undefined;
  if (typeof id !== 'string' || typeof type !== 'string' || typeof json !== 'string') return undefined;
  if (typeof acceptedAt !== 'number' || typeof severity !== 'number' || typeof length !== 'number') return undefined;
  const bytes = Buffer.from(json, 'utf8');
  return { id, type, acceptedAt, severity, json: bytes, bytes: bytes.length };
}

/**
 * Reads one line (without its newline); `undefined` when the checksum does not match or the
 * line is not a record (a torn write or corruption).
 */
export function decodeRecord(bytes: Buffer): SpoolRecord | undefined {
  if (bytes.length < 11 || bytes[8] !== TAB) return undefined;
  const crc = bytes.toString('latin1', 0, 8);
  const body = bytes.subarray(9);
  if (!CRC_HEX.test(crc) || crc32(body) !== Number.parseInt(crc, 16)) return undefined;
  const text = body.toString('utf8');
  if (text[1] !== '\t') return undefined;
  try {
    if (text[0] === 'K') {
      const ids: unknown = JSON.parse(text.slice(2));
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return undefined;
      return { kind: 'ack', ids: ids as string[] };
    }
    if (text[0] === 'A') {
      const tab = text.indexOf('\t', 2);
      const event = tab < 0 ? toEvent(JSON.parse(text.slice(2)), undefined) : toEvent(JSON.parse(text.slice(2, tab)), text.slice(tab + 1));
      return event === undefined ? undefined : { kind: 'append', event };
    }
  } catch {
    return undefined;
  }
  return undefined;
}
