/**
 * Memory per held event, in its own process (`--expose-gc`): after a warm-up, the receiver is
 * down (the sink answers 503) and `events` records are emitted, in steps of `yieldEvery` with a
 * turn of the event loop between them, so the processor holds them all (the queue cap is not
 * reached). RSS, heap and external memory are read after full garbage collections once a fifth
 * of the records are held and again once all are: the growth between the two, divided by the
 * events added in between, is what one more held event costs (what the process needs anyway
 * while records are being emitted, such as the young generation, is in both readings).
 */
import type { LogRecord } from '@opentelemetry/api';
import { loadPackage, reportResult, scenarioParams, yieldToLoop } from './measure.ts';
import { collectGarbage, downWebhook, warmUp } from './outage-common.ts';
import { readRecordsFile } from './records.ts';
import type { HeldParams, HeldResult } from './types.ts';

/** Warm-up records at most: enough to compile the code, few enough to leave little garbage. */
const WARMUP_MAX = 10_000;

const params = scenarioParams<HeldParams>();
const pkg = await loadPackage(params.entry);
// The same records as the measured part of the pipeline runs. All of them stay referenced to
// the end, so that no memory they free is reused by the held events.
const all = readRecordsFile(params.records);
const records = all.slice(params.warmup, params.warmup + params.events);
await warmUp(pkg, params, all.slice(0, Math.min(params.warmup, WARMUP_MAX)));

const { processor, logger } = downWebhook(pkg, params);
const first = Math.floor(records.length / 5);

async function emit(from: number, to: number): Promise<NodeJS.MemoryUsage> {
  for (let i = from; i < to; i++) {
    logger.emit(records[i] as LogRecord);
    if ((i + 1) % params.yieldEvery === 0) await yieldToLoop();
  }
  await yieldToLoop();
  collectGarbage();
  return process.memoryUsage();
}

const before = await emit(0, first);
const heldBefore = processor.stats().pending;
const after = await emit(first, records.length);
const stats = processor.stats();

const result: HeldResult = {
  events: records.length,
  pending: stats.pending,
  pendingBytes: stats.pendingBytes,
  measuredEvents: stats.pending - heldBefore,
  rssGrowth: after.rss - before.rss,
  heapGrowth: after.heapUsed - before.heapUsed,
  externalGrowth: after.external - before.external,
  records: all.length,
};
reportResult(result);
// The receiver never comes back: leave without waiting for the shutdown flush.
process.exit(0);
