/**
 * `node bench/gateway.ts [--quick] [--events N]`: the gateway beside the in-process processor,
 * events per second and CPU per event, on 127.0.0.1 only, every part its own process. Not part
 * of `npm run bench`.
 *
 * The package is installed from `npm pack` and the run's records (`bench/records.ts`, values
 * varying per event) are made once, as in `npm run bench`. Every pipeline delivers the same
 * records to the benchmark sink (`bench/sink.ts`) under the same webhook: the benchmark's event
 * selection, signed, throttle 10 ms, the default batch of 1,000 events.
 *
 * - in-process: `bench/pipeline-scenario.ts`, steady shape (a turn of the event loop every
 *   1,000 emits); CPU is the emitting process's own.
 * - gateway (protobuf / JSON): the installed `otel-webhooks serve` in its own process. This
 *   process is its OTLP client: the records as export requests of 512 (the SDKs' default
 *   batch), all encoded before anything is measured, POSTed two in flight over keep-alive.
 *   CPU and peak RSS are the gateway process's, read from /proc (Linux).
 *
 * A warm-up of other records goes through each pipeline first, unmeasured; the measured part
 * ends when the sink has counted every event.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { installPacked } from '../test/helpers/packed.ts';
import {
  type EncodedRequest,
  encodeRequests,
  type OtlpEncoding,
  processCpuMicros,
  processPeakRssMiB,
  sendRequests,
} from './gateway-requests.ts';
import { describeMachine } from './machine.ts';
import { sinkTotals } from './measure.ts';
import { FULL_PLAN, type Plan, QUICK_PLAN } from './plan.ts';
import { runScenario, startSink } from './processes.ts';
import { BENCH_EVENTS, BENCH_SIGNATURE_KEY, readRecordsFile, recordsInFile, writeRecordsFile } from './records.ts';
import { machineSection } from './report.ts';
import type { PipelineParams, PipelineResult } from './types.ts';

const REQUEST_RECORDS = 512;
const IN_FLIGHT = 2;
const THROTTLE_MILLIS = 10;
/** Longest any one pipeline may take before the run fails. */
const DEADLINE_MILLIS = 120_000;

interface Row {
  readonly pipeline: string;
  /** Events the sink counted over the measured part. */
  readonly events: number;
  readonly wallMillis: number;
  readonly cpuMicros: number | undefined;
  /** OTLP request bytes sent to the gateway; undefined in-process. */
  readonly otlpBytes: number | undefined;
  readonly webhookBytes: number;
  readonly peakRssMiB: number | undefined;
}

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean', default: false }, events: { type: 'string' } } });
const basePlan = flags.quick ? QUICK_PLAN : FULL_PLAN;
const plan: Plan = flags.events === undefined ? basePlan : { ...basePlan, events: Number(flags.events) };
if (!Number.isInteger(plan.events) || plan.events < REQUEST_RECORDS) throw new Error(`--events: expected an integer ≥ ${REQUEST_RECORDS}`);

