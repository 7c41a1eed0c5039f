import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { type DataKey, dataKey, SEMCONV_ALIASES } from './data-keys.ts';
import { writeEventId } from './event-id.ts';
import { ByteSink } from './event-sink.ts';
import { writeBytes, writeMember, writeQuoted } from './json-bytes.ts';
import { hasText, type IntegerKeys, writeValue } from './json-value.ts';
import { formatCreatedAt } from './timestamp.ts';

export { EventTooLargeError, MAX_NODES } from './event-sink.ts';

/** One webhook event, serialized once when it is accepted and never changed after. */
export interface WebhookEvent {
  /** Decimal digits; the same on every retry. */
  readonly id: string;
  readonly type: string;
  /** When the exporter accepted the event (epoch ms); `discard-after` counts from here. */
  readonly acceptedAt: number;
  /** OTel severity number (0 when unknown); error-level events are kept longest when shedding. */
  readonly severity: number;
  /** `{"id","createdAt","type","data"}` as compact JSON, in that key order, as UTF-8 bytes. */
  readonly json: Buffer;
  /** Byte length of `json`. */
  readonly bytes: number;
}

/** `{"id":"`: every event starts so, its id's digits right after. */
const ID_START = Buffer.from('{"id":"', 'latin1');
const CLOSE = Buffer.from('}}', 'latin1');

/** Most distinct event types remembered (see {@link TypeEntry}), and the longest type name remembered. */
const MAX_CACHED_TYPES = 1024;
const MAX_CACHED_LENGTH = 256;
/** Most attribute keys remembered per type, and the longest remembered (so that what is held stays small). */
const MAX_SHAPE_KEYS = 64;
const MAX_SHAPE_KEY_LENGTH = 256;

/**
 * What is remembered of one event type: its envelope bytes, with the `createdAt` text they
 * were made for, and the attribute keys of its last record in order, with what
 * {@link dataKey} knows of each. Records of one type mostly carry the same keys in the same
 * order, so a key is then known by comparing it with the one remembered at its place.
 */
interface TypeEntry {
  envelope: Buffer | undefined;
  createdAt: string | undefined;
  readonly keys: string[];
  readonly infos: DataKey[];
}

/**
 * Entries by type name, in a prototype-less object rather than a Map: V8 finds a name that is
 * not the same string object as the key (names parsed from input) faster by property.
 */
let types: Record<string, TypeEntry> = Object.create(null);
let typeCount = 0;
/** The integer keys that the remembered {@link DataKey}s were made for. */
let typesFor: IntegerKeys | undefined;
/** The `createdAt` text of the envelope written last. */
let envelopeSecond: string | undefined;
/** The record time's whole seconds (`hrTime[0]`) that {@link envelopeSecond} is the text of. */
let envelopeSeconds = Number.NaN;

/** The entry of `type`, made on first use; undefined beyond the limits. */
function typeEntry(type: string, integerKeys: IntegerKeys): TypeEntry | undefined {
  if (integerKeys !== typesFor) {
    types = Object.create(null);
    typeCount = 0;
    typesFor = integerKeys;
  }
  let entry = types[type];
  if (entry === undefined && typeCount < MAX_CACHED_TYPES && type.length <= MAX_CACHED_LENGTH) {
    entry = { envelope: undefined, createdAt: undefined, keys: [], infos: [] };
    types[type] = entry;
    typeCount++;
  }
  return entry;
}

/**
 * Longest event written, whatever the queue allows: a little under the longest string the
 * JavaScript engine can make, so that any event can still be read back as text.
 */
export const MAX_EVENT_BYTES: number = 2 ** 28;

/**
 * `","createdAt":"<timestamp>","type":<quoted type>,"data":{`: what follows the id, remembered
 * per type for the last second written (most events of a burst share it).
 */
