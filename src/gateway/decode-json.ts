import type { AnyValue, Attributes } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { type DecodeNotes, OtlpDecodeError } from './decode-error.ts';
import { anyValue, keyValues, note } from './json-any-value.ts';
import { array, at, FieldError, fail, hexId, integer, object, string, UINT64_MAX, uint32, within } from './json-fields.ts';
import { otlpResource, otlpScope, toReadableLogRecord } from './log-record.ts';

// OTLP/JSON: the proto3 JSON mapping with OTLP's changes: lowerCamelCase keys only, hex trace
// and span ids, integer enums, unknown fields ignored, 64-bit integers as strings or numbers.

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
