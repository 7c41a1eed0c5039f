/**
 * Outage scenario: the receiver is down (the URL points at a closed port on 127.0.0.1) while
 * `events` records are emitted, in chunks with the event loop running between them so the
 * processor keeps trying to deliver. Reports the peak memory, how many events the processor
 * holds and how many it dropped, against the queue cap it was configured with.
 */

import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { WebhookLogRecordProcessor } from '../src/processor.ts';
import { markUsage, reportResult, scenarioParams, usageSince, yieldToLoop } from './measure.ts';
import { BENCH_SIGNATURE_KEY, benchRecord } from './record.ts';
import type { OutageParams, OutageResult } from './types.ts';

/** A loopback port that nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const params = scenarioParams<OutageParams>();
const record = benchRecord();
const port = await closedPort();
const queueCap = { maxQueueEvents: params.maxQueueEvents, maxQueueBytes: params.maxQueueBytes };
const processor = new WebhookLogRecordProcessor({
  id: 'outage',
  url: `http://127.0.0.1:${port}/webhook`,
  events: ['*'],
  signatureKey: BENCH_SIGNATURE_KEY,
  ...queueCap,
});
const provider = new LoggerProvider({ processors: [processor] });
const logger = provider.getLogger('bench');

const mark = markUsage();
for (let sent = 0; sent < params.events; ) {
  const end = Math.min(params.events, sent + params.chunk);
  for (; sent < end; sent++) logger.emit(record);
  await yieldToLoop();
}
const usage = usageSince(mark);
const stats = processor.stats();
const result: OutageResult = {
  ...usage,
  events: params.events,
  ...queueCap,
  pending: stats.pending,
  pendingBytes: stats.pendingBytes,
  accepted: stats.accepted,
  delivered: stats.delivered,
  failedRequests: stats.failedRequests,
  dropped: stats.dropped,
};
reportResult(result);
// The receiver never comes back: leave without the 30 s shutdown flush.
process.exit(0);
