import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsOf, pipeline, sleep } from './helpers/pipeline.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();

describe('failures', () => {
  it('retries a failed batch with the same ids, in order, until it is delivered', async () => {
    const r = await receiver({ respond: (_q, index) => ({ status: index < 2 ? 503 : 200 }) });
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], throttleMillis: 30 });
    logger.emit({ eventName: 'auth.success', attributes: { n: 0 } });
    logger.emit({ eventName: 'auth.success', attributes: { n: 1 } });
    const requests = await r.waitForRequests(3, 5_000);
    const ids = requests.map((q) => eventsOf(q.body).map((e) => e.id));
    assert.deepEqual(ids[1], ids[0]);
    assert.deepEqual(ids[2], ids[0]);
    await provider.shutdown();
    assert.equal(processor.stats().delivered, 2);
    assert.equal(processor.stats().failedRequests, 2);
  });

  it('drops and counts events older than discard-after instead of retrying them', async () => {
    const r = await receiver({ respond: () => ({ status: 500 }) });
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], throttleMillis: 20, discardAfterMillis: 250 });
    for (let i = 0; i < 4; i++) logger.emit({ eventName: 'auth.success' });
    const deadline = Date.now() + 5_000;
    while (processor.stats().dropped.discarded < 4 && Date.now() < deadline) await sleep(20);
    const stats = processor.stats();
    assert.equal(stats.dropped.discarded, 4);
    assert.equal(stats.pending, 0);
    assert.equal(stats.delivered, 0);
    await provider.shutdown();
  });
});
