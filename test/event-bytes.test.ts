import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsOf, pipeline } from './helpers/pipeline.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();

describe('events held as bytes', () => {
  it('delivers a record emitted while another is being written (from a getter of its body), both intact', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'] });
    const body = {
      get reason(): string {
        logger.emit({ eventName: 'auth.failed', attributes: { n: 'inner' } });
        return 'outer reason';
      },
    };
    logger.emit({ eventName: 'auth.success', attributes: { n: 'outer' }, body: body as never });
    logger.emit({ eventName: 'auth.success', attributes: { n: 'after' } });
    // Flushed before the shutdown: once the provider is shut down, the SDK takes no record, not even from a getter.
    await provider.forceFlush();
    await provider.shutdown();
    const events = r.requests.flatMap((q) => eventsOf(q.body));
    assert.deepEqual(
      events.map((e) => [e.type, e.data]),
      [
        ['auth.failed', { n: 'inner' }],
        ['auth.success', { n: 'outer', reason: 'outer reason' }],
        ['auth.success', { n: 'after' }],
      ],
    );
    assert.equal(new Set(events.map((e) => e.id)).size, 3);
  });

  it('delivers events larger than the memory chunks they are held in, between small ones', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'] });
    const large = 'ü'.repeat(300_000);
    for (let n = 0; n < 2_000; n++) {
      logger.emit({ eventName: 'auth.success', attributes: { n, details: n % 500 === 7 ? large : `small ${n}` } });
    }
    await provider.shutdown();
    const events = r.requests.flatMap((q) => eventsOf(q.body));
    assert.equal(events.length, 2_000);
    events.forEach((e, n) => {
      assert.equal(e.data.n, n);
      assert.equal(e.data.details, n % 500 === 7 ? large : `small ${n}`);
    });
  });
});
