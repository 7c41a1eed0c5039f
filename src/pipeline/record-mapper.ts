import type { DiagLogger } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResolvedWebhookOptions } from '../config/options.ts';
import { integerIdKeys } from '../records/catalog.ts';
import { EventTooLargeError, toWebhookEvent, type WebhookEvent } from '../records/event.ts';
import type { EventMatcher } from '../records/match.ts';
import { recordSeverity, selectRecord } from '../records/select.ts';

/** A selected record made into an event: the event, or why it could not be (dropped as `invalid` or `too-large`). */
export type MappedRecord =
  | { readonly kind: 'event'; readonly event: WebhookEvent }
  | { readonly kind: 'invalid' | 'too-large'; readonly message: string };

/**
 * Selection and mapping of one webhook, in two steps so that a record is only made into an
 * event once the engine would take it: {@link select} (its event type, or undefined for
 * records this webhook does not send) and {@link map}.
 */
export class RecordMapper {
  private readonly options: ResolvedWebhookOptions;
  private readonly matcher: EventMatcher;
  private readonly log: DiagLogger;

  constructor(options: ResolvedWebhookOptions, matcher: EventMatcher, log: DiagLogger) {
    this.options = options;
    this.matcher = matcher;
    this.log = log;
  }

  /**
   * The type the record is sent as, or undefined when this webhook does not send it. A
   * throwing `eventType` mapper counts as not selected (and is logged at debug level).
   */
  select(record: ReadableLogRecord): string | undefined {
    try {
      return selectRecord(record, this.options, this.matcher);
    } catch (error) {
      this.log.debug(`eventType mapper threw: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** The event of a record selected as `type`. Never throws. */
  map(record: ReadableLogRecord, type: string): MappedRecord {
    try {
      const event = toWebhookEvent(record, type, recordSeverity(record, type), integerIdKeys, this.options.maxQueueBytes);
      return { kind: 'event', event };
    } catch (error) {
      // Writing a value stops at the webhook's byte and node budgets: such a record is too large, not broken.
      const kind = error instanceof EventTooLargeError ? 'too-large' : 'invalid';
      return { kind, message: `event "${type}" could not be converted: ${(error as Error).message}` };
    }
  }

  /** Whether an event (recovered from the spool) is one this webhook still sends. */
  selects(event: WebhookEvent): boolean {
    const { minSeverity } = this.options;
    return this.matcher.matches(event.type) && (minSeverity <= 0 || event.severity >= minSeverity);
  }

  /** Whether the SDK may skip building records of this name and severity (see LogRecordProcessor.enabled). */
  wants(eventName: string | undefined, severityNumber: number | undefined): boolean {
    if (severityNumber !== undefined && severityNumber !== 0 && severityNumber < this.options.minSeverity) return false;
    // A name that is not a string leaves the decision to onEmit (the record may carry `event.name`).
    return typeof eventName !== 'string' || this.matcher.matches(eventName);
  }
}
