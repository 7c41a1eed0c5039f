import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchEncoder, encodeBatch } from '../../src/delivery/encode.ts';
import type { WebhookEvent } from '../../src/records/event.ts';

function event(json: string, bytes = Buffer.byteLength(json)): WebhookEvent {
  return { id: '1', type: 'auth.success', acceptedAt: 0, severity: 9, json, bytes };
}

const ascii = event('{"id":"1","data":{"accountName":"jane"}}');
const multiByte = event('{"id":"2","data":{"details":"naïve ✓ 😀"}}');

describe('batch body', () => {
  it('is {"events":[...]} with the events\' JSON verbatim, comma-separated, as UTF-8', () => {
    const body = encodeBatch([ascii, multiByte, ascii]);
    assert.equal(body.toString('utf8'), `{"events":[${ascii.json},${multiByte.json},${ascii.json}]}`);
    assert.equal(body.length, Buffer.byteLength(body.toString('utf8')));
  });

  it('holds an empty list when there are no events', () => {
    assert.equal(encodeBatch([]).toString('utf8'), '{"events":[]}');
  });

  it('is exact even when an event states a wrong byte length', () => {
    const expected = `{"events":[${ascii.json},${multiByte.json}]}`;
    for (const bytes of [multiByte.bytes - 1, multiByte.bytes - 2, multiByte.bytes + 1, multiByte.json.length, 0, Number.NaN]) {
      const body = encodeBatch([ascii, event(multiByte.json, bytes)]);
      assert.equal(body.toString('utf8'), expected, `bytes ${bytes}`);
    }
  });
});

describe('batch encoder (one buffer reused from body to body)', () => {
  it('writes the same bytes as encodeBatch', () => {
    const events = [ascii, multiByte, ascii];
    assert.deepEqual(new BatchEncoder().encode(events), encodeBatch(events));
  });

  it('gives each body exactly, whether it is larger or smaller than the one before', () => {
    const encoder = new BatchEncoder();
    const large = Array.from({ length: 5_000 }, (_, i) => (i % 2 === 0 ? ascii : multiByte));
    const huge = [event(`{"id":"3","data":{"details":"${'x'.repeat(9 * 1024 * 1024)}"}}`)];
    for (const events of [[ascii], large, [multiByte], huge, [ascii, multiByte], large, []]) {
      const body = encoder.encode(events);
      assert.equal(body.toString('utf8'), `{"events":[${events.map((e) => e.json).join(',')}]}`);
    }
  });

  it('is exact even when an event states a wrong byte length', () => {
    const encoder = new BatchEncoder();
    encoder.encode([ascii, ascii, ascii]);
    const body = encoder.encode([ascii, event(multiByte.json, multiByte.bytes - 2)]);
    assert.equal(body.toString('utf8'), `{"events":[${ascii.json},${multiByte.json}]}`);
  });
});
