/**
 * `npm run bench [-- --quick] [-- --out FILE]`: runs the benchmark scenarios, each in its own
 * process against a receiver process on 127.0.0.1, prints the tables, and (full runs, or
 * whenever `--out` is given) writes them into BENCHMARKS.md between its result markers.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeResults } from './benchmarks-file.ts';
import { describeMachine } from './machine.ts';
import { FULL_PLAN, OUTAGE_QUEUE_CAP, QUICK_PLAN } from './plan.ts';
import { type BenchReceiver, runScenario, startBenchReceiver } from './processes.ts';
import {
  growthSection,
  hotPathSection,
  machineSection,
  methodSection,
  outageSection,
  stepsSection,
  summarize,
  type ThroughputRow,
  targetsSection,
  throughputSection,
} from './report.ts';
import type { HotPathResult, OutageResult, Pipeline, StepsResult, ThroughputResult } from './types.ts';

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } },
});
const plan = flags.quick ? QUICK_PLAN : FULL_PLAN;
const out = flags.out ?? (flags.quick ? undefined : fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url)));
/** Longest any one scenario process may take before it is killed and the run fails. */
const SCENARIO_DEADLINE_MILLIS = 180_000;

const machine = describeMachine();
const started = performance.now();
const sections: string[] = [];
function section(title: string, text: string): void {
  const block = `### ${title}\n\n${text}`;
  sections.push(block);
  process.stdout.write(`\n${block}\n`);
}
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`;

function throughput(
  receiver: BenchReceiver,
  pipeline: Pipeline,
  events: number,
  batch: number,
  webhooks: number,
  warmup: number,
): Promise<ThroughputResult> {
  return runScenario<ThroughputResult>(
    'throughput.ts',
    { pipeline, url: receiver.url, events, batch, webhooks, chunk: plan.chunk, warmup },
    SCENARIO_DEADLINE_MILLIS,
  );
}

process.stdout.write(`otel-webhook-exporter benchmarks (${plan.name})\n${machineSection(machine, plan)}\n`);
const receiver = await startBenchReceiver();
try {
  const hot = await runScenario<HotPathResult>('hot-path.ts', { url: receiver.url, ...plan.hotPath }, SCENARIO_DEADLINE_MILLIS);
  const steps = await runScenario<StepsResult>('steps.ts', plan.steps, SCENARIO_DEADLINE_MILLIS);
  section('1. Hot path: `logger.emit`', `${hotPathSection(hot)}\n\n${stepsSection(steps)}`);

  const t = plan.throughput;
  const configs: { label: string; pipeline: Pipeline; batch: number }[] = [
    { label: `webhook processor (batch ${t.batch})`, pipeline: 'webhook', batch: t.batch },
    { label: `BatchLogRecordProcessor ${t.otlpDefaultBatch} → OTLP/HTTP JSON`, pipeline: 'otlp', batch: t.otlpDefaultBatch },
    { label: `BatchLogRecordProcessor ${t.batch} → OTLP/HTTP JSON`, pipeline: 'otlp', batch: t.batch },
    { label: `raw limit: pre-built bodies of ${t.batch}`, pipeline: 'raw', batch: t.batch },
    { label: 'SDK alone: no-op processor, nothing sent', pipeline: 'sdk', batch: t.batch },
  ];
  const runs: ThroughputResult[][] = configs.map(() => []);
  for (let repeat = 0; repeat < t.repeats; repeat++) {
    for (const [i, config] of configs.entries()) {
      runs[i]?.push(await throughput(receiver, config.pipeline, t.events, config.batch, 1, t.warmup));
    }
  }
  const rows = configs.map((config, i) => summarize(config.label, runs[i] ?? []));
  const [ours, otlpDefault, otlpLarge, raw, sdk] = rows as [ThroughputRow, ThroughputRow, ThroughputRow, ThroughputRow, ThroughputRow];
  section(`2. Throughput: ${t.events.toLocaleString('en-US')} events`, throughputSection(rows, ours));

  const outage = await runScenario<OutageResult>(
    'outage.ts',
    { events: plan.outage.events, chunk: plan.chunk, ...OUTAGE_QUEUE_CAP },
    SCENARIO_DEADLINE_MILLIS,
  );
  section('3. Outage: receiver down', outageSection(outage));

  const growth: ThroughputResult[] = [];
  for (const events of plan.growth.sizes) growth.push(await throughput(receiver, 'webhook', events, t.batch, 1, 0));
  for (const webhooks of plan.growth.webhooks) {
    if (webhooks === 1 && plan.growth.sizes.includes(plan.growth.webhookEvents)) continue;
    growth.push(await throughput(receiver, 'webhook', plan.growth.webhookEvents, t.batch, webhooks, 0));
  }
  growth.sort((a, b) => a.webhooks - b.webhooks || a.events - b.events);
  section('4. Cost growth (webhook processor)', growthSection(growth));

  section('Targets', targetsSection(hot, ours, [otlpDefault, otlpLarge], raw, sdk));
} finally {
  await receiver.stop();
}

process.stdout.write(`\nFinished in ${elapsed()}.\n`);
if (out === undefined) {
  process.stdout.write('Quick run: BENCHMARKS.md left as it is (pass --out FILE to write these results).\n');
} else {
  const results = [`## Results\n\n${machineSection(machine, plan)}`, ...sections, `### Method\n\n${methodSection(plan)}`].join('\n\n');
  writeResults(out, results);
  process.stdout.write(`Results written to ${out}.\n`);
}
