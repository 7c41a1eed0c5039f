import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { WebhookLogRecordProcessor } from '../src/processor.ts';
import { benchRecord } from './record.ts';
const url = process.argv[2]!;
const chunk = Number(process.argv[3] ?? 1000);
const p = new WebhookLogRecordProcessor({ id: 'm', url: `${url}/m`, events: ['auth.*'], throttleMillis: 10, signatureKey: 'k', maxBatchEvents: 4096, maxQueueEvents: 1e6, maxQueueBytes: 1e9 });
const provider = new LoggerProvider({ processors: [p] });
const logger = provider.getLogger('x');
const record = benchRecord();
let maxPending = 0; let sumPending = 0; let turns = 0;
const c0 = process.cpuUsage(); const t0 = performance.now();
let emitNs = 0n;
for (let sent = 0; sent < 200000; ) {
  const a = process.hrtime.bigint();
  for (let i = 0; i < chunk && sent < 200000; i++, sent++) logger.emit(record);
  emitNs += process.hrtime.bigint() - a;
  const pending = p.stats().pending; maxPending = Math.max(maxPending, pending); sumPending += pending; turns++;
  await new Promise((r) => setImmediate(r));
}
const t1 = performance.now();
await provider.forceFlush();
const t2 = performance.now(); const c = process.cpuUsage(c0);
console.log({ chunk, wall: (t2 - t0).toFixed(0), emitLoopMs: (t1 - t0).toFixed(0), emitOnlyMs: (Number(emitNs) / 1e6).toFixed(0), flushMs: (t2 - t1).toFixed(0), cpu: ((c.user + c.system) / 1000).toFixed(0), maxPending, avgPending: Math.round(sumPending / turns), requests: p.stats().requests, evps: Math.round(200000 / (t2 - t0) * 1000) });
process.exit(0);