async function waitForEvents(sink: string, key: string, target: number): Promise<void> {
  const deadline = performance.now() + DEADLINE_MILLIS;
  while ((await sinkTotals(sink, key)).events < target) {
    if (performance.now() > deadline) throw new Error(`the sink did not count ${target} events under ${key} in time`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves with the gateway's base URL once it prints its listening line; its warnings and errors go to stderr. */
function listeningUrl(gateway: ChildProcess): Promise<string> {
  const lines = createInterface({ input: gateway.stderr as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      const match = / listening on (http:\/\/\S+) /.exec(line);
      if (match !== null) resolve(match[1] as string);
      else if (/warning|error/i.test(line)) process.stderr.write(`${line}\n`);
    });
    gateway.once('exit', (code) => reject(new Error(`the gateway exited (${code}) before listening`)));
  });
}

async function stopGateway(gateway: ChildProcess): Promise<void> {
  if (gateway.exitCode !== null || gateway.signalCode !== null) return;
  const exited = once(gateway, 'exit');
  gateway.kill('SIGTERM');
  const timer = setTimeout(() => gateway.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

const bytesOf = (requests: readonly EncodedRequest[]): number => requests.reduce((sum, r) => sum + r.body.length, 0);

async function runGateway(
  cli: string,
  dir: string,
  sink: string,
  encoding: OtlpEncoding,
  warm: readonly EncodedRequest[],
  measured: readonly EncodedRequest[],
): Promise<Row> {
  const key = `gateway-${encoding}`;
  const config = join(dir, `${key}.toml`);
  const events = BENCH_EVENTS.map((pattern) => JSON.stringify(pattern)).join(', ');
  writeFileSync(
    config,
    `[webhook."bench"]\nurl = "${sink}/ok/${key}"\nevents = [${events}]\nsignature-key = "${BENCH_SIGNATURE_KEY}"\nthrottle = "${THROTTLE_MILLIS}ms"\n`,
  );
  const gateway = spawn(process.execPath, [cli, 'serve', config, '--port', '0', '--summary-interval', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const pid = gateway.pid ?? 0;
    const logsUrl = `${await listeningUrl(gateway)}/v1/logs`;
    await sendRequests(logsUrl, warm, encoding, IN_FLIGHT);
    await waitForEvents(
      sink,
      key,
      warm.reduce((sum, r) => sum + r.records, 0),
    );
    const before = await sinkTotals(sink, key);
    const cpuBefore = processCpuMicros(pid);
    const wallStart = performance.now();
    await sendRequests(logsUrl, measured, encoding, IN_FLIGHT);
    await waitForEvents(sink, key, before.events + measured.reduce((sum, r) => sum + r.records, 0));
    const wallMillis = performance.now() - wallStart;
    const cpuAfter = processCpuMicros(pid);
    const after = await sinkTotals(sink, key);
    return {
      pipeline: `gateway, OTLP/${encoding === 'json' ? 'JSON' : 'protobuf'} in (gateway process)`,
      events: after.events - before.events,
      wallMillis,
      cpuMicros: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
      otlpBytes: bytesOf(measured),
      webhookBytes: after.bytes - before.bytes,
      peakRssMiB: processPeakRssMiB(pid),
    };
  } finally {
    await stopGateway(gateway);
  }
}

function table(rows: readonly Row[]): string {
  const int = (n: number): string => Math.round(n).toLocaleString('en-US');
  const head =
    '| Pipeline | Events | Events/s | CPU µs/event | OTLP B/event in | Webhook B/event out | Peak RSS MiB |\n|:--|--:|--:|--:|--:|--:|--:|';
  const body = rows.map((row) => {
    const cpu = row.cpuMicros === undefined ? 'n/a' : (row.cpuMicros / row.events).toFixed(2);
    const otlp = row.otlpBytes === undefined ? '–' : int(row.otlpBytes / row.events);
    const rss = row.peakRssMiB === undefined ? 'n/a' : int(row.peakRssMiB);
    return `| ${row.pipeline} | ${int(row.events)} | ${int((row.events / row.wallMillis) * 1000)} | ${cpu} | ${otlp} | ${int(row.webhookBytes / row.events)} | ${rss} |`;
  });
  return [head, ...body].join('\n');
}

const machine = describeMachine();
process.stdout.write(`otel-webhook-exporter gateway benchmark (${plan.name})\n${machineSection(machine, plan)}\n`);
const started = performance.now();
const install = installPacked();
const entry = createRequire(join(install.dir, 'package.json')).resolve('otel-webhook-exporter');
const cli = join(install.packageDir, 'bin', 'otel-webhooks.js');
const recordsFile = join(install.dir, 'records.json');
writeRecordsFile(recordsFile, recordsInFile(plan), plan.seed);
const sink = await startSink();
try {
  const rows: Row[] = [];
  const params: PipelineParams = {
    entry,
    sink: sink.url,
    key: 'in-process',
    seed: plan.seed,
    records: recordsFile,
    spec: { id: 'webhook', label: '`WebhookLogRecordProcessor`', kind: 'webhook' },
    shape: 'steady',
    events: plan.events,
    warmup: plan.warmup,
    warmupRounds: plan.warmupRounds,
    warmupBursts: plan.warmupBursts,
    yieldEvery: plan.yieldEvery,
    steadyThrottleMillis: THROTTLE_MILLIS,
  };
  const inProcess = await runScenario<PipelineResult>('pipeline-scenario.ts', params, DEADLINE_MILLIS);
  rows.push({
    pipeline: 'in-process processor (emitting process)',
    events: inProcess.received,
    wallMillis: inProcess.wallMillis,
    cpuMicros: inProcess.cpuMicros,
    otlpBytes: undefined,
    webhookBytes: inProcess.receivedBytes,
    peakRssMiB: inProcess.peakRssMiB,
  });
  const records = readRecordsFile(recordsFile);
  for (const encoding of ['protobuf', 'json'] as const) {
    const warm = encodeRequests(records.slice(0, plan.warmup), REQUEST_RECORDS, encoding);
    const measured = encodeRequests(records.slice(plan.warmup, plan.warmup + plan.events), REQUEST_RECORDS, encoding);
    rows.push(await runGateway(cli, install.dir, sink.url, encoding, warm, measured));
  }
  process.stdout.write(`\n${table(rows)}\n`);
  const short = rows.filter((row) => row.events < plan.events);
  if (short.length > 0)
    throw new Error(`the sink counted fewer than ${plan.events} events for: ${short.map((r) => r.pipeline).join(', ')}`);
} finally {
  await sink.stop();
  install.cleanup();
}
process.stdout.write(`\nFinished in ${((performance.now() - started) / 1000).toFixed(0)} s.\n`);