function envelopeText(record: ReadableLogRecord, type: string, entry: TypeEntry | undefined): Buffer {
  const hrTime = record.hrTime;
  const nanos = hrTime[1];
  // Most records of a burst fall in the second written last: no time arithmetic for them.
  if (entry !== undefined && entry.createdAt === envelopeSecond && hrTime[0] === envelopeSeconds && nanos >= 0 && nanos < 1e9) {
    return entry.envelope as Buffer;
  }
  const createdAt = formatCreatedAt(epochMillis(record));
  if (createdAt === undefined) {
    throw new Error(`record time ${describeHrTime(record.hrTime)} is not a date in the years 0000 to 9999`);
  }
  envelopeSecond = createdAt;
  envelopeSeconds = Number.isInteger(hrTime[0]) && nanos >= 0 && nanos < 1e9 ? hrTime[0] : Number.NaN;
  if (entry !== undefined && entry.createdAt === createdAt) return entry.envelope as Buffer;
  const text = Buffer.from(`","createdAt":"${createdAt}","type":${JSON.stringify(type)},"data":{`);
  if (entry !== undefined) {
    entry.envelope = text;
    entry.createdAt = createdAt;
  }
  return text;
}

/** `hrTime [seconds, nanoseconds]` as written, whatever it holds. */
function describeHrTime(hrTime: unknown): string {
  return Array.isArray(hrTime) ? `hrTime [${hrTime.map((part) => String(part)).join(', ')}]` : `hrTime ${String(hrTime)}`;
}

function epochMillis(record: ReadableLogRecord): number {
  const hrTime = record.hrTime;
  return hrTime[0] * 1000 + Math.floor(hrTime[1] / 1e6);
}

/**
 * What is known of the `index`th key (`event.name` not counted) of a record of the type of
 * `entry`: the remembered one when the key is the same, else looked up and remembered.
 */
function keyAt(entry: TypeEntry | undefined, index: number, key: string, integerKeys: IntegerKeys): DataKey {
  if (entry === undefined) return dataKey(key, integerKeys);
  const { keys, infos } = entry;
  if (keys[index] === key) return infos[index] as DataKey;
  const info = dataKey(key, integerKeys);
  if (index < MAX_SHAPE_KEYS && index <= keys.length && key.length <= MAX_SHAPE_KEY_LENGTH) {
    keys[index] = key;
    infos[index] = info;
  }
  return info;
}

/**
 * Writes the members of the `data` object (without braces) from the attributes alone, the
 * `event.name` attribute left out: the common case, one pass with no bookkeeping of which keys
 * were written. Returns -1 when an attribute has a semantic-convention key (the members then
 * need {@link writeMerged}), else how many members were written.
 */
function writeAttributes(
  sink: ByteSink,
  attributes: Record<string, unknown>,
  integerKeys: IntegerKeys,
  entry: TypeEntry | undefined,
): number {
  let written = 0;
  let index = 0;
  for (const key in attributes) {
    if (key === 'event.name') continue;
    const value = attributes[key];
    const info = keyAt(entry, index++, key, integerKeys);
    if (info.aliased) return -1;
    if (typeof value === 'string' && !info.integer) {
      writeMember(sink, info.prefix, written === 0 ? 1 : 0, value);
    } else {
      if (!hasText(value)) continue;
      writeBytes(sink, info.prefix, written === 0 ? 1 : 0);
      writeValue(sink, value, info.integer, integerKeys, 1, undefined);
    }
    written++;
  }
  return written;
}

/** The keys written so far into one `data` object, when several sources may give the same key. */
class Members {
  first = true;
  private readonly written = new Set<string>();

  /** Writes `key` unless it was written already or `value` has no text. */
  add(sink: ByteSink, key: string, value: unknown, integerKeys: IntegerKeys): void {
    if (!hasText(value) || this.written.has(key)) return;
    const info = dataKey(key, integerKeys);
    writeBytes(sink, info.prefix, this.first ? 1 : 0);
    this.first = false;
    this.written.add(key);
    writeValue(sink, value, info.integer, integerKeys, 1, undefined);
  }
}

/**
 * The members of the `data` object when semantic-convention aliases or a map body add keys:
 * attributes first, then aliases (looked up when the attributes have an aliased key), then
 * body fields, each key written once.
 */
