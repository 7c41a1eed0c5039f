import type { DiagLogger } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResolvedWebhookOptions } from '../config/options.ts';
import { integerIdKeys } from '../records/catalog.ts';
import { EventTooLargeError, type WebhookEvent, writeEvent } from '../records/event.ts';
import type { ByteSink } from '../records/event-sink.ts';
import type { EventMatcher } from '../records/match.ts';
import { selectRecord } from '../records/select.ts';

/** Why a selected record could not be made into an event (it is dropped as `invalid` or `too-large`). */
export interface MappingFailure {
  readonly kind: 'invalid' | 'too-large';
  readonly message: string;
}

/**
 * Selection and mapping of one webhook, in two steps so that a record is only made into an
 * event once the engine would take it: {@link select} (its event type, or undefined for
 * records this webhook does not send) and {@link write}.
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

  /**
   * Writes the event of a record selected as `type` into `sink` (see records/event.ts), its id
   * made at `now` (epoch ms); returns why it could not be written, or undefined. Never throws.
   */
  write(record: ReadableLogRecord, type: string, sink: ByteSink, now: number): MappingFailure | undefined {
    try {
      writeEvent(sink, record, type, integerIdKeys, now);
      return undefined;
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
