/**
 * The gateway beside the in-process processor: events per second and CPU per event, on
 * 127.0.0.1 only, every part its own process.
 *
 *   node bench/gateway.ts [--quick] [--events N]
 *
 * - in-process: an application process emits the benchmark record through a LoggerProvider
 *   with one WebhookLogRecordProcessor; CPU is that process's.
 * - gateway (protobuf / JSON): `otel-webhooks serve` in its own process, with the same webhook;
 *   a client process POSTs pre-encoded OTLP requests of 512 records (two in flight, keep-alive)
 *   and CPU is the gateway process's, read from /proc (Linux).
 *
 * Each pipeline delivers to the benchmark receiver (bench/receiver.ts, its own process); a run
 * ends when the receiver has counted every event. Throttle 10 ms, batches of up to 4096 events,
 * signed, as in the throughput benchmark. Not part of `npm run bench`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { otlpSchema } from '../src/gateway/otlp-schema.ts';
import { WebhookLogRecordProcessor } from '../src/processor.ts';
import { markUsage, yieldToLoop } from './measure.ts';
import { BENCH_SIGNATURE_KEY, benchRecord } from './record.ts';

const HERE = fileURLToPath(new URL('./', import.meta.url));
const CLI = join(HERE, '..', 'src', 'cli', 'main.ts');
const REQUEST_RECORDS = 512;
const IN_FLIGHT = 2;
const DEADLINE_MILLIS = 180_000;

interface Row {
  readonly pipeline: string;
  readonly events: number;
  readonly wallMillis: number;
  readonly cpuMillis: number | undefined;
}

function lines(child: ChildProcess): AsyncIterator<string> {
  return createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
}

async function firstMatch(child: ChildProcess, stream: NodeJS.ReadableStream, pattern: RegExp): Promise<RegExpExecArray> {
  for await (const line of createInterface({ input: stream })) {
    const match = pattern.exec(line);
    if (match !== null) return match;
  }
  throw new Error(`process ${child.pid} ended before printing ${pattern}`);
}

function startReceiver(): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, [join(HERE, 'receiver.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = lines(child)
    .next()
    .then(({ value }) => `http://127.0.0.1:${(JSON.parse(String(value)) as { port: number }).port}`);
  return { child, url };
}

async function receivedEvents(url: string): Promise<number> {
  const response = await fetch(`${url}/stats`);
  return ((await response.json()) as { events: number }).events;
}

async function waitForEvents(url: string, target: number): Promise<void> {
  const deadline = performance.now() + DEADLINE_MILLIS;
  while ((await receivedEvents(url)) < target) {
    if (performance.now() > deadline) throw new Error(`the receiver did not get ${target} events in time`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** CPU time (user + system) of process `pid` in ms, from /proc; undefined elsewhere. */
function processCpuMillis(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

const webhookOptions = (url: string) => ({
  id: 'bench',
  url,
  events: ['*'],
  signatureKey: BENCH_SIGNATURE_KEY,
  throttleMillis: 10,
  maxBatchEvents: 4096,
});

/** The child side of the in-process run: prints {"wallMillis","cpuMillis"} for the timed part. */
async function inProcessChild(url: string, events: number, warmup: number): Promise<void> {
  const processor = new WebhookLogRecordProcessor(webhookOptions(`${url}/webhook/in-process`));
  const provider = new LoggerProvider({ processors: [processor] });
  const logger = provider.getLogger('bench');
  const record = benchRecord();
  const emit = async (count: number): Promise<void> => {
    for (let sent = 0; sent < count; ) {
      const end = Math.min(count, sent + 1000);
      for (; sent < end; sent++) logger.emit(record);
      await yieldToLoop();
    }
    await provider.forceFlush();
  };
  await emit(warmup);
  const before = await receivedEvents(url);
  const mark = markUsage();
  await emit(events);
  await waitForEvents(url, before + events);
  const cpu = process.cpuUsage(mark.cpu);
  const wallMillis = Number(process.hrtime.bigint() - mark.wallNanos) / 1e6;
  process.stdout.write(`${JSON.stringify({ wallMillis, cpuMillis: (cpu.user + cpu.system) / 1000 })}\n`);
  await provider.shutdown();
}

async function runInProcess(url: string, events: number, warmup: number): Promise<Row> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', url, String(events), String(warmup)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { value } = await lines(child).next();
  const result = JSON.parse(String(value)) as { wallMillis: number; cpuMillis: number };
  return { pipeline: 'in-process processor (emitting process)', events, ...result };
}

