import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { nextEventId } from './event-id.ts';
import { type IntegerKeys, memberPrefix, spend, type WriteBudget, writeBudget, writeValue } from './json-value.ts';
import { formatCreatedAt } from './timestamp.ts';

export { EventTooLargeError, MAX_NODES } from './json-value.ts';

/** One webhook event, serialized once when it is accepted and never changed after. */
export interface WebhookEvent {
  /** Decimal digits; the same on every retry. */
  readonly id: string;
  readonly type: string;
  /** When the exporter accepted the event (epoch ms); `discard-after` counts from here. */
  readonly acceptedAt: number;
  /** OTel severity number (0 when unknown); error-level events are kept longest when shedding. */
  readonly severity: number;
  /** `{"id","createdAt","type","data"}` as compact JSON, in that key order. */
  readonly json: string;
  /** UTF-8 byte length of `json`. */
  readonly bytes: number;
}

/**
 * OTel semantic-convention attribute → Stalwart data key, used when the record does not carry
 * the Stalwart key itself.
 */
const SEMCONV_ALIASES: ReadonlyArray<readonly [otel: string, stalwart: string]> = [
  ['client.address', 'remoteIp'],
  ['client.port', 'remotePort'],
  ['server.address', 'localIp'],
  ['server.port', 'localPort'],
  ['user.name', 'accountName'],
  ['enduser.id', 'accountName'],
  ['network.peer.address', 'remoteIp'],
  ['network.peer.port', 'remotePort'],
  ['network.local.address', 'localIp'],
  ['network.local.port', 'localPort'],
  ['url.full', 'url'],
  ['error.type', 'reason'],
  ['exception.message', 'reason'],
];
const ALIASED = new Set(SEMCONV_ALIASES.map(([otel]) => otel));

/** Most distinct event types whose envelope text is remembered, and the longest remembered. */
const MAX_CACHED_TYPES = 1024;
const MAX_CACHED_LENGTH = 256;
const typeTexts = new Map<string, string>();

/** `,"type":<quoted type>,"data":{`, remembered per type. */
function typeText(type: string): string {
  let text = typeTexts.get(type);
  if (text === undefined) {
    text = `,"type":${JSON.stringify(type)},"data":{`;
    if (typeTexts.size < MAX_CACHED_TYPES && type.length <= MAX_CACHED_LENGTH) typeTexts.set(type, text);
  }
  return text;
}

let lastCreatedAt = '';
let lastCreatedAtText = '';

/**
 * Longest event text written, whatever the queue allows: a little under the longest string
 * the JavaScript engine can make.
 */
export const MAX_EVENT_CHARS: number = 2 ** 28;

/** `","createdAt":"<timestamp>"`, remembered for the last second formatted. */
function createdAtText(record: ReadableLogRecord): string {
  const createdAt = formatCreatedAt(epochMillis(record));
  if (createdAt === undefined) {
    throw new Error(`record time ${describeHrTime(record.hrTime)} is not a date in the years 0000 to 9999`);
  }
  if (createdAt !== lastCreatedAt) {
    lastCreatedAt = createdAt;
    lastCreatedAtText = `","createdAt":"${createdAt}"`;
  }
  return lastCreatedAtText;
}

/** `hrTime [seconds, nanoseconds]` as written, whatever it holds. */
function describeHrTime(hrTime: unknown): string {
  return Array.isArray(hrTime) ? `hrTime [${hrTime.map((part) => String(part)).join(', ')}]` : `hrTime ${String(hrTime)}`;
}

function epochMillis(record: ReadableLogRecord): number {
  const [seconds, nanos] = record.hrTime;
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

/** Whether the record carries a semantic-convention key that maps to a Stalwart key. */
function hasAliasedKey(attributes: Record<string, unknown>): boolean {
  for (const key in attributes) if (ALIASED.has(key)) return true;
  return false;
}

/**
 * The members of the `data` object (without braces) when nothing but the attributes can
 * contribute: the common case, with no bookkeeping of which keys were written.
 */
function writeAttributes(attributes: Record<string, unknown>, integerKeys: IntegerKeys, budget: WriteBudget): string {
  let out = '';
  for (const key in attributes) {
    if (key === 'event.name') continue;
    const text = writeValue(attributes[key], key, integerKeys, 1, undefined, budget);
    if (text === undefined) continue;
    spend(budget, key.length + 4);
    const prefix = memberPrefix(key);
    out += out === '' ? prefix.first + text : prefix.next + text;
  }
  return out;
}

/**
 * The members of the `data` object when semantic-convention aliases or the body add keys:
 * attributes first, then aliases (looked up when the attributes have an aliased key), then
 * body fields, each key written once.
 */
function writeMerged(
  attributes: Record<string, unknown>,
  body: unknown,
  hasAlias: boolean,
  integerKeys: IntegerKeys,
  budget: WriteBudget,
): string {
  let out = '';
  const written = new Set<string>();
  const add = (key: string, value: unknown): void => {
    if (written.has(key)) return;
    const text = writeValue(value, key, integerKeys, 1, undefined, budget);
    if (text === undefined) return;
    spend(budget, key.length + 4);
    written.add(key);
    const prefix = memberPrefix(key);
    out += out === '' ? prefix.first + text : prefix.next + text;
  };
  for (const key in attributes) {
    if (key === 'event.name' || ALIASED.has(key)) continue;
    add(key, attributes[key]);
  }
  if (hasAlias) {
    for (const [otel, stalwart] of SEMCONV_ALIASES) {
      const value = attributes[otel];
      if (value !== undefined && value !== null) add(stalwart, value);
    }
  }
  if (typeof body === 'string') {
    add('details', body);
  } else if (isMapBody(body)) {
    for (const [key, value] of Object.entries(body)) add(key, value);
  }
  return out;
}

function isMapBody(body: unknown): body is object {
  return body !== null && typeof body === 'object' && !Array.isArray(body) && !(body instanceof Uint8Array);
}

/** The members of the `data` object, from the record's attributes and body. */
function writeData(record: ReadableLogRecord, integerKeys: IntegerKeys, budget: WriteBudget): string {
  const attributes = record.attributes as Record<string, unknown>;
  const body = record.body as unknown;
  const hasAlias = hasAliasedKey(attributes);
  if (!hasAlias && typeof body !== 'string' && !isMapBody(body)) return writeAttributes(attributes, integerKeys, budget);
  return writeMerged(attributes, body, hasAlias, integerKeys, budget);
}

/**
 * Copies a log record into a webhook event. Called during `onEmit`, while the record may still
 * change, so everything needed later is serialized here; the record is never modified.
 * Throws {@link EventTooLargeError} once the event would exceed `maxChars` characters or
 * {@link MAX_NODES} values (checked while writing, so the cost stays bounded), and an Error
 * when the record time cannot be written as RFC 3339 (outside the years 0000–9999).
 */
export function toWebhookEvent(
  record: ReadableLogRecord,
  type: string,
  severity: number,
  integerKeys: IntegerKeys,
  maxChars: number = MAX_EVENT_CHARS,
): WebhookEvent {
  const now = Date.now();
  const createdAt = createdAtText(record);
  const budget = writeBudget(Math.min(maxChars, MAX_EVENT_CHARS));
  const data = writeData(record, integerKeys, budget);
  const id = nextEventId(now);
  const json = `{"id":"${id}${createdAt}${typeText(type)}${data}}}`;
  // Measuring the UTF-8 length also flattens the string, so the queue holds it compactly.
  return { id, type, acceptedAt: now, severity, json, bytes: Buffer.byteLength(json) };
}
