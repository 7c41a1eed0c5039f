import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsOf, pipeline } from '../helpers/pipeline.ts';
import { receivers } from '../helpers/receivers.ts';

const receiver = receivers();

describe('forceFlush waits for the events accepted before it', () => {
  it('still waits for an older event when a newer one is dropped at once (queue full)', async () => {
    const r = await receiver({ respond: () => ({ status: 200, delayMillis: 300 }) });
    const { provider, logger, processor } = pipeline({
      url: r.url,
      events: ['*'],
      throttleMillis: 10,
      maxBatchEvents: 1,
      maxQueueEvents: 1,
    });
    logger.emit({ eventName: 'auth.success', attributes: { n: 0 } });
    await r.waitForRequests(1);
    logger.emit({ eventName: 'auth.success', attributes: { n: 1 } });
    const flushed = processor.forceFlush({ timeoutMillis: 5_000 });
    // Accepted after the flush began, into a full queue: dropped (overflow) at once.
    logger.emit({ eventName: 'auth.success', attributes: { n: 2 } });
    await flushed;
    const stats = processor.stats();
    assert.equal(stats.dropped.overflow, 1);
    assert.equal(stats.delivered, 2, 'n = 1, accepted before the flush, is delivered when it resolves');
    assert.deepEqual(
      r.requests.flatMap((q) => eventsOf(q.body).map((e) => e.data.n)),
      [0, 1],
    );
    await provider.shutdown();
  });
});
