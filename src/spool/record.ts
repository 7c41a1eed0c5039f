import { crc32 } from 'node:zlib';
import type { WebhookEvent } from '../records/event.ts';

/**
 * One line of a spool segment: an accepted event, the ids of events that are done, or the
 * mark of a compaction (every segment numbered below `seq` is superseded).
 */
export type SpoolRecord =
  | { readonly kind: 'append'; readonly event: WebhookEvent }
  | { readonly kind: 'ack'; readonly ids: readonly string[] }
  | { readonly kind: 'supersedes'; readonly seq: number };

const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const APPEND = 0x41;
const COMPACT_APPEND = 0x45;
/** The envelope of an event JSON, around its id, `createdAt` and type. */
const ID_OPEN = Buffer.from('{"id":"', 'latin1');
const CREATED_AT = Buffer.from('","createdAt":"', 'latin1');
const TYPE = Buffer.from('","type":"', 'latin1');
const DATA = Buffer.from(',"data":', 'latin1');
/** A compact append line's header: acceptance time and severity, as JSON numbers. */
const HEADER = /^(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:e[+-]?\d+)?),(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:e[+-]?\d+)?)$/;
const CRC_HEX = /^[0-9a-f]{8}$/;
const SEQ = /^\d{1,15}$/;

/** Whether the line's own checksum matches its body (`<crc32, 8 hex digits>\t<body>`); a grouped line (see record-groups.ts) has none. */
export function checksumMatches(bytes: Buffer): boolean {
  if (bytes.length < 11 || bytes[8] !== TAB) return false;
  const crc = bytes.toString('latin1', 0, 8);
  return CRC_HEX.test(crc) && crc32(bytes.subarray(9)) === Number.parseInt(crc, 16);
}

/** The record kind letter of a line (`A`, `K`, `C`), read without decoding it. */
export function kindOf(bytes: Buffer): string {
  return bytes.length > 10 && bytes[10] === TAB ? String.fromCharCode(bytes[9] as number) : '';
}

/** Whether the line is an append record: `A` (header in JSON) or `E` (compact, see {@link decodeCompact}). */
export function isAppend(bytes: Buffer): boolean {
  const kind = bytes[9];
  return (kind === APPEND || kind === COMPACT_APPEND) && bytes[10] === TAB;
}

