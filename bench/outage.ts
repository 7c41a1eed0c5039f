/**
 * A long outage, in its own process: after a warm-up and one full garbage collection (the
 * baseline), the receiver is down (the sink answers 503) and `events` records (the run's records
 * file, cycled) are emitted with a turn of the event loop every `yieldEvery`, at the
 * processor's default queue cap (with `spool`, a spool takes what the queue has no room for).
 * RSS is sampled at every turn; the peak over the baseline is what the outage cost in memory.
 * No collection is forced after the baseline. With a spool, the processor is then shut down and
 * a new one started on the same spool: how long its constructor takes, the longest event-loop
 * delay until the first request carrying the backlog reaches the sink, and when that is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogRecord } from '@opentelemetry/api';
import {
  cpuMicros,
  loadPackage,
  MiB,
  type PackageUnderTest,
  peakRssMiB,
  reportResult,
  scenarioParams,
  sinkTotals,
  sinkTotalsAfterFailure,
  watchLoopDelay,
  yieldToLoop,
} from './measure.ts';
import { collectGarbage, downWebhook, warmUp } from './outage-common.ts';
import { BENCH_EVENTS, BENCH_SIGNATURE_KEY, readRecordsFile } from './records.ts';
import type { OutageParams, OutageResult, RestartResult } from './types.ts';

/**
 * A processor started on the spool in `spoolDir`, for the same url (a changed one would set the
 * events aside), until the sink has its first request (30 s at most): the backlog's first batch.
 */
async function restart(pkg: PackageUnderTest, spoolDir: string): Promise<RestartResult> {
  const before = (await sinkTotals(params.sink, params.key)).failedRequests;
  const delay = watchLoopDelay();
  const start = performance.now();
  const processor = new pkg.WebhookLogRecordProcessor({
    id: 'outage',
    url: `${params.sink}/down/${params.key}`,
    events: BENCH_EVENTS,
    signatureKey: BENCH_SIGNATURE_KEY,
    spoolDir,
    spoolMaxBytes: 1024 * 1024 * 1024,
  });
  const constructed = performance.now();
  // One request the sink answers when the backlog's first request reaches it: asking it every few
  // ms instead put this process's own `fetch` work into the delays measured.
  await sinkTotalsAfterFailure(params.sink, params.key, before);
  const firstRequestMillis = performance.now() - constructed;
  const { maxMillis } = delay.stop();
  await processor.shutdown();
  return { constructorMillis: constructed - start, firstRequestMillis, loopDelayMaxMillis: maxMillis };
}

const params = scenarioParams<OutageParams>();
const pkg = await loadPackage(params.entry);
const pool = readRecordsFile(params.records);
await warmUp(pkg, params, pool.slice(0, 10_000));

const spoolDir = params.spool === true ? mkdtempSync(join(tmpdir(), 'otel-webhook-bench-outage-')) : undefined;
const { processor, logger } = downWebhook(pkg, params, spoolDir);
collectGarbage();
const baseline = process.memoryUsage.rss();
let peak = baseline;
const wallStart = performance.now();
const cpuStart = cpuMicros();
for (let i = 0; i < params.events; ) {
  const end = Math.min(params.events, i + params.yieldEvery);
  for (; i < end; i++) logger.emit(pool[i % pool.length] as LogRecord);
  await yieldToLoop();
  peak = Math.max(peak, process.memoryUsage.rss());
}
const cpu = cpuMicros() - cpuStart;
const wallMillis = performance.now() - wallStart;
peak = Math.max(peak, process.memoryUsage.rss());
const stats = processor.stats();
const { maxQueueEvents, maxQueueBytes } = processor.options;

let result: OutageResult = {
  events: params.events,
  pool: pool.length,
  maxQueueEvents,
  maxQueueBytes,
  rssBaselineMiB: baseline / MiB,
  sampledPeakRssMiB: peak / MiB,
  maxRssMiB: peakRssMiB(),
  pending: stats.pending,
  pendingBytes: stats.pendingBytes,
  dropped: stats.dropped,
  failedRequests: stats.failedRequests,
  wallMillis,
  cpuMillis: cpu / 1000,
  ...(stats.spool === undefined ? {} : { spoolBytes: stats.spool.bytes }),
};
if (spoolDir !== undefined) {
  await processor.shutdown();
  result = { ...result, restart: await restart(pkg, spoolDir) };
  rmSync(spoolDir, { recursive: true, force: true });
}
reportResult(result);
// The receiver never comes back: leave without waiting for the shutdown flush.
process.exit(0);
