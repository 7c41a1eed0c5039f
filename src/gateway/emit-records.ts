import type { ReadableLogRecord, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { WebhookLogRecordProcessor } from '../processor.ts';
import { type Busy, queueFull } from './room.ts';

type Stats = ReturnType<WebhookLogRecordProcessor['stats']>;
type Drops = Stats['dropped'];
type Reason = keyof Drops;

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
const FINAL: Partial<Record<Reason, string>> = {
  invalid: 'could not become events (invalid)',
  'too-large': "were larger than the webhook's max-queue-bytes (too-large)",
  gone: 'were for a stopped webhook (its endpoint answered 410 Gone)',
};

function total(drops: Drops): number {
  let sum = 0;
  for (const reason in drops) sum += drops[reason as Reason];
  return sum;
}

/** The reasons whose counts grew between two snapshots. */
function grown(before: Drops, after: Drops): Reason[] {
  const out: Reason[] = [];
  for (const reason in after) if (after[reason as Reason] > before[reason as Reason]) out.push(reason as Reason);
  return out;
}

/**
 * Hands each record to every webhook, in order, as an SDK `LoggerProvider` would, and reads
 * each webhook's counters after each record to learn what it did with it: not selected, taken,
 * or dropped (and why). Stops at the first record a webhook refused for want of room, so that
 * as little as possible is taken twice when the sender retries the request.
 */
export function emitRecords(processors: readonly WebhookLogRecordProcessor[], records: readonly ReadableLogRecord[]): EmitResult {
  const start = processors.map((processor) => processor.stats());
  const accepted = start.map((stats) => stats.accepted);
  const drops = start.map((stats) => stats.dropped);
  const dropTotals = drops.map(total);
  const rejections = new Map<string, number>();
  let selected = 0;
  let rejected = 0;
  for (let i = 0; i < records.length; i++) {
    // Processors only read the record; the SDK's setters are never called.
    const record = records[i] as ReadWriteLogRecord;
    let taken = false;
    let refused = false;
    for (let j = 0; j < processors.length; j++) {
      const processor = processors[j] as WebhookLogRecordProcessor;
      processor.onEmit(record);
      const stats = processor.stats();
      if (stats.accepted === accepted[j]) continue;
      accepted[j] = stats.accepted;
      const dropTotal = total(stats.dropped);
      if (dropTotal === dropTotals[j]) {
        taken = true;
        continue;
      }
      const reasons = grown(drops[j] as Drops, stats.dropped);
      drops[j] = stats.dropped;
      dropTotals[j] = dropTotal;
      const lossy = processor.options.lossy;
      let dropped = false;
      for (const reason of reasons) {
        if (reason === 'shutdown') {
          return stop(i, selected, rejected, rejections, { status: 503, retryAfterSeconds: 5, message: 'the gateway is shutting down' });
        }
        if (reason === 'overflow' && !lossy) {
          // A queue that was empty at the start holds less than this one request: no retry helps.
          if ((start[j] as Stats).pending > 0)
            return stop(i, selected, rejected, rejections, queueFull(processor, stats, 'queue or spool full'));
          const key = `webhook ${JSON.stringify(processor.id)}: records did not fit its empty queue (send smaller batches, or raise max-queue-events, max-queue-bytes or spool-max-bytes)`;
          rejections.set(key, (rejections.get(key) ?? 0) + 1);
          dropped = true;
          continue;
        }
        const why = FINAL[reason];
        if (why === undefined) continue;
        const key = `webhook ${JSON.stringify(processor.id)}: records ${why}`;
        rejections.set(key, (rejections.get(key) ?? 0) + 1);
        dropped = true;
      }
      if (dropped) refused = true;
      else taken = true;
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
