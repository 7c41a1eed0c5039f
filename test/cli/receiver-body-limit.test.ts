import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { type ReceivedBatch, startReceiver } from '../../src/cli/receiver.ts';
import { createTransport } from '../../src/http/transport.ts';
import { resolvedOptions } from '../helpers/resolved.ts';

const LIMIT = 1024;

/** A webhook body of about `bytes` bytes. */
function body(bytes: number): string {
  const event = { id: '1', createdAt: '2026-11-22T10:05:14Z', type: 'auth.success', data: { pad: '' } };
  const base = JSON.stringify({ events: [event] }).length;
  event.data.pad = 'x'.repeat(Math.max(0, bytes - base));
  return JSON.stringify({ events: [event] });
}

describe('CLI receiver body limit', () => {
  it('a body over the limit is answered 413 and counted as a refused batch with no events', async (t) => {
    const receiver = await startReceiver({ maxBodyBytes: LIMIT });
    t.after(() => receiver.close());
    const seen: ReceivedBatch[] = [];
    receiver.onBatch = (batch) => seen.push(batch);
    const response = await fetch(receiver.url, { method: 'POST', body: body(LIMIT + 1) });
    assert.equal(response.status, 413);
    assert.equal(await response.text(), `the body is ${LIMIT + 1} bytes, over the limit of ${LIMIT}`);
    assert.equal(receiver.requests, 1);
    assert.deepEqual(
      seen.map((batch) => [batch.status, batch.events.length, batch.problem]),
      [[413, 0, `the body is ${LIMIT + 1} bytes, over the limit of ${LIMIT}`]],
    );
  });

  it('a body of exactly the limit is read and accepted', async (t) => {
    const receiver = await startReceiver({ maxBodyBytes: LIMIT });
    t.after(() => receiver.close());
    const response = await fetch(receiver.url, { method: 'POST', body: body(LIMIT) });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
  });

  it('a chunked body is answered 413 as soon as it grows past the limit, while the sender is still sending', {
    timeout: 10_000,
  }, async (t) => {
    const receiver = await startReceiver({ maxBodyBytes: LIMIT });
    t.after(() => receiver.close());
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(receiver.url, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
        req.destroy();
      });
      req.on('error', reject);
      // Never ended: an answer can only come from the receiver giving up on the body.
      req.write(Buffer.alloc(LIMIT * 2));
    });
    assert.equal(status, 413);
    assert.equal(receiver.requests, 1);
  });

  it('a webhook sending a batch over the limit sees a final "too-large" answer', async (t) => {
    const receiver = await startReceiver({ maxBodyBytes: LIMIT });
    const transport = createTransport(resolvedOptions(receiver.url));
    t.after(async () => {
      await transport.destroy();
      await receiver.close();
    });
    const result = await transport.send(new TextEncoder().encode(body(1024 * 1024)));
    assert.deepEqual(result.status === 'failure' && [result.reason, result.statusCode], ['too-large', 413]);
  });

  it('the default limit is 16 MiB', async (t) => {
    const receiver = await startReceiver();
    t.after(() => receiver.close());
    const response = await fetch(receiver.url, {
      method: 'POST',
      body: new Uint8Array(16 * 1024 * 1024 + 1),
    });
    assert.equal(response.status, 413);
    assert.match(await response.text(), /over the limit of 16777216$/);
  });
});
