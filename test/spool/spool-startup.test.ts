import assert from 'node:assert/strict';
import { after, describe, it, type TestContext } from 'node:test';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { WebhookLogRecordProcessor } from '../../src/processor.ts';
import { eventsOf } from '../helpers/pipeline.ts';
import { type Receiver, type ReceiverOptions, startReceiver } from '../helpers/receiver.ts';
import { tempDir } from '../helpers/spool.ts';

const receivers: Receiver[] = [];
after(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

/**
 * A spool left with events `n` = 0 … count - 1 by a processor shut down while its receiver was
 * down, and that receiver back up (answering as `options` say) at the same url.
 */
async function backlogLeft(t: TestContext, count: number, options: ReceiverOptions = {}): Promise<{ spoolDir: string; r: Receiver }> {
  const spoolDir = tempDir(t);
  const down = await startReceiver();
  await down.close();
  const processor = new WebhookLogRecordProcessor({ id: 'start', url: down.url, events: ['*'], spoolDir, shutdownTimeoutMillis: 100 });
  const logger = new LoggerProvider({ processors: [processor] }).getLogger('t');
  for (let n = 0; n < count; n++) logger.emit({ eventName: 'auth.success', attributes: { n } });
  await processor.shutdown();
  assert.equal(processor.stats().dropped.shutdown, 0);
  const r = await startReceiver({ ...options, port: down.port });
  receivers.push(r);
  return { spoolDir, r };
}

describe('processor start on a spool with a backlog', () => {
  it('delivers the backlog first, then what was emitted while the spool was still reading it, each once, in order', async (t) => {
    const { spoolDir, r } = await backlogLeft(t, 6000);
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

  it('reads the next batch of the backlog back while a request is in flight, not when it is due', async (t) => {
    /** What is still on disk when the receiver answers the first request, half a second after it came. */
    let unreadAtAnswer: number | undefined;
    let processor: WebhookLogRecordProcessor | undefined;
    const { spoolDir, r } = await backlogLeft(t, 3000, {
      respond: async (_request, index) => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        if (index === 0) unreadAtAnswer = processor?.stats().spool?.unread;
        return {};
      },
    });
    processor = new WebhookLogRecordProcessor({ id: 'start', url: r.url, events: ['*'], spoolDir });
    t.after(() => processor.shutdown());
    // No other timer runs meanwhile: the reading ahead must not wait for one to wake the event loop.
    await r.waitForRequests(2, 5000);
    assert.equal(unreadAtAnswer, 1000, 'one batch read ahead during the first request, the last one still on disk');
  });

  it('sends what was emitted while the spool read an earlier process’s files as soon as they are read, not a throttle window later', async (t) => {
    const spoolDir = tempDir(t);
    const r = await startReceiver();
    receivers.push(r);
    // An earlier process that delivered everything: its last segment stays, all of it acknowledged.
    const earlier = new WebhookLogRecordProcessor({ id: 'start', url: r.url, events: ['*'], spoolDir, throttleMillis: 10 });
    const logger = new LoggerProvider({ processors: [earlier] }).getLogger('t');
    // Enough that reading its last segment takes the new process several turns.
    for (let n = 0; n < 20_000; n++) logger.emit({ eventName: 'auth.success', attributes: { n } });
    await earlier.shutdown();
    const before = r.requests.length;
    const processor = new WebhookLogRecordProcessor({ id: 'start', url: r.url, events: ['*'], spoolDir, throttleMillis: 5000 });
    t.after(() => processor.shutdown());
    const provider = new LoggerProvider({ processors: [processor] });
    for (let n = 20_000; n < 20_005; n++) provider.getLogger('t').emit({ eventName: 'auth.success', attributes: { n } });
    const received = await r.waitForRequests(before + 1, 2000);
    assert.deepEqual(
      eventsOf(received[before]?.body as Buffer).map((e) => e.data.n),
      [20_000, 20_001, 20_002, 20_003, 20_004],
    );
  });

  it('reads the backlog in a process that waits for nothing else: no other timer has to wake the event loop', async (t) => {
    const { spoolDir, r } = await backlogLeft(t, 3000);
    const processor = new WebhookLogRecordProcessor({ id: 'start', url: r.url, events: ['*'], spoolDir });
    t.after(() => processor.shutdown());
    // The only timer here is this wait's own: the scan takes many steps, each of which must run without it.
    const received = await r.waitForRequests(1, 3000);
    assert.equal(eventsOf(received[0]?.body as Buffer).length, 1000);
  });

  it('delivers the backlog without being asked, once the spool has read it', async (t) => {
    const { spoolDir, r } = await backlogLeft(t, 3000);
    const processor = new WebhookLogRecordProcessor({ id: 'start', url: r.url, events: ['*'], spoolDir, throttleMillis: 10 });
    const deadline = Date.now() + 15_000;
    while (r.requests.flatMap((q) => eventsOf(q.body)).length < 3000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await processor.shutdown();
    assert.equal(r.requests.flatMap((q) => eventsOf(q.body)).length, 3000);
  });
});
