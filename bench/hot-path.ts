/**
 * Hot-path scenario: nanoseconds per `logger.emit` of the benchmark record through a real
 * `LoggerProvider` whose processors are
 *   (a) one no-op processor,
 *   (b) a webhook processor whose `events` do not select the record, then the no-op one,
 *   (c) a webhook processor that selects the record, then the no-op one.
 * The webhook processor comes first so the SDK also asks its `enabled()` on every emit (the
 * costlier order). The three providers are timed in interleaved samples of `perSample` emits,
 * after a warm-up; the event loop runs between samples, so (c)'s queue is delivered to the
 * receiver (throttle 10 ms) outside the timed code instead of piling up.
 */
import type { Logger } from '@opentelemetry/api';
import { LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { WebhookLogRecordProcessor } from '../src/processor.ts';
import { reportResult, scenarioParams, yieldToLoop } from './measure.ts';
import { BENCH_SIGNATURE_KEY, benchRecord } from './record.ts';
import type { HotPathParams, HotPathResult, PerConfig } from './types.ts';

/** A processor that does nothing: the floor every configuration is compared with. */
class NoopProcessor implements LogRecordProcessor {
  onEmit(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const params = scenarioParams<HotPathParams>();
const record = benchRecord();

function webhook(id: string, events: string[]): WebhookLogRecordProcessor {
  return new WebhookLogRecordProcessor({
    id,
    url: `${params.url}/webhook/${id}`,
    events,
    throttleMillis: 10,
    signatureKey: BENCH_SIGNATURE_KEY,
  });
}

const filtered = webhook('filtered', ['delivery.*']);
const matched = webhook('matched', ['auth.*']);
const configs = {
  noop: new LoggerProvider({ processors: [new NoopProcessor()] }),
  filtered: new LoggerProvider({ processors: [filtered, new NoopProcessor()] }),
  matched: new LoggerProvider({ processors: [matched, new NoopProcessor()] }),
} as const;
type Config = keyof typeof configs;
const names = Object.keys(configs) as Config[];
const loggers = Object.fromEntries(names.map((name) => [name, configs[name].getLogger('bench')])) as Record<Config, Logger>;

function timeEmits(logger: Logger, count: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) logger.emit(record);
  return Number(process.hrtime.bigint() - start) / count;
}

/** The value below which a fraction `q` of `values` lie (nearest rank). */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] as number;
}

for (const name of names) {
  for (let done = 0; done < params.warmup; done += params.perSample) {
    timeEmits(loggers[name], params.perSample);
    await yieldToLoop();
  }
}

const samples: Record<Config, number[]> = { noop: [], filtered: [], matched: [] };
for (let round = 0; round < params.samples; round++) {
  // Rotate the order each round so no configuration always runs right after another.
  for (let k = 0; k < names.length; k++) {
    const name = names[(round + k) % names.length] as Config;
    samples[name].push(timeEmits(loggers[name], params.perSample));
    await yieldToLoop();
  }
}

function perConfig(summary: (values: readonly number[]) => number): PerConfig {
  return { noop: summary(samples.noop), filtered: summary(samples.filtered), matched: summary(samples.matched) };
}

await Promise.all(names.map((name) => configs[name].forceFlush()));
const matchedStats = matched.stats();
await Promise.all(names.map((name) => configs[name].shutdown()));

const result: HotPathResult = {
  emitsPerConfig: params.samples * params.perSample,
  perSample: params.perSample,
  medianNanos: perConfig((values) => quantile(values, 0.5)),
  p90Nanos: perConfig((values) => quantile(values, 0.9)),
  matchedDelivered: matchedStats.delivered,
  matchedDropped: Object.values(matchedStats.dropped).reduce((a, b) => a + b, 0),
};
reportResult(result);
