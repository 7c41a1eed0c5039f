import type { AnyValue, Attributes } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { checkHexId, type DecodeNotes, MAX_VALUE_DEPTH, OtlpDecodeError } from './decode-error.ts';
import { otlpResource, otlpScope, setMember, toReadableLogRecord } from './log-record.ts';

// OTLP/JSON: the proto3 JSON mapping with OTLP's changes: lowerCamelCase keys only, hex trace
// and span ids, integer enums, unknown fields ignored, 64-bit integers as strings or numbers.

type JsonObject = Record<string, unknown>;

/** snake_case names of OTLP fields: not valid in OTLP/JSON, so ignored, but worth a warning. */
const SNAKE_CASE = new Set([
  'resource_logs',
  'scope_logs',
  'log_records',
  'schema_url',
  'time_unix_nano',
  'observed_time_unix_nano',
  'severity_number',
  'severity_text',
  'dropped_attributes_count',
  'trace_id',
  'span_id',
  'event_name',
  'string_value',
  'bool_value',
  'int_value',
  'double_value',
  'array_value',
  'kvlist_value',
  'bytes_value',
]);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const BASE64 = /^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)={0,2}$/;

/**
 * A field that is not what OTLP/JSON allows. Its path is built on the way out, one segment per
 * level, so that nothing is spent on paths unless something is wrong.
 */
class FieldError extends Error {
  path = '';
}

function fail(message: string): never {
  throw new FieldError(message);
}

/** Rethrows `error` with `segment` in front of its path. */
function within(error: unknown, segment: string): never {
  if (error instanceof FieldError) error.path = segment + error.path;
  throw error;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function object(value: unknown): JsonObject | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) fail(`expected an object, got ${describe(value)}`);
  return value as JsonObject;
}

function array(value: unknown): readonly unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) fail(`expected an array, got ${describe(value)}`);
  return value;
}

function string(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') fail(`expected a string, got ${describe(value)}`);
  return value;
}

/** An integer given as a JSON number or a decimal string, within [min, max]. */
function integer(value: unknown, min: bigint, max: bigint): bigint {
  if (value === null || value === undefined) return 0n;
  let big: bigint | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
  else if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) big = BigInt(value);
  if (big === undefined || big < min || big > max) fail(`expected an integer from ${min} to ${max}, got ${describe(value)}`);
  return big;
}

/** A 32-bit unsigned integer; the common small JSON number without a detour through bigint. */
function uint32(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return value;
  return Number(integer(value, 0n, 0xffffffffn));
}

function double(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return fail(`expected a number, got ${describe(value)}`);
}

function intValue(value: unknown): number | bigint {
  // A JSON number is already a double: kept as the same number an SDK would have had.
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  const big = integer(value, INT64_MIN, INT64_MAX);
  const small = Number(big);
  return Number.isSafeInteger(small) ? small : big;
}

function note(key: string, found: DecodeNotes): void {
  if (!SNAKE_CASE.has(key)) return;
  const warning = `${key} ignored: OTLP/JSON field names are lowerCamelCase`;
  if (found.warnings.length < 10 && !found.warnings.includes(warning)) found.warnings.push(warning);
}

/** One member of an AnyValue. */
function anyMember(key: string, member: unknown, depth: number, found: DecodeNotes): AnyValue | undefined {
  switch (key) {
    case 'stringValue':
      return string(member);
    case 'boolValue':
      if (typeof member !== 'boolean') fail(`expected true or false, got ${describe(member)}`);
      return member;
    case 'intValue':
      return intValue(member) as AnyValue;
    case 'doubleValue':
      return double(member);
    case 'bytesValue': {
      const text = string(member);
      if (!BASE64.test(text)) fail('expected base64');
      return Buffer.from(text, 'base64');
    }
    case 'arrayValue':
      return depth >= MAX_VALUE_DEPTH ? null : arrayValue(member, depth, found);
    case 'kvlistValue':
      if (depth >= MAX_VALUE_DEPTH) return null;
      try {
        return keyValues(object(member)?.values, depth + 1, found);
      } catch (error) {
        return within(error, '.values');
      }
    default:
      // stringValueStrindex is a dictionary index of the profiles signal: no value in a logs request.
      note(key, found);
      return undefined;
  }
}

/** An AnyValue; undefined when it holds no value. */
function anyValue(value: unknown, depth: number, found: DecodeNotes): AnyValue | undefined {
  const o = object(value);
  if (o === undefined) return undefined;
  let result: AnyValue | undefined;
  for (const key in o) {
    const member = o[key];
    if (member === null || member === undefined) continue;
    let decoded: AnyValue | undefined;
    try {
      decoded = anyMember(key, member, depth, found);
    } catch (error) {
      within(error, `.${key}`);
    }
    if (decoded === undefined) continue;
    if (result !== undefined) fail('more than one value set');
    result = decoded;
  }
  return result;
}

function arrayValue(member: unknown, depth: number, found: DecodeNotes): AnyValue[] {
  let values: readonly unknown[];
  try {
    values = array(object(member)?.values);
  } catch (error) {
    within(error, '.values');
  }
  const out: AnyValue[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    try {
      out[i] = anyValue(values[i], depth + 1, found) ?? null;
    } catch (error) {
      within(error, `.values[${i}]`);
    }
  }
  return out;
}

