import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResolvedWebhookOptions } from '../config/options.ts';
import { findEventType } from './catalog.ts';
import type { EventMatcher } from './match.ts';
import { levelSeverity } from './severity.ts';

/**
 * The event type of a record: `eventName`, else the `event.name` attribute, else the
 * configured mapper. Undefined for records that are not webhook events.
 */
export function recordEventType(record: ReadableLogRecord, options: ResolvedWebhookOptions): string | undefined {
  const name = record.eventName;
  if (typeof name === 'string') return name;
  const attribute = record.attributes['event.name'];
  if (typeof attribute === 'string') return attribute;
  const mapper = options.eventType;
  if (mapper === undefined) return undefined;
  const mapped = mapper(record);
  return typeof mapped === 'string' ? mapped : undefined;
}

/** The record's severity number, or the catalog's default level of its type when it has none. */
export function recordSeverity(record: ReadableLogRecord, type: string): number {
  const severity = record.severityNumber;
  if (typeof severity === 'number' && severity > 0) return severity;
  const info = findEventType(type);
  return info?.level === undefined ? 0 : levelSeverity(info.level);
}

/**
 * The type of a record this webhook sends, or undefined. For records it does not send this
 * costs a property read or two and one lookup of the type's decision, and allocates nothing.
 */
export function selectRecord(record: ReadableLogRecord, options: ResolvedWebhookOptions, matcher: EventMatcher): string | undefined {
  const type = recordEventType(record, options);
  if (type === undefined || !matcher.matches(type)) return undefined;
  if (options.minSeverity > 0 && recordSeverity(record, type) < options.minSeverity) return undefined;
  return type;
}
