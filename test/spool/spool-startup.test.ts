import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { WebhookLogRecordProcessor } from '../../src/processor.ts';
import { eventsOf } from '../helpers/pipeline.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { tempDir } from '../helpers/spool.ts';

const receivers: Receiver[] = [];
after(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

/** Emits events `n` = from … to - 1 through a processor and shuts it down while its receiver is down: they stay in the spool. */
async function leaveInSpool(url: string, spoolDir: string, from: number, to: number): Promise<void> {
  const processor = new WebhookLogRecordProcessor({ id: 'start', url, events: ['*'], spoolDir, shutdownTimeoutMillis: 100 });
  const logger = new LoggerProvider({ processors: [processor] }).getLogger('t');
  for (let n = from; n < to; n++) logger.emit({ eventName: 'auth.success', attributes: { n } });
  await processor.shutdown();
  assert.equal(processor.stats().dropped.shutdown, 0);
}

describe('processor start on a spool with a backlog', () => {
  it('delivers the backlog first, then what was emitted while the spool was still reading it, each once, in order', async (t) => {
    const spoolDir = tempDir(t);
    const down = await startReceiver();
    const url = down.url;
    await down.close();
    await leaveInSpool(url, spoolDir, 0, 6000);
    const r = await startReceiver({ port: down.port });
    receivers.push(r);
    const processor = new WebhookLogRecordProcessor({ id: 'start', url: r.url, events: ['*'], spoolDir });
    const provider = new LoggerProvider({ processors: [processor] });
    // Emitted before the spool has had a turn to read what it holds.
    for (let n = 6000; n < 6050; n++) provider.getLogger('t').emit({ eventName: 'auth.success', attributes: { n } });
    await provider.forceFlush();
    const stats = processor.stats();
    await provider.shutdown();
    const delivered = r.requests.flatMap((q) => eventsOf(q.body)).map((e) => e.data.n);
    assert.deepEqual(delivered, [...Array(6050).keys()]);
    assert.equal(stats.accepted, 6050);
    assert.equal(stats.delivered, 6050);
    assert.equal(stats.pending, 0);
  });

  it('delivers the backlog without being asked, once the spool has read it', async (t) => {
    const spoolDir = tempDir(t);
    const down = await startReceiver();
    const url = down.url;
    await down.close();
    await leaveInSpool(url, spoolDir, 0, 3000);
    const r = await startReceiver({ port: down.port });
    receivers.push(r);
    const processor = new WebhookLogRecordProcessor({ id: 'start', url: r.url, events: ['*'], spoolDir, throttleMillis: 10 });
    const deadline = Date.now() + 15_000;
    while (r.requests.flatMap((q) => eventsOf(q.body)).length < 3000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await processor.shutdown();
    assert.equal(r.requests.flatMap((q) => eventsOf(q.body)).length, 3000);
  });
});