/** KeyValue list → attributes object; a value that holds nothing becomes `null`, a repeated key keeps its last value. */
function keyValues(value: unknown, depth: number, found: DecodeNotes): Attributes {
  const list = array(value);
  const out: Attributes = {};
  for (let i = 0; i < list.length; i++) {
    try {
      const kv = object(list[i]);
      if (kv === undefined) continue;
      let key: string;
      try {
        key = string(kv.key);
      } catch (error) {
        within(error, '.key');
      }
      let member: AnyValue | undefined;
      try {
        member = anyValue(kv.value, depth, found);
      } catch (error) {
        within(error, '.value');
      }
      setMember(out, key, member ?? null);
    } catch (error) {
      within(error, `[${i}]`);
    }
  }
  return out;
}

type Resource = ReadableLogRecord['resource'];
type Scope = ReadableLogRecord['instrumentationScope'];

function logRecord(value: unknown, resource: Resource, scope: Scope, found: DecodeNotes): ReadableLogRecord {
  const o = object(value) ?? {};
  let timeUnixNano = 0n;
  let observedTimeUnixNano = 0n;
  let severityNumber = 0;
  let severityText = '';
  let body: AnyValue | undefined;
  let attributes: Attributes = {};
  let droppedAttributesCount = 0;
  let flags = 0;
  let traceId = '';
  let spanId = '';
  let eventName = '';
  for (const key in o) {
    const member = o[key];
    try {
      switch (key) {
        case 'timeUnixNano':
          timeUnixNano = integer(member, 0n, UINT64_MAX);
          break;
        case 'observedTimeUnixNano':
          observedTimeUnixNano = integer(member, 0n, UINT64_MAX);
          break;
        case 'severityNumber':
          if (typeof member === 'string' && !/^\d+$/.test(member)) fail('OTLP/JSON enums are integers, not names');
          severityNumber = Number(integer(member, 0n, 0x7fffffffn));
          break;
        case 'severityText':
          severityText = string(member);
          break;
        case 'body':
          body = anyValue(member, 1, found);
          break;
        case 'attributes':
          attributes = keyValues(member, 1, found);
          break;
        case 'droppedAttributesCount':
          droppedAttributesCount = uint32(member);
          break;
        case 'flags':
          flags = uint32(member);
          break;
        case 'traceId':
          traceId = hexId(string(member), 16);
          break;
        case 'spanId':
          spanId = hexId(string(member), 8);
          break;
        case 'eventName':
          eventName = string(member);
          break;
        default:
          note(key, found);
      }
    } catch (error) {
      within(error, `.${key}`);
    }
  }
  const fields = { timeUnixNano, observedTimeUnixNano, severityNumber, severityText, body, attributes, droppedAttributesCount, flags };
  return toReadableLogRecord({ ...fields, traceId, spanId, eventName }, resource, scope);
}

function hexId(hex: string, bytes: number): string {
  try {
    return checkHexId(hex, bytes, '');
  } catch (error) {
    return fail((error as Error).message.replace(/^: /, ''));
  }
}

/** Runs `read`, putting `segment` in front of the path of any FieldError it throws. */
function at<T>(segment: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    return within(error, segment);
  }
}

function scopeLogs(value: unknown, resource: Resource, out: ReadableLogRecord[], found: DecodeNotes): void {
  const o = object(value) ?? {};
  const s = at('.scope', () => object(o.scope)) ?? {};
  const scope = otlpScope(
    at('.scope.name', () => string(s.name)),
    at('.scope.version', () => string(s.version)),
    at('.schemaUrl', () => string(o.schemaUrl)),
    at('.scope.attributes', () => keyValues(s.attributes, 1, found)),
    at('.scope.droppedAttributesCount', () => uint32(s.droppedAttributesCount)),
  );
  const records = at('.logRecords', () => array(o.logRecords));
  for (let i = 0; i < records.length; i++) {
    try {
      out.push(logRecord(records[i], resource, scope, found));
    } catch (error) {
      within(error, `.logRecords[${i}]`);
    }
  }
}

function resourceLogs(value: unknown, out: ReadableLogRecord[], found: DecodeNotes): void {
  const o = object(value) ?? {};
  const r = at('.resource', () => object(o.resource)) ?? {};
  const schemaUrl = at('.schemaUrl', () => string(o.schemaUrl));
  const resource = otlpResource(
    at('.resource.attributes', () => keyValues(r.attributes, 1, found)),
    schemaUrl === '' ? undefined : schemaUrl,
  );
  const scopes = at('.scopeLogs', () => array(o.scopeLogs));
  for (let j = 0; j < scopes.length; j++) at(`.scopeLogs[${j}]`, () => scopeLogs(scopes[j], resource, out, found));
}

/** An `ExportLogsServiceRequest` in OTLP/JSON → the records it holds, in order. Throws {@link OtlpDecodeError}. */
export function decodeJsonLogs(text: string, found: DecodeNotes): ReadableLogRecord[] {
  if (text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(`the body is not JSON: ${(error as Error).message}`);
  }
  const out: ReadableLogRecord[] = [];
  try {
    const request = object(parsed);
    if (request === undefined) return [];
    for (const key in request) if (key !== 'resourceLogs') note(key, found);
    const list = at('resourceLogs', () => array(request.resourceLogs));
    for (let i = 0; i < list.length; i++) at(`resourceLogs[${i}]`, () => resourceLogs(list[i], out, found));
  } catch (error) {
    if (error instanceof FieldError) throw new OtlpDecodeError(`${error.path === '' ? 'the request' : error.path}: ${error.message}`);
    throw error;
  }
  return out;
}
