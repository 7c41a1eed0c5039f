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

function fail(where: string, message: string): never {
  throw new OtlpDecodeError(`${where}: ${message}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function object(value: unknown, where: string): JsonObject | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) fail(where, `expected an object, got ${describe(value)}`);
  return value as JsonObject;
}

function array(value: unknown, where: string): readonly unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) fail(where, `expected an array, got ${describe(value)}`);
  return value;
}

function string(value: unknown, where: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') fail(where, `expected a string, got ${describe(value)}`);
  return value;
}

/** An integer given as a JSON number or a decimal string, within [min, max]. */
function integer(value: unknown, where: string, min: bigint, max: bigint): bigint {
  if (value === null || value === undefined) return 0n;
  let big: bigint | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
  else if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) big = BigInt(value);
  if (big === undefined || big < min || big > max) fail(where, `expected an integer from ${min} to ${max}, got ${describe(value)}`);
  return big;
}

function uint32(value: unknown, where: string): number {
  return Number(integer(value, where, 0n, 0xffffffffn));
}

function double(value: unknown, where: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return fail(where, `expected a number, got ${describe(value)}`);
}

function intValue(value: unknown, where: string): number | bigint {
  // A JSON number is already a double: kept as the same number an SDK would have had.
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  const big = integer(value, where, INT64_MIN, INT64_MAX);
  const small = Number(big);
  return Number.isSafeInteger(small) ? small : big;
}

function notes(key: string, where: string, found: DecodeNotes): void {
  if (SNAKE_CASE.has(key) && found.warnings.length < 10) {
    found.warnings.push(`${where}.${key} ignored: OTLP/JSON field names are lowerCamelCase`);
  }
}

/** An AnyValue; undefined when it holds no value. */
function anyValue(value: unknown, where: string, depth: number, found: DecodeNotes): AnyValue | undefined {
  const o = object(value, where);
  if (o === undefined) return undefined;
  let result: AnyValue | undefined;
  let set = 0;
  for (const key in o) {
    const member = o[key];
    if (member === null || member === undefined) continue;
    const at = `${where}.${key}`;
    switch (key) {
      case 'stringValue':
        result = string(member, at);
        break;
      case 'boolValue':
        if (typeof member !== 'boolean') fail(at, `expected true or false, got ${describe(member)}`);
        result = member;
        break;
      case 'intValue':
        result = intValue(member, at) as AnyValue;
        break;
      case 'doubleValue':
        result = double(member, at);
        break;
      case 'bytesValue': {
        const text = string(member, at);
        if (!BASE64.test(text)) fail(at, 'expected base64');
        result = Buffer.from(text, 'base64');
        break;
      }
      case 'arrayValue':
        result = depth >= MAX_VALUE_DEPTH ? null : arrayValue(member, at, depth, found);
        break;
      case 'kvlistValue':
        result = depth >= MAX_VALUE_DEPTH ? null : keyValues(object(member, at)?.values, `${at}.values`, depth + 1, found);
        break;
      case 'stringValueStrindex':
        // A dictionary index of the profiles signal: no value of its own in a logs request.
        continue;
      default:
        notes(key, where, found);
        continue;
    }
    if (++set > 1) fail(where, 'more than one value set');
  }
  return result;
}

function arrayValue(member: unknown, where: string, depth: number, found: DecodeNotes): AnyValue[] {
  const values = array(object(member, where)?.values, `${where}.values`);
  const out: AnyValue[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = anyValue(values[i], `${where}.values[${i}]`, depth + 1, found) ?? null;
  return out;
}

/** KeyValue list → attributes object; a value that holds nothing becomes `null`, a repeated key keeps its last value. */
function keyValues(value: unknown, where: string, depth: number, found: DecodeNotes): Attributes {
  const list = array(value, where);
  const out: Attributes = {};
  for (let i = 0; i < list.length; i++) {
    const kv = object(list[i], `${where}[${i}]`);
    if (kv === undefined) continue;
    const key = string(kv.key, `${where}[${i}].key`);
    setMember(out, key, anyValue(kv.value, `${where}[${i}].value`, depth, found) ?? null);
  }
  return out;
}

function logRecord(
  value: unknown,
  where: string,
  resource: ReadableLogRecord['resource'],
  scope: ReadableLogRecord['instrumentationScope'],
  found: DecodeNotes,
): ReadableLogRecord {
  const o = object(value, where) ?? {};
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
    const at = `${where}.${key}`;
    switch (key) {
      case 'timeUnixNano':
        timeUnixNano = integer(member, at, 0n, UINT64_MAX);
        break;
      case 'observedTimeUnixNano':
        observedTimeUnixNano = integer(member, at, 0n, UINT64_MAX);
        break;
      case 'severityNumber':
        if (typeof member === 'string' && !/^\d+$/.test(member)) fail(at, 'OTLP/JSON enums are integers, not names');
        severityNumber = Number(integer(member, at, 0n, 0x7fffffffn));
        break;
      case 'severityText':
        severityText = string(member, at);
        break;
      case 'body':
        body = anyValue(member, at, 1, found);
        break;
      case 'attributes':
        attributes = keyValues(member, at, 1, found);
        break;
      case 'droppedAttributesCount':
        droppedAttributesCount = uint32(member, at);
        break;
      case 'flags':
        flags = uint32(member, at);
        break;
      case 'traceId':
        traceId = checkHexId(string(member, at), 16, at);
        break;
      case 'spanId':
        spanId = checkHexId(string(member, at), 8, at);
        break;
      case 'eventName':
        eventName = string(member, at);
        break;
      default:
        notes(key, where, found);
    }
  }
  const fields = { timeUnixNano, observedTimeUnixNano, severityNumber, severityText, body, attributes, droppedAttributesCount, flags };
  return toReadableLogRecord({ ...fields, traceId, spanId, eventName }, resource, scope);
}

function scopeLogs(
  value: unknown,
  where: string,
  resource: ReadableLogRecord['resource'],
  out: ReadableLogRecord[],
  found: DecodeNotes,
): void {
  const o = object(value, where) ?? {};
  const s = object(o.scope, `${where}.scope`) ?? {};
  const scope = otlpScope(
    string(s.name, `${where}.scope.name`),
    string(s.version, `${where}.scope.version`),
    string(o.schemaUrl, `${where}.schemaUrl`),
    keyValues(s.attributes, `${where}.scope.attributes`, 1, found),
    uint32(s.droppedAttributesCount, `${where}.scope.droppedAttributesCount`),
  );
  const records = array(o.logRecords, `${where}.logRecords`);
  for (let i = 0; i < records.length; i++) out.push(logRecord(records[i], `${where}.logRecords[${i}]`, resource, scope, found));
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
  const request = object(parsed, 'the request');
  if (request === undefined) return [];
  for (const key in request) if (key !== 'resourceLogs') notes(key, 'the request', found);
  const out: ReadableLogRecord[] = [];
  const resourceLogs = array(request.resourceLogs, 'resourceLogs');
  for (let i = 0; i < resourceLogs.length; i++) {
    const where = `resourceLogs[${i}]`;
    const o = object(resourceLogs[i], where) ?? {};
    const r = object(o.resource, `${where}.resource`) ?? {};
    const schemaUrl = string(o.schemaUrl, `${where}.schemaUrl`);
    const resource = otlpResource(
      keyValues(r.attributes, `${where}.resource.attributes`, 1, found),
      schemaUrl === '' ? undefined : schemaUrl,
    );
    const scopes = array(o.scopeLogs, `${where}.scopeLogs`);
    for (let j = 0; j < scopes.length; j++) scopeLogs(scopes[j], `${where}.scopeLogs[${j}]`, resource, out, found);
  }
  return out;
}
