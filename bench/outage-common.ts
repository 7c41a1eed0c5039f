/** What the two outage scenarios share: a warmed-up process and a webhook whose receiver answers 503. */
import type { Logger, LogRecord } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { PackageUnderTest } from './measure.ts';
import { yieldToLoop } from './measure.ts';
import { BENCH_EVENTS, BENCH_SIGNATURE_KEY } from './records.ts';
import type { CommonParams } from './types.ts';

/**
 * Runs `records` through a webhook to a healthy sink and shuts it down, so the code that the
 * outage then runs is compiled and its one-time allocations are made before memory is measured.
 */
export async function warmUp(pkg: PackageUnderTest, params: CommonParams, records: readonly LogRecord[]): Promise<void> {
  const processor = new pkg.WebhookLogRecordProcessor({
    id: 'warm-up',
    url: `${params.sink}/ok/${params.key}-warm-up`,
    events: BENCH_EVENTS,
    signatureKey: BENCH_SIGNATURE_KEY,
    throttleMillis: 10,
  });
  const provider = new LoggerProvider({ processors: [processor] });
  const logger = provider.getLogger('bench');
  for (let i = 0; i < records.length; i++) {
    logger.emit(records[i] as LogRecord);
    if ((i + 1) % 1_000 === 0) await yieldToLoop();
  }
  await provider.shutdown();
}

/**
 * A webhook at its default options whose receiver answers every request with 503; with
 * `spoolDir`, a spool there of 1 GiB (and a shutdown that leaves the spool at once).
 */
export function downWebhook(
  pkg: PackageUnderTest,
  params: CommonParams,
  spoolDir?: string,
): { processor: InstanceType<PackageUnderTest['WebhookLogRecordProcessor']>; logger: Logger } {
  const processor = new pkg.WebhookLogRecordProcessor({
    id: 'outage',
    url: `${params.sink}/down/${params.key}`,
    events: BENCH_EVENTS,
    signatureKey: BENCH_SIGNATURE_KEY,
    // With a spool, shutdown leaves what it holds there at once: the receiver never comes back.
    ...(spoolDir === undefined ? {} : { spoolDir, spoolMaxBytes: 1024 * 1024 * 1024, shutdownTimeoutMillis: 100 }),
  });
  const provider = new LoggerProvider({ processors: [processor] });
  return { processor, logger: provider.getLogger('bench') };
}

/** Full garbage collections (the process runs with `--expose-gc`). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  gc();
}
