/**
 * One pipeline, one shape, in its own process: the records are made first (not measured), a
 * warm-up of other records goes through the pipeline and is delivered, then the measured
 * records go through it and the measurement ends when the pipeline's `forceFlush()` has
 * resolved, i.e. when the sink has answered for every event.
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
import { readRecordsFile } from './records.ts';
import type { PipelineParams, PipelineResult } from './types.ts';

/** Events per raw body: the processor's default `max-batch-events`. */
const RAW_BODY_EVENTS = 1_000;

const params = scenarioParams<PipelineParams>();
const pkg = await loadPackage(params.entry);
const all = readRecordsFile(params.records);
if (all.length < params.warmup + params.events) throw new Error('records file too short');
const warmupRecords = all.slice(0, params.warmup);
const records = all.slice(params.warmup, params.warmup + params.events);
all.length = 0;

/** Runs `batch` through the pipeline; `emitted` is called once every record has been emitted. */
let run: (batch: readonly LogRecord[], emitted?: () => void) => Promise<void>;
let close: () => Promise<void>;
let dropped = (): number => 0;

if (params.spec.kind === 'raw') {
  const poster = rawPoster(`${params.sink}/ok/${params.key}`);
  const prepared = new Map<readonly LogRecord[], ReturnType<typeof signedBodies>>([
    [warmupRecords, signedBodies(pkg, warmupRecords, RAW_BODY_EVENTS)],
    [records, signedBodies(pkg, records, RAW_BODY_EVENTS)],
  ]);
  run = (batch, emitted) => {
    emitted?.();
    return poster.post(prepared.get(batch) ?? []);
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
// compiling the hot functions among them), reported beside the measured part. The next rounds
// (the same records again) let V8 finish compiling, as it has in a process that has run a while.
const warmupCpuStart = cpuMicros();
if (warmupRecords.length > 0) await run(warmupRecords);
const warmupCpu = cpuMicros() - warmupCpuStart;
const warmedUp = await sinkTotals(params.sink, params.key);
for (let round = 1; round < params.warmupRounds && warmupRecords.length > 0; round++) await run(warmupRecords);
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
  warmupEvents: warmupRecords.length,
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