/** Whether `bytes[at…]` starts with `prefix`. */
function startsWith(bytes: Buffer, at: number, prefix: Buffer): boolean {
  if (at < 0 || at + prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

/** Where a quoted id of plain digits starting at `start` ends, at its closing quote; -1 when there is none there. */
function quotedDigitsEnd(bytes: Buffer, start: number): number {
  let end = start;
  while (end < bytes.length && (bytes[end] as number) >= 0x30 && (bytes[end] as number) <= 0x39) end++;
  return end > start && bytes[end] === QUOTE ? end : -1;
}

/** Where the plain digits of the id of the event JSON at `at` (after `{"id":"`) end, at their closing quote; -1 when it has none. */
function plainIdEnd(bytes: Buffer, at: number): number {
  return startsWith(bytes, at, ID_OPEN) ? quotedDigitsEnd(bytes, at + ID_OPEN.length) : -1;
}

/**
 * The layout of a compact append line, `E\t<acceptedAt>,<severity>\t<event JSON>` whose JSON
 * starts with the envelope the engine writes, `{"id":"<digits>","createdAt":"<text>","type":<JSON
 * string>,"data":` (src/records/event.ts); undefined when the line is not so. Checked byte by
 * byte, nothing decoded.
 */
function compactLayout(bytes: Buffer): { json: number; idEnd: number; type: number; typeEnd: number } | undefined {
  const tab = bytes.indexOf(TAB, 11);
  if (tab < 0 || !HEADER.test(bytes.toString('latin1', 11, tab))) return undefined;
  const json = tab + 1;
  const idEnd = plainIdEnd(bytes, json);
  if (idEnd < 0 || !startsWith(bytes, idEnd, CREATED_AT)) return undefined;
  const createdEnd = bytes.indexOf(QUOTE, idEnd + CREATED_AT.length);
  if (createdEnd < 0 || !startsWith(bytes, createdEnd, TYPE)) return undefined;
  const type = createdEnd + TYPE.length - 1;
  let typeEnd = type + 1;
  for (; typeEnd < bytes.length && bytes[typeEnd] !== QUOTE; typeEnd++) if (bytes[typeEnd] === BACKSLASH) typeEnd++;
  return typeEnd < bytes.length && startsWith(bytes, typeEnd + 1, DATA) ? { json, idEnd, type, typeEnd: typeEnd + 1 } : undefined;
}

/**
 * A compact append line (see {@link compactLayout}): the id and type are the ones of the event
 * JSON's envelope, the JSON is taken as bytes.
 */
function decodeCompact(bytes: Buffer): SpoolRecord | undefined {
  const layout = compactLayout(bytes);
  if (layout === undefined) return undefined;
  const [acceptedAt, severity] = bytes
    .toString('latin1', 11, layout.json - 1)
    .split(',')
    .map(Number) as [number, number];
  const type: unknown = JSON.parse(bytes.toString('utf8', layout.type, layout.typeEnd));
  if (typeof type !== 'string') return undefined;
  const json = Buffer.from(bytes.subarray(layout.json));
  const id = bytes.toString('latin1', layout.json + ID_OPEN.length, layout.idEnd);
  return { kind: 'append', event: { id, type, acceptedAt, severity, json, bytes: json.length } };
}

/**
 * The id of an append line whose checksum was checked, read straight from `A\t["<digits>"`
 * or from the event JSON of an `E` line, or by decoding the line when the id is not plain digits.
 */
export function appendId(bytes: Buffer): string | undefined {
  if (bytes[9] === COMPACT_APPEND) {
    const layout = compactLayout(bytes);
    return layout === undefined ? undefined : bytes.toString('latin1', layout.json + ID_OPEN.length, layout.idEnd);
  }
  // `A\t["<digits>"`: the id starts at byte 13.
  const end = bytes[11] === 0x5b && bytes[12] === QUOTE ? quotedDigitsEnd(bytes, 13) : -1;
  if (end > 0) return bytes.toString('latin1', 13, end);
  const record = decodeBody(bytes);
  return record?.kind === 'append' ? record.event.id : undefined;
}

/** The event of an append record's header, its JSON `raw` (the bytes after the header's tab, copied) or else the header's last member. */
function toEvent(header: unknown, raw: Buffer | undefined): WebhookEvent | undefined {
  if (!Array.isArray(header)) return undefined;
  const [id, acceptedAt, severity, type, length, escaped] = header as unknown[];
  if (header.length !== (raw === undefined ? 6 : 5)) return undefined;
  if (typeof id !== 'string' || typeof type !== 'string' || (raw === undefined && typeof escaped !== 'string')) return undefined;
  if (typeof acceptedAt !== 'number' || typeof severity !== 'number' || typeof length !== 'number') return undefined;
  const bytes = raw === undefined ? Buffer.from(escaped as string, 'utf8') : Buffer.from(raw);
  return { id, type, acceptedAt, severity, json: bytes, bytes: bytes.length };
}

/**
 * Reads one line (without its newline); `undefined` when the checksum does not match or the
 * line is not a record (a torn write or corruption).
 */
export function decodeRecord(bytes: Buffer): SpoolRecord | undefined {
  return checksumMatches(bytes) ? decodeBody(bytes) : undefined;
}

/**
 * Reads one line whose integrity is known otherwise (its group's checksum matched, or it never
 * left memory): its body only; `undefined` when the line is not a record.
 */
export function decodeBody(bytes: Buffer): SpoolRecord | undefined {
  if (bytes.length < 11 || bytes[8] !== TAB || bytes[10] !== TAB) return undefined;
  try {
    if (bytes[9] === COMPACT_APPEND) return decodeCompact(bytes);
    if (bytes[9] === APPEND) {
      // `A\t<header>\t<event JSON>`: the JSON is taken as bytes, never decoded (older records carry it in the header).
      const tab = bytes.indexOf(TAB, 11);
      const header: unknown = JSON.parse(bytes.toString('utf8', 11, tab < 0 ? bytes.length : tab));
      const event = toEvent(header, tab < 0 ? undefined : bytes.subarray(tab + 1));
      return event === undefined ? undefined : { kind: 'append', event };
    }
    const text = bytes.toString('utf8', 9);
    if (text[0] === 'K') {
      const ids: unknown = JSON.parse(text.slice(2));
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return undefined;
      return { kind: 'ack', ids: ids as string[] };
    }
    if (text[0] === 'C' && SEQ.test(text.slice(2))) return { kind: 'supersedes', seq: Number(text.slice(2)) };
  } catch {
    return undefined;
  }
  return undefined;
}