/** One OTLP request of REQUEST_RECORDS benchmark records, as OTLP/JSON text and as protobuf. */
function requestBodies(): { json: string; protobuf: Uint8Array } {
  const { attributes = {}, eventName, severityNumber } = benchRecord();
  const record = {
    timeUnixNano: `${Date.now()}000000`,
    severityNumber,
    eventName,
    attributes: Object.entries(attributes).map(([key, value]) => ({
      key,
      value: typeof value === 'number' ? { intValue: value } : { stringValue: String(value) },
    })),
  };
  const request = {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] },
        scopeLogs: [{ scope: { name: 'bench' }, logRecords: Array(REQUEST_RECORDS).fill(record) }],
      },
    ],
  };
  const type = otlpSchema().request;
  return { json: JSON.stringify(request), protobuf: type.encode(type.fromObject(request)).finish() };
}

async function post(url: string, body: string | Uint8Array, contentType: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType } });
    await response.arrayBuffer();
    if (response.status === 200) return;
    if (response.status !== 429 && response.status !== 503) throw new Error(`the gateway answered ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000));
  }
  throw new Error('the gateway kept refusing');
}

async function sendRequests(url: string, requests: number, body: string | Uint8Array, contentType: string): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests) {
      next++;
      await post(url, body, contentType);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

async function runGateway(receiverUrl: string, encoding: 'protobuf' | 'json', events: number, warmup: number, dir: string): Promise<Row> {
  const config = join(dir, `${encoding}.toml`);
  const hook = `${receiverUrl}/webhook/gateway-${encoding}`;
  writeFileSync(
    config,
    `[webhook."bench"]\nurl = "${hook}"\nevents = ["*"]\nsignature-key = "${BENCH_SIGNATURE_KEY}"\nthrottle = "10ms"\nmax-batch-events = 4096\n`,
  );
  const gateway = spawn(process.execPath, [CLI, 'serve', config, '--port', '0', '--summary-interval', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const [, base] = await firstMatch(gateway, gateway.stderr as NodeJS.ReadableStream, /listening on (http:\/\/\S+) /);
    const logsUrl = `${base}/v1/logs`;
    const bodies = requestBodies();
    const body = encoding === 'json' ? bodies.json : bodies.protobuf;
    const type = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
    const before = await receivedEvents(receiverUrl);
    await sendRequests(logsUrl, Math.ceil(warmup / REQUEST_RECORDS), body, type);
    const requests = Math.ceil(events / REQUEST_RECORDS);
    await waitForEvents(receiverUrl, before + Math.ceil(warmup / REQUEST_RECORDS) * REQUEST_RECORDS);
    const start = await receivedEvents(receiverUrl);
    const cpuBefore = processCpuMillis(gateway.pid ?? 0);
    const wallStart = performance.now();
    await sendRequests(logsUrl, requests, body, type);
    await waitForEvents(receiverUrl, start + requests * REQUEST_RECORDS);
    const wallMillis = performance.now() - wallStart;
    const cpuAfter = processCpuMillis(gateway.pid ?? 0);
    const cpuMillis = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
    return {
      pipeline: `gateway, OTLP/${encoding === 'json' ? 'JSON' : 'protobuf'} in (gateway process)`,
      events: requests * REQUEST_RECORDS,
      wallMillis,
      cpuMillis,
    };
  } finally {
    gateway.kill('SIGTERM');
  }
}

function table(rows: readonly Row[]): string {
  const head = '| Pipeline | Events | Events/s | CPU µs/event |\n|:--|--:|--:|--:|';
  const body = rows.map((row) => {
    const perSecond = Math.round((row.events / row.wallMillis) * 1000).toLocaleString('en-US');
    const cpu = row.cpuMillis === undefined ? 'n/a' : ((row.cpuMillis * 1000) / row.events).toFixed(2);
    return `| ${row.pipeline} | ${row.events.toLocaleString('en-US')} | ${perSecond} | ${cpu} |`;
  });
  return [head, ...body].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, events: { type: 'string' } } });
  const events = Number(values.events ?? (values.quick ? 20_000 : 200_000));
  const warmup = Math.min(50_000, Math.ceil(events / 4));
  const receiver = startReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  try {
    const url = await receiver.url;
    const rows: Row[] = [];
    rows.push(await runInProcess(url, events, warmup));
    rows.push(await runGateway(url, 'protobuf', events, warmup, dir));
    rows.push(await runGateway(url, 'json', events, warmup, dir));
    process.stdout.write(`${table(rows)}\n`);
  } finally {
    receiver.child.stdin?.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  await inProcessChild(String(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]));
} else {
  await main();
}
