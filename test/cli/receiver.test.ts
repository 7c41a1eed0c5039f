import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startReceiver } from '../../src/cli/receiver.ts';

async function post(url: string, events: unknown[]): Promise<number> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify({ events }) });
  await response.arrayBuffer();
  return response.status;
}

const event = { id: '1', createdAt: '2026-11-22T10:05:14Z', type: 'auth.success', data: {} };

describe('CLI receiver', () => {
  it('counts requests without keeping them unless asked', async (t) => {
    const receiver = await startReceiver();
    t.after(() => receiver.close());
    const seen: number[] = [];
    receiver.onBatch = (batch) => seen.push(batch.events.length);
    assert.equal(await post(receiver.url, [event, event]), 200);
    assert.equal(await post(receiver.url, [event]), 200);
    assert.equal(receiver.requests, 2);
    assert.deepEqual(seen, [2, 1]);
    assert.deepEqual(receiver.batches, []);
  });

  it('keeps every batch with keepBatches', async (t) => {
    const receiver = await startReceiver({ keepBatches: true });
    t.after(() => receiver.close());
    assert.equal(await post(receiver.url, [event]), 200);
    assert.equal(receiver.requests, 1);
    assert.deepEqual(
      receiver.batches.map((batch) => batch.events.map((e) => e.id)),
      [['1']],
    );
  });
});
