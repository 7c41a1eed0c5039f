import type { AnyValue, Attributes } from '@opentelemetry/api';
import { type DecodeNotes, MAX_VALUE_DEPTH } from './decode-error.ts';
import { array, BASE64, describe, double, fail, intValue, object, string, within } from './json-fields.ts';
import { setMember } from './log-record.ts';

// OTLP/JSON AnyValue and KeyValue lists → the values an SDK record holds.

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

export function note(key: string, found: DecodeNotes): void {
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
export function anyValue(value: unknown, depth: number, found: DecodeNotes): AnyValue | undefined {
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
export function keyValues(value: unknown, depth: number, found: DecodeNotes): Attributes {
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
