import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { offerRecord } from '../pipeline/offer-record.ts';
import type { OfferOutcome } from '../pipeline/webhook-pipeline.ts';
import type { WebhookLogRecordProcessor } from '../processor.ts';
import { type Busy, queueFull } from './room.ts';

type Stats = ReturnType<WebhookLogRecordProcessor['stats']>;

/** What became of a request's records. */
export interface EmitResult {
  /** Records handed to the webhooks (all of them, unless `busy` stopped it). */
  readonly emitted: number;
  /** Records at least one webhook took. */
  readonly selected: number;
  /** Records some webhook rejected for good (not worth a retry): invalid, too large, the webhook stopped. */
  readonly rejected: number;
  /** Why, by webhook and reason. */
  readonly rejections: readonly string[];
  /** Set when a webhook refused a record that a retry may bring: the whole request must be retried. */
  readonly busy: Busy | undefined;
}

/** Reasons a retry cannot help with, in the words of the answer. */
const FINAL: Partial<Record<OfferOutcome, string>> = {
  invalid: 'could not become events (invalid)',
  'too-large': "were larger than the webhook's max-queue-bytes (too-large)",
  gone: 'were for a stopped webhook (its endpoint answered 410 Gone)',
};

/**
 * Hands each record to every webhook, in order, as an SDK `LoggerProvider` would, and learns
 * from each what it did with it: not selected, taken, or dropped (and why). Stops at the first
 * record a webhook refused for want of room, so that as little as possible is taken twice
 * when the sender retries the request.
 */
export function emitRecords(processors: readonly WebhookLogRecordProcessor[], records: readonly ReadableLogRecord[]): EmitResult {
  // Whether each queue held anything when the request came: an empty one that overflows cannot take this request at all.
  const startPending = processors.map((processor) => processor.stats().pending);
  const rejections = new Map<string, number>();
  let selected = 0;
  let rejected = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as ReadableLogRecord;
    let taken = false;
    let refused = false;
    for (let j = 0; j < processors.length; j++) {
      const processor = processors[j] as WebhookLogRecordProcessor;
      const outcome = offerRecord(processor, record);
      if (outcome === 'skipped') continue;
      if (outcome === 'taken') {
        taken = true;
        continue;
      }
      if (outcome === 'shutdown') {
        return stop(i, selected, rejected, rejections, { status: 503, retryAfterSeconds: 5, message: 'the gateway is shutting down' });
      }
      if (outcome === 'overflow') {
        if ((startPending[j] as number) > 0) {
          const stats: Stats = processor.stats();
          return stop(i, selected, rejected, rejections, queueFull(processor, stats, 'queue or spool full'));
        }
        const key = `webhook ${JSON.stringify(processor.id)}: records did not fit its empty queue (send smaller batches, or raise max-queue-events, max-queue-bytes or spool-max-bytes)`;
        rejections.set(key, (rejections.get(key) ?? 0) + 1);
        refused = true;
        continue;
      }
      const why = FINAL[outcome];
      if (why === undefined) {
        taken = true;
        continue;
      }
      const key = `webhook ${JSON.stringify(processor.id)}: records ${why}`;
      rejections.set(key, (rejections.get(key) ?? 0) + 1);
      refused = true;
    }
    if (refused) rejected++;
    else if (taken) selected++;
  }
  return { emitted: records.length, selected, rejected, rejections: describe(rejections), busy: undefined };
}

function describe(rejections: ReadonlyMap<string, number>): string[] {
  return [...rejections].map(([key, count]) => `${key}: ${count}`);
}

function stop(emitted: number, selected: number, rejected: number, rejections: ReadonlyMap<string, number>, busy: Busy): EmitResult {
  return { emitted, selected, rejected, rejections: describe(rejections), busy };
}
