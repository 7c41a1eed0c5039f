import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { nextEventId } from './event-id.ts';
import { type IntegerKeys, writeValue } from './json-value.ts';
import { formatCreatedAt } from './timestamp.ts';

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

function epochMillis(record: ReadableLogRecord): number {
  const [seconds, nanos] = record.hrTime;
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

/** Builds the `data` object of an event from the record's attributes and body. */
function writeData(record: ReadableLogRecord, integerKeys: IntegerKeys): string {
  const attributes = record.attributes as Record<string, unknown>;
  let out = '{';
  const written = new Set<string>();
  const add = (key: string, value: unknown): void => {
    if (written.has(key)) return;
    const text = writeValue(value, key, integerKeys, 1, undefined);
    if (text === undefined) return;
    written.add(key);
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${text}`;
  };
  for (const key in attributes) {
    if (key === 'event.name' || ALIASED.has(key)) continue;
    add(key, attributes[key]);
  }
  for (const [otel, stalwart] of SEMCONV_ALIASES) {
    const value = attributes[otel];
    if (value !== undefined && value !== null) add(stalwart, value);
  }
  const body = record.body as unknown;
  if (typeof body === 'string') {
    add('details', body);
  } else if (body !== null && typeof body === 'object' && !Array.isArray(body) && !(body instanceof Uint8Array)) {
    for (const [key, value] of Object.entries(body)) add(key, value);
  }
  return `${out}}`;
}

/**
 * Copies a log record into a webhook event. Called during `onEmit`, while the record may still
 * change, so everything needed later is serialized here; the record is never modified.
 */
export function toWebhookEvent(
  record: ReadableLogRecord,
  type: string,
  severity: number,
  integerKeys: IntegerKeys,
): WebhookEvent {
  const id = nextEventId();
  const json = `{"id":"${id}","createdAt":"${formatCreatedAt(epochMillis(record))}","type":${JSON.stringify(type)},"data":${writeData(record, integerKeys)}}`;
  return { id, type, acceptedAt: Date.now(), severity, json, bytes: Buffer.byteLength(json) };
}
