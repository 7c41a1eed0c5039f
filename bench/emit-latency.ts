/**
 * Emit latency, in its own process: nanoseconds of one `logger.emit`, each emit timed on its
 * own, through
 *   - a provider with only a no-op processor (the SDK's own cost), and
 *   - a provider with the installed package's webhook processor, then the same no-op processor
 *     (the webhook first, so the SDK also asks its `enabled()` on every emit),
 *   - for filtered-out records also a provider with two no-op processors: what a second
 *     processor of any kind costs the SDK, against which ours is then compared too; and one
 *     with the webhook registered after the no-op processor (the SDK then stops asking
 *     `enabled()` at the no-op one, which has none),
 * for records the webhook selects and records it filters out: six series, each over a pool of
 * varied records cycled. After a warm-up of every series, the series are timed in interleaved
 * rounds (the order rotating each round), with a turn of the event loop after each round's
 * series, so the webhook delivers (10 ms throttle) between them, outside the timed emits; the
 * garbage collection that delivery causes lands where it lands, as in an application.
 */
import type { LogRecord } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { cpuMicros, loadPackage, reportResult, scenarioParams, yieldToLoop } from './measure.ts';
import { NoopProcessor } from './pipelines.ts';
import { BENCH_EVENTS, BENCH_SIGNATURE_KEY, filteredRecords, selectedRecords } from './records.ts';
import type { EmitLatencyParams, EmitLatencyResult, LatencySummary } from './types.ts';

const params = scenarioParams<EmitLatencyParams>();
const pkg = await loadPackage(params.entry);

const webhook = new pkg.WebhookLogRecordProcessor({
  id: 'latency',
  url: `${params.sink}/ok/${params.key}`,
  events: BENCH_EVENTS,
  signatureKey: BENCH_SIGNATURE_KEY,
  throttleMillis: params.throttleMillis,
});
const noopProvider = new LoggerProvider({ processors: [new NoopProcessor()] });
const webhookProvider = new LoggerProvider({ processors: [webhook, new NoopProcessor()] });
const twoNoopProvider = new LoggerProvider({ processors: [new NoopProcessor(), new NoopProcessor()] });
const webhookAfter = new pkg.WebhookLogRecordProcessor({
  id: 'latency-after',
  url: `${params.sink}/ok/${params.key}-after`,
  events: BENCH_EVENTS,
  signatureKey: BENCH_SIGNATURE_KEY,
  throttleMillis: params.throttleMillis,
});
const afterProvider = new LoggerProvider({ processors: [new NoopProcessor(), webhookAfter] });
const noopLogger = noopProvider.getLogger('bench');
const webhookLogger = webhookProvider.getLogger('bench');

const selected = selectedRecords(params.pool, params.seed + 1);
const filtered = filteredRecords(params.pool, params.seed + 2);

interface Series {
  readonly name: 'noopSelected' | 'webhookSelected' | 'noopFiltered' | 'webhookFiltered' | 'twoNoopFiltered' | 'webhookAfterFiltered';
  readonly emit: (record: LogRecord) => void;
  readonly pool: readonly LogRecord[];
  next: number;
  readonly times: Float64Array;
  filled: number;
  /** Process CPU of the timed rounds, their end-of-turn work included, µs. */
  cpu: number;
}

const timed = params.rounds * params.perRound;
const newSeries = (name: Series['name'], logger: typeof noopLogger, pool: readonly LogRecord[]): Series => ({
  name,
  emit: (record) => logger.emit(record),
  pool,
  next: 0,
  times: new Float64Array(timed),
  filled: 0,
  cpu: 0,
});
const series: Series[] = [
  newSeries('noopSelected', noopLogger, selected),
  newSeries('webhookSelected', webhookLogger, selected),
  newSeries('noopFiltered', noopLogger, filtered),
  newSeries('webhookFiltered', webhookLogger, filtered),
  newSeries('twoNoopFiltered', twoNoopProvider.getLogger('bench'), filtered),
  newSeries('webhookAfterFiltered', afterProvider.getLogger('bench'), filtered),
];

/** Emits `count` records of the series; with `record`, stores each emit's ns. */
function runSeries(s: Series, count: number, record: boolean): void {
  const { emit, pool, times } = s;
  let next = s.next;
  for (let i = 0; i < count; i++) {
    const item = pool[next] as LogRecord;
    next = next + 1 === pool.length ? 0 : next + 1;
    const start = performance.now();
    emit(item);
    const end = performance.now();
    if (record) times[s.filled++] = (end - start) * 1e6;
  }
  s.next = next;
}

for (let done = 0; done < params.warmup; done += params.perRound) {
  for (const s of series) {
    runSeries(s, params.perRound, false);
    await yieldToLoop();
  }
}
for (let round = 0; round < params.rounds; round++) {
  for (let k = 0; k < series.length; k++) {
    const s = series[(round + k) % series.length] as Series;
    const start = cpuMicros();
    runSeries(s, params.perRound, true);
    // The microtasks the emits queued (the webhook's end-of-turn writing) run before this one.
    await Promise.resolve();
    s.cpu += cpuMicros() - start;
    await yieldToLoop();
  }
}

function summarize(s: Series): LatencySummary {
  const times = s.times;
  const sorted = times.slice().sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] as number;
  let sum = 0;
  for (const t of sorted) sum += t;
  return { median: at(0.5), p99: at(0.99), mean: sum / sorted.length, cpuPerEmit: (s.cpu * 1000) / Math.max(1, s.filled) };
}

await webhookProvider.forceFlush();
const stats = webhook.stats();
await Promise.all([noopProvider.shutdown(), webhookProvider.shutdown(), twoNoopProvider.shutdown(), afterProvider.shutdown()]);

const by = Object.fromEntries(series.map((s) => [s.name, summarize(s)])) as Record<Series['name'], LatencySummary>;
const result: EmitLatencyResult = {
  timedPerSeries: timed,
  ...by,
  delivered: stats.delivered,
  dropped: Object.values(stats.dropped).reduce((a, b) => a + b, 0),
};
reportResult(result);
