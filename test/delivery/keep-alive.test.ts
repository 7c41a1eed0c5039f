import assert from 'node:assert/strict';
import { getActiveResourcesInfo } from 'node:process';
import { describe, it } from 'node:test';
import { keepAliveUntil } from '../../src/delivery/keep-alive.ts';
import { pipeline, sleep } from '../helpers/pipeline.ts';
import { receivers } from '../helpers/receivers.ts';

const receiver = receivers();

/** Timers that keep the event loop (and so the process) alive right now. */
function heldTimers(): number {
  return getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

describe('what keeps the process alive', () => {
  it('keepAliveUntil holds the event loop until the work settles, then lets go', async () => {
    const before = heldTimers();
    let finish = (): void => {};
    const work = keepAliveUntil(new Promise<void>((resolve) => (finish = resolve)));
    assert.equal(heldTimers(), before + 1);
    finish();
    await work;
    assert.equal(heldTimers(), before);
  });

  it('a processor waiting out its throttle window does not hold the event loop', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'], throttleMillis: 60_000 });
    logger.emit({ eventName: 'auth.success' });
    await r.waitForRequests(1);
    const before = heldTimers();
    logger.emit({ eventName: 'auth.failed' });
    await sleep(20);
    assert.equal(heldTimers(), before, 'the pending event waits on an unref()ed timer');
    await provider.shutdown();
  });

  it('a forceFlush waiting on a retry holds the event loop until it resolves', async () => {
    const r = await receiver({ respond: (_req, index) => ({ status: index === 0 ? 503 : 200 }) });
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], throttleMillis: 300 });
    const before = heldTimers();
    logger.emit({ eventName: 'auth.success' });
    await r.waitForRequests(1);
    // The processor's own, not the provider's: the SDK adds a timer of its own to the latter.
    const flushed = processor.forceFlush();
    await sleep(20);
    assert.ok(heldTimers() > before, 'held while the retry is awaited');
    await flushed;
    assert.equal(r.requests.length, 2);
    assert.equal(heldTimers(), before);
    await provider.shutdown();
  });

  it('a shutdown holds the event loop until it resolves', async () => {
    const r = await receiver({ respond: () => ({ delayMillis: 100 }) });
    const { logger, processor } = pipeline({ url: r.url, events: ['*'] });
    const before = heldTimers();
    logger.emit({ eventName: 'auth.success' });
    const closed = processor.shutdown();
    assert.ok(heldTimers() > before);
    await closed;
    assert.equal(heldTimers(), before);
  });
});
