/**
 * One pipeline, one shape, in its own process: the records are made first (not measured), a
 * warm-up of other records goes through the pipeline and is delivered, then the measured
 * records go through it and the measurement ends when the pipeline's `forceFlush()` has
 * resolved, i.e. when the sink has answered for every event. The warm-up's first round is
 * emitted in `warmupBursts` parts, each delivered before the next (see Plan.warmupBursts).
 *
 * - burst: every record emitted in one synchronous loop, as fast as possible, while the
 *   throttle (the default 1 s) holds them; then `forceFlush()`.
 * - steady: the application yields (`setImmediate`) every `yieldEvery` emits, under a 10 ms
 *   throttle; then `forceFlush()`.
 *
 * Reported: process CPU (user + system, every thread) and wall time of the measured part, RSS
 * at its start and the process's peak, event-loop delay, and what the sink counted.
 */
import type { LogRecord } from '@opentelemetry/api';
import { startProfile } from './cpu-profile.ts';
import {
  cpuMicros,
  loadPackage,
  MiB,
  peakRssMiB,
  reportResult,
  scenarioParams,
  sinkTotals,
  watchLoopDelay,
  yieldToLoop,
} from './measure.ts';
import { buildPipeline } from './pipelines.ts';
import { rawPoster, signedBodies } from './raw-post.ts';
import { readRecordsFile, recordsInFile } from './records.ts';
import type { PipelineParams, PipelineResult } from './types.ts';

/** Events per raw body: the processor's default `max-batch-events`. */
const RAW_BODY_EVENTS = 1_000;

const params = scenarioParams<PipelineParams>();
const pkg = await loadPackage(params.entry);
const all = readRecordsFile(params.records);
if (all.length < recordsInFile(params)) throw new Error('records file too short');
// The file holds the first warm-up round, the measured records, then the further rounds (see recordsInFile).
const warmupRecords = all.slice(0, params.warmup);
const burstSize = Math.ceil(warmupRecords.length / Math.max(1, params.warmupBursts));
const warmupParts: LogRecord[][] = [];
for (let at = 0; at < warmupRecords.length; at += burstSize) warmupParts.push(warmupRecords.slice(at, at + burstSize));
const records = all.slice(params.warmup, params.warmup + params.events);
const laterRounds: LogRecord[][] = [];
for (let round = 1, at = params.warmup + params.events; round < params.warmupRounds; round++, at += params.warmup) {
  laterRounds.push(all.slice(at, at + params.warmup));
}
all.length = 0;

/** Runs `batch` through the pipeline; `emitted` is called once every record has been emitted. */
let run: (batch: readonly LogRecord[], emitted?: () => void) => Promise<void>;
let close: () => Promise<void>;
let dropped = (): number => 0;

if (params.spec.kind === 'raw') {
  const poster = rawPoster(`${params.sink}/ok/${params.key}`);
  const prepared = new Map<readonly LogRecord[], ReturnType<typeof signedBodies>>(
    [...warmupParts, records, ...laterRounds].map((batch) => [batch, signedBodies(pkg, batch, RAW_BODY_EVENTS)]),
  );
  run = (batch, emitted) => {
    emitted?.();
    const bodies = prepared.get(batch) ?? [];
    prepared.delete(batch);
    return poster.post(bodies);
  };
  close = () => poster.close();
} else {
  const pipeline = await buildPipeline(pkg, params);
  const { logger } = pipeline;
  const every = params.yieldEvery;
  run =
    params.shape === 'burst'
      ? async (batch, emitted) => {
          for (let i = 0; i < batch.length; i++) logger.emit(batch[i] as LogRecord);
          emitted?.();
          await pipeline.flush();
        }
      : async (batch, emitted) => {
          for (let i = 0; i < batch.length; i++) {
            logger.emit(batch[i] as LogRecord);
            if ((i + 1) % every === 0) await yieldToLoop();
          }
          emitted?.();
          await pipeline.flush();
        };
  close = () => pipeline.close();
  dropped = () => pipeline.dropped();
}

// The warm-up's first round is measured too: what the first records after start cost (the JIT
// compiling the hot functions among them), reported beside the measured part. It is emitted in
// bursts, each delivered before the next: the first delivery changes state that the code
// compiled for the emit path relied on, and V8 compiles that code again once; after a single
// burst this happened in the measured part. The next rounds (other records: an application
// emits new objects) let V8 finish compiling, as it has in a process that has run a while.
// Each round's records are let go once it is done: the process then holds only the measured ones.
const warmupEvents = warmupRecords.length;
const warmupCpuStart = cpuMicros();
for (const part of warmupParts) await run(part);
warmupParts.length = 0;
const warmupCpu = cpuMicros() - warmupCpuStart;
warmupRecords.length = 0;
const warmedUp = await sinkTotals(params.sink, params.key);
for (const round of laterRounds) {
  await run(round);
  round.length = 0;
}
const before = await sinkTotals(params.sink, params.key);
const droppedBefore = dropped();

const rssStartMiB = process.memoryUsage.rss() / MiB;
// Steady: the whole run, the application's own chunks of emits included. Burst: from the end of
// the emit loop (one block of the application's own making) until everything is delivered.
let loopDelay = params.shape === 'steady' ? watchLoopDelay() : undefined;
const profile = params.profile === undefined ? undefined : await startProfile(params.profile);
const wallStart = performance.now();
const cpuStart = cpuMicros();
await run(records, () => {
  loopDelay ??= watchLoopDelay();
});
const cpu = cpuMicros() - cpuStart;
const wallMillis = performance.now() - wallStart;
const delay = (loopDelay as ReturnType<typeof watchLoopDelay>).stop();
const peak = peakRssMiB();
await profile?.stop();

const after = await sinkTotals(params.sink, params.key);
const droppedDuring = dropped() - droppedBefore;
await close();

const result: PipelineResult = {
  spec: params.spec,
  shape: params.shape,
  events: records.length,
  cpuMicros: cpu,
  warmupEvents,
  warmupCpuMicros: warmupCpu,
  warmupReceived: warmedUp.events,
  wallMillis,
  rssStartMiB,
  peakRssMiB: peak,
  loopDelayP99Millis: delay.p99Millis,
  loopDelayMaxMillis: delay.maxMillis,
  received: after.events - before.events,
  receivedBytes: after.bytes - before.bytes,
  requests: after.requests - before.requests,
  dropped: droppedDuring,
};
reportResult(result);
