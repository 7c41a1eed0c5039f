/** Turns scenario results into the Markdown tables printed by the runner and kept in BENCHMARKS.md. */
import type { Machine } from './machine.ts';
import { OUTAGE_QUEUE_CAP, type Plan } from './plan.ts';
import type { HotPathResult, OutageResult, StepsResult, ThroughputResult } from './types.ts';

/** One throughput configuration: the median of its repeated runs. */
export interface ThroughputRow {
  readonly label: string;
  readonly runs: number;
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly cpuMillis: number;
  readonly cpuMicrosPerEvent: number;
  readonly peakRssMiB: number;
  readonly bytesPerEvent: number;
  readonly requests: number;
  /** Events the receiver counted, in the median run; must equal `events`. */
  readonly received: number;
  readonly dropped: number;
  /** False for the SDK alone, which sends nothing. */
  readonly sends: boolean;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Events a run got through: what the receiver counted, or all of them for the SDK alone. */
function passed(run: ThroughputResult): number {
  return run.pipeline === 'sdk' ? run.events : run.received;
}

export function summarize(label: string, runs: readonly ThroughputResult[]): ThroughputRow {
  const m = (pick: (run: ThroughputResult) => number): number => median(runs.map(pick));
  const events = runs[0]?.events ?? 0;
  return {
    label,
    runs: runs.length,
    events,
    eventsPerSecond: m((run) => (passed(run) / run.wallMillis) * 1000),
    sends: runs[0]?.pipeline !== 'sdk',
    cpuMillis: m((run) => run.cpuMillis),
    cpuMicrosPerEvent: m((run) => (run.cpuMillis * 1000) / run.events),
    peakRssMiB: m((run) => run.peakRssMiB),
    bytesPerEvent: m((run) => run.receivedBytes / Math.max(1, run.received)),
    requests: m((run) => run.receivedRequests),
    received: Math.min(...runs.map(passed)),
    dropped: Math.max(...runs.map((run) => run.dropped ?? 0)),
  };
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits = 1): string => n.toFixed(digits);
const ratio = (n: number): string => `${n.toFixed(2)}×`;

/** A Markdown table, padded so it also reads well in a terminal. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export function machineSection(machine: Machine, plan: Plan): string {
  const packages = Object.entries(machine.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return [
    `- Date: ${machine.date} (${plan.name} run)`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}`,
    `- Node ${machine.node}; ${packages}`,
  ].join('\n');
}

export function hotPathSection(r: HotPathResult): string {
  const { noop, filtered, matched } = r.medianNanos;
  const added = (value: number): string => `+${int(value - noop)} ns (+${fixed(((value - noop) / noop) * 100)}%)`;
  return table(
    ['Processors on the LoggerProvider', 'median ns/emit', 'p90 ns/emit', 'added over (a)'],
    [
      ['(a) no-op processor only', int(noop), int(r.p90Nanos.noop), '—'],
      ['(b) webhook (record filtered out) + no-op', int(filtered), int(r.p90Nanos.filtered), added(filtered)],
      ['(c) webhook (record matched) + no-op', int(matched), int(r.p90Nanos.matched), added(matched)],
    ],
  );
}

export function stepsSection(r: StepsResult): string {
  return table(
    ['Step (one record or event, on its own)', 'CPU ns/event'],
    [
      ['`selectRecord`, record not selected', fixed(r.selectFiltered)],
      ['`selectRecord`, record selected', fixed(r.selectMatched)],
      ['`toWebhookEvent` (record → event JSON)', int(r.toEvent)],
      [`\`encodeBatch\` (${int(r.batch)} fresh events → ${fixed(r.bodyBytes / 1024 / 1024, 2)} MiB body)`, int(r.encode)],
      ['`sign` (HMAC-SHA256 of that body)', int(r.sign)],
    ],
  );
}

export function throughputSection(rows: readonly ThroughputRow[], ours: ThroughputRow): string {
  const body = table(
    ['Pipeline', 'events/s', 'vs webhook', 'CPU ms', 'CPU µs/event', 'peak RSS MiB', 'bytes/event', 'requests', 'received'],
    rows.map((row) => [
      row.label,
      int(row.eventsPerSecond),
      row === ours ? '—' : ratio(ours.eventsPerSecond / row.eventsPerSecond),
      int(row.cpuMillis),
      fixed(row.cpuMicrosPerEvent, 2),
      int(row.peakRssMiB),
      row.sends ? int(row.bytesPerEvent) : '—',
      row.sends ? int(row.requests) : '—',
      row.sends ? `${int(row.received)}${row.received === row.events ? '' : ` of ${int(row.events)}`}` : '—',
    ]),
  );
  return `${body}\n\n"vs webhook" is the webhook processor's events/s divided by that row's.`;
}

export function outageSection(r: OutageResult): string {
  const dropped = Object.values(r.dropped).reduce((a, b) => a + b, 0);
  const expected = Math.max(0, r.events - r.maxQueueEvents);
  return table(
    [
      'Emitted',
      'queue cap',
      'held at the end',
      'held bytes',
      'dropped (overflow)',
      'expected drops',
      'emit time s',
      'CPU s',
      'peak RSS MiB',
      'heap used MiB',
    ],
    [
      [
        int(r.events),
        `${int(r.maxQueueEvents)} events / ${int(r.maxQueueBytes / 1024 / 1024)} MiB`,
        int(r.pending),
        `${fixed(r.pendingBytes / 1024 / 1024)} MiB`,
        `${int(dropped)} (${int(r.dropped['overflow'] ?? 0)})`,
        int(expected),
        fixed(r.wallMillis / 1000, 2),
        fixed(r.cpuMillis / 1000, 2),
        int(r.peakRssMiB),
        int(r.heapUsedMiB),
      ],
    ],
  );
}

export function growthSection(runs: readonly ThroughputResult[]): string {
  return table(
    ['Events', 'webhooks', 'events/s (per webhook)', 'deliveries/s', 'CPU µs/event', 'peak RSS MiB', 'requests', 'received', 'dropped'],
    runs.map((run) => {
      const seconds = run.wallMillis / 1000;
      return [
        int(run.events),
        String(run.webhooks),
        int(run.events / seconds),
        int(run.received / seconds),
        fixed((run.cpuMillis * 1000) / run.events, 2),
        int(run.peakRssMiB),
        int(run.receivedRequests),
        int(run.received),
        int(run.dropped ?? 0),
      ];
    }),
  );
}

/** The project's performance targets against what was measured. */
export function targetsSection(
  hot: HotPathResult,
  ours: ThroughputRow,
  otlp: readonly ThroughputRow[],
  raw: ThroughputRow,
  sdk?: ThroughputRow,
): string {
  const { noop, filtered, matched } = hot.medianNanos;
  const filteredShare = (filtered - noop) / noop;
  const rows: [string, string, boolean][] = [
    ...otlp.map((row): [string, string, boolean] => [
      `Throughput ≥ 2× OTLP/HTTP JSON (${row.label})`,
      ratio(ours.eventsPerSecond / row.eventsPerSecond),
      ours.eventsPerSecond >= 2 * row.eventsPerSecond,
    ]),
    [
      'Throughput ≥ ½ the raw POST limit',
      ratio(ours.eventsPerSecond / raw.eventsPerSecond),
      ours.eventsPerSecond >= 0.5 * raw.eventsPerSecond,
    ],
    ['Filtered-out record adds < 5% to `logger.emit`', `+${fixed(filteredShare * 100)}%`, filteredShare < 0.05],
    ['Matched record adds < 1 µs (median)', `+${int(matched - noop)} ns`, matched - noop < 1000],
  ];
  const targets = table(
    ['Target', 'Measured', 'Met'],
    rows.map(([what, value, met]) => [what, value, met ? 'yes' : '**no**']),
  );
  if (sdk === undefined) return targets;
  return `${targets}

For scale: the SDK alone (a no-op processor) emits ${int(sdk.eventsPerSecond)} records/s here, so any processor
runs at most that fast; half the raw limit is ${int(raw.eventsPerSecond / 2)} events/s (${ratio(raw.eventsPerSecond / 2 / sdk.eventsPerSecond)} the SDK alone).`;
}

export function methodSection(plan: Plan): string {
  const t = plan.throughput;
  return `Every scenario runs in its own Node process (so peak RSS, from \`process.resourceUsage().maxRSS\`,
belongs to that scenario alone; CPU time is \`process.cpuUsage()\` user + system over the measured
part). The receiver is a separate process: a minimal \`node:http\` server on 127.0.0.1 that reads
every body, counts events by scanning for one marker per event, and answers 200 \`{}\`; the runner
checks its counts against what each pipeline says it sent. Every record is the same Stalwart
\`auth.success\` record with seven attributes (\`bench/record.ts\`), emitted through a real
\`LoggerProvider\` in chunks of ${int(plan.chunk)} records with one turn of the event loop between chunks,
as an application's own work would interleave with the pipeline's I/O.

1. **Hot path.** Three providers — (a) a no-op processor; (b) a webhook processor whose \`events\`
   do not select the record, then the no-op processor; (c) a webhook processor selecting it, then
   the no-op processor. The webhook processor is listed first, so the SDK also calls its
   \`enabled()\` on every emit. After ${int(plan.hotPath.warmup)} warm-up emits each, the three are timed in
   ${int(plan.hotPath.samples)} interleaved samples of ${int(plan.hotPath.perSample)} emits; the table gives the median and
   90th percentile of the per-sample ns/emit. (c) delivers to the receiver (throttle 10 ms)
   between samples, outside the timed code. Below it, each step of the webhook path on its own
   (\`bench/steps.ts\`): CPU time, best of ${plan.steps.rounds} rounds (${plan.steps.rounds * 3} batches for the encoder, after 20 unmeasured).
2. **Throughput.** ${int(t.events)} events per run, after ${int(t.warmup)} untimed warm-up events through the same
   pipeline (so the code runs optimized, as in a long-lived process); median of ${t.repeats} run${t.repeats === 1 ? '' : 's'}
   (runs of the pipelines interleaved). Time runs from the first timed emit until the pipeline's
   \`forceFlush()\` has resolved, i.e. until the receiver has answered for every event; "received"
   is what the receiver counted in that time.
   - *webhook*: \`WebhookLogRecordProcessor\`, \`throttleMillis: 10\` (the default is 1 s, which would
     only measure the throttle), \`maxBatchEvents: ${int(t.batch)}\` (\`maxBatchBytes\` default 1 MiB),
     signed with HMAC-SHA256, queue cap raised so nothing is dropped.
   - *OTLP*: the SDK's \`BatchLogRecordProcessor\` (\`maxExportBatchSize\` ${int(t.otlpDefaultBatch)}, its default, and
     ${int(t.batch)}, the webhook's batch size; \`scheduledDelayMillis: 10\`; \`maxQueueSize\` raised to hold
     the whole run so nothing is dropped) → \`OTLPLogExporter\` from
     \`@opentelemetry/exporter-logs-otlp-http\` (JSON, no compression) → the same receiver.
   - *raw limit*: no pipeline: one pre-built, pre-signed webhook body of ${int(t.batch)} events POSTed again and
     again, one request at a time, through the webhook's own undici transport.
   - *SDK alone*: the same emits into a no-op processor, nothing sent: the ceiling for any processor.
3. **Outage.** The URL points at a closed port on 127.0.0.1; ${int(plan.outage.events)} records are emitted with the
   queue cap at its defaults (${int(OUTAGE_QUEUE_CAP.maxQueueEvents)} events / ${int(OUTAGE_QUEUE_CAP.maxQueueBytes / 1024 / 1024)} MiB), default throttle, not lossy.
   Drops are \`processor.stats().dropped\`.
4. **Cost growth.** The webhook throughput run at ${plan.growth.sizes.map(int).join(', ')} events (one webhook), and with
   ${plan.growth.webhooks.join(', ')} webhooks on one provider at ${int(plan.growth.webhookEvents)} events (every webhook selects every event, so
   16 webhooks make 16 deliveries per emit). No warm-up here: each run starts cold, so small runs
   are dominated by fixed costs (optimizing the code, the first connection, the 10 ms throttle).`;
}
