import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeliveryStats } from '../../src/delivery/outcomes.ts';
import { pipeline, sleep } from '../helpers/pipeline.ts';
import { receivers } from '../helpers/receivers.ts';

const receiver = receivers();

function unaccounted(stats: DeliveryStats): number {
  const dropped = Object.values(stats.dropped).reduce((sum, n) => sum + n, 0);
  return stats.accepted - stats.delivered - dropped - stats.pending;
}

describe('delivery accounting', () => {
  it('counts every accepted record as delivered, dropped or pending, at every moment', async () => {
    let calls = 0;
    const r = await receiver({ respond: () => ({ status: calls++ % 3 === 0 ? 503 : 200, delayMillis: 30 }) });
    const { provider, logger, processor } = pipeline({
      url: r.url,
      events: ['*'],
      throttleMillis: 10,
      retryMaxMillis: 40,
      maxBatchEvents: 3,
      maxQueueEvents: 6,
      lossy: true,
    });
    const seen: number[] = [];
    for (let n = 0; n < 40; n++) {
      logger.emit({ eventName: n % 4 === 0 ? 'auth.error' : 'auth.success', attributes: { n } });
      seen.push(unaccounted(processor.stats()));
      if (n % 5 === 0) await sleep(15);
    }
    await provider.forceFlush();
    seen.push(unaccounted(processor.stats()));
    await provider.shutdown();
    const stats = processor.stats();
    seen.push(unaccounted(stats));
    assert.deepEqual(new Set(seen), new Set([0]));
    assert.equal(stats.accepted, 40);
    assert.equal(stats.pending, 0);
    assert.ok(stats.dropped.overflow > 0 && stats.dropped.lossy > 0 && stats.delivered > 0, JSON.stringify(stats));
  });
});
