import type { AnyValue, Attributes } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { checkHexId, MAX_VALUE_DEPTH, OtlpDecodeError } from './decode-error.ts';
import { otlpResource, otlpScope, setMember, toReadableLogRecord } from './log-record.ts';
import { otlpSchema } from './otlp-schema.ts';

// The shapes protobufjs decodes the OTLP messages into (camelCase fields, unset scalars at their
// proto3 defaults, 64-bit integers as `Long` objects).

interface Long {
  readonly low: number;
  readonly high: number;
  readonly unsigned: boolean;
  toNumber(): number;
  toString(): string;
}
type Int64 = Long | number;

interface PbAnyValue {
  readonly stringValue: string;
  readonly boolValue: boolean;
  readonly intValue: Int64;
  readonly doubleValue: number;
  readonly bytesValue: Uint8Array;
  readonly arrayValue?: { readonly values: readonly PbAnyValue[] } | null;
  readonly kvlistValue?: { readonly values: readonly PbKeyValue[] } | null;
}
interface PbKeyValue {
  readonly key: string;
  readonly value?: PbAnyValue | null;
}
interface PbLogRecord {
  readonly timeUnixNano: Int64;
  readonly observedTimeUnixNano: Int64;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body?: PbAnyValue | null;
  readonly attributes: readonly PbKeyValue[];
  readonly droppedAttributesCount: number;
  readonly flags: number;
  readonly traceId: Uint8Array;
  readonly spanId: Uint8Array;
  readonly eventName: string;
}
interface PbScopeLogs {
  readonly scope?: { name: string; version: string; attributes: readonly PbKeyValue[]; droppedAttributesCount: number } | null;
  readonly logRecords: readonly PbLogRecord[];
  readonly schemaUrl: string;
}
interface PbResourceLogs {
  readonly resource?: { attributes: readonly PbKeyValue[] } | null;
  readonly scopeLogs: readonly PbScopeLogs[];
  readonly schemaUrl: string;
}
interface PbRequest {
  readonly resourceLogs: readonly PbResourceLogs[];
}

function unsigned64(value: Int64): bigint {
  if (typeof value === 'number') return BigInt(value);
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

/** A JS number when exact, else a bigint (written as the exact integer). */
function signed64(value: Int64): number | bigint {
  if (typeof value === 'number') return value;
  const n = value.toNumber();
  return Number.isSafeInteger(n) ? n : BigInt(value.toString());
}

const has = Object.hasOwn;

/**
 * An AnyValue; undefined when it holds no value. The field set is the one own property of the
 * decoded message (unset fields are defaults on its prototype): tested directly, most common
 * first, which costs far less than protobufjs's oneof getter.
 */
function anyValue(value: PbAnyValue | null | undefined, depth: number): AnyValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (has(value, 'stringValue')) return value.stringValue;
  if (has(value, 'intValue')) return signed64(value.intValue) as AnyValue;
  if (has(value, 'boolValue')) return value.boolValue;
  if (has(value, 'doubleValue')) return value.doubleValue;
  if (has(value, 'kvlistValue')) return depth >= MAX_VALUE_DEPTH ? null : keyValues(value.kvlistValue?.values ?? [], depth + 1);
  if (has(value, 'arrayValue')) {
    if (depth >= MAX_VALUE_DEPTH) return null;
    const values = value.arrayValue?.values ?? [];
    const out: AnyValue[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = anyValue(values[i], depth + 1) ?? null;
    return out;
  }
  if (has(value, 'bytesValue')) return value.bytesValue;
  return undefined;
}

function keyValues(list: readonly PbKeyValue[], depth: number): Attributes {
  const out: Attributes = {};
  for (const kv of list) setMember(out, kv.key, anyValue(kv.value, depth) ?? null);
  return out;
}

/** `where` is only built for an error message. */
function hex(bytes: Uint8Array, length: number, where: () => string): string {
  if (bytes.length === 0) return '';
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return bytes.length === length ? text : checkHexId(text, length, where());
}

function logRecord(
  r: PbLogRecord,
  where: () => string,
  resource: ReadableLogRecord['resource'],
  scope: ReadableLogRecord['instrumentationScope'],
): ReadableLogRecord {
  return toReadableLogRecord(
    {
      timeUnixNano: unsigned64(r.timeUnixNano),
      observedTimeUnixNano: unsigned64(r.observedTimeUnixNano),
      severityNumber: r.severityNumber,
      severityText: r.severityText,
      body: anyValue(r.body, 1),
      attributes: keyValues(r.attributes, 1),
      droppedAttributesCount: r.droppedAttributesCount,
      flags: r.flags,
      traceId: hex(r.traceId, 16, () => `${where()}.traceId`),
      spanId: hex(r.spanId, 8, () => `${where()}.spanId`),
      eventName: r.eventName,
    },
    resource,
    scope,
  );
}

/** An `ExportLogsServiceRequest` in binary protobuf → the records it holds, in order. Throws {@link OtlpDecodeError}. */
export function decodeProtobufLogs(body: Uint8Array): ReadableLogRecord[] {
  let request: PbRequest;
  try {
    request = otlpSchema().request.decode(body) as unknown as PbRequest;
  } catch (error) {
    const message =
      error instanceof RangeError && /call stack/i.test(error.message) ? 'values nested too deeply' : (error as Error).message;
    throw new OtlpDecodeError(`the body is not an OTLP ExportLogsServiceRequest in protobuf: ${message}`);
  }
  const out: ReadableLogRecord[] = [];
  request.resourceLogs.forEach((resourceLogs, i) => {
    const schemaUrl = resourceLogs.schemaUrl;
    const resource = otlpResource(keyValues(resourceLogs.resource?.attributes ?? [], 1), schemaUrl === '' ? undefined : schemaUrl);
    resourceLogs.scopeLogs.forEach((scopeLogs, j) => {
      const s = scopeLogs.scope;
      const scope = otlpScope(
        s?.name ?? '',
        s?.version ?? '',
        scopeLogs.schemaUrl,
        keyValues(s?.attributes ?? [], 1),
        s?.droppedAttributesCount ?? 0,
      );
      const records = scopeLogs.logRecords;
      for (let k = 0; k < records.length; k++) {
        out.push(logRecord(records[k] as PbLogRecord, () => `resourceLogs[${i}].scopeLogs[${j}].logRecords[${k}]`, resource, scope));
      }
    });
  });
  return out;
}