function writeMerged(sink: ByteSink, attributes: Record<string, unknown>, body: unknown, integerKeys: IntegerKeys): void {
  const members = new Members();
  let hasAlias = false;
  for (const key in attributes) {
    if (key === 'event.name') continue;
    if (dataKey(key, integerKeys).aliased) hasAlias = true;
    else members.add(sink, key, attributes[key], integerKeys);
  }
  if (hasAlias) {
    for (const [otel, stalwart] of SEMCONV_ALIASES) {
      const value = attributes[otel];
      if (value !== undefined && value !== null) members.add(sink, stalwart, value, integerKeys);
    }
  }
  if (typeof body === 'string') {
    members.add(sink, 'details', body, integerKeys);
  } else if (isMapBody(body)) {
    for (const [key, value] of Object.entries(body)) members.add(sink, key, value, integerKeys);
  }
}

function isMapBody(body: unknown): body is object {
  return body !== null && typeof body === 'object' && !Array.isArray(body) && !(body instanceof Uint8Array);
}

/** Writes the members of the `data` object, from the record's attributes and body. */
function writeData(sink: ByteSink, record: ReadableLogRecord, integerKeys: IntegerKeys, entry: TypeEntry | undefined): void {
  const attributes = record.attributes as Record<string, unknown>;
  const body = record.body as unknown;
  if (!isMapBody(body)) {
    const start = sink.pos - sink.start;
    const nodes = sink.nodes;
    const written = writeAttributes(sink, attributes, integerKeys, entry);
    if (written >= 0) {
      // A string body is `details`, unless an attribute wrote that key already.
      if (typeof body === 'string' && !hasText(attributes['details'])) {
        writeBytes(sink, dataKey('details', integerKeys).prefix, written === 0 ? 1 : 0);
        writeQuoted(sink, body);
      }
      return;
    }
    // A semantic-convention key: written again, merged.
    sink.pos = sink.start + start;
    sink.nodes = nodes;
  }
  writeMerged(sink, attributes, body, integerKeys);
}

/**
 * Writes a log record as a webhook event into `sink`, which {@link ByteSink.begin} started:
 * `{"id","createdAt","type","data"}`, with a new id. Called by the end of the turn that emitted
 * the record (see pipeline/deferred-records.ts), so everything needed later is serialized here;
 * the record is never modified. `now` is when the event is accepted (epoch ms), for its id. Throws
 * {@link EventTooLargeError} once the event would exceed the sink's limit or {@link MAX_NODES}
 * values (checked while writing, so the cost stays bounded), and an Error when the record
 * time cannot be written as RFC 3339 (outside the years 0000–9999).
 */
export function writeEvent(sink: ByteSink, record: ReadableLogRecord, type: string, integerKeys: IntegerKeys, now: number): void {
  const entry = typeEntry(type, integerKeys);
  const envelope = envelopeText(record, type, entry);
  writeBytes(sink, ID_START);
  writeEventId(sink, now);
  writeBytes(sink, envelope);
  writeData(sink, record, integerKeys, entry);
  writeBytes(sink, CLOSE);
}

/** The id of the event whose JSON starts at `offset` of `buf`. */
export function eventIdAt(buf: Buffer, offset: number): string {
  const start = offset + ID_START.length;
  return buf.toString('latin1', start, buf.indexOf(0x22, start));
}

/**
 * A log record as a webhook event on its own (see {@link writeEvent}); `maxBytes` limits its
 * JSON. The delivery engine writes events into its own memory instead (see delivery/arena.ts).
 */
export function toWebhookEvent(
  record: ReadableLogRecord,
  type: string,
  severity: number,
  integerKeys: IntegerKeys,
  maxBytes: number = MAX_EVENT_BYTES,
): WebhookEvent {
  const now = Date.now();
  const sink = new ByteSink();
  sink.begin(Math.min(maxBytes, MAX_EVENT_BYTES));
  writeEvent(sink, record, type, integerKeys, now);
  const json = sink.copy();
  return { id: eventIdAt(json, 0), type, acceptedAt: now, severity, json, bytes: json.length };
}
