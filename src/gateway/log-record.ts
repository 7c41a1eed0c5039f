import type { AnyValue, Attributes, HrTime, SpanContext } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

type Resource = ReadableLogRecord['resource'];
type Scope = ReadableLogRecord['instrumentationScope'];

/** One OTLP `LogRecord`, its fields decoded, before it becomes a {@link ReadableLogRecord}. */
export interface OtlpLogFields {
  /** Nanoseconds since the epoch; 0 when unset. */
  readonly timeUnixNano: bigint;
  readonly observedTimeUnixNano: bigint;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: AnyValue | undefined;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly flags: number;
  /** Lowercase hex, or '' when unset. */
  readonly traceId: string;
  readonly spanId: string;
  readonly eventName: string;
}

const NANOS_PER_SECOND = 1_000_000_000n;

function toHrTime(nanos: bigint): HrTime {
  return [Number(nanos / NANOS_PER_SECOND), Number(nanos % NANOS_PER_SECOND)];
}

function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/**
 * A resource as the SDK's `Resource` shows it to processors and mappers: its attributes and
 * schema URL, nothing pending.
 */
export function otlpResource(attributes: Attributes, schemaUrl: string | undefined): Resource {
  const resource: Resource = {
    attributes,
    asyncAttributesPending: false,
    ...(schemaUrl === undefined ? {} : { schemaUrl }),
    waitForAsyncAttributes: () => Promise.resolve(),
    merge: (other) => otlpResource({ ...attributes, ...(other?.attributes ?? {}) }, other?.schemaUrl ?? schemaUrl),
    getRawAttributes: () => Object.entries(attributes),
  };
  return resource;
}

/** An instrumentation scope as the SDK gives it: `version` and `schemaUrl` only when set, attributes when there are any. */
export function otlpScope(name: string, version: string, schemaUrl: string, attributes: Attributes, droppedAttributesCount: number): Scope {
  const hasAttributes = Object.keys(attributes).length > 0;
  return {
    name,
    ...(version === '' ? {} : { version }),
    ...(schemaUrl === '' ? {} : { schemaUrl }),
    ...(hasAttributes ? { attributes, droppedAttributesCount } : {}),
  };
}

/** Sets `key` on a plain object, `__proto__` included, as an own enumerable property. */
export function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * The record an SDK `LoggerProvider` would have handed its processors for the same emit: unset
 * proto3 fields (0, '') become absent, the time falls back to the observed time (as OTLP
 * says), then to now.
 */
export function toReadableLogRecord(fields: OtlpLogFields, resource: Resource, scope: Scope): ReadableLogRecord {
  const observed = fields.observedTimeUnixNano === 0n ? nowNanos() : fields.observedTimeUnixNano;
  const time = fields.timeUnixNano === 0n ? observed : fields.timeUnixNano;
  let spanContext: SpanContext | undefined;
  if (fields.traceId !== '' && fields.spanId !== '') {
    spanContext = { traceId: fields.traceId, spanId: fields.spanId, traceFlags: fields.flags & 0xff, isRemote: true };
  }
  // One shape for every record, unset fields undefined (as the SDK's getters return them), so
  // that the processors' reads stay monomorphic.
  const record = {
    hrTime: toHrTime(time),
    hrTimeObserved: toHrTime(observed),
    spanContext,
    severityText: fields.severityText === '' ? undefined : fields.severityText,
    severityNumber: fields.severityNumber === 0 ? undefined : fields.severityNumber,
    body: fields.body,
    eventName: fields.eventName === '' ? undefined : fields.eventName,
    resource,
    instrumentationScope: scope,
    attributes: fields.attributes,
    droppedAttributesCount: fields.droppedAttributesCount,
  };
  return record as ReadableLogRecord;
}
